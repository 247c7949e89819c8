import logging
from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase, tagged

from ..lib import clv_basis, forecast
from .common import AnalyticsInvoicingCase

_logger = logging.getLogger(__name__)

# A base like the demo database's: nine customers, whales among small buyers, a one-time buyer of today, a
# customer sold below cost, two customers who stopped buying over a year ago, short history. Amounts are sold as
# quantities of a product at 1.00 that costs 0.70 (30 % margin), or, for "loss", one that costs 2.00.
# name: [(days ago, amount, kind)], kind "in" (invoice), "out" (credit note) or "loss" (invoice below cost).
DEMO_LIKE = {
    "Acme Like": [(300, 1880, "in"), (20, 11250, "in"), (15, 31750, "in"), (10, 31750, "out"), (3, 19250, "in"),
                  (2, 41750, "in")],
    "Azure Like": [(250, 2700, "in"), (45, 1290, "in"), (15, 2270, "in"), (1, 31750, "in")],
    "Gemini Like": [(150, 376, "in"), (60, 282, "in"), (30, 820, "in"), (20, 880, "in")],
    "Wood Like": [(400, 4500, "in"), (200, 6340, "in"), (90, 2250, "in"), (60, 1600, "in"), (40, 6412.5, "in")],
    "Anna Like": [(30, 94, "in"), (10, 420, "in")],
    "LightsUp Like": [(0, 750, "in")],
    "OpenWood Like": [(40, 2000, "loss"), (35, 1000, "loss"), (30, 275, "loss"), (5, 1799, "loss")],
    "Lapsed Ready": [(700, 382.5, "in"), (560, 3800, "in"), (500, 900, "in")],
    "Lapsed Tom": [(600, 32.9, "in"), (480, 445, "in")],
}
ACTIVE = ("Acme Like", "Azure Like", "Gemini Like", "Anna Like", "OpenWood Like")
LAPSED = ("Lapsed Ready", "Lapsed Tom")


@tagged("post_install", "-at_install")
class TestClvTrust(AnalyticsInvoicingCase):
    """A demo-like base after a full refresh: no absurd CLV, P(alive) that tells active from lapsed customers, the
    fit's grade and the CLV's basis on the dashboard and in the explanations."""

    SETTINGS = {"source": "invoice", "time_unit": "week", "horizon_months": "12", "discount_rate": "10",
                "holdout_months": "6", "clv_min_repeat": "30"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = {
            kind: cls.env["product.product"].create({
                "name": f"Desk ({kind})", "type": "consu", "list_price": 1.0, "standard_price": cost})
            for kind, cost in (("in", 0.7), ("loss", 2.0))}
        products["out"] = products["in"]
        cls.partners = {}
        for name, documents in DEMO_LIKE.items():
            partner = cls.env["res.partner"].create({"name": name, "is_company": True})
            cls.partners[name] = partner
            for days_ago, amount, kind in documents:
                cls._invoice(partner, days_ago, amount, price=1.0, product=products[kind],
                             move_type="out_refund" if kind == "out" else "out_invoice")

    def _refresh(self):
        self.Metrics._refresh(self.company)
        rows = self.Metrics.search([("company_id", "=", self.company.id)])
        return {row.partner_id.name: row for row in rows}

    def test_demo_like_base_after_refresh(self):
        rows = self._refresh()
        self.assertEqual(set(rows), set(DEMO_LIKE))
        fit = rows["Acme Like"].clv_model_id
        self.assertLess(fit.n_repeat, 30)
        # Too few repeat customers: the CLV shown is the historical one, said so with the figures.
        self.assertEqual(fit.clv_basis, "historical")
        self.assertIn(f"only {fit.n_repeat} repeat customers, below the minimum of 30", fit.clv_basis_reason)
        for name, row in rows.items():
            with self.subTest(customer=name):
                for value in (row.clv, row.clv_low, row.clv_high, row.clv_model, row.expected_order_value,
                              row.p_alive):
                    self.assertTrue(abs(value) < 1e12, value)
                self.assertLessEqual(row.clv_low, row.clv + 1e-6)
                self.assertGreaterEqual(row.clv_high, row.clv - 1e-6)
                # No customer worth more than 100 times the margin they brought so far; none without margin.
                if row.margin_total > 0:
                    self.assertLessEqual(row.clv, 100 * row.margin_total)
                    self.assertLessEqual(row.clv_model, 100 * row.margin_total)
                elif row.margin_total < 0:
                    # a customer who lost money so far is worth a loss (issue 16): negative, bounded alike
                    self.assertLessEqual(row.clv, 0.0)
                    self.assertLessEqual(-row.clv, 100 * -row.margin_total)
                else:
                    self.assertEqual(row.clv, 0.0)
                self.assertLessEqual(row.expected_order_value, max(row.revenue_total, 41750.0))
                self.assertTrue(0.0 <= row.p_alive <= 1.0)
        # P(alive) tells the customers who buy from the ones who stopped over a year ago.
        active = [rows[name].p_alive for name in ACTIVE]
        lapsed = [rows[name].p_alive for name in LAPSED]
        positive = [row for row in rows.values() if row.margin_total > 0]
        _logger.info("demo-like base: max CLV / lifetime margin %.2f (model CLV %.2f), P(alive) active %s, lapsed %s, "
                     "grade %s, basis %s", max(row.clv / row.margin_total for row in positive),
                     max(row.clv_model / row.margin_total for row in positive),
                     [round(p, 3) for p in active], [round(p, 3) for p in lapsed], fit.backtest_grade, fit.clv_basis)
        self.assertGreater(min(active), max(lapsed))
        self.assertLess(max(lapsed), 0.5)
        # The one-time buyer of today gets the base's mean spend, not an unbounded one.
        new = rows["LightsUp Like"]
        self.assertAlmostEqual(new.expected_order_value, fit.gg_mean, places=2)
        self.assertLess(new.expected_order_value, 41750.0)
        # The fit reports what it could not identify.
        self.assertFalse(fit.bgnbd_identified and fit.gg_identified)
        self.assertTrue(fit.fit_notes)

    def test_historical_clv_by_hand(self):
        rows = self._refresh()
        fit = rows["Wood Like"].clv_model_id
        # Retention: customers acquired over a year ago who bought within the last year: Wood yes, the two lapsed no.
        self.assertEqual((fit.hist_eligible, fit.hist_retained), (3, 1))
        self.assertAlmostEqual(fit.hist_retention, 2 / 5)
        wood = rows["Wood Like"]
        months = clv_basis.months_retained(0.4, 12, 1.1 ** (1 / 12) - 1)
        per_month = wood.margin_total / (400 / 30.4375)
        self.assertAlmostEqual(wood.clv, per_month * months, places=6)
        low = clv_basis.months_retained(fit._retention().quantile(0.1), 12, 1.1 ** (1 / 12) - 1)
        self.assertAlmostEqual(wood.clv_low, per_month * low, places=6)
        html = str(wood.explanation_html)
        for text in ("Historical CLV over the next 12 months", "not a model output", "Observed annual retention",
                     "80 % interval", "Model CLV (not used)", "only"):
            self.assertIn(text, html)

    def test_dashboard_shows_grade_basis_and_warnings(self):
        self._refresh()
        data = self.env["crm.analytics.dashboard"].with_context(
            allowed_company_ids=self.company.ids).get_dashboard_data()
        [fit] = data["fits"]
        self.assertIn(fit["grade"], ("A", "B", "C", False))
        self.assertIn("grade_label", fit)
        self.assertEqual(fit["basis"], "historical")
        self.assertIn("below the minimum of 30", fit["reason"])
        for key in ("clv_total", "clv_average"):
            self.assertEqual(data["kpis"][key]["basis"], "historical")
            self.assertEqual(data["kpis"][key]["period"], "next 12 months")
        self.assertTrue(data["kpis"]["active"]["fit"])
        self.assertEqual(data["warnings"]["clv"], "Historical CLV, not a model output: see the fit above.")

    def test_grade_c_turns_the_clv_historical_and_warns(self):
        """Enough repeat customers, but a back-test worse than naive: the CLV is historical, every KPI of the fit
        carries the warning."""
        self.env["ir.config_parameter"].set_param("crm_analytics.clv_min_repeat", "1")

        def graded_c(predicted, actual, naive):
            return {**forecast_holdout(predicted, actual, naive), "grade": "C"}

        forecast_holdout = forecast.holdout_errors
        with patch.object(forecast, "holdout_errors", graded_c):
            rows = self._refresh()
        fit = rows["Acme Like"].clv_model_id
        self.assertEqual(fit.backtest_grade, "C")
        self.assertEqual(fit.clv_basis, "historical")
        self.assertIn("the back-test grade is C", fit.clv_basis_reason)
        data = self.env["crm.analytics.dashboard"].with_context(
            allowed_company_ids=self.company.ids).get_dashboard_data()
        for key in ("active", "clv_total", "clv_average"):
            self.assertIn("graded C", data["kpis"][key]["warning"])
        for key in ("customers", "at_risk", "revenue"):
            self.assertFalse(data["kpis"][key].get("warning"))
        self.assertIn("graded C", data["warnings"]["clv"])
        # Unpatched, the basis follows the rule: the model's CLV unless the grade is C.
        rows = self._refresh()
        fit = rows["Acme Like"].clv_model_id
        self.assertEqual(fit.clv_basis, clv_basis.clv_basis(fit.n_repeat, 1, fit.backtest_grade)[0])
        for row in rows.values():
            if fit.clv_basis == "model":
                self.assertAlmostEqual(row.clv, row.clv_model)
            if row.margin_total > 0:
                self.assertLessEqual(row.clv, 100 * row.margin_total)

    def test_incremental_refresh_keeps_basis_and_intervals(self):
        rows = self._refresh()
        fit = rows["Anna Like"].clv_model_id
        self.env.cr.execute("UPDATE account_move SET write_date = write_date - interval '1 day'")
        self.env.cr.execute("UPDATE crm_customer_metrics SET refresh_date = refresh_date - interval '1 hour'")
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partners["Anna Like"].id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"name": "Desk", "quantity": 1, "price_unit": 300.0,
                                                 "tax_ids": [Command.clear()]})]})
        move.action_post()
        result = self.Metrics._refresh(self.company, full=False)[self.company.id]
        self.assertFalse(result["full"])
        self.env.invalidate_all()
        anna = self.Metrics.search([("partner_id", "=", self.partners["Anna Like"].id)])
        self.assertEqual(anna.clv_model_id, fit, "scored with the stored fit")
        self.assertEqual(anna.clv_basis, "historical")
        self.assertLessEqual(anna.clv_low, anna.clv)
        self.assertGreaterEqual(anna.clv_high, anna.clv)


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    """The database's own main company (Odoo's demo invoices when the database has demo data): after a refresh,
    the bounds of issue 17 hold whatever the base."""

    def test_main_company_refresh(self):
        company = self.env.ref("base.main_company")
        Metrics = self.env["crm.customer.metrics"]
        Metrics._refresh(company)
        rows = Metrics.search([("company_id", "=", company.id)])
        for row in rows:
            with self.subTest(customer=row.partner_id.name):
                if row.margin_total > 0:
                    self.assertLessEqual(row.clv, 100 * row.margin_total)
                elif row.margin_total < 0:
                    self.assertLessEqual(row.clv, 0.0, "a loss-making customer has a negative CLV")
                    self.assertLessEqual(-row.clv, 100 * -row.margin_total)
                else:
                    self.assertEqual(row.clv, 0.0)
                self.assertTrue(0.0 <= row.p_alive <= 1.0)
        positive = rows.filtered(lambda row: row.margin_total > 0)
        _logger.info("main company: %s customers, max CLV / lifetime margin %.2f (model CLV %.2f), P(alive) %s, "
                     "grade %s, basis %s", len(rows), max((r.clv / r.margin_total for r in positive), default=0.0),
                     max((r.clv_model / r.margin_total for r in positive), default=0.0),
                     {r.partner_id.name: round(r.p_alive, 3) for r in rows}, rows.clv_model_id.backtest_grade,
                     rows.clv_model_id.clv_basis)
        repeat = rows.filtered(lambda row: row.frequency > 0)
        if len({round(row.age - row.recency, 6) for row in repeat}) > 1:
            self.assertGreater(len(set(repeat.mapped("p_alive"))), 1, "P(alive) differs with recency")
        data = self.env["crm.analytics.dashboard"].with_context(allowed_company_ids=company.ids).get_dashboard_data()
        self.assertEqual(len(data["fits"]), 1)
        self.assertIn("grade", data["fits"][0])
        self.assertEqual(data["fits"][0]["basis"], rows.clv_model_id.clv_basis or "model")
