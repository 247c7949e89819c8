from datetime import timedelta

from odoo.addons.crm_strategy.tests.screens import SCREENS, screenshots_on_signal
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupplierForecastCommon, SupplierPortalCommon
from .portal_html import texts


@tagged("post_install", "-at_install")
class TestSupplierPortalTours(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()

    def test_tour_acknowledge_order(self):
        self.start_tour(f"/my/purchase/{self.po_a.id}", "crm_partner_portal_acknowledge", login="crm_pp_alice")
        self.assertTrue(self.po_a.acknowledged)

    def test_tour_order_list_acknowledge(self):
        """The vendor finds the request in Odoo's order list, acknowledges it on Odoo's order page, and the
        list shows it acknowledged."""
        self.start_tour("/my/purchase?filterby=crm_rfq", "crm_partner_portal_order_list_acknowledge",
                        login="crm_pp_alice")
        self.assertTrue(self.po_a.acknowledged)
        self.assertTrue(self.po_a.crm_supplier_ack_date, "acknowledged through the suite's action")

    def test_tour_vendor_scorecard(self):
        order = self._make_order(self.vendor_a, [(self.product_bolt, 50)], state="purchase")
        self.env["crm.supplier.commit"].create({"order_line_id": order.order_line.id, "quantity": 50,
                                                "date_commit": order.date_planned.date() - timedelta(days=20)})
        order.action_crm_supplier_acknowledge()
        picking = order.picking_ids
        picking.move_ids.quantity = 45
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids).button_validate()
        self.start_tour("/my/supplier", "crm_partner_portal_vendor_scorecard", login="crm_pp_alice")
        # one on-time definition: the buyer's scorecard and the vendor's page show Odoo's rate, same period
        self.env.flush_all()
        card = self.env["crm.supplier.scorecard"].search([("partner_id", "=", self.vendor_a.id)])
        self.vendor_a.invalidate_recordset(["on_time_rate"])
        self.assertEqual((card.on_time_rate, card.on_time_measured), (self.vendor_a.on_time_rate, True))
        self.assertAlmostEqual(card.on_time_rate, 90.0, msg="45 of the 50 ordered received by the planned date")
        self.authenticate("crm_pp_alice", "crm_pp_alice")
        page = self.url_open("/my/supplier/scorecard")
        on_time = "//*[contains(@class, 'o_crm_scorecard_on_time')]"
        self.assertEqual(texts(page, f"{on_time}/div[contains(@class, 'fs-3')]"), [f"{card.on_time_rate:.1f} %"])
        self.assertEqual(texts(page, f"{on_time}//span[contains(@class, 'o_crm_date_value')]"),
                         # the vendor's days, in the vendor's time zone (the test's user may be a day ahead)
                         [day.strftime("%m/%d/%Y") for day in card.with_user(self.portal_a)._crm_on_time_period()])

    def _assert_bolt_split_nut_whole(self):
        """What the commit tours send: the bolt line split in 60 + 40, the nut line's 40 at once."""
        bolt, nut = self.po_a.order_line
        self.assertEqual(sorted(bolt.crm_supplier_commit_ids.mapped("quantity")), [40, 60])
        self.assertEqual(nut.crm_supplier_commit_ids.quantity, 40)
        return nut

    def test_tour_commit_line_with_split(self):
        self.start_tour(f"/my/purchase/{self.po_a.id}", "crm_partner_portal_commit_split",
                        login="crm_pp_alice")
        nut = self._assert_bolt_split_nut_whole()
        self.assertFalse(nut.crm_supplier_commit_ids.is_discrepancy)

    def test_tour_upload_bill(self):
        self.start_tour(f"/my/purchase/{self.po_a_confirmed.id}", "crm_partner_portal_upload_bill",
                        login="crm_pp_alice")
        bill = self.po_a_confirmed.invoice_ids
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.message_main_attachment_id.name, "tour-bill.pdf")

    def test_tour_bad_value_keeps_the_typed_values(self):
        self.start_tour(f"/my/purchase/{self.po_a.id}", "crm_partner_portal_bad_value_kept",
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
        for url in ("/my/supplier", "/my/purchase?filterby=crm_all", "/my/rfq", f"/my/purchase/{self.po_a.id}",
                    f"/my/purchase/{self.po_a_confirmed.id}", "/my/supplier/scorecard", "/my/supplier/forecast",
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


@tagged("post_install", "-at_install")
class TestDistributorTour(HttpCase):
    def test_tour_distributor_upload_bad_then_good_file(self):
        """A bad file: each row's error shown, nothing imported; the corrected file: imported and listed, and
        the channel forecast shows the products."""
        channel = self.env["crm.channel"].create({
            "name": "Tour distributors", "channel_type": "distributor", "rule_type": "utm_source",
            "source_id": self.env["utm.source"].create({"name": "Tour referral"}).id})
        company = self.env["res.partner"].create({"name": "Tour Distribution", "is_company": True,
                                                  "crm_distributor_channel_id": channel.id})
        contact = self.env["res.partner"].create({"name": "Dina Tour", "parent_id": company.id})
        new_test_user(self.env, "crm_pp_dina", groups="base.group_portal", partner_id=contact.id,
                      password="crm_pp_dina")
        for code in ("TOUR-SELL-1", "TOUR-SELL-2"):
            self.env["product.product"].create({"name": f"Part {code}", "default_code": code, "is_storable": True})
        self.start_tour("/my/distributor", "crm_partner_portal_distributor_upload", login="crm_pp_dina")
        rows = self.env["crm.distributor.sellout"].search([("partner_id", "=", company.id)])
        self.assertEqual(sorted(rows.mapped("qty_sold")), [7.5, 12.0], "the good file only, never the bad one")
        self.assertEqual(set(rows.mapped("source")), {"file"})
        self.assertEqual(rows.channel_id, channel)
