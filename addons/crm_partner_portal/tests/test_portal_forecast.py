from odoo import http
from odoo.tests import HttpCase, tagged

from .common import SupplierForecastCommon


@tagged("post_install", "-at_install")
class TestSupplierPortalForecast(SupplierForecastCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        cls.forecast_a = cls._publish(cls.vendor_a)
        cls.forecast_b = cls._publish(cls.vendor_b)

    def setUp(self):
        super().setUp()
        self.authenticate("crm_pp_alice", "crm_pp_alice")

    def _post(self, url, data):
        return self.url_open(url, data={**data, "csrf_token": http.Request.csrf_token(self)},
                             allow_redirects=False, method="POST")

    def _line(self, product, week):
        return self.forecast_a.line_ids.filtered(lambda ln: ln.product_id == product and ln.week == week)

    def test_forecast_page_own_and_foreign(self):
        for url in ("/my/supplier/forecast", f"/my/supplier/forecast/{self.forecast_a.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn(self.product_bolt.name, response.text)
                self.assertIn("o_crm_forecast_chart", response.text)
                self.assertNotIn(self.product_plate.name, response.text)
                self.assertNotIn(self.vendor_b.name, response.text)
        for url in (f"/my/supplier/forecast/{self.forecast_b.id}", f"/my/supplier/forecast/{self.forecast_b.id}/xlsx"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(self.product_plate.name, response.text)
                self.assertNotIn(self.vendor_b.name, response.text)

    def test_forecast_search_and_pages(self):
        response = self.url_open("/my/supplier/forecast?search=nut")
        self.assertIn(self.product_nut.name, response.text)
        self.assertNotIn(self.product_bolt.name, response.text)
        response = self.url_open(f"/my/supplier/forecast/{self.forecast_a.id}/page/2")
        self.assertEqual(response.status_code, 200)

    def test_xlsx_download(self):
        response = self.url_open(f"/my/supplier/forecast/{self.forecast_a.id}/xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertEqual(response.content[:2], b"PK")

    def test_commit_a_bucket(self):
        line = self._line(self.product_bolt, 2)
        response = self._post(f"/my/supplier/forecast/{self.forecast_a.id}/commit", {f"commit-{line.id}": "25"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(line.qty_committed, 25)
        self.assertTrue(line.date_committed)

    def test_commit_bad_input_changes_nothing(self):
        line = self._line(self.product_bolt, 2)
        foreign = self.forecast_b.line_ids[:1]
        for data in ({f"commit-{line.id}": "-4"}, {f"commit-{line.id}": "abc"}, {f"commit-{line.id}": "1e15"},
                     {f"commit-{line.id}": "inf"}, {f"commit-{foreign.id}": "3"}, {"commit-x": "3"}, {}):
            with self.subTest(data=data):
                response = self._post(f"/my/supplier/forecast/{self.forecast_a.id}/commit", data)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Nothing was changed", response.text)
                self.assertNotIn(self.product_plate.name, response.text)
        self.assertEqual(line.qty_committed, 0)
        self.assertEqual(foreign.qty_committed, 0)
        response = self._post(f"/my/supplier/forecast/{self.forecast_b.id}/commit", {f"commit-{foreign.id}": "3"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(foreign.qty_committed, 0)

    def test_superseded_forecast_is_read_only(self):
        old_line = self._line(self.product_bolt, 2)
        self._publish(self.vendor_a)
        response = self.url_open(f"/my/supplier/forecast/{self.forecast_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_crm_forecast_send", response.text)
        response = self._post(f"/my/supplier/forecast/{self.forecast_a.id}/commit", {f"commit-{old_line.id}": "5"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(old_line.qty_committed, 0)

    def test_page_queries_constant_in_products(self):
        """The forecast page costs as many queries for 2 products as for 42."""
        url = "/my/supplier/forecast"
        self.url_open(url)
        before = self.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        small = self.cr.sql_log_count - before
        products = self.env["product.product"].create([{"name": f"Bulk {i}", "is_storable": True} for i in range(40)])
        self.env["product.supplierinfo"].create([
            {"partner_id": self.vendor_a.id, "product_tmpl_id": p.product_tmpl_id.id} for p in products])
        forecast = self._publish(self.vendor_a)
        self.assertEqual(len(forecast.line_ids), 42 * 12)
        self.url_open(url)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        large = self.cr.sql_log_count - before
        self.assertEqual(response.text.count("o_crm_forecast_row"), 20, "20 products a page")
        self.assertEqual(small, large, f"{small} queries for 2 products, {large} for 42")

    def test_tour_commit_forecast_bucket(self):
        self.start_tour("/my/supplier/forecast", "crm_partner_portal_forecast_commit", login="crm_pp_alice")
        committed = self.forecast_a.line_ids.filtered("qty_committed")
        self.assertEqual(committed.mapped("qty_committed"), [12])
        self.assertEqual(committed.week, 0)
