import unittest

from odoo.tests import TransactionCase, tagged

from .common import SUITE_MODELS, require_suite

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal")


@tagged("post_install", "-at_install")
class TestSuiteInstalled(TransactionCase):
    def test_suite_installed_with_menus(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual(sorted(modules.mapped("name")), sorted(SUITE))
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        strategy_menu = self.env.ref("crm_strategy.crm_strategy_menu_root")
        self.assertEqual(strategy_menu.parent_id, self.env.ref("crm.crm_menu_root"))
        supplier_menu = self.env.ref("crm_partner_portal.menu_supplier_collaboration_root")
        self.assertEqual(supplier_menu.parent_id, self.env.ref("purchase.menu_purchase_root"))

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
