import io
import zipfile

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..exceptions import SupplierAnswerError
from .common import SupplierForecastCommon


@tagged("post_install", "-at_install")
class TestSupplierForecast(SupplierForecastCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()

    def _buckets(self, forecast, product, field):
        lines = forecast.line_ids.filtered(lambda ln: ln.product_id == product).sorted("week")
        return [round(v, 2) for v in lines.mapped(field)]

    def test_publish_computes_the_weekly_buckets(self):
        forecast = self._publish(self.contact_a)
        self.assertEqual(forecast.partner_id, self.vendor_a)
        self.assertEqual((forecast.version, forecast.state, forecast.date_start), (1, "published", self.week_start))
        self.assertEqual(set(forecast.line_ids.product_id.ids), {self.product_bolt.id, self.product_nut.id})
        self.assertEqual(len(forecast.line_ids), 24)
        # bolt: quotations 20 x 50% (opportunity) + 10 x 50% (default) this week, covered by 15 on hand;
        # the confirmed sale of 30 falls in week 2 and is not covered.
        self.assertEqual(self._buckets(forecast, self.product_bolt, "qty_pipeline"), [15] + [0] * 11)
        self.assertEqual(self._buckets(forecast, self.product_bolt, "qty_sales"), [0, 0, 30] + [0] * 9)
        self.assertEqual(self._buckets(forecast, self.product_bolt, "qty_net"), [0, 0, 30] + [0] * 9)
        # nut: run rate 24 / 12 weeks = 2 a week; 6 on hand and 10 incoming in week 2 last until week 7.
        self.assertEqual(self._buckets(forecast, self.product_nut, "qty_run_rate"), [2] * 12)
        self.assertEqual(self._buckets(forecast, self.product_nut, "qty_incoming"), [0, 0, 10] + [0] * 9)
        self.assertEqual(self._buckets(forecast, self.product_nut, "qty_net"), [0] * 8 + [2] * 4)

    def test_versions_supersede(self):
        first = self._publish(self.vendor_a)
        second = self._publish(self.vendor_a)
        other = self._publish(self.vendor_b)
        self.assertEqual((first.state, second.state, second.version), ("superseded", "published", 2))
        self.assertEqual((other.version, other.line_ids.product_id), (1, self.product_plate))

    def test_publish_is_set_based(self):
        """The same number of queries for 2 products as for 40."""
        def count():
            forecast = self.env["crm.supplier.forecast"].create({"partner_id": self.vendor_a.id})
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            forecast.action_publish()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, len(forecast.line_ids)

        count()
        small, small_lines = count()
        products = self.env["product.product"].create([{"name": f"Bulk {i}", "is_storable": True} for i in range(38)])
        self.env["product.supplierinfo"].create([
            {"partner_id": self.vendor_a.id, "product_tmpl_id": p.product_tmpl_id.id} for p in products])
        count()  # the mail notification's caches, cleared by the creation of products, warm again
        large, large_lines = count()
        self.assertEqual((small_lines, large_lines), (24, 480))
        self.assertEqual(small, large)

    def test_xlsx_neutralises_formulas(self):
        self.product_bolt.write({"name": "=HYPERLINK(\"http://evil.example\")", "default_code": "+1-2"})
        forecast = self._publish(self.vendor_a)
        content = forecast._crm_export_xlsx()
        with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
            strings = xlsx.read("xl/sharedStrings.xml").decode()
            sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("'=HYPERLINK", strings)
        self.assertIn("'+1-2", strings)
        self.assertNotIn("<f>", sheet)

    def test_commit_limits(self):
        forecast = self._publish(self.vendor_a)
        line = forecast.line_ids[:1]
        line.qty_committed = 12
        for value in (-1, 1e9):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                line.qty_committed = value

    def test_netting_builders_alone(self):
        """The netting CTE on a grid of known values: 6 on hand cover week 0 and 2 of week 1, a receipt of 4
        covers week 2; a surplus carries forward, a shortage counts once. Product 3 has a reordering rule (min
        5, max 12, multiple 5): below 5 it orders up to 12, by fives (15 in week 0, 10 in week 2)."""
        forecast = self._publish(self.vendor_a)
        grid = SQL("""
            SELECT * FROM (VALUES (1, 0, 4.0, 0.0, 6.0, 0.0, 0.0, 0.0), (1, 1, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                                  (1, 2, 4.0, 4.0, 0.0, 0.0, 0.0, 0.0), (2, 0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0),
                                  (2, 1, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0), (3, 0, 1.0, 0.0, 2.0, 5.0, 12.0, 5.0),
                                  (3, 1, 10.0, 0.0, 0.0, 5.0, 12.0, 5.0), (3, 2, 2.0, 0.0, 0.0, 5.0, 12.0, 5.0))
                AS grid(product_id, week, qty_demand, qty_incoming, qty_on_hand, qty_min, qty_max, qty_multiple)""")
        self.env.cr.execute(SQL(
            "WITH grid AS (%s), netted AS (%s) SELECT product_id, week, stock, qty_net FROM netted "
            "ORDER BY product_id, week", grid, forecast._forecast_sql_netted()))
        self.assertEqual([tuple(float(v) for v in row) for row in self.env.cr.fetchall()], [
            (1, 0, 2, 0), (1, 1, 0, 2), (1, 2, 0, 0),
            (2, 0, 3, 0), (2, 1, 0, 2),
            (3, 0, 16, 15), (3, 1, 6, 0), (3, 2, 14, 10)])

    def test_products_builder_alone(self):
        """The products CTE: every variant a vendor (or one of its contacts) supplies in the company, once."""
        forecast = self._publish(self.vendor_a)
        self.env.cr.execute(SQL("WITH products AS (%s) SELECT product_id FROM products ORDER BY product_id",
                                forecast._forecast_sql_products()))
        self.assertEqual([row[0] for row in self.env.cr.fetchall()],
                         sorted((self.product_bolt | self.product_nut).ids))
        self.env.cr.execute(SQL("WITH weeks AS (%s) SELECT COUNT(*), MIN(week), MAX(week) FROM weeks",
                                forecast._forecast_sql_weeks()))
        self.assertEqual(self.env.cr.fetchone(), (12, 0, 11))

    def test_vendor_commits_through_the_model(self):
        """The portal's write: the vendor's portal users only, all or nothing, on the published version."""
        forecast = self._publish(self.vendor_a)
        first, second = forecast.line_ids[:2]
        forecast.with_user(self.portal_a)._crm_supplier_commit({first: 5, second: 7}, self.contact_a)
        self.assertEqual((first.qty_committed, second.qty_committed), (5, 7))
        self.assertTrue(first.date_committed)
        self.assertIn("committed 2 week(s)", forecast.message_ids[0].body)
        for user in (self.portal_b, self.buyer):
            with self.subTest(user=user.login), self.assertRaisesRegex(AccessError, "portal users"):
                forecast.with_user(user).sudo()._crm_supplier_commit({first: 1}, user.partner_id)
        with self.assertRaises(SupplierAnswerError) as refused:
            forecast.with_user(self.portal_a).sudo()._crm_supplier_commit({first: 6, second: 1e9}, self.contact_a)
        self.assertEqual(refused.exception.records, second)
        foreign = self._publish(self.vendor_b).line_ids[:1]
        with self.assertRaisesRegex(ValidationError, "not in this forecast"):
            forecast.with_env(self.env)._crm_supplier_commit({foreign: 1}, self.contact_a)  # as the superuser
        self.assertEqual((first.qty_committed, second.qty_committed, foreign.qty_committed), (5, 7, 0))
        self._publish(self.vendor_a)
        with self.assertRaisesRegex(UserError, "superseded"):
            forecast.with_user(self.portal_a)._crm_supplier_commit({first: 1}, self.contact_a)
        self.assertEqual(first.qty_committed, 5)
