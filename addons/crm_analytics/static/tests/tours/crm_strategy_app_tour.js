import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const APP = ".o_app[data-menu-xmlid='crm_strategy.crm_strategy_menu_root']";
const section = (xmlid) => `.o_menu_sections [data-menu-xmlid='${xmlid}']`;
const PROCESS_MENUS = [
    "crm_strategy.crm_strategy_menu_segments",
    "crm_strategy.crm_strategy_menu_profitability",
    "crm_strategy.crm_channel_menu_root",
    "crm_analytics.crm_analytics_menu_root",
];

/** A manager opens the Customer Strategy app from the home menu: it lands on the dashboard, shows the process
 * menus and Configuration, and a refresh says what it did. */
registry.category("web_tour.tours").add("crm_strategy_app_manager_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        { trigger: APP, content: "Customer Strategy is an app of the home menu", run: "click" },
        { trigger: ".o_crm_analytics_dashboard", content: "It opens on the analytics dashboard" },
        { trigger: ".o_main_navbar .o_menu_brand:contains(Customer Strategy)" },
        ...PROCESS_MENUS.map((xmlid) => ({ trigger: section(xmlid) })),
        { trigger: section("crm_strategy.crm_strategy_menu_config"), content: "Managers configure" },
        { trigger: ".o_crm_dashboard_refresh", content: "Refresh the analytics", run: "click" },
        {
            trigger: ".o_notification:contains(Full refresh queued):contains(in the background)",
            content: "The refresh says what it did",
        },
        { trigger: section("crm_strategy.crm_strategy_menu_profitability"), run: "click" },
        {
            trigger: ".dropdown-item[data-menu-xmlid='crm_strategy.crm_customer_pnl_menu']",
            content: "Managers see the customer P&L",
            run: "click",
        },
        { trigger: ".o_breadcrumb:contains(Customer P&L)" },
        { trigger: section("crm_strategy.crm_strategy_menu_segments"), run: "click" },
        { trigger: ".dropdown-item[data-menu-xmlid='crm_strategy.crm_customer_measure_menu']", run: "click" },
        { trigger: ".o_list_view button[name=action_refresh]", run: "click" },
        {
            trigger: ".o_notification:contains(Customer measures refreshed):contains(customers of)",
            content: "The measures refresh says how many customers, and when",
        },
    ],
});

/** A strategy user sees the same app and the dashboard, without the manager's menus and buttons. */
registry.category("web_tour.tours").add("crm_strategy_app_user_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        { trigger: APP, run: "click" },
        { trigger: ".o_crm_analytics_dashboard .o_crm_kpi_customers" },
        ...PROCESS_MENUS.map((xmlid) => ({ trigger: section(xmlid) })),
        {
            trigger: `.o_menu_sections:not(:has([data-menu-xmlid='crm_strategy.crm_strategy_menu_config']))`,
            content: "No Configuration for a user",
        },
        {
            trigger: ".o_crm_refresh_status:not(:has(.o_crm_dashboard_refresh))",
            content: "Refreshing is for managers",
        },
        { trigger: section("crm_strategy.crm_strategy_menu_profitability"), run: "click" },
        { trigger: ".dropdown-item[data-menu-xmlid='crm_strategy.crm_sales_fact_menu']" },
        {
            trigger: ".o-dropdown--menu:not(:has([data-menu-xmlid='crm_strategy.crm_customer_pnl_menu']))",
            content: "The customer P&L is for managers",
        },
        { trigger: ".dropdown-item[data-menu-xmlid='crm_strategy.crm_sales_fact_menu']", run: "click" },
        { trigger: ".o_pivot_view, .o_graph_view, .o_list_view", content: "Customer sales open" },
    ],
});
