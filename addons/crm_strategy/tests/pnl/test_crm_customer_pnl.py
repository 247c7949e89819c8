import io
from datetime import timedelta
from unittest.mock import patch

import openpyxl
import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from ...const import DRIVER_VOLUMES, PNL_FILLFACTOR
from ...tools import pg
from ..common import CrmStrategyCase

PNL_KEYS = ("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'crm_customer_pnl'::regclass AND contype = 'f' ORDER BY conname")
UNIT_COSTS = {
    "quotation": 10, "sale_order": 20, "order_line": 1, "delivery": 30, "return": 40, "invoice": 5,
    "credit_note": 15, "payment_reminder": 8, "payment_delay": 0.001, "activity": 12,
}


class TestCrmCustomerPnl(CrmStrategyCase):
    """One customer, computed by hand: list-price and discounted invoices, a credit note, a delivery
    and its return, an overdue invoice with a reminder, and a logged activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Driver = cls.env["crm.cost.driver"]
        for driver, cost in UNIT_COSTS.items():
            Driver.create({"driver": driver, "unit_cost": cost, "company_id": cls.company.id})
        Rule = cls.env["crm.admin.cost.rule"]
        Rule.create({"name": "Overhead", "basis": "revenue_pct", "rate": 2, "company_id": cls.company.id})
        Rule.create({"name": "Order desk", "basis": "per_order", "rate": 3, "company_id": cls.company.id})
        Rule.create({"name": "Account", "basis": "per_customer", "rate": 7, "company_id": cls.company.id})
        cls.customer = cls.customer_big
        # 10 at list price (100): gross 1000, net 1000; overdue since 10 days, with a reminder
        cls.inv_list = cls._invoice(cls.customer, 0, 10)
        cls.inv_list.button_draft()
        cls.inv_list.invoice_date_due = cls.today - timedelta(days=10)
        cls.inv_list.action_post()
        cls.inv_list.message_post(  # pylint: disable=translation-required  # a test's message
            body="Friendly reminder: this invoice is overdue.", message_type="comment")
        # 5 at 90 with a 10% discount: gross 500, pricelist reduction 50, line discount 45, net 405
        cls._invoice(cls.customer, 0, 5, price=90.0, discount=10.0)
        # credit note of 2 at 100: allowance 200, product cost back 120
        cls._invoice(cls.customer, 0, 2, move_type="out_refund")
        # one quotation confirmed into an order of one line, delivered, then returned
        order = cls._order(cls.customer, 0, quantity=3)
        order.date_order = fields.Datetime.now()
        picking = order.picking_ids
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking.button_validate()
        wizard = cls.env["stock.return.picking"].with_context(
            active_id=picking.id, active_model="stock.picking").create({})
        wizard.product_return_moves.quantity = 1
        returned = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.move_ids.quantity = 1
        returned.move_ids.picked = True
        returned.button_validate()
        # a logged activity
        activity = cls.customer.activity_schedule("mail.mail_activity_data_call", summary="Account review")
        activity.action_feedback(feedback="Called")
        cls.month = cls.today.replace(day=1)
        cls.env["crm.customer.pnl"]._refresh_pnl(cls.company)

    def _row(self, partner=None):
        return self.env["crm.customer.pnl"].search([
            ("partner_id", "=", (partner or self.customer).id), ("company_id", "=", self.company.id),
            ("month", "=", self.month)])

    def test_every_column_by_hand(self):
        row = self._row()
        self.assertEqual(len(row), 1)
        self.assertFigures(row, {
            "gross_revenue": 1500.0, "pricelist_reduction": 50.0, "line_discount": 45.0, "allowance_amount": 200.0,
            "net_revenue": 1205.0,
            "product_cost": 780.0,  # (10 + 5 - 2) x 60, standard cost
            "product_cost_estimated": True, "channel_cost": 0.0, "channel_cost_missing": True,
        })
        overdue_days = (self.today - max(self.month, self.today - timedelta(days=9))).days + 1
        expected_counts = {
            "quotation": 1, "sale_order": 1, "order_line": 1, "delivery": 1, "return": 1, "invoice": 2,
            "credit_note": 1, "payment_reminder": 1, "payment_delay": 1000.0 * overdue_days, "activity": 1,
        }
        self.assertFigures(row, {DRIVER_VOLUMES[driver]: volume for driver, volume in expected_counts.items()})
        cost_to_serve = sum(UNIT_COSTS[d] * q for d, q in expected_counts.items())
        self.assertAlmostEqual(row.cost_to_serve, cost_to_serve)
        admin = 0.02 * 1205 + 3 * 1 + 7
        self.assertAlmostEqual(row.admin_cost, admin)
        profit = 1205 - 780 - 0 - cost_to_serve - admin
        self.assertAlmostEqual(row.profit, profit)
        self.assertAlmostEqual(row.profit_pct, round(100 * profit / 1205, 2))

    def test_segment_rollup_and_continuum_stage(self):
        segment = self.env["crm.segment"].create({
            "name": "Big one", "code": "BIG1", "rule_domain": f"[('id', '=', {self.customer.id})]",
            "advisor_id": self.manager.id, "owner_id": self.manager.id, "continuum_stage": "segment_owner",
        })
        with self.assertRaisesRegex(ValidationError, "P&L"):
            segment.continuum_stage = "customer_pnl"
        segment.action_refresh_members()
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        segment.continuum_stage = "customer_pnl"
        self.assertEqual(self._row().segment_id, segment, "rows carry the primary segment for the roll-up")
        groups = self.env["crm.customer.pnl"]._read_group(
            [("company_id", "=", self.company.id)], ["segment_id"], ["profit:sum", "net_revenue:sum"])
        by_segment = {seg: (profit, net) for seg, profit, net in groups}
        self.assertAlmostEqual(by_segment[segment][1], 1205.0)
        # every month of the customer rolls up: early in a month, the overdue invoice also costs in the last one
        rows = self.env["crm.customer.pnl"].search([
            ("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)])
        self.assertEqual(rows.segment_id, segment)
        self.assertAlmostEqual(by_segment[segment][0], sum(rows.mapped("profit")))
        self.assertIn("Net revenue", segment.pnl_waterfall_html)
        # the tab and its smart button show the same twelve months, and say which, with the year
        since, until = segment._pnl_period()
        self.assertIn(str(until.year), segment.pnl_waterfall_html)
        action = segment.action_view_pnl()
        self.assertIn(str(until.year), action["name"])
        shown = self.env["crm.customer.pnl"].search(action["domain"])
        self.assertTrue(shown)
        self.assertTrue(all(row.month >= since for row in shown))
        self.assertIn(segment._pnl_period_label(), segment.pnl_waterfall_html)

    def test_profitability_whale_curve_and_suggestions(self):
        loser = self.env["res.partner"].create({"name": "Loss maker", "is_company": True})
        self._invoice(loser, 0, 1, price=70.0)  # net 70 - cost 60 - invoice 5 - admin 8.4 -> loss
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        self.env.invalidate_all()
        Prof = self.env["crm.customer.profitability"]
        rows = Prof.search([("company_id", "=", self.company.id)], order="profit_rank")
        self.assertEqual(rows.mapped("partner_id"), self.customer | loser)
        self.assertEqual(rows[0].profit_rank, 1)
        self.assertAlmostEqual(rows[1].cumulative_profit, rows[0].profit + rows[1].profit)
        self.assertTrue(rows[1].is_unprofitable)
        self.assertEqual(rows[1].suggested_action, "Review discounts")  # 30% below list price
        self.assertFalse(rows[0].suggested_action)
        self.assertIn("Customer profit", rows[0].waterfall_html)

    def test_refresh_rewrites_what_changed_and_keeps_other_companies(self):
        other = self.setup_other_company(name="Other P&L Co")["company"]
        Pnl = self.env["crm.customer.pnl"]
        foreign = Pnl.sudo().create({
            "partner_id": self.customer.id, "company_id": other.id, "month": self.month, "net_revenue": 42})
        stale = Pnl.sudo().create({"partner_id": self.customer.id, "company_id": self.company.id,
                                   "month": self.month.replace(year=self.month.year - 5), "net_revenue": 9})
        before = self._row()
        figures = before.read(["net_revenue", "profit", "admin_cost", "order_count"])[0]
        self.env.cr.execute("UPDATE crm_customer_pnl SET net_revenue = 1, order_count = 99 WHERE id = %s",
                            [before.id])
        before.invalidate_recordset()
        self.assertEqual(Pnl._refresh_pnl(self.company), None)
        self.assertEqual(self._row(), before, "the row is kept, its figures recomputed in place")
        self.assertEqual(before.read(["net_revenue", "profit", "admin_cost", "order_count"])[0], figures)
        self.assertFalse(stale.exists(), "a month without any figure is gone")
        self.assertTrue(foreign.exists(), "another company's rows are untouched")
        self.assertEqual(foreign.net_revenue, 42)
        with self.assertRaises(UserError):
            Pnl._refresh_pnl(self.company, self.today + timedelta(days=40))

    def test_refresh_writes_nothing_when_nothing_changed(self):
        """A second refresh leaves every row as it is: no new row version, so no index entry, no foreign-key
        check, nothing for vacuum or the replica."""
        Pnl = self.env["crm.customer.pnl"]
        self.env.cr.execute("SELECT id, ctid::text FROM crm_customer_pnl WHERE company_id = %s ORDER BY id",
                            [self.company.id])
        versions = self.env.cr.fetchall()
        self.assertTrue(versions)
        Pnl._refresh_pnl(self.company)
        self.env.cr.execute("SELECT id, ctid::text FROM crm_customer_pnl WHERE company_id = %s ORDER BY id",
                            [self.company.id])
        self.assertEqual(self.env.cr.fetchall(), versions)

    def test_refresh_updates_changed_rows_in_place(self):
        """A new cost rule changes every row: each is updated on its own page (HOT), no index is written."""
        cr = self.env.cr
        cr.execute("SELECT reloptions FROM pg_class WHERE oid = 'crm_customer_pnl'::regclass")
        self.assertIn(f"fillfactor={PNL_FILLFACTOR}", cr.fetchone()[0])
        counts = ("SELECT pg_stat_get_xact_tuples_updated(%(t)s::regclass), "
                  "pg_stat_get_xact_tuples_hot_updated(%(t)s::regclass)")
        cr.execute(counts, {"t": "crm_customer_pnl"})
        updated, hot = cr.fetchone()
        rows = self.env["crm.customer.pnl"].search_count([("company_id", "=", self.company.id),
                                                          ("net_revenue", "!=", 0)])
        self.assertTrue(rows)
        self.env["crm.admin.cost.rule"].create({"name": "Per customer", "basis": "per_customer", "rate": 1.0})
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        cr.execute(counts, {"t": "crm_customer_pnl"})
        now_updated, now_hot = cr.fetchone()
        self.assertGreaterEqual(now_updated - updated, rows, "every active customer-month changed, in place")
        self.assertEqual(now_hot - hot, now_updated - updated, "each new version on its row's page")

    def test_bulk_load_checks_the_keys_once_and_keeps_them(self):
        """Above the bulk size (many new customer-months), the foreign keys are dropped for the write and
        added back: the same rows as the row-by-row path, the same keys, still enforced."""
        Pnl = self.env["crm.customer.pnl"]
        columns = ["partner_id", "month", "segment_id", "net_revenue", "product_cost", "cost_to_serve",
                   "admin_cost", "profit", "order_count", "payment_delay_amount_days"]
        expected = Pnl.search_read([("company_id", "=", self.company.id)], columns, order="partner_id, month")
        cr = self.env.cr
        cr.execute(PNL_KEYS)
        keys = cr.fetchall()
        self.assertEqual(len(keys), 3, "customer, company, segment")
        cr.execute("DELETE FROM crm_customer_pnl WHERE company_id = %s", [self.company.id])
        with patch.object(pg, "BULK_LOAD_ROWS", 1):
            Pnl._refresh_pnl(self.company)
        Pnl.invalidate_model()
        reloaded = Pnl.search_read([("company_id", "=", self.company.id)], columns, order="partner_id, month")
        self.assertEqual([{k: v for k, v in row.items() if k != "id"} for row in reloaded],
                         [{k: v for k, v in row.items() if k != "id"} for row in expected],
                         "new ids (the rows were deleted), the same figures")
        cr.execute(PNL_KEYS)
        self.assertEqual(cr.fetchall(), keys, "the keys are back, as they were")
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation), mute_logger("odoo.sql_db"), cr.savepoint():
            cr.execute("INSERT INTO crm_customer_pnl (partner_id, company_id, month) VALUES (-1, %s, %s)",
                       [self.company.id, self.month])

    def test_refresh_interrupted_leaves_previous_rows(self):
        before = self._row()
        net = before.net_revenue
        Pnl = type(self.env["crm.customer.pnl"])
        original = Pnl._pnl_rows_sql

        def broken(model, company, date_from, today):
            raise RuntimeError("killed half-way")

        Pnl._pnl_rows_sql = broken
        try:
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        finally:
            Pnl._pnl_rows_sql = original
        self.env.invalidate_all()
        self.assertTrue(before.exists())
        self.assertAlmostEqual(before.net_revenue, net)

    def test_multi_currency_at_invoice_date_rate(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        foreigner = self.env["res.partner"].create({"name": "Euro buyer", "is_company": True})
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": foreigner.id, "currency_id": eur.id,
            "invoice_date": self.today,
            "invoice_line_ids": [Command.create({
                "product_id": self.product.id, "quantity": 1, "price_unit": 300.0, "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        row = self._row(foreigner)
        self.assertAlmostEqual(row.net_revenue, 150.0)
        self.assertAlmostEqual(row.gross_revenue, 150.0)  # invoiced at 150 in company currency, above list

    def test_drill_down_actions(self):
        row = self._row()
        lines = self.env["account.move.line"].search(row.action_view_invoice_lines()["domain"])
        self.assertEqual(len(lines), 3)
        self.assertAlmostEqual(-sum(lines.mapped("balance")), row.net_revenue)
        pickings = self.env["stock.picking"].search(row.action_view_pickings()["domain"])
        self.assertEqual(len(pickings), 2)
        self.assertEqual(len(self.env["account.move"].search(row.action_view_invoices()["domain"])), 3)
        self.assertEqual(len(self.env["mail.message"].search(row.action_view_activities()["domain"])), 1)

    def test_xlsx_export_is_formula_safe(self):
        self.customer.name = '=HYPERLINK("http://evil.example","click")'
        action = self._row().action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet.auto_filter.ref)
        self.assertEqual(sheet["B2"].value, "'" + self.customer.name)
        self.assertEqual(sheet["B2"].data_type, "s")
        self.assertAlmostEqual(sheet["N2"].value, self._row().profit)

    def test_drivers_and_rules_validation_and_access(self):
        with self.assertRaises(ValidationError):
            self.env["crm.cost.driver"].search([("driver", "=", "invoice")]).unit_cost = -1
        with self.assertRaises(ValidationError):
            self.env["crm.admin.cost.rule"].create({"name": "Bad", "basis": "revenue_pct", "rate": 150})
        employee = new_test_user(self.env, "pnl_employee", groups="base.group_user",
                                 company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        with self.assertRaises(AccessError):
            self.env["crm.customer.pnl"].with_user(employee).search([])
        with self.assertRaises(AccessError):
            self.env["crm.cost.driver"].with_user(self.strategy_user).create({"driver": "invoice", "unit_cost": 1})
        self.assertTrue(self.env["crm.customer.pnl"].with_user(self.manager).search([]))
