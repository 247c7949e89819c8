"""Every export of the suite, through its one writer (crm_strategy/tools/xlsx.py):

- formula injection neutralised: with names a user or a vendor typed set to spreadsheet formulas
  (customers, segments, channels, campaigns, products), no workbook holds a formula cell or a text cell a
  spreadsheet would run, and the typed text is still there, quoted;
- one number format: amounts carry the company currency, percentages are percentages, dates show their
  year, and an About sheet names the currency and the period with its year.
A second writer fails the inventory."""
import base64
import io
import pathlib
import re

import openpyxl

from odoo.addons.crm_analytics.tests.test_crm_analytics_dashboard import AnalyticsViewsCase
from odoo.addons.crm_analytics.wizards.crm_analytics_export import ANALYSES
from odoo.addons.crm_strategy.tests.common import CrmChannelCase
from odoo.addons.crm_strategy.tools.xlsx import money_format as money_format_of
from odoo.tests import TransactionCase, tagged

from .common import require_suite, setup_vendors

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ADDONS = pathlib.Path(__file__).resolve().parents[3] / "addons"
WRITERS = {"crm_strategy/tools/xlsx.py"}
YEAR = re.compile(r"\b20\d\d\b")


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


def assert_formats(case, content, label, money=True):
    """Numbers in the suite's formats only; amounts in the company currency; an About sheet with the period."""
    currency = case.env.company.currency_id
    money_format = money_format_of(currency)
    allowed = {money_format, "#,##0.00", "#,##0", "0.0%"}
    book = openpyxl.load_workbook(io.BytesIO(content))
    about = book.worksheets[-1]
    case.assertEqual(about.title, "About", label)
    facts = {row[0].value: row[1].value for row in about.iter_rows()}
    case.assertEqual(facts["Currency"], currency.name, label)
    case.assertRegex(facts["Period"], YEAR, f"{label}: the period names its year")
    formats = set()
    for sheet in book.worksheets[:-1]:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.is_date:
                    case.assertIn("yyyy", cell.number_format, f"{label}: {cell.coordinate} without its year")
                elif cell.data_type == "n" and cell.value is not None:
                    case.assertIn(cell.number_format, allowed, f"{label}: {cell.coordinate}")
                    formats.add(cell.number_format)
    if money and formats:
        case.assertIn(money_format, formats, f"{label}: amounts without {currency.name}")
    case.assertIn(currency.symbol, money_format)


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
        self.assertEqual(found, WRITERS, "a workbook written outside the suite's one writer")


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
        content = self._attachment(rows.action_export_xlsx())
        assert_formula_safe(self, content, "customer P&L", ["=HYPERLINK", "-2+3"])
        assert_formats(self, content, "customer P&L")

    def test_channel_evaluation(self):
        evaluations = self.env["crm.channel.evaluation"]._evaluate_period(self.month_start, self.today, self.company)
        content = self._attachment(evaluations.action_export_xlsx())
        assert_formula_safe(self, content, "channel scorecard", ["@CHANNEL"])
        assert_formats(self, content, "channel scorecard")

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
        content = self._attachment(comparison.action_export_xlsx())
        assert_formula_safe(self, content, "strategy comparison", ["+SEGMENT()"])
        assert_formats(self, content, "strategy comparison")


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
                content = base64.b64decode(wizard.file)
                assert_formula_safe(self, content, analysis, expected.get(analysis, ()))
                assert_formats(self, content, analysis, money=analysis != "cohorts")


@tagged("post_install", "-at_install")
class TestPortalForecastExportFormulaSafe(TransactionCase):
    def test_forecast_download(self):
        require_suite(self.env)
        own = setup_vendors(self.env)["own"]
        own["product"].write({"name": "=cmd|' /C calc'!A0", "default_code": "-REF+1"})
        forecast = self.env["crm.supplier.forecast"].create({"partner_id": own["vendor"].id})
        forecast.action_publish()
        content = forecast._crm_export_xlsx()
        assert_formula_safe(self, content, "supplier forecast", ["=cmd|", "-REF+1"])
        assert_formats(self, content, "supplier forecast", money=False)
