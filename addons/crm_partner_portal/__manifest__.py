{
    "name": "CRM Partner Portal",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Purchase",
    "summary": "Collaborative CRM: suppliers confirm orders, see demand forecasts, share stock and "
    "lead times and upload bills on the portal; signed webhooks",
    "author": "CRM Strategy Suite",
    "website": "https://example.com/crm-strategy-suite",
    "license": "LGPL-3",
    "depends": ["crm_strategy", "purchase_stock", "sale_crm", "portal"],
    "external_dependencies": {"python": ["requests", "xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/crm_partner_portal_security.xml",
        "data/ir_cron_data.xml",
        "views/crm_supplier_commit_views.xml",
        "views/crm_supplier_forecast_views.xml",
        "views/crm_supplier_stock_offer_views.xml",
        "views/crm_supplier_scorecard_views.xml",
        "views/crm_supplier_webhook_views.xml",
        "views/purchase_order_views.xml",
        "views/portal_templates.xml",
        "views/portal_forecast_templates.xml",
        "views/portal_stock_templates.xml",
        "views/crm_partner_portal_menus.xml",
    ],
    "demo": [
        "demo/crm_partner_portal_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": ["crm_partner_portal/static/src/scss/supplier_portal.scss"],
        "web.assets_tests": ["crm_partner_portal/static/tests/tours/**/*"],
    },
}
