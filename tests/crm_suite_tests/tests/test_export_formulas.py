"""Formula injection neutralised in every export of the suite: with names a user or a vendor typed set to
spreadsheet formulas (customers, segments, channels, campaigns, products), no workbook holds a formula cell
or a text cell a spreadsheet would run, and the typed text is still there, quoted. Every workbook of the
suite is built by one of three writers, each with formulas off: a fourth fails the inventory."""
import base64
import io
import pathlib
import re

import openpyxl

from odoo.addons.crm_analytics.tests.test_crm_analytics_dashboard import AnalyticsViewsCase
from odoo.addons.crm_analytics.wizards.crm_analytics_export import ANALYSES
from odoo.addons.crm_strategy.tests.common import CrmChannelCase
from odoo.tests import TransactionCase, tagged

from .common import require_suite, setup_vendors

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ADDONS = pathlib.Path(__file__).resolve().parents[3] / "addons"
WRITERS = {"crm_strategy/tools/xlsx.py", "crm_analytics/tools/workbooks.py",
           "crm_partner_portal/models/crm_supplier_forecast.py"}


def cells(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        yield "sheet title", sheet.title, "s"
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield cell.coordinate, cell.value, cell.data_type


def assert_formula_safe(case, content, label, expected=()):
    """No formula cell, no text starting like a formula; each of ``expected`` present, quoted."""
    texts = []
    for where, value, kind in cells(content):
        case.assertNotEqual(kind, "f", f"{label}: {where} is a formula")
        if isinstance(value, str):
            texts.append(value)
            case.assertFalse(value.startswith(TRIGGERS), f"{label}: {where} = {value!r} would run")
    for payload in expected:
        case.assertTrue(any(text.startswith("'" + payload) for text in texts), f"{label}: {payload!r} missing")


@tagged("post_install", "-at_install")
class TestExportWriters(TransactionCase):
    def test_every_workbook_goes_through_a_formula_safe_writer(self):
        found = set()
        for path in ADDONS.rglob("*.py"):
            relative = path.relative_to(ADDONS).as_posix()
            if "/tests/" in relative:
                continue
            text = path.read_text()
            if re.search(r"\bWorkbook\(", text) and "xlsxwriter" in text:
                found.add(relative)
                self.assertIn('"strings_to_formulas": False', text, relative)
                self.assertNotIn("write_formula", text, relative)
        self.assertEqual(found, WRITERS, "a workbook written outside the three formula-safe writers")


@tagged("post_install", "-at_install")
class TestStrategyExportsFormulaSafe(CrmChannelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_big.name = "=HYPERLINK(\"http://evil\",\"x\")"
        cls.segment_two.name = "+SEGMENT()"
        cls.web.name = "@CHANNEL"
        cls.customer_small.name = "-2+3"

    def _attachment(self, action):
        return self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0])).raw

    def test_customer_pnl(self):
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        rows = self.env["crm.customer.pnl"].search([("company_id", "=", self.company.id)])
        self.assertTrue(rows)
        assert_formula_safe(self, self._attachment(rows.action_export_xlsx()), "customer P&L",
                            ["=HYPERLINK", "-2+3"])

    def test_channel_evaluation(self):
        evaluations = self.env["crm.channel.evaluation"]._evaluate_period(self.month_start, self.today, self.company)
        assert_formula_safe(self, self._attachment(evaluations.action_export_xlsx()), "channel scorecard",
                            ["@CHANNEL"])

    def test_channel_strategy_comparison(self):
        Strategy = self.env["crm.channel.strategy"]
        old = Strategy.create({"name": "=OLD()", "line_ids": [
            (0, 0, {"segment_id": self.segment_two.id, "channel_id": self.field.id, "role": "primary"})]})
        new = Strategy.create({"name": "=NEW()", "line_ids": [
            (0, 0, {"segment_id": self.segment_two.id, "channel_id": self.web.id, "role": "primary"})]})
        comparison = self.env["crm.channel.strategy.comparison"].create({
            "old_strategy_id": old.id, "new_strategy_id": new.id, "date_from": self.month_start,
            "date_to": self.today})
        comparison.action_compare()
        assert_formula_safe(self, self._attachment(comparison.action_export_xlsx()), "strategy comparison",
                            ["+SEGMENT()"])


@tagged("post_install", "-at_install")
class TestAnalyticsExportsFormulaSafe(AnalyticsViewsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment.name = "=SEGMENT()"
        campaign = cls.env["utm.campaign"].create({"name": "+CAMPAIGN()"})
        cls.env["crm.marketing.spend"].create({"name": "@SPEND", "campaign_id": campaign.id, "amount": 10.0,
                                               "company_id": cls.company.id})

    def test_every_analysis(self):
        expected = {"metrics": ["=HYPERLINK", "=SEGMENT()"], "campaign_roi": ["+CAMPAIGN()"]}
        for analysis, _label in ANALYSES:
            with self.subTest(analysis=analysis):
                wizard = self.env["crm.analytics.export"].with_user(self.manager).create({"analysis": analysis})
                wizard.action_export()
                assert_formula_safe(self, base64.b64decode(wizard.file), analysis, expected.get(analysis, ()))


@tagged("post_install", "-at_install")
class TestPortalForecastExportFormulaSafe(TransactionCase):
    def test_forecast_download(self):
        require_suite(self.env)
        own = setup_vendors(self.env)["own"]
        own["product"].write({"name": "=cmd|' /C calc'!A0", "default_code": "-REF+1"})
        forecast = self.env["crm.supplier.forecast"].create({"partner_id": own["vendor"].id})
        forecast.action_publish()
        assert_formula_safe(self, forecast._crm_export_xlsx(), "supplier forecast", ["=cmd|", "-REF+1"])
