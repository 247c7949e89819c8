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
