import { registry } from "@web/core/registry";
import * as Step from "@crm_strategy/../tests/tours/utils/steps";

const marketingStage = ".o_statusbar_status button[data-value='marketing_segmentation']";

// The segment owner's journey: the continuum kanban, a new segment moved along it, its members refreshed.
registry.category("web_tour.tours").add("crm_strategy_segment_tour", {
    url: "/odoo/crm-segments",
    steps: () => [
        Step.see(".o_kanban_renderer", "The segments open in a kanban by continuum stage"),
        {
            trigger: ".o_kanban_renderer .o_kanban_group:eq(5)",
            content: "All six stages fit the screen",
            run() {
                const right = this.anchor.getBoundingClientRect().right;
                if (right > window.innerWidth) {
                    throw new Error(`The last stage ends at ${right}px, beyond the ${window.innerWidth}px screen`);
                }
            },
        },
        Step.click(".o_control_panel_main_buttons .o-kanban-button-new"),
        Step.fill("name", "Tour wholesalers"),
        Step.fill("code", "TOURW"),
        ...Step.choose("strategy_action", "Attract"),
        ...Step.save(),
        Step.click(marketingStage),
        Step.see(`${marketingStage}.o_arrow_button_current`),
        Step.see(".o-mail-Message:contains(Marketing segmentation)", "The stage change is saved and tracked in the chatter"),
        Step.click(".o_form_view button[name=action_refresh_members]"),
        Step.see(
            ".o_notification:contains(Members refreshed):contains(Tour wholesalers)",
            "The refresh says how many members the segment has now"
        ),
    ],
});
