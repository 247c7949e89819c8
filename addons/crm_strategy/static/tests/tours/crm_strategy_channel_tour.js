import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_strategy_channel_tour", {
    url: "/odoo/crm-channel-strategies",
    steps: () => [
        {
            trigger: ".o_data_row td:contains(the right channel per segment)",
            content: "Open the new channel strategy",
            run: "click",
        },
        { trigger: ".o_field_widget[name=matrix_html] table", content: "Its segment x channel matrix" },
        { trigger: ".o_form_view .o_statusbar_buttons button[name=action_compare]", run: "click" },
        { trigger: ".modal .o_field_widget[name=old_strategy_id] input", run: "edit field sales for everyone" },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains(field sales for everyone)",
            run: "click",
        },
        { trigger: ".modal footer button[name=action_compare]", run: "click" },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row td:contains(bargain hunters)",
            content: "One line per segment, ranked by conflict intensity",
        },
        { trigger: ".modal .o_field_widget[name=change_count]:not(:contains(0))", content: "Segments to change" },
        { trigger: ".modal footer button[name=action_export_xlsx]", content: "The comparison can be exported" },
    ],
});
