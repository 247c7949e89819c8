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
        {
            trigger: ".o_crm_channel_comparison .o_field_widget[name=old_strategy_id] input",
            content: "The comparison is a page of its own, not a dialog",
            run: "edit field sales for everyone",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains(field sales for everyone)",
            run: "click",
        },
        { trigger: ".o_crm_channel_comparison button[name=action_compare]", run: "click" },
        { trigger: ".o_notification:contains(Strategies compared):contains(to change)" },
        {
            trigger: ".o_crm_channel_comparison .o_field_widget[name=line_ids] .o_data_row td:contains(bargain hunters)",
            content: "One line per segment, ranked by conflict intensity",
        },
        { trigger: ".o_crm_channel_comparison .o_field_widget[name=change_count]:not(:contains(0))" },
        { trigger: ".o_crm_channel_comparison .o_breadcrumb:contains(→)", content: "The page names the two strategies" },
        {
            trigger: ".o_crm_channel_comparison .o_field_widget[name=line_ids] .o_data_row td:contains(bargain hunters)",
            content: "Open the detail of a segment",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains(Segment Impact)",
            content: "The detail has a proper title",
        },
        { trigger: ".modal .o_field_widget[name=segment_id]:contains(bargain hunters)" },
        {
            trigger: ".modal:not(:contains(crm.channel.strategy.comparison,))",
            content: "and no raw reference",
        },
        { trigger: ".modal .btn-close", run: "click" },
        { trigger: ".o_crm_channel_comparison button[name=action_export_xlsx]", content: "It can be exported" },
    ],
});
