import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_strategy_segment_tour", {
    url: "/odoo/crm-segments",
    steps: () => [
        { trigger: ".o_kanban_renderer", content: "The segments open in a kanban by continuum stage" },
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
        { trigger: ".o_control_panel_main_buttons .o-kanban-button-new", run: "click" },
        { trigger: ".o_field_widget[name=name] input", run: "edit Tour wholesalers" },
        { trigger: ".o_field_widget[name=code] input", run: "edit TOURW" },
        { trigger: ".o_field_widget[name=strategy_action] input", run: "click" },
        { trigger: ".o_select_menu_menu .o_select_menu_item:contains(Attract)", run: "click" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved", content: "saved" },
        {
            trigger: ".o_statusbar_status button[data-value='marketing_segmentation']",
            run: "click",
        },
        { trigger: ".o_statusbar_status button[data-value='marketing_segmentation'].o_arrow_button_current" },
        {
            trigger: ".o-mail-Message:contains(Marketing segmentation)",
            content: "The stage change is saved and tracked in the chatter",
        },
        { trigger: ".o_form_view button[name=action_refresh_members]", run: "click" },
        {
            trigger: ".o_notification:contains(Members refreshed):contains(Tour wholesalers)",
            content: "The refresh says how many members the segment has now",
        },
    ],
});
