from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierStockOffer(SupplierPortalCommon, TransactionCase):
    """The portal's stock offers, through the model: the vendor's portal users only, all or nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        Info = cls.env["product.supplierinfo"]
        cls.info_a = Info.create({"partner_id": cls.contact_a.id, "delay": 10,
                                  "product_tmpl_id": cls.product_bolt.product_tmpl_id.id})
        cls.info_b = Info.create({"partner_id": cls.vendor_b.id,
                                  "product_tmpl_id": cls.product_nut.product_tmpl_id.id})
        cls.vendor_a.buyer_id = cls.buyer

    def _propose(self, user, info, **vals):
        return self.env["crm.supplier.stock.offer"].with_user(user)._crm_supplier_propose(
            {info: {"qty_available": 50, "delay": 4, "min_qty": 0, "price": 0, **vals}})

    def test_vendor_proposes_and_supersedes(self):
        first = self._propose(self.portal_a, self.info_a)
        self.assertEqual((first.partner_id, first.state, first.delay), (self.vendor_a, "proposed", 4))
        self.assertEqual(first.activity_ids.user_id, self.buyer)
        second = self._propose(self.portal_a, self.info_a, delay=6)
        self.assertEqual((first.state, second.state), ("superseded", "proposed"))

    def test_nobody_else_proposes(self):
        for user, info in ((self.portal_b, self.info_a), (self.portal_a, self.info_b), (self.buyer, self.info_a)):
            with self.subTest(user=user.login, info=info.partner_id.name), self.assertRaises(AccessError):
                self._propose(user, info)
        vendors = self.vendor_a | self.vendor_b
        self.assertFalse(self.env["crm.supplier.stock.offer"].search([("partner_id", "in", vendors.ids)]))

    def test_refused_values_write_nothing(self):
        first = self._propose(self.portal_a, self.info_a)
        with self.assertRaises(ValidationError):
            self._propose(self.portal_a, self.info_a, delay=400)
        self.assertEqual(first.state, "proposed", "the refused offer superseded nothing")
        with self.assertRaises(ValidationError):
            self.env["crm.supplier.stock.offer"].with_user(self.portal_a)._crm_supplier_propose({})
