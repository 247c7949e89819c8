import { registry } from "@web/core/registry";

/** A manager opens the dashboard, filters by a segment, drills down to a customer, reads the explanation of the
 * figures and exports the customer metrics to XLSX (the test then opens the workbook). */
registry.category("web_tour.tours").add("crm_analytics_dashboard_tour", {
    url: "/odoo/customer-analytics",
    steps: () => [
        { trigger: ".o_crm_analytics_dashboard .o_crm_kpi_customers .o_crm_kpi_value:text(2)" },
        { trigger: ".o_crm_rfm_grid .o_crm_rfm_5_4:text(1)" },
        { trigger: "select.o_crm_filter_segment", run: "selectByLabel Tour Champions" },
        { trigger: ".o_crm_kpi_customers .o_crm_kpi_value:text(1)" },
        { trigger: ".o_crm_kpi_customers", run: "click" },
        { trigger: ".o_list_view .o_data_row:count(1) .o_data_cell:contains(Tour Alice)", run: "click" },
        { trigger: ".o_form_view .o_crm_metrics_explanation:contains(P(alive))" },
        { trigger: ".o_crm_metrics_explanation:contains(Gamma-Gamma p, q, v)" },
        { trigger: ".o_form_view button.o_crm_metrics_export", run: "click" },
        { trigger: ".modal .o_crm_export_button", run: "click" },
        { trigger: ".modal .o_crm_export_done:contains(.xlsx)" },
        { trigger: ".modal .o_crm_export_done .o_field_binary" },
    ],
});
