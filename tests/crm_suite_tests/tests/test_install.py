import unittest

from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SUITE_MODELS, require_suite

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal")


@tagged("post_install", "-at_install")
class TestSuiteInstalled(TransactionCase):
    def test_suite_installed_with_menus(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual(sorted(modules.mapped("name")), sorted(SUITE))
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        strategy_menu = self.env.ref("crm_strategy.crm_strategy_menu_root")
        self.assertFalse(strategy_menu.parent_id, "Customer Strategy is an app of its own")
        self.assertTrue(strategy_menu.web_icon_data, "with its icon on the home menu")
        self.assertFalse(self.env["ir.ui.menu"].search([("parent_id", "=", self.env.ref("crm.crm_menu_root").id),
                                                        ("name", "=", "Strategy")]), "no Strategy dropdown in CRM")
        supplier_menu = self.env.ref("crm_partner_portal.menu_supplier_collaboration_root")
        self.assertEqual(supplier_menu.parent_id, self.env.ref("purchase.menu_purchase_root"),
                         "buyers keep the supplier screens in Purchase")

    def _app_menus(self, user):
        """(top menu xml ids, second-level xml ids, landing action) of the Customer Strategy app for ``user``,
        as the web client receives them."""
        menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
        app = next((m for m in menus.values() if m["xmlid"] == "crm_strategy.crm_strategy_menu_root"), None)
        if not app:
            return None, None, None
        tops = [menus[i] for i in app["children"]]
        subs = {menus[j]["xmlid"] for top in tops for j in top["children"]}
        return [top["xmlid"] for top in tops], subs, app["actionID"]

    def test_app_menus_per_group(self):
        """Managers who buy see every process and Configuration; strategy users the processes without the
        manager's menus; other employees no app at all. The app lands on the analytics dashboard."""
        require_suite(self.env)
        manager = new_test_user(self.env, "app_mgr", groups="base.group_user,crm_strategy.group_crm_strategy_manager,"
                                "purchase.group_purchase_manager")
        user = new_test_user(self.env, "app_usr", groups="base.group_user,crm_strategy.group_crm_strategy_user")
        employee = new_test_user(self.env, "app_emp", groups="base.group_user")
        dashboard = self.env.ref("crm_analytics.crm_analytics_dashboard_action").id
        tops, subs, landing = self._app_menus(manager)
        self.assertEqual(tops, [
            "crm_strategy.crm_strategy_menu_segments", "crm_strategy.crm_strategy_menu_profitability",
            "crm_strategy.crm_channel_menu_root", "crm_analytics.crm_analytics_menu_root",
            "crm_partner_portal.menu_crm_strategy_suppliers", "crm_strategy.crm_strategy_menu_config"])
        self.assertIn("crm_strategy.crm_customer_pnl_menu", subs)
        self.assertIn("crm_partner_portal.menu_crm_strategy_suppliers_webhooks", subs)
        self.assertEqual(landing, dashboard)
        tops, subs, landing = self._app_menus(user)
        self.assertEqual(tops, [
            "crm_strategy.crm_strategy_menu_segments", "crm_strategy.crm_strategy_menu_profitability",
            "crm_strategy.crm_channel_menu_root", "crm_analytics.crm_analytics_menu_root"])
        self.assertIn("crm_strategy.crm_sales_fact_menu", subs)
        self.assertNotIn("crm_strategy.crm_customer_pnl_menu", subs)
        self.assertEqual(landing, dashboard)
        self.assertEqual(self._app_menus(employee), (None, None, None))
        # the dashboard is in the Dashboards app too, for strategy users
        for who, visible in ((user, True), (employee, False)):
            menus = self.env["ir.ui.menu"].with_user(who).load_web_menus(False)
            self.assertEqual(any(m["xmlid"] == "crm_analytics.crm_analytics_dashboards_app_menu"
                                 for m in menus.values()), visible)

    def test_versions_follow_the_series(self):
        for module in self.env["ir.module.module"].search([("name", "in", SUITE)]):
            self.assertRegex(module.latest_version, r"^19\.0\.\d+\.\d+\.\d+$", module.name)

    def test_a_missing_addon_skips_loudly(self):
        """Suite tests used to return early, and pass, when an addon was missing: they now raise SkipTest with
        the reason, which ``make test`` counts as a failure."""
        require_suite(self.env)  # all three installed: no skip
        partial = {model for model in SUITE_MODELS if model != "crm.supplier.commit"}
        with self.assertRaisesRegex(unittest.SkipTest, "crm.supplier.commit"):
            require_suite(partial)

    def test_every_screen_explains_an_empty_list(self):
        """Each list screen of the suite tells a new user why it is empty and how to fill it (help), except the
        form-only comparison and the export dialogs."""
        require_suite(self.env)
        data = self.env["ir.model.data"].search([("module", "in", SUITE), ("model", "=", "ir.actions.act_window")])
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        self.assertGreater(len(actions), 30)
        silent = actions.filtered(lambda a: a.target != "new" and a.view_mode != "form" and not a.help)
        self.assertFalse(silent.mapped("name"), "actions without help")
        likelihood = self.env.ref("crm_analytics.crm_customer_metrics_action_likelihood")
        self.assertIn("P(alive)", likelihood.help)
        self.assertIn("back-test", self.env.ref("crm_analytics.crm_clv_model_action").help)
