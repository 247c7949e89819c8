import base64
import io
import zipfile
from datetime import date, timedelta

import openpyxl

from odoo.addons.crm_strategy.tools.xlsx import money_format
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user

from .common import queued_refreshes, without_commit


class AnalyticsViewsCase(TransactionCase):
    """Three customers' metrics written directly: the dashboard and the exports read stored figures only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Dashboard Co"})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.manager = new_test_user(cls.env, "dash_manager", company_id=cls.company.id,
                                    groups="base.group_user,crm_strategy.group_crm_strategy_manager")
        cls.segment = cls.env["crm.segment"].create({"name": "Best", "code": "BEST", "company_id": cls.company.id})
        cls.model = cls.env["crm.clv.model"].create({
            "company_id": cls.company.id, "r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43, "p": 6.25, "q": 3.74,
            "v": 15.44, "n_customers": 3, "time_unit": "week", "horizon_months": 12, "discount_rate": 10,
            "backtest_grade": "B", "rfm_breakpoints": {"r": [10, 20, 30, 40], "f": [1, 2, 3, 4], "m": [1, 2, 3, 4]}})
        today = date.today()
        rows = [
            # name, segment, r, f, rfm segment, p_alive, clv, revenue, channel, acquired days ago, last purchase ago
            ("=HYPERLINK(\"http://x\")", cls.segment, 5, 4, "champions", 0.95, 1000.0, 500.0, "Website", 500, 10),
            ("Carol", cls.segment, 1, 3, "at_risk", 0.30, 100.0, 300.0, "Website", 450, 400),
            ("Dave", False, 3, 1, "about_to_sleep", 0.60, 0.0, 50.0, "Fair", 30, 30),
        ]
        cls.metrics = cls.env["crm.customer.metrics"]
        for name, segment, r, f, rfm_segment, p_alive, clv, revenue, channel, acquired, last in rows:
            partner = cls.env["res.partner"].create({"name": name, "is_company": True})
            cls.metrics |= cls.metrics.create({
                "partner_id": partner.id, "company_id": cls.company.id, "segment_id": segment and segment.id,
                "rfm_recency": r, "rfm_frequency": f, "rfm_monetary": 2, "rfm_segment": rfm_segment,
                "p_alive": p_alive, "clv": clv, "revenue_total": revenue, "margin_total": revenue / 2,
                "frequency": f, "recency": 20.0, "age": 60.0, "monetary_value": 40.0, "recency_days": last,
                "purchase_count": f + 1, "margin_rate": 0.5, "acquisition_channel": channel,
                "acquisition_date": today - timedelta(days=acquired),
                "last_purchase_date": today - timedelta(days=last),
                "cohort_month": (today - timedelta(days=acquired)).replace(day=1), "clv_model_id": cls.model.id,
                "acquisition_cost": 30.0 if channel == "Website" else 0.0,
            })
        cls.env["crm.cohort.retention"].create([
            {"company_id": cls.company.id, "kind": "cohort", "cohort_month": "2025-01-01", "age": age,
             "cohort_size": 10, "active_customers": active, "retention": active * 10.0}
            for age, active in ((0, 10), (1, 6), (2, 4))])


class TestCrmAnalyticsDashboard(AnalyticsViewsCase):
    def test_kpis_and_their_records(self):
        data = self.env["crm.analytics.dashboard"].with_user(self.manager).get_dashboard_data()
        kpis = data["kpis"]
        self.assertEqual(kpis["customers"]["value"], 3)
        self.assertEqual(kpis["active"]["value"], 2)  # p_alive >= 0.5
        self.assertEqual(kpis["at_risk"]["value"], 2)  # at_risk and about_to_sleep
        self.assertAlmostEqual(kpis["clv_total"]["value"], 1100.0)
        self.assertAlmostEqual(kpis["clv_average"]["value"], 1100.0 / 3)
        self.assertAlmostEqual(kpis["revenue"]["value"], 850.0)
        self.assertAlmostEqual(kpis["acquisition_cost"]["value"], 30.0)  # two customers acquired at 30 each
        # acquired over a year ago: the first two; still buying in the last year: only the first
        self.assertAlmostEqual(kpis["retention"]["value"], 50.0)
        Metrics = self.env["crm.customer.metrics"].with_user(self.manager)
        self.assertEqual(Metrics.search(kpis["at_risk"]["domain"]), self.metrics[1:])
        self.assertEqual(Metrics.search(kpis["retention"]["domain"]), self.metrics[0])

    def test_charts_open_their_records(self):
        data = self.env["crm.analytics.dashboard"].with_user(self.manager).get_dashboard_data()
        Metrics = self.env["crm.customer.metrics"].with_user(self.manager)
        bins = data["clv_distribution"]
        self.assertEqual(len(bins), 10)
        self.assertEqual(sum(b["count"] for b in bins), 3)
        for b in bins:
            self.assertEqual(Metrics.search_count(b["domain"]), b["count"], b)
        grid = {(cell["r"], cell["f"]): cell for cell in data["rfm_grid"]}
        self.assertEqual(grid[(5, 4)]["count"], 1)
        self.assertEqual(Metrics.search(grid[(1, 3)]["domain"]), self.metrics[1])
        channels = {c["channel"]: c for c in data["channels"]}
        self.assertEqual(channels["Website"]["customers"], 2)
        self.assertAlmostEqual(channels["Website"]["clv_per_customer"], 550.0)
        self.assertEqual(Metrics.search(channels["Fair"]["domain"]), self.metrics[2])
        self.assertEqual([(c["age"], c["retention"]) for c in data["cohorts"]], [(0, 100.0), (1, 60.0), (2, 40.0)])
        self.assertEqual(data["filters"]["segments"], [(self.segment.id, "Best")])
        self.assertEqual(data["filters"]["channels"], ["Fair", "Website"])

    def test_filters(self):
        Dashboard = self.env["crm.analytics.dashboard"].with_user(self.manager)
        self.assertEqual(Dashboard.get_dashboard_data(segment_id=self.segment.id)["kpis"]["customers"]["value"], 2)
        self.assertEqual(Dashboard.get_dashboard_data(channel="Fair")["kpis"]["customers"]["value"], 1)
        since = str(date.today() - timedelta(days=100))
        self.assertEqual(Dashboard.get_dashboard_data(date_from=since)["kpis"]["customers"]["value"], 1)
        with self.assertRaises(UserError):
            Dashboard.get_dashboard_data(date_from="not a date")
        with self.assertRaises(UserError):
            Dashboard.get_dashboard_data(segment_id="1; DROP TABLE crm_segment")

    def test_other_company_and_access(self):
        other = self.env["res.company"].create({"name": "Elsewhere"})
        outsider = new_test_user(self.env, "dash_outsider", company_id=other.id, company_ids=[other.id],
                                 groups="base.group_user,crm_strategy.group_crm_strategy_user")
        data = self.env["crm.analytics.dashboard"].with_user(outsider).with_context(
            allowed_company_ids=[other.id]).get_dashboard_data()
        self.assertEqual(data["kpis"]["customers"]["value"], 0)
        plain = new_test_user(self.env, "dash_plain", company_id=self.company.id, groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["crm.analytics.dashboard"].with_user(plain).get_dashboard_data()

    def test_explanation_and_partner_buttons(self):
        row = self.metrics[1].with_user(self.manager)
        html = str(row.explanation_html)
        for text in ("P(alive) = 30.0 %", "Gamma-Gamma p, q, v", "6.25, 3.74, 15.44", "At Risk", "quintile",
                     "Back-test grade", "discounted at 10"):
            self.assertIn(text, html)
        # the customer name is data: it is escaped, never markup
        self.assertNotIn("<script", str(self.metrics[0].explanation_html))
        partner = row.partner_id.with_user(self.manager).with_context(allowed_company_ids=[self.company.id])
        self.assertEqual(partner.crm_metrics_id, self.metrics[1])
        self.assertAlmostEqual(partner.crm_clv, 100.0)
        self.assertEqual(partner.crm_rfm_segment, "at_risk")
        action = partner.action_view_crm_metrics()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.customer.metrics", self.metrics[1].id))


class TestCrmAnalyticsExport(AnalyticsViewsCase):
    def _export(self, **values):
        wizard = self.env["crm.analytics.export"].with_user(self.manager).create(values)
        wizard.action_export()
        self.assertEqual(wizard.state, "done")
        content = base64.b64decode(wizard.file)
        return wizard, content, openpyxl.load_workbook(io.BytesIO(content))

    def test_metrics_export_formatted_and_formula_safe(self):
        wizard, _content, book = self._export(analysis="metrics")
        sheet = book.active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(wizard.row_count, 3)
        self.assertEqual(rows[0][:3], ("Customer", "Primary segment", "RFM segment"))
        self.assertEqual(rows[1][0], "'=HYPERLINK(\"http://x\")", "formula-looking text is neutralised")
        self.assertEqual(sheet.cell(2, 1).data_type, "s")
        self.assertEqual(rows[1][2], "Champions")
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:T4")
        clv_col = rows[0].index("CLV") + 1
        currency = self.env.company.currency_id
        self.assertEqual(sheet.cell(2, clv_col).number_format, money_format(currency))
        self.assertIn(currency.symbol, money_format(currency), "amounts show the company currency")
        self.assertEqual(sheet.cell(2, rows[0].index("P(alive)") + 1).number_format, "0.0%")

    def test_metrics_export_filters_and_selection(self):
        _wizard, _content, book = self._export(analysis="metrics", channel="Fair")
        self.assertEqual([r[0] for r in book.active.iter_rows(min_row=2, values_only=True)], ["Dave"])
        _wizard, _content, book = self._export(analysis="metrics", metrics_ids=[(6, 0, self.metrics[1].ids)])
        self.assertEqual([r[0] for r in book.active.iter_rows(min_row=2, values_only=True)], ["Carol"])
        with self.assertRaises(UserError):
            self.env["crm.analytics.export"].with_user(self.manager).create(
                {"analysis": "metrics", "date_from": "2025-02-01", "date_to": "2025-01-01"})

    def test_cohort_heatmap_and_pnl_waterfall_have_native_charts(self):
        _wizard, content, book = self._export(analysis="cohorts")
        sheet = book.active
        self.assertEqual(sheet.cell(1, 2).value, "Age (months) 0")
        self.assertEqual(sheet.cell(2, 1).value, "2025-01-01")
        self.assertAlmostEqual(sheet.cell(2, 3).value, 0.6)
        self.assertTrue(sheet.conditional_formatting, "the matrix is a colour-scale heatmap")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertTrue(any(name.startswith("xl/charts/chart") for name in archive.namelist()))
        _wizard, content, book = self._export(analysis="pnl")
        labels = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(labels[0], "Gross revenue")
        self.assertEqual(labels[-1], "Customer profit")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            chart = next(name for name in archive.namelist() if name.startswith("xl/charts/chart"))
            self.assertIn(b"stacked", archive.read(chart))

    def test_campaign_and_forecast_exports(self):
        for analysis in ("campaign_roi", "forecast"):
            _wizard, _content, book = self._export(analysis=analysis)
            self.assertEqual(book.active.freeze_panes, "A2")


class TestCrmAnalyticsBackgroundRefresh(AnalyticsViewsCase):
    def test_button_queues_and_the_job_refreshes(self):
        cron = self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh_request")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        Metrics = self.env["crm.customer.metrics"].with_user(self.manager).with_context(
            allowed_company_ids=[self.company.id])
        action = Metrics.action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(queued_refreshes(self.env), {self.company.id: True})
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1, "the job is woken up")
        status = self.env["crm.analytics.dashboard"].with_user(self.manager).get_dashboard_data()["refresh"]
        self.assertTrue(status["pending"])
        fits = self.env["crm.clv.model"].search_count([("company_id", "=", self.company.id)])
        with without_commit(self.env):
            self.env["crm.customer.metrics"]._cron_refresh_requested()
        self.assertEqual(queued_refreshes(self.env), {})
        self.assertEqual(self.env["crm.clv.model"].search_count([("company_id", "=", self.company.id)]), fits + 1,
                         "a full refresh ran for the company")
        # an incremental request does not downgrade a pending full one
        Metrics.action_refresh()
        Metrics.action_refresh_incremental()
        self.assertEqual(queued_refreshes(self.env), {self.company.id: True})
