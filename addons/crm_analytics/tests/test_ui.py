import base64
import io
from datetime import date, timedelta

import openpyxl

from odoo.tests import HttpCase, new_test_user, tagged

from .common import queued_refreshes


@tagged("post_install", "-at_install")
class TestCrmAnalyticsUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own: the dashboard shows its two customers whatever the demo data holds
        company = cls.env["res.company"].create({"name": "Tour analytics company"})
        cls.manager = new_test_user(
            cls.env, "crm_analytics_manager", groups="base.group_user,crm_strategy.group_crm_strategy_manager",
            company_id=company.id, company_ids=[(6, 0, company.ids)])
        segment = cls.env["crm.segment"].create({"name": "Tour Champions", "code": "TOURCH", "company_id": company.id})
        model = cls.env["crm.clv.model"].create({
            "company_id": company.id, "r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43, "p": 6.25, "q": 3.74,
            "v": 15.44, "n_customers": 2, "time_unit": "week", "horizon_months": 12, "backtest_grade": "A"})
        Metrics = cls.env["crm.customer.metrics"]
        for name, r, f, clv, seg in (("Tour Alice", 5, 4, 900.0, segment), ("Tour Bob", 1, 1, 10.0, False)):
            partner = cls.env["res.partner"].create({"name": name, "is_company": True})
            Metrics.create({
                "partner_id": partner.id, "company_id": company.id, "segment_id": seg and seg.id,
                "rfm_recency": r, "rfm_frequency": f, "rfm_monetary": 3, "rfm_segment": "champions" if r == 5 else
                "hibernating", "frequency": 4, "recency": 30.0, "age": 40.0, "monetary_value": 50.0,
                "purchase_count": 5, "revenue_total": 250.0, "margin_total": 100.0, "margin_rate": 0.4,
                "p_alive": 0.9 if r == 5 else 0.1, "clv": clv, "clv_model_id": model.id,
                "acquisition_date": date.today() - timedelta(days=400), "acquisition_channel": "Website",
            })

    def test_dashboard_tour_and_export(self):
        self.start_tour("/odoo/customer-analytics", "crm_analytics_dashboard_tour", login="crm_analytics_manager")
        export = self.env["crm.analytics.export"].search([("create_uid", "=", self.manager.id)], order="id desc",
                                                          limit=1)
        self.assertEqual(export.state, "done")
        self.assertTrue(export.file_name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        sheet = book["Customer metrics"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Customer")
        self.assertEqual([row[0] for row in rows[1:]], ["Tour Alice"], "only the customer the manager exported")
        self.assertEqual(rows[1][1], "Tour Champions")
        self.assertEqual(rows[1][rows[0].index("CLV")], 900.0)
        self.assertEqual(sheet.freeze_panes, "A2")


@tagged("post_install", "-at_install")
class TestCustomerStrategyApp(HttpCase):
    """The suite is an app of its own, with its top menus by process, on the screen size of a laptop."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "crm_app_manager", groups="base.group_user,crm_strategy.group_crm_strategy_manager")
        cls.user = new_test_user(
            cls.env, "crm_app_user", groups="base.group_user,crm_strategy.group_crm_strategy_user")

    def test_manager_opens_the_app(self):
        self.start_tour("/odoo", "crm_strategy_app_manager_tour", login="crm_app_manager")
        self.assertEqual(queued_refreshes(self.env).get(self.env.company.id), True,
                         "the manager's Refresh queued a full refresh")

    def test_strategy_user_opens_the_app(self):
        self.start_tour("/odoo", "crm_strategy_app_user_tour", login="crm_app_user")
