from datetime import datetime, timedelta
from datetime import time as dtime

from odoo import Command, fields, models
from odoo.addons.crm_strategy.tools import demo_plan
from odoo.tools import SQL

# Weeks of sell-out the demo distributor reported, the last one confirmed by the company.
SELLOUT_WEEKS = 16
# Orders of each vendor: (days ago ordered, state, days late of the receipt (None: not received yet))
ORDERS = ((150, "purchase", 0), (95, "purchase", 6), (40, "purchase", None), (12, "sent", None), (3, "draft", None))


class CrmPartnerPortalDemoData(models.AbstractModel):
    """The demo company's purchasing: orders in every state with receipts on time and late (the vendor
    scorecard), the demand forecasts of every vendor published by the weekly scheduled action (versions 1 and
    2), the stock offers two vendors made on the portal and ErgoSeat's commitments on its forecast (an RFQ, a
    short commitment the buyer has to follow up).
    Called once by demo/crm_partner_portal_demo.xml."""

    _name = "crm.partner.portal.demo.data"
    _inherit = "crm.demo.writer"
    _description = "CRM Partner Portal demo data"

    def _demo_write(self):
        vendors = self._demo_vendors()
        orders = self._demo_orders(vendors)
        self._demo_vendor_answers(orders)
        sellout = self._demo_distributor_sellout()
        self._demo_forecast_shares(vendors)
        Forecast = self.env["crm.supplier.forecast"]
        forecasts = Forecast._cron_publish()  # version 1 of every vendor, by the weekly scheduled action
        self._demo_stock_offers()
        forecasts |= Forecast._cron_publish()  # version 2, with the lead time approved from the stock offer
        self._demo_forecast_commitments(forecasts.filtered(
            lambda f: f.state == "published" and f.partner_id.ref == "VND-ERGOSEAT"))
        return f"{len(orders)} purchase orders, {len(forecasts)} forecasts, {len(sellout)} sell-out rows"

    def _demo_forecast_shares(self, vendors):
        """Nordwood and Wood Corner both make desks and bookshelves: 70 % of the requirement to Nordwood."""
        shared = [self.env["crm.demo.data"]._demo_products()[key].product_tmpl_id.id
                  for key, _price, _delay in demo_plan.WOOD_CORNER_SUPPLIES]
        infos = self.env["product.supplierinfo"].search([
            ("partner_id", "in", vendors.ids), ("product_tmpl_id", "in", shared)])
        for info in infos:
            info.crm_forecast_share = 30 if info.partner_id == self.env.ref("base.res_partner_1") else 70

    def _demo_forecast_commitments(self, forecast):
        """What ErgoSeat answered on its latest forecast: all it is asked for in its first week with a
        requirement (ordered on its draft RFQ), half of it in the first week of another product (ordered too, and
        a to-do for the buyer with the gap)."""
        asked = forecast.line_ids.filtered(lambda ln: ln.qty_share >= 2).sorted(lambda ln: (ln.week, ln.id))
        if not asked:
            return
        full = asked[0]
        # another product if it is asked for enough, else a later week of the same
        short = (asked.filtered(lambda ln: ln.product_id != full.product_id) or asked[1:])[:1]
        quantities = {full: full.qty_share}
        if short:
            quantities[short] = short.qty_share // 2
        forecast._crm_supplier_commit(quantities, forecast.partner_id)

    def _demo_vendors(self):
        """The five furniture makers and Wood Corner, with the products each supplies (vendor pricelists)."""
        products = self.env["crm.demo.data"]._demo_products()
        countries = {country.code.lower(): country for country in self.env["res.country"].search(
            [("code", "in", [vendor[3].upper() for vendor in demo_plan.VENDORS])])}
        vendors = self.env["res.partner"].create([{
            "name": name, "ref": ref, "is_company": True, "city": city, "zip": zip_code,
            "country_id": countries[country].id, "email": email, "supplier_rank": 1,
        } for ref, name, city, country, zip_code, email, _supplies in demo_plan.VENDORS])
        wood_corner = self.env.ref("base.res_partner_1")
        supplies = [(vendor, supplied) for vendor, (*_rest, supplied) in zip(vendors, demo_plan.VENDORS)]
        supplies.append((wood_corner, demo_plan.WOOD_CORNER_SUPPLIES))
        self.env["product.supplierinfo"].create([{
            "partner_id": vendor.id, "product_tmpl_id": products[key].product_tmpl_id.id, "price": price,
            "delay": delay, "min_qty": 5} for vendor, supplied in supplies for key, price, delay in supplied])
        return vendors | wood_corner

    def _demo_orders(self, vendors):
        today = fields.Date.context_today(self)
        buyer = self.env.ref("base.user_admin")
        catalogue = self.env["crm.demo.data"]._demo_products().values()
        infos = self.env["product.supplierinfo"].search([
            ("partner_id", "in", vendors.ids),
            ("product_tmpl_id", "in", [product.product_tmpl_id.id for product in catalogue])])
        vals_list, plan = [], []
        for number, vendor in enumerate(vendors):
            supplied = infos.filtered(lambda info, v=vendor: info.partner_id == v)
            for order_number, (days_ago, state, late) in enumerate(ORDERS):
                ordered = datetime.combine(today - timedelta(days=days_ago + number), dtime(9, 0))
                planned = ordered + timedelta(days=max(supplied.mapped("delay") or [7]))
                vals_list.append({
                    "partner_id": vendor.id, "user_id": buyer.id, "date_order": ordered,
                    "order_line": [Command.create({
                        "product_id": info.product_tmpl_id.product_variant_id.id,
                        # the order still to receive is a small top-up: the forecast shows what is left to cover
                        "product_qty": (2 + index % 3 if state == "purchase" and late is None
                                        else 5 * (1 + (number + 3 * order_number + index) % 7)),
                        "price_unit": info.price,
                        "date_planned": planned, "tax_ids": [Command.clear()]})
                        for index, info in enumerate(supplied)]})
                plan.append((state, late, ordered, planned))
        # one order waiting for approval and one cancelled, to show every state
        vals_list += [dict(vals_list[2], date_order=vals_list[2]["date_order"] + timedelta(days=5)),
                      dict(vals_list[7], date_order=vals_list[7]["date_order"] + timedelta(days=3))]
        plan += [("to approve", None, *plan[2][2:]), ("cancel", None, *plan[7][2:])]
        orders = self.env["purchase.order"].create(vals_list)
        confirmed = orders.filtered(lambda o: plan[orders.ids.index(o.id)][0] == "purchase")
        confirmed.button_confirm()
        for order, (state, late, ordered, planned) in zip(orders, plan):
            if state in ("sent", "to approve", "cancel"):
                order.state = state
            if state == "purchase":
                order.write({"date_order": ordered, "date_approve": ordered})
            if late is not None:
                picking = order.picking_ids
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.with_context(skip_backorder=True)._action_done()
                done = planned + timedelta(days=late)
                picking.write({"date_done": done, "scheduled_date": planned})
                picking.move_ids.write({"date": done})
                order.locked = True
        return orders

    def _demo_vendor_answers(self, orders):
        """What the two portal vendors answered on their received orders (their scorecard): acknowledged a few
        hours after the order, every line committed for its planned date, one line short."""
        answered = orders.filtered(lambda o: o.partner_id.ref in ("VND-ERGOSEAT", "VND-NORDWOOD")
                                   and o.state == "purchase" and o.picking_ids.filtered(lambda p: p.state == "done"))
        # created when they were ordered (the demo writes three years in one go), for the response time
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE purchase_order SET create_date = date_order WHERE id IN %s",
                                tuple(answered.ids) or (0,)))
        answered.invalidate_recordset(["create_date"])
        vals_list = []
        for number, order in enumerate(answered):
            order.crm_supplier_ack_date = order.date_order + timedelta(hours=3 + 5 * number)
            order.acknowledged = True
            for index, line in enumerate(order.order_line):
                short = 2 if (number + index) % 4 == 0 else 0
                vals_list.append({"order_line_id": line.id, "quantity": line.product_qty + short,
                                  "date_commit": line.date_planned.date(), "state": "accepted"})
        return self.env["crm.supplier.commit"].create(vals_list)

    def _demo_stock_offers(self):
        """What the two portal vendors proposed: more stock and a shorter lead time, one approved already."""
        products = self.env["crm.demo.data"]._demo_products()
        vals_list = []
        for vendor_ref, key, qty, delay, price in (
                ("VND-ERGOSEAT", "chair", 240, 10, 178.0), ("VND-ERGOSEAT", "sofa", 18, 21, 0.0),
                ("VND-NORDWOOD", "desk", 120, 9, 425.0), ("VND-NORDWOOD", "table", 12, 18, 0.0)):
            info = self.env["product.supplierinfo"].search([
                ("partner_id.ref", "=", vendor_ref), ("product_tmpl_id", "=", products[key].product_tmpl_id.id)],
                order="id desc", limit=1)
            vals_list.append({"supplierinfo_id": info.id, "partner_id": info.partner_id.id, "qty_available": qty,
                              "delay": delay, "min_qty": 5, "price": price})
        offers = self.env["crm.supplier.stock.offer"].create(vals_list)
        offers[0].action_approve()

    def _demo_distributor_sellout(self):
        """The demo distributor (Nordic Office Distribution, the reseller of the Distributor network channel):
        SELLOUT_WEEKS weeks of sell-out of what it bought over the last year, a little above its weekly sell-in
        on the fast movers, with its stock running down. Its portal login is in the demo XML."""
        channel = self.env.ref("crm_strategy.crm_channel_demo_distributor", raise_if_not_found=False)
        partner = self.env["res.partner"].search([("email", "=", "orders@nordicoffice.example")], limit=1)
        if not channel or not partner:
            return self.env["crm.distributor.sellout"]
        partner.crm_distributor_channel_id = channel
        today = fields.Date.context_today(self)
        this_week = today - timedelta(days=today.weekday())
        bought = self.env.execute_query(SQL(
            """SELECT f.product_id, SUM(f.quantity) FROM (%s) f
                 JOIN product_product pp ON pp.id = f.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.type = 'consu'
             GROUP BY 1 ORDER BY 1""",
            self.env["crm.sales.fact"]._lines_sql(channel.company_id.ids, today - timedelta(days=365), today,
                                                  partners=SQL("%s", partner.id))))
        vals_list = []
        for index, (product_id, qty) in enumerate(bought):
            weekly = max(qty, 0) / 52.0
            stock = round(weekly * 8 + 4 + index)
            for week in range(SELLOUT_WEEKS, 0, -1):
                sold = max(0, round(weekly * (0.8 + ((week * 7 + index * 3) % 9) / 10.0)))
                stock = max(0, stock - sold + (round(weekly * 4) if week % 4 == 0 else 0))
                vals_list.append({
                    "partner_id": partner.id, "channel_id": channel.id, "company_id": channel.company_id.id,
                    "product_id": product_id, "week_start": this_week - timedelta(weeks=week),
                    "qty_sold": sold, "qty_stock": stock, "source": "file" if week % 2 else "form",
                    "state": "confirmed" if week > 2 else "reported"})
        rows = self.env["crm.distributor.sellout"].create(vals_list)
        evaluations = self.env["crm.channel.evaluation"].search([("channel_id", "=", channel.id)])
        self.env["crm.channel.evaluation"]._crm_write_sell_through(evaluations)
        return rows
