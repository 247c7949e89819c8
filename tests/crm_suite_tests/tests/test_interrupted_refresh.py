"""A refresh killed after a partial write leaves the previous results whole: segments (memberships,
history, product ABC), customer P&L, customer analytics and the vendor's published forecast."""
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import require_suite


class Killed(Exception):
    """The worker died half-way."""


def killed(*args, **kwargs):
    raise Killed()


@tagged("post_install", "-at_install")
class TestInterruptedRefresh(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.company = cls.env.ref("base.main_company")

    def _rows(self, table, company_field="company_id"):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT * FROM %s WHERE %s = %s ORDER BY id", SQL.identifier(table),
                                SQL.identifier(company_field), self.company.id))
        return self.env.cr.fetchall()

    def _members(self):
        """Membership rows of the company (a membership's company is its segment's)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT m.* FROM crm_segment_member m JOIN crm_segment s ON s.id = m.segment_id"
            " WHERE s.company_id = %s ORDER BY m.id", self.company.id))
        return self.env.cr.fetchall()

    def _interrupted(self, model, method, run):
        """Run ``run`` with ``model.method`` dying; check it died."""
        with patch.object(type(self.env[model]), method, killed), self.assertRaises(Killed):
            run()
        self.env.invalidate_all()

    def test_segments(self):
        segments = self.env["crm.segment"].search([("company_id", "=", self.company.id)])
        self.assertTrue(segments, "demo segments")
        gold = self.env["res.partner"].create({"name": "Newly golden", "is_company": True, "customer_rank": 1})
        segments[0].rule_domain = f"[('id', '=', {gold.id})]"  # the next refresh changes every membership
        before = {table: self._rows(table) for table in ("crm_segment_history", "crm_segment_product_abc")}
        members = self._members()
        last = segments.mapped("last_refresh")
        # dies after the membership statement, while the product ABC is rewritten
        self._interrupted("crm.segment.product.abc", "_refresh_for_segments", segments.action_refresh_members)
        self.assertEqual({table: self._rows(table) for table in before}, before)
        self.assertEqual(self._members(), members)
        self.assertEqual(segments.mapped("last_refresh"), last)
        self.assertFalse(gold.crm_primary_segment_id)
        segments.action_refresh_members()  # and the next one goes through
        self.assertEqual(segments[0].partner_ids, gold)

    def test_segments_cron(self):
        before = self._members(), self._rows("crm_customer_measure")
        self._interrupted("crm.segment.product.abc", "_refresh_for_segments",
                          self.env["crm.segment"]._cron_refresh_members)
        self.assertEqual((self._members(), self._rows("crm_customer_measure")), before)

    def test_customer_pnl(self):
        Pnl = self.env["crm.customer.pnl"]
        Pnl._refresh_pnl(self.company)
        before = self._rows("crm_customer_pnl")
        self.assertTrue(before)
        # every row would change (a new administrative cost); the worker dies once they are written
        self.env["crm.admin.cost.rule"].create({"name": "Interrupted overhead", "basis": "per_customer",
                                                "rate": 11, "company_id": self.company.id})
        original = type(Pnl)._write_pnl_rows

        def written_then_killed(model, company, date_from):
            self.assertTrue(original(model, company, date_from)[1], "rows were rewritten")
            raise Killed()

        with patch.object(type(Pnl), "_write_pnl_rows", written_then_killed), \
                self.assertRaises(Killed), self.env.cr.savepoint():
            Pnl._refresh_pnl(self.company)
        self.assertEqual(self._rows("crm_customer_pnl"), before, "the rewritten rows are as they were")

    def test_analytics(self):
        Metrics = self.env["crm.customer.metrics"]
        Metrics._refresh(self.company)
        tables = ("crm_customer_metrics", "crm_clv_model", "crm_cohort_retention", "crm_revenue_forecast")
        before = {table: self._rows(table) for table in tables}
        self.assertTrue(before["crm_customer_metrics"])
        # the metrics are swapped in, then the cohorts die
        self._interrupted("crm.cohort.retention", "_refresh_company", lambda: Metrics._refresh(self.company))
        self.assertEqual({table: self._rows(table) for table in tables}, before)

    def test_portal_forecast(self):
        vendor = self.env["res.partner"].create({"name": "Interrupted vendor", "is_company": True})
        product = self.env["product.product"].create({"name": "Interrupted part", "is_storable": True})
        self.env["product.supplierinfo"].create({"partner_id": vendor.id,
                                                 "product_tmpl_id": product.product_tmpl_id.id})
        order = self.env["sale.order"].create({"partner_id": self.env.ref("base.res_partner_2").id, "order_line": [
            Command.create({"product_id": product.id, "product_uom_qty": 30})]})
        order.action_confirm()
        Forecast = self.env["crm.supplier.forecast"]
        published = Forecast.create({"partner_id": vendor.id})
        published.action_publish()
        lines = published.line_ids.read(["product_id", "week", "qty_net", "qty_committed"])
        self.assertTrue(lines)
        order.order_line.product_uom_qty = 90
        draft = Forecast.create({"partner_id": vendor.id})
        # dies after the new lines were written and the previous version superseded, at the notification
        self._interrupted("crm.supplier.webhook", "_crm_enqueue", draft.action_publish)
        self.assertEqual((published.state, published.version), ("published", 1))
        self.assertEqual(published.line_ids.read(["product_id", "week", "qty_net", "qty_committed"]), lines)
        self.assertEqual((draft.state, draft.version, draft.line_count), ("draft", 0, 0))
        self.assertEqual(Forecast.search([("partner_id", "=", vendor.id), ("state", "=", "published")]), published,
                         "the vendor still sees the previous forecast")
        draft.action_publish()
        self.assertEqual((draft.state, published.state), ("published", "superseded"))
        self.assertGreater(sum(draft.line_ids.mapped("qty_net")), sum(line["qty_net"] for line in lines))
        self.assertTrue(fields.Datetime.now() - draft.date_published < timedelta(minutes=5))
