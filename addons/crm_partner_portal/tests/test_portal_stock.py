from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupplierPortalCommon, SupplierPortalHttpCommon
from .portal_html import DAY, dates_shown, field_error, input_of


@tagged("post_install", "-at_install")
class TestSupplierPortalStock(SupplierPortalHttpCommon, SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.product_plate = cls.env["product.product"].create({"name": "Steel plate", "is_storable": True})
        Info = cls.env["product.supplierinfo"]
        cls.info_a = Info.create({"partner_id": cls.vendor_a.id, "product_tmpl_id": cls.product_bolt.product_tmpl_id.id,
                                  "price": 2.0, "delay": 10, "min_qty": 1})
        cls.info_b = Info.create({"partner_id": cls.vendor_b.id,
                                  "product_tmpl_id": cls.product_plate.product_tmpl_id.id, "price": 9.0, "delay": 3})

    def _post_stock(self, data):
        return self._post("/my/supplier/stock", data)

    def test_page_lists_own_products_only(self):
        response = self.url_open("/my/supplier/stock")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.product_bolt.name, response.text)
        self.assertNotIn(self.product_plate.name, response.text)
        self.assertNotIn(f"qty-{self.info_b.id}", response.text)

    def test_offer_then_buyer_approves_into_supplierinfo(self):
        info = self.info_a
        response = self._post_stock({f"qty-{info.id}": "500", f"delay-{info.id}": "4", f"minqty-{info.id}": "50",
                               f"price-{info.id}": "1.75"})
        self.assertEqual(response.status_code, 303)
        offer = self.env["crm.supplier.stock.offer"].search([("supplierinfo_id", "=", info.id)])
        self.assertEqual((offer.qty_available, offer.delay, offer.state), (500, 4, "proposed"))
        self.assertEqual(offer.partner_id, self.vendor_a)
        self.assertTrue(offer.activity_ids)
        self.assertIn("500", self.url_open("/my/supplier/stock").text)
        # a purchase user may not change vendor pricelists (Odoo's rule): a purchase manager approves
        with self.assertRaises(AccessError):
            offer.with_user(self.buyer).action_approve()
        manager = new_test_user(self.env, "crm_pp_manager", groups="purchase.group_purchase_manager")
        offer.with_user(manager).action_approve()
        self.assertEqual((info.delay, info.min_qty, info.price), (4, 50, 1.75))
        self.assertEqual((offer.previous_delay, offer.previous_min_qty, offer.previous_price), (10, 1, 2.0))
        self.assertEqual((offer.approved_by_id, offer.state), (manager, "approved"))

    def test_bad_input_changes_nothing(self):
        info = self.info_a
        for data in ({f"qty-{info.id}": "-1", f"delay-{info.id}": "4"},
                     {f"qty-{info.id}": "5", f"delay-{info.id}": "4.5"},
                     {f"qty-{info.id}": "5", f"delay-{info.id}": "4000"},
                     {f"qty-{info.id}": "1e12", f"delay-{info.id}": "4"},
                     {f"qty-{info.id}": "5"},
                     {f"qty-{self.info_b.id}": "5", f"delay-{self.info_b.id}": "1"},
                     {"qty-abc": "5", "delay-abc": "1"},
                     {}):
            with self.subTest(data=data):
                response = self._post_stock(data)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Nothing was changed", response.text)
                self.assertNotIn(self.product_plate.name, response.text)
        self.assertFalse(self.env["crm.supplier.stock.offer"].search(
            [("partner_id", "in", (self.vendor_a | self.vendor_b).ids)]))
        self.assertEqual(self.info_b.delay, 3)

    def test_refused_form_keeps_the_typed_values(self):
        info = self.info_a
        form = {f"qty-{info.id}": "500", f"delay-{info.id}": "4000", f"minqty-{info.id}": "-5",
                f"price-{info.id}": "1.75"}
        response = self._post_stock(form)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Nothing was changed", response.text)
        for name, value in form.items():
            self.assertEqual(input_of(response, name).get("value"), value)
        self.assertEqual(field_error(response, f"delay-{info.id}"), "The lead time must be between 0 and 365 days.")
        self.assertEqual(field_error(response, f"minqty-{info.id}"),
                         "Quantities and prices must be positive numbers.")
        self.assertIsNone(field_error(response, f"qty-{info.id}"))
        self.assertFalse(self.env["crm.supplier.stock.offer"].search([("supplierinfo_id", "=", info.id)]))

    def test_offers_show_the_date_with_its_year(self):
        self._post_stock({f"qty-{self.info_a.id}": "5", f"delay-{self.info_a.id}": "4"})
        shown = dates_shown(self.url_open("/my/supplier/stock"))
        self.assertEqual(len(shown), 1)
        self.assertRegex(shown[0], DAY)

    def test_offer_for_another_vendor_line_refused_by_model(self):
        with self.assertRaises(ValidationError):
            self.env["crm.supplier.stock.offer"].create({
                "supplierinfo_id": self.info_b.id, "partner_id": self.vendor_a.id, "qty_available": 1, "delay": 1})
