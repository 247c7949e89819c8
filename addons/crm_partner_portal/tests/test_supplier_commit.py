from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierCommit(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.line_bolt, cls.line_nut = cls.po_a.order_line

    def _commit(self, line, *rows):
        return self.po_a._crm_register_supplier_commits(
            {line: [{"kind": "commit", "quantity": q, "date_commit": d} for q, d in rows]}, self.contact_a)

    def test_commit_as_requested_is_no_discrepancy(self):
        commit = self._commit(self.line_bolt, (100, self.date_planned.date()))
        self.assertFalse(commit.is_discrepancy)
        self.assertEqual(self.line_bolt.crm_commit_status, "ok")
        self.assertEqual(self.po_a.crm_commit_pending_count, 1)
        self.assertEqual(self.po_a.crm_commit_discrepancy_count, 0)

    def test_split_commit_late_part_is_a_discrepancy(self):
        late = self.date_planned.date() + timedelta(days=5)
        commits = self._commit(self.line_bolt, (60, self.date_planned.date()), (40, late))
        self.assertEqual(len(commits), 2)
        self.assertEqual(commits.mapped("delay_days"), [0, 5])
        self.assertEqual(commits.mapped("is_discrepancy"), [False, True])
        self.assertEqual(self.line_bolt.crm_qty_committed, 100)
        self.assertEqual(self.line_bolt.crm_commit_status, "discrepancy")

    def test_short_quantity_is_a_discrepancy(self):
        commit = self._commit(self.line_bolt, (80, self.date_planned.date()))
        self.assertTrue(commit.is_discrepancy)

    def test_new_answer_supersedes_the_previous(self):
        first = self._commit(self.line_bolt, (80, self.date_planned.date()))
        second = self._commit(self.line_bolt, (100, self.date_planned.date()))
        self.assertEqual(first.state, "superseded")
        self.assertFalse(second.is_discrepancy)
        self.assertEqual(self.line_bolt.crm_qty_committed, 100)

    def test_buyer_gets_one_activity_and_accepts_into_planned_dates(self):
        late = self.date_planned.date() + timedelta(days=3)
        self._commit(self.line_bolt, (50, self.date_planned.date()), (50, late))
        self._commit(self.line_nut, (40, self.date_planned.date()))
        activities = self.po_a.activity_ids.filtered(lambda a: a.summary == "Review supplier commitments")
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.buyer)
        self.po_a.with_user(self.buyer).action_crm_accept_supplier_commits()
        self.assertEqual(self.line_bolt.date_planned.date(), late)
        self.assertEqual(self.line_nut.date_planned.date(), self.date_planned.date())
        self.assertEqual(set(self.po_a.crm_supplier_commit_ids.mapped("state")), {"accepted"})
        self.assertFalse(self.po_a.activity_ids.filtered(lambda a: a.summary == "Review supplier commitments"))

    def test_reject_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.po_a._crm_register_supplier_commits({self.line_nut: [{"kind": "reject", "reason": " "}]},
                                                     self.contact_a)
        commit = self.po_a._crm_register_supplier_commits(
            {self.line_nut: [{"kind": "reject", "reason": "<b>discontinued</b>"}]}, self.contact_a)
        self.assertTrue(commit.is_discrepancy)
        self.assertEqual(self.line_nut.crm_commit_status, "rejected")

    def test_absurd_values_are_refused(self):
        today = self.date_planned.date()
        for qty, date in ((0, today), (-5, today), (100 * 100 + 1, today), (10, today + timedelta(days=400)),
                          (10, today - timedelta(days=400))):
            with self.subTest(qty=qty, date=date), self.assertRaises(ValidationError):
                self._commit(self.line_bolt, (qty, date))
        self.assertFalse(self.line_bolt.crm_supplier_commit_ids)

    def test_foreign_line_refused(self):
        with self.assertRaises(ValidationError):
            self.po_a._crm_register_supplier_commits(
                {self.po_b.order_line: [{"kind": "commit", "quantity": 1, "date_commit": self.date_planned.date()}]},
                self.contact_a)

    def test_locked_and_cancelled_orders_are_read_only(self):
        self.po_a_confirmed.button_lock()
        with self.assertRaises(UserError):
            self.po_a_confirmed._crm_register_supplier_commits(
                {self.po_a_confirmed.order_line: [{"kind": "commit", "quantity": 10,
                                                   "date_commit": self.date_planned.date()}]}, self.contact_a)
        with self.assertRaises(UserError):
            self.po_a_confirmed.action_crm_supplier_acknowledge()
        self.po_a.button_cancel()
        self.assertFalse(self.po_a._crm_supplier_can_edit())

    def test_acknowledge(self):
        self.po_a.action_crm_supplier_acknowledge()
        self.assertTrue(self.po_a.acknowledged)
        self.assertTrue(self.po_a.crm_supplier_ack_date)
