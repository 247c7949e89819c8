from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.commit_a = cls.po_a._crm_register_supplier_commits(
            {cls.po_a.order_line[0]: [{"kind": "commit", "quantity": 100, "date_commit": cls.date_planned.date()}]},
            cls.contact_a)
        cls.commit_b = cls.po_b._crm_register_supplier_commits(
            {cls.po_b.order_line: [{"kind": "reject", "reason": "Out of steel"}]}, cls.contact_b)

    def test_portal_wizard_grants_isolated_access(self):
        """A buyer grants access with Odoo's own wizard; the new user sees only its company's records."""
        contact = self.env["res.partner"].create({
            "name": "Carol Alpha", "parent_id": self.vendor_a.id, "email": "carol@alpha.example"})
        wizard = self.env["portal.wizard"].with_context(active_ids=contact.ids, active_model="res.partner").create({})
        wizard.user_ids.action_grant_access()
        user = contact.user_ids
        self.assertTrue(user.has_group("base.group_portal"))
        orders = self.env["purchase.order"].with_user(user).search([])
        self.assertEqual(set(orders.ids), {self.po_a.id, self.po_a_confirmed.id})
        commits = self.env["crm.supplier.commit"].with_user(user).search([])
        self.assertEqual(commits, self.commit_a)

    def test_portal_sees_only_its_commercial_partner(self):
        Commit = self.env["crm.supplier.commit"]
        self.assertEqual(Commit.with_user(self.portal_a).search([]), self.commit_a)
        self.assertEqual(Commit.with_user(self.portal_b).search([]), self.commit_b)
        with self.assertRaises(AccessError):
            self.commit_b.with_user(self.portal_a).read(["reason"])
        with self.assertRaises(AccessError):
            self.po_b.with_user(self.portal_a).read(["name"])

    def test_portal_cannot_write_or_create_commits(self):
        with self.assertRaises(AccessError):
            self.commit_a.with_user(self.portal_a).write({"quantity": 1})
        with self.assertRaises(AccessError):
            self.env["crm.supplier.commit"].with_user(self.portal_a).create({
                "order_line_id": self.po_a.order_line[1].id, "quantity": 1, "date_commit": "2030-01-01"})
        with self.assertRaises(AccessError):
            self.commit_a.with_user(self.portal_a).unlink()

    def test_buyer_reviews_but_does_not_invent_commits(self):
        Commit = self.env["crm.supplier.commit"].with_user(self.buyer)
        self.assertEqual(Commit.search([("id", "in", (self.commit_a | self.commit_b).ids)]),
                         self.commit_a | self.commit_b)
        self.assertTrue(Commit.has_access("write"))
        self.assertFalse(Commit.has_access("create"))
        self.assertFalse(Commit.has_access("unlink"))
