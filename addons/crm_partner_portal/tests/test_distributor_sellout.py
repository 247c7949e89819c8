import io
from datetime import timedelta

import openpyxl
from psycopg2 import IntegrityError

from odoo import Command, fields, http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SupplierForecastCommon, SupplierPortalHttpCommon
from .portal_html import texts


class DistributorCommon:
    """A channel with one distributor (a company with a portal contact), another distributor, two products."""

    @classmethod
    def _setup_distributors(cls):
        env = cls.env
        cls.channel = env["crm.channel"].create({
            "name": "Resellers", "channel_type": "distributor", "rule_type": "utm_source",
            "source_id": env["utm.source"].create({"name": "Reseller referral"}).id})
        cls.distributor = env["res.partner"].create({"name": "Delta Distribution", "is_company": True,
                                                     "crm_distributor_channel_id": cls.channel.id})
        cls.other_distributor = env["res.partner"].create({"name": "Echo Wholesale", "is_company": True,
                                                           "crm_distributor_channel_id": cls.channel.id})
        cls.dina = new_test_user(env, "crm_pp_dina", groups="base.group_portal", password="crm_pp_dina",
                                 partner_id=env["res.partner"].create({"name": "Dina Delta",
                                                                       "parent_id": cls.distributor.id}).id)
        cls.part_1 = env["product.product"].create({"name": "Sell part 1", "default_code": "SELL-1",
                                                    "barcode": "4006381333931", "is_storable": True})
        cls.part_2 = env["product.product"].create({"name": "Sell part 2", "default_code": "SELL-2",
                                                    "is_storable": True})
        today = fields.Date.context_today(env.user)
        cls.this_week = today - timedelta(days=today.weekday())
        cls.last_week = cls.this_week - timedelta(weeks=1)

    @classmethod
    def _report(cls, partner, product, week, sold, stock=0.0, state="reported"):
        return cls.env["crm.distributor.sellout"].create({
            "partner_id": partner.id, "channel_id": cls.channel.id, "product_id": product.id, "week_start": week,
            "qty_sold": sold, "qty_stock": stock, "state": state})


@tagged("post_install", "-at_install")
class TestDistributorSellout(DistributorCommon, SupplierForecastCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        cls._setup_distributors()

    def test_import_replaces_a_reported_week_and_refuses_a_confirmed_one(self):
        Sellout = self.env["crm.distributor.sellout"].with_user(self.dina)
        rows = [{"product_id": self.part_1.id, "week_start": self.last_week, "qty_sold": 5, "qty_stock": 9}]
        first = Sellout._crm_import_rows(self.distributor, rows, "form")
        second = Sellout._crm_import_rows(self.distributor, [dict(rows[0], qty_sold=6)], "file")
        self.assertEqual(first.sudo().state, "cancelled")
        self.assertEqual((second.sudo().qty_sold, second.sudo().channel_id), (6, self.channel))
        second.sudo().action_confirm()
        with self.assertRaisesRegex(ValidationError, "already confirmed"):
            Sellout._crm_import_rows(self.distributor, [dict(rows[0], qty_sold=7)], "file")
        self.assertEqual(second.sudo().qty_sold, 6)

    def test_only_the_distributors_portal_users_report(self):
        rows = [{"product_id": self.part_1.id, "week_start": self.last_week, "qty_sold": 5, "qty_stock": 9}]
        with self.assertRaises(AccessError):
            self.env["crm.distributor.sellout"].with_user(self.dina)._crm_import_rows(self.other_distributor, rows,
                                                                                     "form")
        with self.assertRaises(AccessError):
            self.env["crm.distributor.sellout"].with_user(self.portal_a)._crm_import_rows(self.distributor, rows,
                                                                                         "form")
        self.assertFalse(self.env["crm.distributor.sellout"].search([]).filtered(
            lambda r: r.partner_id in self.distributor | self.other_distributor))

    def test_distributor_reads_only_its_own_rows(self):
        own = self._report(self.distributor, self.part_1, self.last_week, 5)
        self._report(self.other_distributor, self.part_1, self.last_week, 8)
        self.assertEqual(self.env["crm.distributor.sellout"].with_user(self.dina).search([]), own)
        self.assertFalse(self.env["crm.distributor.sellout"].with_user(self.portal_a).search([]))

    def test_week_starts_on_monday_and_quantities_positive(self):
        with self.assertRaises(ValidationError):
            self._report(self.distributor, self.part_1, self.last_week + timedelta(days=2), 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._report(self.distributor, self.part_1, self.last_week, -1)
            self.env.flush_all()

    def test_forecast_history_counts_sellout_not_deliveries_to_the_distributor(self):
        """The ``history`` step: a delivery to a reporting distributor is replaced by what it sold on."""
        week_start = self.week_start
        forecast = self._publish(self.vendor_a)
        nut_before = forecast.line_ids.filtered(lambda line: line.product_id == self.product_nut)[:1].qty_run_rate
        # the delivery of 24 nuts three weeks ago went to the forecast customer; make it the distributor's
        move = self.env["stock.move"].search([("product_id", "=", self.product_nut.id),
                                              ("location_dest_id.usage", "=", "customer")])
        self.assertAlmostEqual(nut_before, 24 / 12)
        move.write({"partner_id": self.distributor.id})
        move.picking_id.partner_id = self.distributor
        self._report(self.distributor, self.product_nut, week_start - timedelta(weeks=2), 36)
        forecast._compute_forecast_lines()
        nut_after = forecast.line_ids.filtered(lambda line: line.product_id == self.product_nut)[:1].qty_run_rate
        self.assertAlmostEqual(nut_after, 36 / 12, msg="sell-out 36 instead of the delivery of 24")

    def test_channel_scorecard_sell_out_against_sell_in(self):
        """Sell-in from the sales facts (invoices to the distributors), sell-out from their reports."""
        self._report(self.distributor, self.part_1, self.last_week, 30)
        self._report(self.distributor, self.part_2, self.last_week, 10, state="confirmed")
        self._report(self.distributor, self.part_2, self.last_week - timedelta(weeks=60), 99)  # out of the period
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.distributor.id, "invoice_date": self.this_week,
            "invoice_line_ids": [Command.create({"product_id": self.part_1.id, "quantity": 80, "price_unit": 3})]})
        invoice.action_post()
        evaluation = self.env["crm.channel.evaluation"]._evaluate_period(
            self.this_week - timedelta(weeks=26), self.this_week + timedelta(days=6)).filtered(
            lambda e: e.channel_id == self.channel)
        self.assertEqual((evaluation.sellin_qty, evaluation.sellout_qty), (80, 40))
        self.assertAlmostEqual(evaluation.sellthrough_rate, 50.0)

    def test_channel_forecast_of_the_distributor(self):
        for weeks_back, sold in ((1, 10), (2, 14)):
            self._report(self.distributor, self.part_1, self.this_week - timedelta(weeks=weeks_back), sold,
                         stock=48 - weeks_back)
        self._report(self.other_distributor, self.part_1, self.last_week, 500)
        card = self.env["crm.distributor.sellout"]._crm_channel_forecast(self.distributor)
        self.assertEqual(card["channel"], self.channel)
        [line] = card["lines"]
        self.assertEqual(line["product"], self.part_1)
        self.assertAlmostEqual(line["run_rate"], 24 / 12)
        self.assertEqual((line["last_stock"], line["last_week"]), (47, self.last_week))
        self.assertAlmostEqual(line["weeks_cover"], 23.5)
        self.assertEqual(card["forecast_from"], self.this_week)


@tagged("post_install", "-at_install")
class TestDistributorPortal(SupplierPortalHttpCommon, DistributorCommon, SupplierForecastCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls._setup_distributors()

    def setUp(self):
        super().setUp()
        self.authenticate("crm_pp_dina", "crm_pp_dina")

    def _upload(self, name, content):
        return self.url_open("/my/distributor/upload", data={"csrf_token": http.Request.csrf_token(self)},
                             files={"report": (name, content, "application/octet-stream")}, allow_redirects=False)

    def _rows(self):
        return self.env["crm.distributor.sellout"].search([("partner_id", "=", self.distributor.id),
                                                           ("state", "!=", "cancelled")])

    def test_bad_csv_lists_every_row_and_imports_nothing(self):
        week = self.last_week.isoformat()
        future = (self.this_week + timedelta(weeks=1)).isoformat()
        csv = (f"Product,Week,Sold,Stock\nSELL-1,{week},5,3\nNOPE,{week},1,1\nSELL-2,{future},1,1\n"
               f"SELL-2,{week},-2,1\n4006381333931,{week},1,1\nSELL-2,,1,\n")
        response = self._upload("report.csv", csv.encode())
        self.assertEqual(response.status_code, 400)
        errors = texts(response, "//li[contains(@class, 'o_crm_sellout_row_error')]")
        self.assertEqual(len(errors), 5, errors)
        self.assertIn("Row 3: Unknown product “NOPE”", errors[0])
        self.assertIn("is not over yet", errors[1])
        self.assertIn("cannot be negative", errors[2])
        self.assertIn("Row 2 already reports", errors[3], "the barcode of SELL-1, same week")
        self.assertIn("The week is missing. The stock on hand is missing.", errors[4])
        self.assertFalse(self._rows())

    def test_good_csv_and_xlsx_are_imported(self):
        iso_year, iso_week, _day = self.last_week.isocalendar()
        csv = f"product;week;sold;stock\nSELL-1;{iso_year}-W{iso_week:02d};12,5;30\n"
        response = self._upload("report.csv", csv.encode("latin-1"))
        self.assertEqual(response.status_code, 303)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["week", "product", "sold", "stock"])
        sheet.append([self.last_week + timedelta(days=3), "SELL-2", 4, 2])
        sheet.append([None, None, None, None])
        sheet.append([self.last_week, 4006381333931, 13, 29])  # a barcode typed as a number: SELL-1 again
        content = io.BytesIO()
        book.save(content)
        response = self._upload("report.xlsx", content.getvalue())
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        rows = self._rows()
        self.assertEqual(sorted(rows.mapped(lambda r: (r.product_id.default_code, r.qty_sold, r.week_start))),
                         [("SELL-1", 13, self.last_week), ("SELL-2", 4, self.last_week)])

    def test_unreadable_files_are_refused(self):
        for name, content, message in (
                ("report.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
                ("report.xlsx", b"not a zip", "cannot be read"),
                ("report.csv", b"a,b\n1,2\n", "missing: product, week, sold, stock"),
                ("report.csv", b"product,week,sold,stock\n", "no row to import")):
            with self.subTest(name=name, message=message):
                response = self._upload(name, content)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self._rows())

    def test_week_form(self):
        csrf = http.Request.csrf_token(self)
        form = {"csrf_token": csrf, "week": str(self.last_week + timedelta(days=4)), "product-0": "SELL-1",
                "sold-0": "3", "stock-0": "8", "product-1": "SELL-2", "sold-1": "x", "stock-1": "1"}
        response = self.url_open("/my/distributor/report", data=form, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(texts(response, "//li[contains(@class, 'o_crm_sellout_row_error')]"),
                         ["Row 2: “x” is not a number."])
        self.assertFalse(self._rows())
        form["sold-1"] = "2"
        response = self.url_open("/my/distributor/report", data=form, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(set(self._rows().mapped("source")), {"form"})
        self.assertEqual(set(self._rows().mapped("week_start")), {self.last_week})
        page = self.url_open("/my/distributor")
        self.assertIn("Sell part 2", page.text)

    def test_vendors_and_others_get_no_distributor_page(self):
        self.authenticate("crm_pp_alice", "crm_pp_alice")
        for url in ("/my/distributor", "/my/distributor/forecast"):
            self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("crm_pp_dina", "crm_pp_dina")
        self.assertEqual(self.url_open("/my/supplier/scorecard").status_code, 404, "a distributor is no vendor")
        self.assertNotIn(self.po_a.name, self.url_open("/my/purchase?filterby=crm_all").text)
        self.assertIn("/my/distributor", self.url_open("/my").text)
