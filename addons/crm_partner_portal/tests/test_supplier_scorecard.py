from datetime import date, datetime, timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierScorecard(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()

    def _receive(self, order, qty=None):
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids).button_validate()
        return picking

    def test_receipt_days_are_the_users_days(self):
        """A receipt done at 23:30 UTC on 1 January is a receipt of 2 January for a buyer in Tokyo (UTC+9): the
        card's receipt period is in the reader's days, as its on-time period and the commitments due by today."""
        picking = self._receive(self.po_a_confirmed)
        picking.date_done = datetime(2026, 1, 1, 23, 30)
        self.env.flush_all()
        Card = self.env["crm.supplier.scorecard"]
        for tz, day in (("UTC", date(2026, 1, 1)), ("Asia/Tokyo", date(2026, 1, 2)),
                        ("America/New_York", date(2026, 1, 1))):
            Card.invalidate_model()  # the card's rows are read again in this time zone, as a new request would
            card = Card.with_context(tz=tz).search([("partner_id", "=", self.vendor_a.id)])
            self.assertEqual((card.receipt_date_from, card.receipt_date_to), (day, day), tz)

    def test_on_time_accuracy_and_response(self):
        # on time: planned in two weeks, received today; late: scheduled yesterday
        late_order = self._make_order(self.vendor_a, [(self.product_bolt, 5)], state="draft")
        late_order.order_line.date_planned = fields.Datetime.now() - timedelta(days=2)
        late_order.button_confirm()
        self._receive(self.po_a_confirmed)
        self._receive(late_order, qty=3)
        # commitments: the nut line was committed for today and fully received, the bolt line short
        today = fields.Date.context_today(self.env.user)
        for order in (self.po_a_confirmed, late_order):
            self.env["crm.supplier.commit"].create({
                "order_line_id": order.order_line.id, "quantity": order.order_line.product_qty, "date_commit": today})
        self.po_a.action_crm_supplier_acknowledge()
        self.env.flush_all()
        card = self.env["crm.supplier.scorecard"].search([("partner_id", "=", self.vendor_a.id)])
        self.assertEqual(len(card), 1)
        self.assertEqual(card.receipt_count, 2)
        # Odoo's on-time rate: the 10 nuts came by their planned date, none of the 5 late bolts did
        self.vendor_a.invalidate_recordset(["on_time_rate"])
        self.assertAlmostEqual(card.on_time_rate, self.vendor_a.on_time_rate)
        self.assertAlmostEqual(card.on_time_rate, 100.0 * 10 / 15, places=2)
        self.assertEqual((card.on_time_date_from, card.on_time_date_to), (today - timedelta(days=365), today))
        self.assertEqual(card.commit_line_count, 2)
        self.assertAlmostEqual(card.commit_accuracy, 50.0)
        self.assertEqual(card.answered_order_count, 3)
        self.assertGreaterEqual(card.response_hours, 0)
        # commitment reliability: 10 of 10 nuts and 3 of 5 bolts delivered, committed for today
        self.assertEqual((card.qty_committed, card.qty_delivered), (15, 13))
        self.assertAlmostEqual(card.commit_reliability, 100.0 * 13 / 15)
        self.assertEqual((card.commit_date_from, card.commit_date_to), (today, today))
        self.assertEqual(card.receipt_date_to, today)
        self.assertEqual(card.answer_date_from, today)
        self.assertFalse(self.env["crm.supplier.scorecard"].search([("partner_id", "=", self.vendor_b.id)]))
        # on the portal: Odoo's on-time rate (quantity received on time, last 365 days) and this card
        vendor_card = self.env["crm.supplier.scorecard"]._crm_vendor_card(self.contact_a)
        self.vendor_a.invalidate_recordset(["on_time_rate"])
        self.assertAlmostEqual(vendor_card["on_time_rate"], card.on_time_rate)
        self.assertEqual((vendor_card["on_time_date_from"], vendor_card["on_time_date_to"]),
                         (card.on_time_date_from, card.on_time_date_to))
        self.assertEqual(vendor_card["rows"], card)
