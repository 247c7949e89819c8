{
    "name": "CRM Strategy",
    "version": "19.0.1.2.0",
    "category": "Sales/CRM",
    "summary": "Customer segments along the segment-management continuum, profiling, "
    "customer strategy, customer P&L and channel development",
    "author": "CRM Strategy Suite",
    "website": "https://example.com/crm-strategy-suite",
    "license": "LGPL-3",
    "depends": ["contacts", "sale_management", "sale_stock", "account", "crm", "utm"],
    "data": [
        "security/crm_strategy_security.xml",
        "security/ir.model.access.csv",
        "data/crm_strategy_data.xml",
        "views/crm_segment_views.xml",
        "views/crm_sales_fact_views.xml",
        "views/crm_customer_measure_views.xml",
        "views/crm_strategy_views.xml",
        "views/crm_customer_pnl_views.xml",
        "views/crm_cost_pool_views.xml",
        "views/crm_channel_views.xml",
        "views/crm_channel_evaluation_views.xml",
        "views/crm_channel_strategy_views.xml",
        "wizards/crm_channel_strategy_comparison_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_strategy_menus.xml",
    ],
    "demo": [
        "demo/crm_profile_tag_demo.xml",
        "demo/crm_strategy_demo.xml",
        "demo/crm_channel_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "assets": {
        "web.assets_backend": [
            "crm_strategy/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "crm_strategy/static/tests/tours/**/*",
        ],
    },
}
