{
    "name": "CRM Analytics",
    "version": "19.0.1.1.0",
    "category": "Sales/CRM",
    "summary": "Customer data repository and analytics: RFM, cohorts, CLV (BG/NBD + Gamma-Gamma), "
    "acquisition cost, campaign ROI, forecasting",
    "author": "CRM Strategy Suite",
    "website": "https://example.com/crm-strategy-suite",
    "license": "LGPL-3",
    # spreadsheet_dashboard: the Dashboards app, which lists the dashboard too (sale auto-installs it already)
    "depends": ["crm_strategy", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["numpy", "pandas", "scipy", "xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/crm_analytics_security.xml",
        "data/crm_analytics_data.xml",
        "views/crm_analytics_export_views.xml",
        "views/crm_customer_metrics_views.xml",
        "views/crm_clv_model_views.xml",
        "views/crm_cohort_retention_views.xml",
        "views/crm_revenue_forecast_views.xml",
        "views/crm_marketing_spend_views.xml",
        "views/crm_campaign_roi_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/crm_retention_trigger_views.xml",
        "views/crm_retention_report_views.xml",
        "views/crm_process_funnel_views.xml",
        "views/crm_analytics_dashboard_views.xml",
        "views/crm_analytics_menus.xml",
    ],
    "demo": [
        "demo/crm_analytics_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_backend": [
            "crm_analytics/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "crm_analytics/static/tests/tours/*",
        ],
    },
}
