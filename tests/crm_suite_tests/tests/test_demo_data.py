from datetime import timedelta

from odoo import fields
from odoo.addons.crm_analytics.const import FUNNEL_STAGES
from odoo.addons.crm_strategy.tools import demo_plan
from odoo.tests import TransactionCase, loaded_demo_data, tagged

CHANNELS = ("crm_channel_demo_distributor", "crm_channel_demo_web", "crm_channel_demo_email",
            "crm_channel_demo_call_centre", "crm_channel_demo_sales_force")


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    """The demo company every screen opens on (the test database has demo data): its shape, and the suite's
    invariants on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert loaded_demo_data(cls.env), "the suite's tests run on a database with demo data"
        cls.company = cls.env.ref("base.main_company")
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.env.flush_all()

    def _fetch(self, query, *params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def test_customers_over_three_years(self):
        [(customers, first, last)] = self._fetch(
            "SELECT COUNT(DISTINCT partner_id), MIN(invoice_date), MAX(invoice_date) FROM crm_sales_fact")
        self.assertGreater(customers, 1400)
        self.assertLess(customers, 1700)
        self.assertLessEqual(first, self.today - timedelta(days=365 * 3 - 90))
        self.assertGreaterEqual(last, self.today - timedelta(days=14))
        profiled = self.env["res.partner"].search_count([("is_company", "=", True), ("crm_size_band", "!=", False),
                                                         ("industry_id", "!=", False)])
        self.assertGreater(profiled, 700, "companies carry their industry and size")

    def test_each_channel_has_revenue_and_orders(self):
        for xmlid in CHANNELS:
            channel = self.env.ref(f"crm_strategy.{xmlid}")
            with self.subTest(channel=channel.name):
                [(revenue,)] = self._fetch("SELECT SUM(revenue) FROM crm_sales_fact WHERE channel_id = %s", channel.id)
                self.assertGreater(revenue or 0, 10000)
                self.assertGreater(self.env["sale.order"].search_count([("channel_id", "=", channel.id)]), 50)

    def test_most_lines_carry_their_cost(self):
        [(lines, estimated, revenue, margin)] = self._fetch(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE cost_estimated), SUM(revenue), SUM(margin) FROM crm_sales_fact")
        self.assertLess(estimated / lines, 0.2, "most lines have their cost of goods sold")
        self.assertTrue(0.2 < margin / revenue < 0.6, "a furniture trader's gross margin")
        [(losses,)] = self._fetch("SELECT COUNT(*) FROM crm_sales_fact WHERE margin < 0 AND NOT is_refund")
        self.assertGreater(losses, 0, "clearance items sell below cost")

    def test_entries_numbered_without_gap_or_repeat(self):
        """The demo numbers its historical entries itself (to load fast): each sequence still has no gap
        and no repeat, and the next entries Odoo numbers, several at once, continue after it."""
        rows = self._fetch("""
            SELECT sequence_prefix, COUNT(*), COUNT(DISTINCT sequence_number), MAX(sequence_number)
              FROM account_move
             WHERE state = 'posted' AND company_id = %s AND sequence_prefix ~ '^(INV|RINV|BNK1)/'
          GROUP BY sequence_prefix""", self.company.id)
        self.assertGreaterEqual(len(rows), 8, "three years of invoices, credit notes and receipts")
        for prefix, count, distinct, last in rows:
            with self.subTest(prefix=prefix):
                self.assertEqual(distinct, count, "no number twice")
                self.assertEqual(last, count, "no gap")
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1)
        product = self.env["product.product"].search([("default_code", "=like", "OF-%")], limit=1)
        customer = self.env["res.partner"].search([("customer_rank", ">", 0)], limit=1)
        invoices = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": customer.id, "journal_id": journal.id,
            "invoice_date": self.today, "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 10})],
        } for _i in range(3)])
        invoices.action_post()
        prefix = invoices[0].sequence_prefix
        last = {prefix: last for prefix, _count, _distinct, last in rows}[prefix]
        self.assertEqual(invoices.mapped("sequence_number"), [last + 1, last + 2, last + 3])

    def test_payments_late_and_open(self):
        Move = self.env["account.move"]
        overdue = Move.search_count([("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                                     ("payment_state", "in", ("not_paid", "partial")),
                                     ("invoice_date_due", "<", self.today)])
        self.assertGreater(overdue, 15)
        [(late,)] = self._fetch("""
            SELECT COUNT(DISTINCT am.id) FROM account_move am
              JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'payment_term'
              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE am.move_type = 'out_invoice' AND apr.max_date > am.invoice_date_due""")
        self.assertGreater(late, 300, "invoices paid after their due date")
        self.assertGreater(Move.search_count([("move_type", "=", "out_refund"), ("state", "=", "posted")]), 50)
        self.assertGreater(self.env["stock.picking"].search_count(
            [("picking_type_code", "=", "outgoing"), ("state", "=", "done")]), 10, "deliveries")
        pnl = self.env["crm.customer.pnl"].search([("company_id", "=", self.company.id)])
        self.assertGreater(sum(pnl.mapped("payment_delay_amount_days")), 0)
        self.assertGreater(sum(pnl.mapped("cost_to_serve")), 0)

    def test_campaigns_with_spend(self):
        for title in demo_plan.CAMPAIGN_TITLES.values():
            campaign = self.env["utm.campaign"].search([("title", "=", title)])
            with self.subTest(campaign=campaign.title):
                roi = self.env["crm.campaign.roi"].search([("campaign_id", "=", campaign.id)])
                self.assertGreater(roi.cost, 0)
                self.assertGreater(roi.revenue, 0)
        spend = self.env["crm.marketing.spend"].search([])
        bills = self.env["account.move"].search([("move_type", "=", "in_invoice"), ("state", "=", "posted"),
                                                 ("name", "in", [s.name.split(" ")[0] for s in spend])])
        self.assertEqual(len(bills), len(spend), "each spend is a posted vendor bill")
        metrics = self.env["crm.customer.metrics"].search([("company_id", "=", self.company.id)])
        self.assertTrue(metrics.filtered(lambda m: m.acquisition_cost > 0))

    def test_analytics_on_first_open(self):
        data = self.env["crm.analytics.dashboard"].with_context(
            allowed_company_ids=self.company.ids).get_dashboard_data()
        kpis = data["kpis"]
        for key in ("customers", "active", "clv_total", "revenue", "margin", "acquisition_cost", "retention"):
            with self.subTest(kpi=key):
                self.assertGreater(kpis[key]["value"], 0)
        metrics = self.env["crm.customer.metrics"].search([("company_id", "=", self.company.id)])
        self.assertGreater(len(metrics), 1400)
        fit = metrics.clv_model_id
        self.assertEqual(len(fit), 1)
        self.assertTrue(fit.backtest_grade, "the fit is graded")
        positive = metrics.filtered(lambda m: m.margin_total > 0)
        self.assertLess(max(m.clv / m.margin_total for m in positive), 20, "no absurd CLV")
        self.assertGreater(len(set(metrics.mapped("rfm_segment"))), 4)

    def test_strategy_screens_have_figures(self):
        for xmlid in ("crm_segment_demo_all_buyers", "crm_segment_demo_key_accounts", "crm_segment_demo_growth"):
            segment = self.env.ref(f"crm_strategy.{xmlid}")
            with self.subTest(segment=segment.name):
                self.assertGreater(segment.member_count, 10)
        evaluations = self.env["crm.channel.evaluation"].search([("company_id", "=", self.company.id)])
        potential = self.env.ref("crm_strategy.crm_channel_demo_marketplace")
        self.assertEqual(len(evaluations.channel_id), len(CHANNELS) + 1, "the sales channels and the marketplace")
        measured = evaluations.filtered(lambda e: e.channel_id != potential)
        self.assertTrue(all(e.revenue > 0 and not e.estimated for e in measured))
        # the potential channel has no sale: scored on its estimates, ranked with the others
        for evaluation in evaluations.filtered(lambda e: e.channel_id == potential):
            self.assertTrue(evaluation.estimated)
            self.assertGreater(evaluation.revenue, 0)
            self.assertIn("(source: ", evaluation.estimate_note)
            self.assertGreater(evaluation.rank, 0)
        [(margin, revenue)] = self._fetch("SELECT SUM(margin), SUM(revenue) FROM crm_sales_fact WHERE cost >= 0")
        self.assertLessEqual(margin, revenue)
        self.assertGreater(self.env["crm.lead"].search_count([("type", "=", "opportunity")]), 100)

    def test_retention_and_funnel_have_figures(self):
        """The retention report and every stage of the CRM process funnel have figures on first open."""
        Report = self.env["crm.retention.report"]
        [(triggered, contacted, bought)] = Report._read_group(
            [("company_id", "=", self.company.id)], [],
            ["triggered_count:sum", "contacted_count:sum", "bought_again_count:sum"])
        self.assertGreaterEqual(triggered, 20)
        self.assertTrue(0 < bought <= contacted < triggered)
        stages = dict(self.env["crm.process.funnel"]._read_group(
            [("company_id", "=", self.company.id)], ["stage"], ["count:sum"]))
        self.assertEqual(set(stages), {key for key, _label in FUNNEL_STAGES})
        self.assertGreaterEqual(stages["6_referral"], 10)
        self.assertGreater(stages["5_repeat_order"], stages["6_referral"])

    def test_vendors(self):
        vendors = self.env["res.partner"].search([("ref", "in", [vendor[0] for vendor in demo_plan.VENDORS])])
        vendors |= self.env.ref("base.res_partner_1")
        self.assertEqual(len(vendors), 6)
        for vendor in vendors:
            with self.subTest(vendor=vendor.name):
                self.assertGreater(vendor.supplier_rank, 0)
                self.assertTrue(self.env["product.supplierinfo"].search_count([("partner_id", "=", vendor.id)]))
                forecast = self.env["crm.supplier.forecast"].search(
                    [("partner_id", "=", vendor.id), ("state", "=", "published")])
                self.assertEqual(len(forecast), 1)
                self.assertTrue(forecast.line_ids)
                self.assertGreater(sum(forecast.line_ids.mapped("qty_net")), 0,
                                   "the pipeline and the backlog leave the vendor a requirement to answer")
        states = set(self.env["purchase.order"].search([("partner_id", "in", vendors.ids)]).mapped("state"))
        self.assertLessEqual({"draft", "sent", "to approve", "purchase", "cancel"}, states)
        self.assertTrue(self.env["crm.supplier.stock.offer"].search_count([("partner_id", "in", vendors.ids)]))
        listed = self.env["res.partner"].search([("supplier_rank", ">", 0), ("is_company", "=", True)])
        self.assertLessEqual(vendors, listed, "every vendor is on Supplier Collaboration > Vendors")

    def test_demo_logins(self):
        Users = self.env["res.users"]
        for login, password, portal in (("vendor1@demo.example", "vendor1", True),
                                        ("vendor2@demo.example", "vendor2", True),
                                        ("strategy@demo.example", "strategy", False)):
            with self.subTest(login=login):
                info = Users.authenticate({"type": "password", "login": login, "password": password},
                                          {"interactive": False})
                user = Users.browse(info["uid"])
                self.assertEqual(user.login, login)
                self.assertEqual(user._is_portal(), portal)
        vendor1 = Users.search([("login", "=", "vendor1@demo.example")])
        self.assertEqual(vendor1.commercial_partner_id.ref, "VND-ERGOSEAT")
        self.assertTrue(self.env.ref("crm_strategy.crm_demo_user_strategy").has_group(
            "crm_strategy.group_crm_strategy_user"))
