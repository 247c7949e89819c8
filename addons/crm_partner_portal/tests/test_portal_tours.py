from odoo.tests import HttpCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierPortalTours(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()

    def test_tour_acknowledge_order(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a.id}", "crm_partner_portal_acknowledge", login="crm_pp_alice")
        self.assertTrue(self.po_a.acknowledged)

    def test_tour_commit_line_with_split(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a.id}", "crm_partner_portal_commit_split",
                        login="crm_pp_alice")
        bolt, nut = self.po_a.order_line
        self.assertEqual(sorted(bolt.crm_supplier_commit_ids.mapped("quantity")), [40, 60])
        self.assertEqual(nut.crm_supplier_commit_ids.quantity, 40)
        self.assertFalse(nut.crm_supplier_commit_ids.is_discrepancy)

    def test_tour_upload_bill(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a_confirmed.id}", "crm_partner_portal_upload_bill",
                        login="crm_pp_alice")
        bill = self.po_a_confirmed.invoice_ids
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.message_main_attachment_id.name, "tour-bill.pdf")


@tagged("post_install", "-at_install")
class TestBuyerTour(HttpCase):
    def test_buyer_publishes_a_forecast(self):
        """A buyer creates a demand forecast for a vendor and publishes it: its weekly lines are computed."""
        vendor = self.env["res.partner"].create({"name": "Tour Buyer Vendor", "is_company": True,
                                                 "supplier_rank": 1})
        product = self.env["product.product"].create({"name": "Tour Buyer Part", "is_storable": True})
        self.env["product.supplierinfo"].create({"partner_id": vendor.id,
                                                 "product_tmpl_id": product.product_tmpl_id.id})
        self.start_tour("/odoo/supplier-forecasts", "crm_partner_portal_buyer_tour", login="admin")
        forecast = self.env["crm.supplier.forecast"].search([("partner_id", "=", vendor.id)])
        self.assertEqual(forecast.state, "published")
        self.assertEqual(forecast.line_ids.product_id, product, "one weekly line per product the vendor supplies")
