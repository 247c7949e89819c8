from odoo.addons.crm_strategy.tests.screens import SCREENS, screenshots_on_signal
from odoo.tests import HttpCase, tagged

from .common import SupplierForecastCommon, SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierPortalTours(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()

    def test_tour_acknowledge_order(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a.id}", "crm_partner_portal_acknowledge", login="crm_pp_alice")
        self.assertTrue(self.po_a.acknowledged)

    def _assert_bolt_split_nut_whole(self):
        """What the commit tours send: the bolt line split in 60 + 40, the nut line's 40 at once."""
        bolt, nut = self.po_a.order_line
        self.assertEqual(sorted(bolt.crm_supplier_commit_ids.mapped("quantity")), [40, 60])
        self.assertEqual(nut.crm_supplier_commit_ids.quantity, 40)
        return nut

    def test_tour_commit_line_with_split(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a.id}", "crm_partner_portal_commit_split",
                        login="crm_pp_alice")
        nut = self._assert_bolt_split_nut_whole()
        self.assertFalse(nut.crm_supplier_commit_ids.is_discrepancy)

    def test_tour_upload_bill(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a_confirmed.id}", "crm_partner_portal_upload_bill",
                        login="crm_pp_alice")
        bill = self.po_a_confirmed.invoice_ids
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.message_main_attachment_id.name, "tour-bill.pdf")

    def test_tour_bad_value_keeps_the_typed_values(self):
        self.start_tour(f"/my/supplier/orders/{self.po_a.id}", "crm_partner_portal_bad_value_kept",
                        login="crm_pp_alice")
        self._assert_bolt_split_nut_whole()


class SupplierPortalWidthCommon(SupplierForecastCommon):
    """Every supplier portal page, drawn by Chromium at one width: the page never scrolls sideways (wide grids
    scroll inside their own box)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        cls.product_bolt.write({"name": "Hex bolt M8 x 40 zinc plated, DIN 933, box of 200 pieces, "
                                        "stainless steel A2", "default_code": "HB-M8-40-A2-200"})
        cls.forecast_a = cls._publish(cls.vendor_a)
        cls.po_a._crm_register_supplier_commits({cls.po_a.order_line[0]: [
            {"kind": "commit", "quantity": 100, "date_commit": cls.date_planned.date()}]}, cls.contact_a)
        cls.po_a_confirmed._crm_supplier_upload_bill("INV-2027-000042.pdf", b"%PDF-1.4\n% bill\n", cls.contact_a)

    def _check_pages(self):
        for url in ("/my/supplier", "/my/supplier/orders", f"/my/supplier/orders/{self.po_a.id}",
                    f"/my/supplier/orders/{self.po_a_confirmed.id}", "/my/supplier/forecast",
                    "/my/supplier/forecast?show=all", "/my/supplier/stock"):
            with self.subTest(url=url), screenshots_on_signal(SCREENS):
                self.start_tour(url, "crm_partner_portal_no_overflow", login="crm_pp_alice")


@tagged("post_install", "-at_install")
class TestSupplierPortalDesktop(SupplierPortalWidthCommon, HttpCase):
    browser_size = "1440x900"

    def test_no_horizontal_overflow_at_1440(self):
        self._check_pages()


@tagged("post_install", "-at_install")
class TestSupplierPortalPhone(SupplierPortalWidthCommon, HttpCase):
    browser_size = "375x812"
    touch_enabled = True

    def test_no_horizontal_overflow_at_375(self):
        self._check_pages()


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
