from odoo.tests import HttpCase, tagged

from .common import SupplierForecastCommon, SupplierPortalHttpCommon
from .portal_html import DAY, MONTH, dates_shown, field_error, input_of, texts, tree


@tagged("post_install", "-at_install")
class TestSupplierPortalForecast(SupplierPortalHttpCommon, SupplierForecastCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        # a product Alpha supplies that nobody needs: no requirement in any week
        cls.product_washer = cls.env["product.product"].create({"name": "Flat washer M8", "is_storable": True})
        cls.env["product.supplierinfo"].create({"partner_id": cls.vendor_a.id,
                                                "product_tmpl_id": cls.product_washer.product_tmpl_id.id})
        cls.forecast_a = cls._publish(cls.vendor_a)
        cls.forecast_b = cls._publish(cls.vendor_b)

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
        response = self.url_open("/my/supplier/forecast?search=washer")
        self.assertIn("o_crm_forecast_empty", response.text, "no requirement for the washer: hidden by default")
        self.assertIn("/my/supplier/forecast/%d?search=washer&amp;show=all" % self.forecast_a.id, response.text)
        response = self.url_open("/my/supplier/forecast?search=washer&show=all")
        self.assertIn(self.product_washer.name, response.text)
        self.assertNotIn(self.product_nut.name, response.text)
        response = self.url_open(f"/my/supplier/forecast/{self.forecast_a.id}/page/2")
        self.assertEqual(response.status_code, 200)

    def test_default_shows_products_with_a_requirement(self):
        """The bolt and the nut have a net requirement in some weeks, the washer none: by default the two, with
        their full name and reference, inputs only in their weeks with a requirement; the toggle adds the
        washer, without inputs."""
        self.product_bolt.write({"name": "Hex bolt M8 x 40 zinc plated, DIN 933, box of 200 pieces",
                                 "default_code": "HB-M8"})
        response = self.url_open("/my/supplier/forecast")
        rows = texts(response, "//tr[contains(@class, 'o_crm_forecast_row')]/th")
        self.assertEqual(len(rows), 2)
        self.assertIn("Hex bolt M8 x 40 zinc plated, DIN 933, box of 200 pieces", rows[0])
        self.assertIn("[HB-M8]", rows[0])
        self.assertNotIn(self.product_washer.name, response.text)
        self.assertIn("2 of 3 product(s)", response.text)
        needed = self.forecast_a.line_ids.filtered(lambda ln: ln.qty_share > 0)
        self.assertTrue(needed)
        self.assertLess(len(needed), 24, "not every week of the two products")
        inputs = [node.get("name")
                  for node in tree(response).xpath("//input[contains(@class, 'o_crm_forecast_commit')]")]
        self.assertEqual(sorted(inputs), sorted(f"commit-{line.id}" for line in needed))
        toggle = self.url_open("/my/supplier/forecast?show=all")
        rows = tree(toggle).xpath("//tr[contains(@class, 'o_crm_forecast_row')]")
        self.assertEqual(len(rows), 3)
        washer = [row for row in rows if self.product_washer.name in row.text_content()]
        self.assertEqual(len(washer), 1)
        self.assertFalse(washer[0].xpath(".//input"), "nothing to answer for the washer")
        self.assertIn("All 3 product(s)", toggle.text)
        self.assertIn('aria-pressed="true"', toggle.text)

    def test_dates_and_chart_labels(self):
        """Weeks, months, publication date and the chart's period show their year; the chart has axis titles
        with the unit and a legend."""
        response = self.url_open("/my/supplier/forecast")
        shown = dates_shown(response)
        self.assertGreaterEqual(len(shown), 13, "the publication date and the 12 weeks")
        for text in shown:
            self.assertRegex(text, DAY)
        self.assertIn(self.week_start.strftime("%m/%d/%Y"), shown)
        months = texts(response, "//th[contains(@class, 'o_crm_forecast_month')]")
        self.assertTrue(months)
        for text in months:
            self.assertRegex(text, MONTH)
        self.assertEqual(months[0], self.week_start.strftime("%b %Y"))
        self.assertEqual(texts(response, "//*[contains(@class, 'o_crm_chart_y_title')]"), ["Quantity (Units)"])
        x_title = texts(response, "//*[contains(@class, 'o_crm_chart_x_title')]")[0]
        self.assertIn(self.week_start.strftime("%m/%d/%Y"), x_title)
        labels = texts(response, "//*[contains(@class, 'o_crm_chart_x_label')]")
        self.assertEqual(len(labels), 12)
        for text in labels:
            self.assertRegex(text, DAY)
        legend = texts(response, "//*[contains(@class, 'o_crm_chart_legend')]")[0]
        self.assertIn("Asked from you", legend)
        self.assertIn("Your commitments", legend)

    def test_refused_commit_keeps_the_typed_values(self):
        needed = self.forecast_a.line_ids.filtered(lambda ln: ln.qty_share > 0)[:1]
        bad = {f"commit-{needed.id}": "twelve"}
        response = self._post(f"/my/supplier/forecast/{self.forecast_a.id}/commit", {**bad, "show": "all"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Nothing was changed", response.text)
        self.assertEqual(input_of(response, f"commit-{needed.id}").get("value"), "twelve")
        self.assertIn("is-invalid", input_of(response, f"commit-{needed.id}").get("class"))
        self.assertEqual(field_error(response, f"commit-{needed.id}"), "“twelve” is not a number.")
        self.assertIn('aria-pressed="true"', response.text, "back on the view it was sent from")
        # a quantity the model refuses (more than 100 times the need) is marked on its field too
        response = self._post(f"/my/supplier/forecast/{self.forecast_a.id}/commit",
                              {f"commit-{needed.id}": "99999"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("must be between 0 and", field_error(response, f"commit-{needed.id}"))
        self.assertEqual(input_of(response, f"commit-{needed.id}").get("value"), "99999")
        self.assertFalse(self.forecast_a.line_ids.filtered("date_committed"))

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
        """The forecast page costs as many queries for 3 products as for 43."""
        url = "/my/supplier/forecast?show=all"
        self.url_open(url)
        before = self.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        small = self.cr.sql_log_count - before
        products = self.env["product.product"].create([{"name": f"Bulk {i}", "is_storable": True} for i in range(40)])
        self.env["product.supplierinfo"].create([
            {"partner_id": self.vendor_a.id, "product_tmpl_id": p.product_tmpl_id.id} for p in products])
        forecast = self._publish(self.vendor_a)
        self.assertEqual(len(forecast.line_ids), 43 * 12)
        self.url_open(url)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        large = self.cr.sql_log_count - before
        self.assertEqual(response.text.count("o_crm_forecast_row"), 20, "20 products a page")
        self.assertEqual(small, large, f"{small} queries for 3 products, {large} for 43")

    def test_tour_commit_forecast_bucket(self):
        self.start_tour("/my/supplier/forecast", "crm_partner_portal_forecast_commit", login="crm_pp_alice")
        committed = self.forecast_a.line_ids.filtered("qty_committed")
        self.assertEqual(committed.mapped("qty_committed"), [12])
        first_needed = self.forecast_a.line_ids.filtered(lambda ln: ln.product_id == self.product_bolt
                                                         and ln.qty_share > 0)[:1]
        self.assertEqual(committed, first_needed, "the first week where the bolt has a requirement")

    def test_tour_show_all_products(self):
        self.product_bolt.write({"name": "Hex bolt M8 with a very long name that wraps on a phone",
                                 "default_code": "HB-M8"})
        self.start_tour("/my/supplier/forecast", "crm_partner_portal_forecast_toggle", login="crm_pp_alice")
