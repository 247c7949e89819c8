"""One truth of customer economics (issue 16): a customer computed by hand gives the same revenue, cost and
margin in every model that shows them, because each reads the sales fact (crm.sales.fact).

The scenario: a dozen sold (the product is counted in units, its cost is per unit), its standard cost
raised after the sale, part of it returned, and a second invoice paid after its due date. The product is
valued perpetually, so the invoice carries COGS journal items: the margin keeps the cost of the day of
the sale."""
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from .common import require_suite

# hand-computed: a dozen at 96 (8 a unit, list price 10), 2 units returned, 5 units at 10
REVENUE = 96.0 - 16.0 + 50.0
# cost 4 a unit when the dozen was invoiced; 6 when the return and the second invoice were: the ledger's
# COGS, which values a return at the day's cost when it is not in the unit of the original line
COST = 12 * 4.0 - 2 * 6.0 + 5 * 6.0
MARGIN = REVENUE - COST
QUANTITY = 12 - 2 + 5


@tagged("post_install", "-at_install")
class TestOneTruth(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        env = cls.env
        cls.company = env.company
        cls.company.anglo_saxon_accounting = True
        cls.today = fields.Date.context_today(env["res.partner"])
        cls.start = cls.today.replace(day=1) - timedelta(days=40)
        category = env["product.category"].create({
            "name": "Truth perpetual", "property_valuation": "real_time", "property_cost_method": "standard"})
        cls.product = env["product.product"].create({
            "name": "Truth widget", "is_storable": True, "categ_id": category.id, "standard_price": 4.0,
            "list_price": 10.0, "uom_id": env.ref("uom.product_uom_unit").id})
        cls.customer = env["res.partner"].create({"name": "Truth Customer", "is_company": True})
        # a channel no rule recognises: the invoices are put in it by hand
        cls.channel = env["crm.channel"].create({"name": "Truth channel", "rule_type": "domain",
                                                 "rule_domain": "[('id', '=', 0)]"})
        dozen = env.ref("uom.product_uom_dozen")
        cls.invoice = cls._invoice(cls.start + timedelta(days=1), 1, 96.0, uom=dozen)
        cls.product.standard_price = 6.0  # the cost rises after the sale
        # two units come back: a credit note of the first invoice (its COGS at the original cost)
        cls.refund = env["account.move"].create({
            "move_type": "out_refund", "partner_id": cls.customer.id, "reversed_entry_id": cls.invoice.id,
            "invoice_date": cls.start + timedelta(days=5),
            "invoice_line_ids": [Command.create({"product_id": cls.product.id, "quantity": 2, "price_unit": 8.0,
                                                 "tax_ids": []})]})
        cls.refund.action_post()
        # five units, due in 10 days, paid 20 days after the due date
        cls.late = cls._invoice(cls.start + timedelta(days=2), 5, 10.0, due=cls.start + timedelta(days=12))
        env["account.payment.register"].with_context(active_model="account.move", active_ids=cls.late.ids).create(
            {"payment_date": cls.start + timedelta(days=32)})._create_payments()
        (cls.invoice | cls.refund | cls.late).write({"channel_id": cls.channel.id})
        cls.segment = env["crm.segment"].create({
            "name": "Truth", "code": "TRUTH", "rule_domain": f"[('id', '=', {cls.customer.id})]"})
        env["crm.customer.measure"]._refresh_measures(cls.company)
        cls.segment.action_refresh_members()
        env["crm.customer.pnl"]._refresh_pnl(cls.company)

    @classmethod
    def _invoice(cls, date, quantity, price, uom=None, due=None):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.customer.id, "invoice_date": date,
            "invoice_date_due": due or date,
            "invoice_line_ids": [Command.create({
                "product_id": cls.product.id, "quantity": quantity, "price_unit": price, "tax_ids": [],
                **({"product_uom_id": uom.id} if uom else {})})]})
        move.action_post()
        return move

    def _fact(self):
        return self.env["crm.sales.fact"].search([("partner_id", "=", self.customer.id)])

    def test_the_fact_is_the_hand_computation(self):
        rows = self._fact()
        self.assertEqual(len(rows), 3)
        self.assertAlmostEqual(sum(rows.mapped("quantity")), QUANTITY, msg="the dozen counts as 12 units")
        self.assertAlmostEqual(sum(rows.mapped("revenue")), REVENUE)
        self.assertAlmostEqual(sum(rows.mapped("cost")), COST, msg="cost at the time of sale, from COGS")
        cogs = self.env["account.move.line"].search([
            ("move_id", "in", (self.invoice | self.refund | self.late).ids), ("display_type", "=", "cogs"),
            ("account_id.account_type", "in", ("expense", "expense_direct_cost"))])
        self.assertAlmostEqual(sum(cogs.mapped("balance")), COST, msg="the cost is the ledger's")
        self.assertAlmostEqual(sum(rows.mapped("margin")), MARGIN)
        self.assertFalse(any(rows.mapped("cost_estimated")))
        dozen_row = rows.filtered(lambda r: r.move_id == self.invoice)
        self.assertAlmostEqual(dozen_row.list_revenue, 120.0, msg="12 units at the list price of 10")
        self.assertAlmostEqual(dozen_row.undiscounted_revenue, 96.0)

    def test_every_model_gives_the_same_figures(self):
        measure = self.env["crm.customer.measure"].search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(measure.revenue_total, REVENUE)
        self.assertAlmostEqual(measure.margin_total, MARGIN)

        pnl = self.env["crm.customer.pnl"].search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(sum(pnl.mapped("net_revenue")), REVENUE)
        self.assertAlmostEqual(sum(pnl.mapped("product_cost")), COST)

        abc = self.env["crm.segment.product.abc"].search([("segment_id", "=", self.segment.id)])
        self.assertAlmostEqual(sum(abc.mapped("revenue")), REVENUE)
        self.assertAlmostEqual(sum(abc.mapped("margin")), MARGIN)

        strategy = self.env["crm.strategy"].create({
            "name": "Truth", "date_from": self.start, "date_to": self.today,
            "line_ids": [Command.create({"segment_id": self.segment.id, "action": "retain"})]})
        self.assertAlmostEqual(strategy.line_ids.actual_revenue, REVENUE)
        self.assertAlmostEqual(strategy.line_ids.actual_margin, MARGIN)

        evaluation = self.env["crm.channel.evaluation"]._evaluate_period(self.start, self.today, self.company)
        row = evaluation.filtered(lambda e: e.channel_id == self.channel)
        self.assertAlmostEqual(row.revenue, REVENUE)
        self.assertAlmostEqual(row.margin, MARGIN)
        self.assertEqual(row.order_count, 2, "two invoices without order: each counts as one")

        Metrics = self.env["crm.customer.metrics"]
        Metrics._refresh(self.company)
        metrics = Metrics.search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(metrics.revenue_total, REVENUE)
        self.assertAlmostEqual(metrics.margin_total, MARGIN)

    def test_net_revenue_is_the_ledger(self):
        """P&L net revenue = the income lines of the posted invoices less credit notes, to the cent."""
        self.env.flush_all()
        lines = self.env["account.move.line"].search([
            ("move_id", "in", (self.invoice | self.refund | self.late).ids), ("display_type", "=", "product")])
        ledger = -sum(lines.mapped("balance"))
        pnl = self.env["crm.customer.pnl"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(round(sum(pnl.mapped("net_revenue")), 2), round(ledger, 2))

    def test_an_invoice_paid_late_costs_its_delay(self):
        """Amount x days overdue, by hand: the late invoice (50, due on day 12, paid on day 32) was 20 days
        overdue and still counts although it is paid; the dozen (96, due the day it was invoiced) had 16
        credited 4 days later and 80 is still open today."""
        self.assertIn(self.late.payment_state, ("paid", "in_payment"))
        due = self.invoice.invoice_date_due
        expected = 50.0 * 20 + 16.0 * (self.refund.invoice_date - due).days + 80.0 * (self.today - due).days
        pnl = self.env["crm.customer.pnl"].search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(sum(pnl.mapped("payment_delay_amount_days")), expected)

    def test_a_product_without_cost_is_flagged(self):
        """Without COGS and without a standard cost, the margin is the whole revenue: the row says the cost is an
        estimate, so a screen never presents it as a free product."""
        product = self.env["product.product"].create({"name": "Costless", "list_price": 5.0, "standard_price": 0.0})
        partner = self.env["res.partner"].create({"name": "Costless buyer", "is_company": True})
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 2, "price_unit": 5.0,
                                                 "tax_ids": []})]})
        move.action_post()
        row = self.env["crm.sales.fact"].search([("partner_id", "=", partner.id)])
        self.assertEqual((row.cost, row.margin, row.cost_estimated), (0.0, 10.0, True))

    def test_a_price_change_after_the_sale_changes_nothing(self):
        before = sum(self._fact().mapped("margin"))
        self.product.standard_price = 50.0
        self.env.flush_all()
        self.assertAlmostEqual(sum(self._fact().mapped("margin")), before)

    def test_margin_never_exceeds_revenue_when_costs_are_positive(self):
        """On the whole demo base as well as on the scenario."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT partner_id, SUM(revenue), SUM(margin), SUM(cost) FROM crm_sales_fact GROUP BY partner_id
        """)
        for partner_id, revenue, margin, cost in self.env.cr.fetchall():
            if cost >= 0:
                self.assertLessEqual(round(margin, 2), round(revenue, 2), f"partner {partner_id}")

    def test_clv_is_on_the_customer_profit(self):
        """The CLV's margin is the customer's contribution in its P&L (after product, channel and cost-to-serve
        costs), not its gross margin: a customer who costs more to serve than it leaves has a negative CLV."""
        Metrics, Pnl = self.env["crm.customer.metrics"], self.env["crm.customer.pnl"]

        def contribution_rate():
            rows = Pnl.search([("partner_id", "=", self.customer.id)])
            net = sum(rows.mapped("net_revenue"))
            return (net - sum(rows.mapped("product_cost")) - sum(rows.mapped("channel_cost"))
                    - sum(rows.mapped("cost_to_serve"))) / net

        Metrics._refresh(self.company)
        row = Metrics.search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(row.margin_rate, contribution_rate(), places=4)
        driver = self.env["crm.cost.driver"].search([("driver", "=", "invoice"), ("company_id", "=", self.company.id)])
        driver = driver or self.env["crm.cost.driver"].create({"driver": "invoice", "company_id": self.company.id,
                                                               "unit_cost": 0.0})
        driver.unit_cost = 100.0  # two invoices at 100 each: more than the 64 of margin
        Pnl._refresh_pnl(self.company)
        Metrics._refresh(self.company)
        row = Metrics.search([("partner_id", "=", self.customer.id)])
        self.assertLess(contribution_rate(), 0)
        self.assertAlmostEqual(row.margin_rate, max(contribution_rate(), -1.0), places=4)
        self.assertLess(row.clv, 0, "a loss-making customer has a negative CLV, shown as such")
        self.assertLessEqual(row.clv_low, row.clv + 1e-6)
        self.assertLessEqual(row.clv, row.clv_high + 1e-6)
