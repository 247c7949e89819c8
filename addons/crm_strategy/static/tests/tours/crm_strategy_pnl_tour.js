import { registry } from "@web/core/registry";

// The P&L analyst's journey: the customer P&L, refreshed, one customer's month and the invoices behind it.
registry.category("web_tour.tours").add("crm_strategy_pnl_tour", {
    url: "/odoo/crm-customer-pnl",
    steps: () => [
        { trigger: ".o_pivot", content: "The customer P&L opens as a pivot of months and customers" },
        { trigger: ".o_switch_view.o_list", run: "click" },
        { trigger: ".o_list_view .o_data_row" },
        { trigger: "button[name=action_refresh]", content: "Refresh P&L", run: "click" },
        { trigger: ".o_notification:contains(Customer P&L)", content: "The refresh says what it did" },
        { trigger: ".o_searchview_input", run: "edit Tour P&L customer" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_list_view .o_data_row .o_data_cell:contains(Tour P&L customer)", run: "click" },
        {
            trigger: ".o_form_view .o_field_widget[name=net_revenue]:contains(240.00)",
            content: "The customer's month, from gross revenue to profit",
        },
        { trigger: ".o_form_view .o_field_widget[name=profit]" },
        { trigger: ".o_form_view button[name=action_view_invoices]", run: "click" },
        {
            trigger: ".o_list_view .o_data_row:contains(240.00)",
            content: "The invoices and credit notes behind the figures",
        },
        { trigger: ".o_breadcrumb a:contains(Tour P&L customer)", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=net_revenue]:contains(240.00)" },
    ],
});
