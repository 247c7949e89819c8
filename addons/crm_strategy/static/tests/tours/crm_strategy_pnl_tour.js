import { registry } from "@web/core/registry";
import * as Step from "@crm_strategy/../tests/tours/utils/steps";

const customer = "Tour P&L customer";
const monthRevenue = ".o_form_view .o_field_widget[name=net_revenue]:contains(240.00)";

// The P&L analyst's journey: the customer P&L, refreshed, one customer's month and the invoices behind it.
registry.category("web_tour.tours").add("crm_strategy_pnl_tour", {
    url: "/odoo/crm-customer-pnl",
    steps: () => [
        Step.see(".o_pivot", "The customer P&L opens as a pivot of months and customers"),
        Step.click(".o_switch_view.o_list"),
        Step.see(".o_list_view .o_data_row"),
        Step.click("button[name=action_refresh]", "Refresh P&L"),
        Step.see(".o_notification:contains(Customer P&L)", "The refresh says what it did"),
        ...Step.search(customer),
        Step.click(`.o_list_view .o_data_row .o_data_cell:contains(${customer})`),
        Step.see(monthRevenue, "The customer's month, from gross revenue to profit"),
        Step.see(".o_form_view .o_field_widget[name=profit]"),
        Step.click(".o_form_view button[name=action_view_invoices]"),
        Step.see(".o_list_view .o_data_row:contains(240.00)", "The invoices and credit notes behind the figures"),
        Step.click(`.o_breadcrumb a:contains(${customer})`),
        Step.see(monthRevenue),
    ],
});
