from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmStrategyUi(HttpCase):
    browser_size = "1440x900"

    def test_segment_tour(self):
        """A manager creates a segment from the kanban and moves it along the continuum."""
        self.start_tour("/odoo/crm-segments", "crm_strategy_segment_tour", login="admin")
        segment = self.env["crm.segment"].search([("code", "=", "TOURW")])
        self.assertEqual(segment.name, "Tour wholesalers")
        self.assertEqual(segment.strategy_action, "attract")
        self.assertEqual(segment.continuum_stage, "marketing_segmentation")

    def test_channel_strategy_comparison_tour(self):
        """A manager opens the new channel strategy, compares it with the old one and reads the conflicts."""
        old = self.env.ref("crm_strategy.crm_channel_strategy_demo_old")
        new = self.env.ref("crm_strategy.crm_channel_strategy_demo_new")
        self.start_tour("/odoo/crm-channel-strategies", "crm_strategy_channel_tour", login="admin")
        comparison = self.env["crm.channel.strategy.comparison"].search(
            [("old_strategy_id", "=", old.id), ("new_strategy_id", "=", new.id)], order="id desc", limit=1)
        self.assertTrue(comparison, "the comparison the manager ran is saved on the wizard")
        self.assertEqual(len(comparison.line_ids), 4, "one line per segment of either strategy")
        bargain = comparison.line_ids.filtered(
            lambda line: line.segment_id == self.env.ref("crm_strategy.crm_segment_demo_bargain"))
        self.assertTrue(bargain.change_needed, "bargain hunters move from field sales to the web shop")
        self.assertEqual(comparison.change_count, len(comparison.line_ids.filtered("change_needed")))

    def test_pnl_analyst_tour(self):
        """A manager refreshes the customer P&L, opens a customer's month and the invoices behind it."""
        customer = self.env["res.partner"].create({"name": "Tour P&L customer", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour P&L product", "list_price": 80.0,
                                                      "standard_price": 50.0})
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 3, "price_unit": 80.0,
                                                 "tax_ids": []})]})
        invoice.action_post()
        Pnl = self.env["crm.customer.pnl"]
        self.assertFalse(Pnl.search([("partner_id", "=", customer.id)]), "not in the P&L before its refresh")
        self.start_tour("/odoo/crm-customer-pnl", "crm_strategy_pnl_tour", login="admin")
        row = Pnl.search([("partner_id", "=", customer.id)])
        self.assertEqual((row.net_revenue, row.product_cost), (240.0, 150.0), "the refresh the analyst pressed")

    def test_playbook_tour(self):
        """A strategy manager opens a segment, previews its playbook, applies it and reads the log."""
        playbook = self.env.ref("crm_strategy.crm_playbook_demo_growth")
        self.assertFalse(playbook.log_ids, "not applied in the demo")
        self.start_tour("/odoo/crm-segments", "crm_strategy_playbook_tour", login="admin")
        log = playbook.log_ids
        self.assertEqual((len(log), log.trigger, log.user_id.login), (1, "manual", "admin"))
        changed = log.line_ids.filtered(lambda line: line.lever == "payment_term" and line.state == "applied")
        self.assertTrue(changed)
        term = self.env.ref("account.account_payment_term_30days")
        self.assertEqual(set(changed.partner_id.with_company(log.company_id).mapped("property_payment_term_id")),
                         {term}, "the members got the playbook's payment terms")
