{
    "name": "CRM Strategy Suite: suite-level tests",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "summary": "Suite-wide checks: install, upgrade, uninstall and reinstall; access matrix, record rules, "
               "portal isolation, injection, bad input, interrupted and concurrent refreshes, cron resume",
    "author": "CRM Strategy Suite",
    "website": "https://example.com/crm-strategy-suite",
    "license": "LGPL-3",
    # Only base: this module must survive the uninstallation of the addons it tests.
    "depends": ["base"],
}
