from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..const import LOCK_NAMESPACE
from .common import HandCheckedCase, without_commit

COMPARED = [
    "partner_id", "first_purchase_date", "last_purchase_date", "purchase_count", "revenue_total", "margin_total",
    "margin_rate", "frequency", "recency", "age", "monetary_value", "recency_days", "rfm_recency", "rfm_frequency",
    "rfm_monetary", "rfm_segment", "p_alive", "expected_purchases", "buy_probability", "expected_order_value",
    "expected_order_margin", "clv", "acquisition_date", "cohort_month", "acquisition_channel",
    "acquisition_campaign_id", "acquisition_cost",
]


@tagged("post_install", "-at_install")
class TestCustomerMetrics(HandCheckedCase):
    """A hand-checked scenario in a fresh company of its own (the test database has demo data)."""

    def _snapshot(self):
        self.env.invalidate_all()
        rows = self.Metrics.search([("company_id", "=", self.company.id)], order="partner_id")
        return [(row.id, *(row[name] for name in COMPARED)) for row in rows]

    def test_hand_checked_metrics(self):
        result = self.Metrics._refresh(self.company)
        self.assertEqual(result[self.company.id]["customers"], 2)
        rows = self._rows()
        self.assertEqual(set(rows), {self.alice, self.bob}, "one row per commercial partner with a purchase")
        alice, bob = rows[self.alice], rows[self.bob]
        # Alice: 3 purchase days, 4 chairs at 100 (cost 60).
        self.assertEqual(alice.purchase_count, 3)
        self.assertEqual(alice.frequency, 2)
        self.assertAlmostEqual(alice.revenue_total, 400.0)
        self.assertAlmostEqual(alice.margin_total, 160.0)
        self.assertAlmostEqual(alice.margin_rate, 0.4)
        self.assertAlmostEqual(alice.recency, 90.0)  # days: last purchase 90 days after the first
        self.assertAlmostEqual(alice.age, 100.0)
        self.assertAlmostEqual(alice.monetary_value, 150.0)  # (200 + 100) / 2 repeat purchases
        self.assertEqual(alice.recency_days, 10)
        self.assertEqual(alice.first_purchase_date, self.today - timedelta(days=100))
        self.assertEqual(alice.last_purchase_date, self.today - timedelta(days=10))
        self.assertEqual(alice.acquisition_date, alice.first_purchase_date)
        self.assertEqual(alice.cohort_month, alice.first_purchase_date.replace(day=1))
        self.assertEqual(alice.acquisition_campaign_id, self.campaign)
        self.assertEqual(alice.acquisition_channel, "Trade fair")
        self.assertAlmostEqual(alice.acquisition_cost, 300.0)  # the only customer the campaign acquired
        # Bob: one purchase day; the credit note lowers revenue and margin, not the count.
        self.assertEqual((bob.purchase_count, bob.frequency), (1, 0))
        self.assertAlmostEqual(bob.revenue_total, 100.0)
        self.assertAlmostEqual(bob.margin_total, 40.0)  # 200 - 120, then -100 + 60 back in stock
        self.assertEqual(bob.recency_days, 30)
        self.assertEqual(bob.monetary_value, 0.0)
        self.assertFalse(bob.acquisition_campaign_id)
        self.assertEqual(bob.acquisition_cost, 0.0)
        # RFM over two customers: Alice is best on every axis, Bob worst.
        self.assertEqual((alice.rfm_recency, alice.rfm_frequency, alice.rfm_monetary), (5, 5, 5))
        self.assertEqual(alice.rfm_score, "555")
        self.assertEqual(alice.rfm_segment, "champions")
        self.assertEqual((bob.rfm_recency, bob.rfm_frequency, bob.rfm_monetary), (1, 1, 1))
        self.assertEqual(bob.rfm_segment, "hibernating")
        # Predictions are the stored fit applied to the inputs above.
        fit = alice.clv_model_id
        self.assertEqual(fit.n_customers, 2)
        self.assertEqual(fit.n_repeat, 1)
        bgnbd, gg = fit._bgnbd(), fit._gamma_gamma()
        self.assertAlmostEqual(alice.p_alive, float(bgnbd.p_alive(2, 90, 100)), places=9)
        self.assertEqual(bob.p_alive, 1.0)  # BG/NBD: nobody drops out before a repeat purchase
        horizon = 12 * 30.4375
        expected = float(bgnbd.conditional_expected_purchases(horizon, 2, 90, 100))
        self.assertAlmostEqual(alice.expected_purchases, expected, places=9)
        value = float(gg.conditional_expected_value(2, 150.0))
        self.assertAlmostEqual(alice.expected_order_value, value, places=6)
        self.assertAlmostEqual(alice.expected_order_margin, value * 0.4, places=6)
        # Undiscounted, the CLV is expected purchases x expected margin per order.
        self.assertAlmostEqual(alice.clv, expected * value * 0.4, places=4)
        # One repeat customer is enough for the model here (minimum set to 1): the CLV is the model's, in its
        # interval; two customers do not identify the models, and the fit says so.
        self.assertEqual(fit.clv_basis, "model")
        self.assertEqual(alice.clv_model, alice.clv)
        self.assertLess(alice.clv_low, alice.clv)
        self.assertGreater(alice.clv_high, alice.clv)
        self.assertFalse(fit.bgnbd_identified)
        self.assertTrue(fit.bgnbd_regularised)
        self.assertEqual(fit.gg_method, "shrinkage")
        self.assertAlmostEqual(value, 150.0, msg="one repeat buyer: the base mean is Alice's own mean")
        self.assertEqual(len(fit.bgnbd_cov), 4)
        self.assertIn("not identified", fit.fit_notes)
        self.assertGreater(alice.buy_probability, 0.0)
        self.assertLessEqual(alice.buy_probability, alice.p_alive)
        self.assertEqual(fit.time_unit, "day")
        self.assertTrue(fit.rfm_breakpoints)

    def test_order_source_reads_booked_orders(self):
        """With the "Confirmed orders" source, a dozen booked at 1,080 is revenue 1,080 and margin
        1,080 - 12 x 60, whatever is invoiced; a quotation is no purchase."""
        self.env["ir.config_parameter"].set_param("crm_analytics.source", "order")
        carol = self.env["res.partner"].create({"name": "Carol Booked", "is_company": True})
        orders = self.env["sale.order"].create([{
            "partner_id": carol.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                           "price_unit": 1080.0, "tax_ids": [Command.clear()],
                                           "product_uom_id": self.env.ref("uom.product_uom_dozen").id})],
        } for _i in range(2)])
        orders[0].action_confirm()
        self.Metrics._refresh(self.company)
        rows = self._rows()
        self.assertNotIn(self.bob, rows, "Bob's invoices are not orders")
        self.assertAlmostEqual(rows[carol].revenue_total, 1080.0)
        self.assertAlmostEqual(rows[carol].margin_total, 1080.0 - 12 * 60.0)
        self.assertEqual(rows[carol].purchase_count, 1)

    def test_analyses(self):
        lead = self.env["crm.lead"].create({
            "name": "Big deal", "type": "opportunity", "partner_id": self.bob.id, "expected_revenue": 1000.0,
            "probability": 40.0, "date_deadline": self.today + timedelta(days=40), "company_id": self.company.id,
        })
        order = self.env["sale.order"].create({
            "partner_id": self.alice.id, "campaign_id": self.campaign.id, "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 3,
                                           "price_unit": 100.0, "tax_ids": [Command.clear()]})],
        })
        order.action_confirm()
        self.Metrics._refresh(self.company)
        # Cohorts: each customer's first month is retained at 100 % by definition.
        Retention = self.env["crm.cohort.retention"]
        cells = Retention.search([("company_id", "=", self.company.id), ("kind", "=", "cohort"), ("age", "=", 0)])
        self.assertTrue(cells)
        self.assertTrue(all(cell.retention == 100.0 for cell in cells))
        self.assertEqual(sum(cells.mapped("cohort_size")), 2)
        curve = Retention.search([("company_id", "=", self.company.id), ("kind", "=", "segment"), ("age", "=", 0)])
        self.assertEqual(curve.cohort_size, 2)
        # Forecast: the opportunity's month carries 40 % of it.
        Forecast = self.env["crm.revenue.forecast"]
        month = lead.date_deadline.replace(day=1)
        row = Forecast.search([("company_id", "=", self.company.id), ("month", "=", month)])
        self.assertTrue(row.is_forecast)
        self.assertEqual(row.opportunity_count, 1)
        self.assertAlmostEqual(row.weighted_revenue, 400.0)
        self.assertAlmostEqual(row.total_forecast, row.run_rate_revenue + 400.0)
        # Campaign ROI reads the invoiced sales (the sales fact): Alice's first chair, not yet the 3 ordered
        roi = self.env["crm.campaign.roi"].search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(roi.company_id, self.company)
        self.assertAlmostEqual(roi.revenue, 100.0)
        # once invoiced, the order counts: 4 chairs at 100 with cost 60 against a 300 spend
        order._create_invoices().action_post()
        self.env["crm.campaign.roi"].invalidate_model()  # a view: its rows keep their ids, not their values
        roi = self.env["crm.campaign.roi"].search([("campaign_id", "=", self.campaign.id)])
        self.assertAlmostEqual(roi.revenue, 400.0)
        self.assertAlmostEqual(roi.margin, 160.0)
        self.assertEqual(roi.order_count, 2, "the order, and the first invoice that had none")
        self.assertAlmostEqual(roi.cost, 300.0)
        self.assertAlmostEqual(roi.roi, 100 * (160.0 - 300.0) / 300.0, places=1)
        # Acquisition cost per channel, as the pivot reads it.
        groups = self.Metrics._read_group([("company_id", "=", self.company.id)], ["acquisition_channel"],
                                          ["acquisition_cost:avg"])
        self.assertIn(("Trade fair", 300.0), groups)

    def test_refresh_is_idempotent(self):
        self.Metrics._refresh(self.company)
        first = self._snapshot()
        self.Metrics._refresh(self.company)
        self.assertEqual(self._snapshot(), first, "same rows (same ids) and same figures")
        self.assertEqual(self.env["crm.clv.model"].search_count([("company_id", "=", self.company.id)]), 2,
                         "every fit is kept")

    def test_incremental_refresh(self):
        self.Metrics._refresh(self.company)
        # Documents written before the refresh are old news.
        self.env.cr.execute(SQL("UPDATE account_move SET write_date = write_date - interval '1 day' "
                                "WHERE company_id = %s", self.company.id))
        self.env.cr.execute(SQL("UPDATE crm_customer_metrics SET refresh_date = refresh_date - interval '1 hour' "
                                "WHERE company_id = %s", self.company.id))
        self._invoice(self.bob, 5, 1)
        fits = self.env["crm.clv.model"].search_count([])
        result = self.Metrics._refresh(self.company, full=False)[self.company.id]
        self.assertFalse(result["full"])
        self.assertEqual(result["customers"], 1, "only Bob is recomputed")
        self.assertEqual(self.env["crm.clv.model"].search_count([]), fits, "no refit")
        bob = self._rows()[self.bob]
        self.assertEqual((bob.purchase_count, bob.frequency, bob.recency_days), (2, 1, 5))
        self.assertAlmostEqual(bob.revenue_total, 200.0)
        # Scored against the full refresh's cut points.
        self.assertEqual(bob.rfm_recency, 5)

    def test_rfm_bins_setting(self):
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("crm_analytics.rfm_bins", "3")
        self.Metrics._refresh(self.company)
        rows = self._rows()
        alice, bob = rows[self.alice], rows[self.bob]
        self.assertEqual(alice.rfm_score, "333", "scores run from 1 to 3")
        self.assertEqual(alice.rfm_segment, "champions", "3 of 3 lands on the top of the 5 x 5 grid")
        self.assertEqual(bob.rfm_score, "111")
        self.assertEqual(bob.rfm_segment, "hibernating")
        self.assertEqual(len(alice.clv_model_id.rfm_breakpoints["r"]), 2)
        self.assertIn("1 to 3", str(alice.explanation_html), "the explanation names the bins in use")
        # Other bins than the last fit's: an incremental refresh cannot reuse its cut points and goes full.
        ICP.set_param("crm_analytics.rfm_bins", "4")
        fits = self.env["crm.clv.model"].search_count([("company_id", "=", self.company.id)])
        result = self.Metrics._refresh(self.company, full=False)[self.company.id]
        self.assertTrue(result["full"])
        self.assertEqual(self.env["crm.clv.model"].search_count([("company_id", "=", self.company.id)]), fits + 1)
        self.assertEqual(self._rows()[self.alice].rfm_score, "444")
        self.assertEqual(self.env["crm.analytics.dashboard"].with_company(self.company)._rfm_bins(), 4)
        # Out of range in the parameter (typed by hand): clamped, never a crash.
        ICP.set_param("crm_analytics.rfm_bins", "42")
        self.assertEqual(self.Metrics._analytics_settings()["rfm_bins"], 10)

    def test_lock(self):
        """A second refresh of the same company is refused while one holds the advisory lock."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, self.company.id))
            with self.assertRaisesRegex(UserError, "already running"):
                self.Metrics._refresh(self.company)
            # The cron skips the company instead of failing.
            self.assertEqual(self.Metrics._refresh(self.company, raise_if_locked=False), {})
            other.rollback()
        self.assertIn(self.company.id, self.Metrics._refresh(self.company))

    def test_interrupted_refresh_keeps_previous_results(self):
        self.Metrics._refresh(self.company)
        before = self._snapshot()
        fits = self.env["crm.clv.model"].search_count([])
        self._invoice(self.nobody, 3, 5)

        def crash(self, company):
            raise RuntimeError("killed")

        # Killed after the rows were swapped in, before the end of the refresh.
        with patch.object(type(self.Metrics), "_update_acquisition_cost", crash), \
                self.assertRaisesRegex(RuntimeError, "killed"):
            self.Metrics._refresh(self.company)
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.env["crm.clv.model"].search_count([]), fits)
        self.assertFalse(self.Metrics.search([("partner_id", "=", self.nobody.id)]))
        # And the next refresh goes through.
        self.Metrics._refresh(self.company)
        self.assertTrue(self.Metrics.search([("partner_id", "=", self.nobody.id)]))

    def test_cron(self):
        with without_commit(self.env):
            self.Metrics._cron_refresh()
        self.assertTrue(self._rows())
        fits = self.env["crm.clv.model"].search_count([])
        with without_commit(self.env):
            self.Metrics._cron_refresh()
        self.assertEqual(self.env["crm.clv.model"].search_count([]), fits, "companies done today are skipped")
        cron = self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh")
        self.assertEqual(cron.code.strip(), "model._cron_refresh()")

    def test_reads_through_replica_cursor(self):
        """With a replica configured, the full refresh reads the occasions and the customer P&L on a read-only
        cursor (a write there fails) and writes on its own: the same figures as when it reads on the primary,
        the contribution rate from the P&L."""
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        # a cost to serve Alice, so that her contribution rate differs from her gross margin rate (0.4)
        self.env.cr.execute(SQL("UPDATE crm_customer_pnl SET cost_to_serve = 10 WHERE partner_id = %s", self.alice.id))
        self.Metrics._refresh(self.company)
        on_primary = self._snapshot()
        self.env.flush_all()
        with self.enter_registry_test_mode(), patch.object(type(self.Metrics), "_use_replica", lambda self: True):
            self.Metrics._refresh(self.company)
        self.assertEqual(self._snapshot(), on_primary)
        [(net, product, channel, serve)] = self.env["crm.customer.pnl"]._read_group(
            [("partner_id", "=", self.alice.id)], [],
            ["net_revenue:sum", "product_cost:sum", "channel_cost:sum", "cost_to_serve:sum"])
        contribution = net - product - channel - serve
        self.assertNotAlmostEqual(contribution / net, 0.4, msg="the P&L's contribution, not the gross margin")
        self.assertAlmostEqual(self._rows()[self.alice].margin_rate, contribution / net, places=4)

    def test_access_rights(self):
        self.Metrics._refresh(self.company)
        as_user = self.Metrics.with_user(self.strategy_user)
        self.assertEqual(len(as_user.search([("company_id", "=", self.company.id)])), 2)
        row = as_user.search([("partner_id", "=", self.alice.id)])
        with self.assertRaises(AccessError):
            row.write({"clv": 1.0})
        with self.assertRaises(AccessError):
            as_user.create({"partner_id": self.nobody.id, "company_id": self.company.id})
        with self.assertRaises(AccessError):
            as_user.action_refresh()
        with self.assertRaises(AccessError):
            self.env["crm.marketing.spend"].with_user(self.strategy_user).create({
                "name": "x", "campaign_id": self.campaign.id, "amount": 1.0})
        self.assertTrue(self.env["crm.clv.model"].with_user(self.strategy_user).search([]))
        self.assertTrue(self.env["crm.campaign.roi"].with_user(self.strategy_user).search([]))
        # Managers refresh; the refresh runs as superuser for its SQL, but only for their companies.
        self.Metrics.with_user(self.manager).action_refresh()
        self.Metrics.with_user(self.manager).action_refresh_incremental()
        # Other companies' rows are invisible.
        other = self.setup_other_company(name="Analytics other company")["company"]
        self.env["crm.customer.metrics"].sudo().create({"partner_id": self.nobody.id, "company_id": other.id})
        self.assertFalse(as_user.search([("company_id", "=", other.id)]))
        self.assertTrue(self.Metrics.search([("company_id", "=", other.id)]))

    @mute_logger("odoo.addons.crm_analytics.models.crm_customer_metrics")
    def test_empty_company(self):
        other = self.setup_other_company(name="Analytics empty company")["company"]
        result = self.Metrics._refresh(other)
        self.assertEqual(result[other.id]["customers"], 0)
        self.assertFalse(self.Metrics.search([("company_id", "=", other.id)]))
        fit = self.env["crm.clv.model"].search([("company_id", "=", other.id)])
        self.assertEqual(fit.n_customers, 0)

    def test_acquisition_channel_from_channel_development(self):
        """With the default dimension, the acquisition channel is the sales channel of the first invoice."""
        self.env["ir.config_parameter"].set_param("crm_analytics.channel_dimension", "channel")
        channel = self.env["crm.channel"].create({
            "name": "Fairs", "channel_type": "retail", "rule_type": "utm_source", "source_id": self.source.id,
            "company_id": self.company.id})
        channel._assign_channels(self.company)
        self.Metrics._refresh(self.company)
        rows = self._rows()
        self.assertEqual(rows[self.alice].acquisition_channel, "Fairs")
        self.assertFalse(rows[self.bob].acquisition_channel, "Bob's first invoice came through no channel")
