import { registry } from "@web/core/registry";

// The strategy manager's journey: a segment, its playbook, the preview of who changes from what to what,
// the application and its log.
registry.category("web_tour.tours").add("crm_strategy_playbook_tour", {
    url: "/odoo/crm-segments",
    steps: () => [
        { trigger: ".o_kanban_renderer" },
        { trigger: ".o_searchview_input", run: "edit Growing small" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains(Growing small businesses)", run: "click" },
        { trigger: ".o_form_view button[name=action_view_playbooks]", content: "The segment's playbook", run: "click" },
        { trigger: ".o_form_view .o_breadcrumb:contains(Growing small businesses)" },
        { trigger: ".o_form_view .o_field_widget[name=payment_term_id] input", content: "Its levers" },
        { trigger: ".o_form_view button[name=action_preview]", content: "Preview before applying", run: "click" },
        {
            trigger: ".modal .o_data_row:contains(Payment terms):contains(30 Days)",
            content: "Each member, the lever, the value before and the value set",
        },
        { trigger: ".modal .o_data_row:contains(Service level):contains(Standard)" },
        { trigger: ".modal button[name=action_apply]", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=trigger]:contains(Applied by hand)", content: "The log" },
        { trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(30 Days)" },
        { trigger: ".o_form_view button[name=action_undo]", content: "It can be undone" },
    ],
});
