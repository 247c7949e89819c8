from datetime import timedelta

from odoo import Command, fields, http
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


class SupplierForecastCommon(SupplierPortalCommon):
    """Demand for the products Alpha supplies: a confirmed sale, weighted quotations, stock, a receipt
    and a delivery history, with known buckets."""

    @classmethod
    def _setup_forecast_data(cls):
        env = cls.env
        cls._setup_suppliers()
        cls.product_plate = env["product.product"].create({"name": "Steel plate", "is_storable": True})
        SupplierInfo = env["product.supplierinfo"]
        for vendor, product in ((cls.vendor_a, cls.product_bolt), (cls.contact_a, cls.product_nut),
                                (cls.vendor_b, cls.product_plate)):
            SupplierInfo.create({"partner_id": vendor.id, "product_tmpl_id": product.product_tmpl_id.id,
                                 "price": 1.0, "delay": 5})
        today = fields.Date.context_today(env.user)
        cls.week_start = today - timedelta(days=today.weekday())
        start = fields.Datetime.to_datetime(cls.week_start)
        customer = env["res.partner"].create({"name": "Forecast customer"})
        confirmed = env["sale.order"].create({
            "partner_id": customer.id, "commitment_date": start + timedelta(days=15, hours=10),
            "order_line": [Command.create({"product_id": cls.product_bolt.id, "product_uom_qty": 30})]})
        confirmed.action_confirm()
        lead = env["crm.lead"].create({"name": "Big bolt deal", "type": "opportunity", "partner_id": customer.id})
        lead.probability = 50
        env["sale.order"].create({
            "partner_id": customer.id, "opportunity_id": lead.id,
            "order_line": [Command.create({"product_id": cls.product_bolt.id, "product_uom_qty": 20})]})
        env["sale.order"].create({
            "partner_id": customer.id,
            "order_line": [Command.create({"product_id": cls.product_bolt.id, "product_uom_qty": 10})]})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        Quant = env["stock.quant"]
        Quant._update_available_quantity(cls.product_bolt, warehouse.lot_stock_id, 15)
        Quant._update_available_quantity(cls.product_nut, warehouse.lot_stock_id, 30)
        move = env["stock.move"].create({
            "product_id": cls.product_nut.id, "product_uom_qty": 24, "product_uom": cls.product_nut.uom_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": env.ref("stock.stock_location_customers").id})
        move._action_confirm()
        move._action_assign()
        move.quantity = 24
        move.picked = True
        move._action_done()
        move.date = start - timedelta(weeks=3)

    @classmethod
    def _publish(cls, vendor):
        forecast = cls.env["crm.supplier.forecast"].with_user(cls.buyer).create({"partner_id": vendor.id})
        forecast.action_publish()
        return forecast.sudo()


class SupplierPortalHttpCommon:
    """The portal's HTTP tests: logged in as Alice (the portal user of Alpha Supplies), posting forms with
    Odoo's CSRF token."""

    def setUp(self):
        super().setUp()
        self.authenticate("crm_pp_alice", "crm_pp_alice")

    def _post(self, url, data, csrf=True):
        if csrf:
            data = {**data, "csrf_token": http.Request.csrf_token(self)}
        return self.url_open(url, data=data, allow_redirects=False, method="POST")
