from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user


class SupplierPortalCommon:
    """Two vendors (companies with one portal contact each), a buyer and orders for both, built
    without Odoo's demo data."""

    @classmethod
    def _setup_suppliers(cls):
        env = cls.env
        cls.buyer = new_test_user(env, "crm_pp_buyer", groups="purchase.group_purchase_user")
        cls.vendor_a = env["res.partner"].create({"name": "Alpha Supplies", "is_company": True})
        cls.vendor_b = env["res.partner"].create({"name": "Bravo Metals", "is_company": True})
        cls.contact_a = env["res.partner"].create({
            "name": "Alice Alpha", "parent_id": cls.vendor_a.id, "email": "alice@alpha.example"})
        cls.contact_b = env["res.partner"].create({
            "name": "Bob Bravo", "parent_id": cls.vendor_b.id, "email": "bob@bravo.example"})
        cls.portal_a = new_test_user(env, "crm_pp_alice", groups="base.group_portal",
                                     partner_id=cls.contact_a.id, password="crm_pp_alice")
        cls.portal_b = new_test_user(env, "crm_pp_bob", groups="base.group_portal",
                                     partner_id=cls.contact_b.id, password="crm_pp_bob")
        cls.product_bolt = env["product.product"].create({
            "name": "Hex bolt M8", "is_storable": True, "standard_price": 1.0})
        cls.product_nut = env["product.product"].create({
            "name": "Hex nut M8", "is_storable": True, "standard_price": 0.5})
        cls.date_planned = fields.Datetime.now().replace(hour=12, minute=0, second=0, microsecond=0) \
            + timedelta(days=14)
        cls.po_a = cls._make_order(cls.vendor_a, [(cls.product_bolt, 100), (cls.product_nut, 40)], state="sent")
        cls.po_a_confirmed = cls._make_order(cls.vendor_a, [(cls.product_nut, 10)], state="purchase")
        cls.po_b = cls._make_order(cls.vendor_b, [(cls.product_bolt, 7)], state="sent")

    @classmethod
    def _make_order(cls, vendor, lines, state="sent"):
        order = cls.env["purchase.order"].create({
            "partner_id": vendor.id,
            "user_id": cls.buyer.id,
            "order_line": [Command.create({
                "product_id": product.id, "product_qty": qty, "price_unit": 2.0,
                "date_planned": cls.date_planned}) for product, qty in lines],
        })
        if state == "purchase":
            order.button_confirm()
        elif state == "sent":
            order.write({"state": "sent"})
        return order
