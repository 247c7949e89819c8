{
    "name": "CRM Strategy - Email Marketing",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Segment playbooks subscribe their members to Email Marketing mailing lists, with their consent",
    "author": "CRM Strategy Suite",
    "website": "https://example.com/crm-strategy-suite",
    "license": "LGPL-3",
    "depends": ["crm_strategy", "mass_mailing"],
    "auto_install": True,
    "data": [
        "views/crm_segment_playbook_views.xml",
    ],
    "demo": [
        "demo/crm_strategy_mass_mailing_demo.xml",
    ],
}
