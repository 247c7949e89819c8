from datetime import datetime, time

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_date, formatLang

from ..const import BUYER_FIGURES

MAX_COMMIT_FACTOR = 100


class CrmSupplierForecastLine(models.Model):
    """Demand of one product in one weekly bucket of a forecast snapshot, and the vendor's answer."""

    _name = "crm.supplier.forecast.line"
    _description = "Supplier forecast bucket"
    _order = "forecast_id, product_id, week"
    _check_company_auto = True

    forecast_id = fields.Many2one("crm.supplier.forecast", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Vendor", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True, check_company=True)
    week = fields.Integer(required=True, help="0 is the week of publication.")
    week_start = fields.Date(required=True)
    # The company's whole requirement: buyers only (the vendor sees its share, never what others are asked for)
    qty_sales = fields.Float("Confirmed Sales", digits="Product Unit", groups=BUYER_FIGURES,
                             help="Confirmed sales not delivered yet, by expected delivery week.")
    qty_pipeline = fields.Float("Weighted Pipeline", digits="Product Unit", groups=BUYER_FIGURES,
                                help="Quotations weighted by the probability of their opportunity.")
    qty_run_rate = fields.Float("Run Rate", digits="Product Unit", groups=BUYER_FIGURES,
                                help="Weekly deliveries of the last 12 weeks.")
    qty_outgoing = fields.Float("Other Outgoing", digits="Product Unit", groups=BUYER_FIGURES,
                                help="Stock moves planned out of stock that no sale explains (manufacturing "
                                     "components, deliveries made by hand).")
    qty_demand = fields.Float("Demand", digits="Product Unit", groups=BUYER_FIGURES,
                              help="Confirmed sales plus weighted pipeline, at least the run rate, plus the other "
                                   "outgoing moves.")
    qty_safety = fields.Float("Safety Stock", digits="Product Unit", groups=BUYER_FIGURES,
                              help="Minimum stock of the reordering rules, to restore in the first week.")
    qty_on_hand = fields.Float("On Hand", digits="Product Unit", groups=BUYER_FIGURES)
    qty_incoming = fields.Float("Incoming", digits="Product Unit", groups=BUYER_FIGURES)
    qty_net = fields.Float("Net Requirement", digits="Product Unit", groups=BUYER_FIGURES,
                           help="Demand and safety stock not covered by stock on hand and incoming receipts, "
                                "cumulated week to week.")
    share = fields.Float("Vendor Share (%)", digits=(5, 2), groups=BUYER_FIGURES,
                         help="Share of the product's requirement this vendor is asked for (vendor pricelists).")
    lead_days = fields.Integer("Lead Time (days)", help="The vendor's delay plus the company's days to purchase: "
                                                        "what is needed sooner is asked for in the first week a "
                                                        "new order can arrive.")
    qty_share = fields.Float("Asked from Vendor", digits="Product Unit",
                             help="The vendor's share of the net requirement, from the first week its lead time "
                                  "can reach, rounded up to a whole quantity.")
    qty_from_stock = fields.Float(
        "From Announced Stock", digits="Product Unit",
        help="Part of what the vendor is asked for that the stock it announced as available covers (its latest "
             "stock offer of the product approved in the 28 days before publication), spent on the weeks in order: "
             "the rest it has to make or buy within its lead time.")
    qty_committed = fields.Float("Committed by Vendor", digits="Product Unit")
    date_committed = fields.Datetime(readonly=True)
    commit_state = fields.Selection(
        [("accepted", "Accepted"), ("short", "Short"), ("rejected", "Rejected")], readonly=True, index=True,
        string="Commitment", help="Accepted: the vendor commits at least what it is asked for; short: less; "
                                  "rejected: nothing. Accepted and short commitments are ordered (draft RFQ).")
    purchase_line_id = fields.Many2one("purchase.order.line", "RFQ Line", readonly=True, index="btree_not_null",
                                       ondelete="set null", check_company=True,
                                       help="The request for quotation line the commitment was ordered on.")
    purchase_order_id = fields.Many2one(related="purchase_line_id.order_id", string="RFQ")

    _forecast_product_week_uniq = models.Constraint(
        "UNIQUE(forecast_id, product_id, week)", "One bucket per product and week.")

    @api.constrains("qty_committed")
    def _check_qty_committed(self):
        for line in self:
            limit = max(line.qty_net, line.qty_demand, 1.0) * MAX_COMMIT_FACTOR
            if line.qty_committed < 0 or line.qty_committed > limit:
                raise ValidationError(self.env._(
                    "The committed quantity must be between 0 and %(limit)s.", limit=limit))

    # ------------------------------------------------------------------ what a commitment does
    def _crm_act_on_commitments(self):
        """The vendor just committed these lines (as superuser): order what is committed on a draft RFQ of the
        vendor, raise a to-do for the buyer on what falls short, tell the vendor's webhooks."""
        for line in self:
            rounding = line.product_id.uom_id.rounding or 0.01
            if line.qty_committed <= 0:
                line.commit_state = "rejected" if line.qty_share > 0 else False
            else:
                line.commit_state = "short" if line.qty_share - line.qty_committed >= rounding else "accepted"
        for forecast in self.forecast_id:
            lines = self.filtered(lambda ln, f=forecast: ln.forecast_id == f)
            order = lines._crm_order_commitments()
            lines.filtered(lambda ln: ln.commit_state in ("short", "rejected"))._crm_schedule_gap_activities()
            committed = lines.filtered(lambda ln: ln.qty_committed > 0)
            if committed:
                self.env["crm.supplier.webhook"]._crm_enqueue(forecast.partner_id, "forecast_commit_accepted", {
                    "forecast_id": forecast.id, "version": forecast.version,
                    "commitments": [line._crm_webhook_values() for line in committed],
                }, company=forecast.company_id)
            if order:
                self.env["crm.supplier.webhook"]._crm_enqueue(forecast.partner_id, "rfq_created_from_commit", {
                    **order._crm_webhook_payload(), "forecast_id": forecast.id, "version": forecast.version,
                    "forecast_lines": [line._crm_webhook_values() for line in committed
                                       if line.purchase_line_id.order_id == order],
                }, company=forecast.company_id)

    def _crm_webhook_values(self):
        self.ensure_one()
        return {"line_id": self.id, "product": self.product_id.display_name, "week_start": str(self.week_start),
                "quantity": self.qty_committed, "asked": self.qty_share, "state": self.commit_state,
                "order": self.purchase_line_id.order_id.name or None,
                "order_line_id": self.purchase_line_id.id or None}

    def _crm_date_planned(self):
        """The committed week as a planned date: its Monday at noon, today for the week under way."""
        self.ensure_one()
        return datetime.combine(max(self.week_start, fields.Date.context_today(self)), time(12))

    def _crm_order_commitments(self):
        """Lines of one forecast: write the committed quantities into the vendor's draft RFQ (the open one of
        the vendor, company and receipt type, or a new one), one RFQ line per week, with an accepted vendor
        commitment on it (the scorecard measures the receipt against it); a withdrawn commitment removes its
        draft line. An RFQ already sent or confirmed is left as it is. Returns the RFQ lines were added to."""
        forecast = self.forecast_id
        vendor, company = forecast.partner_id, forecast.company_id
        Commit = self.env["crm.supplier.commit"].with_context(tracking_disable=True)
        self.filtered(lambda ln: ln.purchase_line_id.order_id.state not in (False, "draft")
                      )._crm_schedule_change_activities()
        for line in self.filtered(lambda ln: ln.purchase_line_id.order_id.state == "draft"):
            po_line = line.purchase_line_id
            if line.qty_committed > 0:
                date = line._crm_date_planned()
                po_line.write({"product_qty": line.qty_committed, "date_planned": date})
                line._crm_price_below_minimum(po_line)
                Commit.search([("order_line_id", "=", po_line.id)]).write(
                    {"quantity": line.qty_committed, "date_commit": date.date()})
            else:
                line.purchase_line_id = False
                po_line.unlink()
        new = self.filtered(lambda ln: ln.qty_committed > 0 and not ln.purchase_line_id)
        if not new:
            return self.env["purchase.order"]
        Order = self.env["purchase.order"].with_company(company)
        picking_type = Order._get_picking_type(company.id)[:1]
        order = Order.search([("partner_id", "=", vendor.id), ("company_id", "=", company.id),
                              ("state", "=", "draft"), ("picking_type_id", "=", picking_type.id)],
                             order="id desc", limit=1)
        if not order:
            buyer = vendor.buyer_id or self.env["res.users"]._crm_supplier_fallback_user()
            order = Order.create({"partner_id": vendor.id, "company_id": company.id, "user_id": buyer.id,
                                  "picking_type_id": picking_type.id, "origin": forecast.name})
        OrderLine = self.env["purchase.order.line"].with_company(company)
        po_lines = OrderLine.create([{
            **OrderLine._prepare_purchase_order_line(line.product_id, line.qty_committed, line.product_id.uom_id,
                                                     company, vendor, order),
            "date_planned": line._crm_date_planned()} for line in new])
        for line, po_line in zip(new, po_lines):
            line.purchase_line_id = po_line
            line._crm_price_below_minimum(po_line)
        Commit.create([{"order_line_id": po_line.id, "kind": "commit", "quantity": line.qty_committed,
                        "date_commit": po_line.date_planned.date(), "state": "accepted"}
                       for line, po_line in zip(new, po_lines)])
        order.message_post(body=self.env._(
            "%(count)s line(s) ordered from the vendor's commitments on forecast %(forecast)s.",
            count=len(new), forecast=forecast.name))
        self._crm_assign_orderpoints()
        return order

    def _crm_schedule_change_activities(self):
        """Lines whose RFQ already left draft (sent, confirmed, cancelled): the order is not changed behind the
        buyer's back, but a commitment that no longer matches it is a to-do for the order's buyer, on the order,
        with the week, what the order says and what the vendor now commits."""
        for order in self.purchase_line_id.order_id:
            changed = self.filtered(lambda ln, o=order: ln.purchase_line_id.order_id == o and float_compare(
                ln.qty_committed, ln.purchase_line_id.product_qty,
                precision_rounding=ln.product_id.uom_id.rounding or 0.01) != 0)
            if not changed:
                continue
            items = Markup("").join(
                Markup("<li>%s</li>") % self.env._(
                    "%(product)s, week of %(day)s: the order says %(ordered)s, the vendor now commits %(committed)s "
                    "%(uom)s",
                    product=line.product_id.display_name, day=format_date(self.env, line.week_start),
                    ordered=formatLang(self.env, line.purchase_line_id.product_qty, dp="Product Unit"),
                    committed=formatLang(self.env, line.qty_committed, dp="Product Unit"),
                    uom=line.product_id.uom_id.name) for line in changed)
            order.activity_schedule(
                "mail.mail_activity_data_todo", user_id=order._crm_buyer().id,
                summary=self.env._("%(vendor)s changed a commitment after the order was sent",
                                   vendor=order.partner_id.display_name),
                note=Markup("<p>%s</p><ul>%s</ul>") % (self.env._(
                    "Forecast %(forecast)s: update the order or agree with the vendor:",
                    forecast=changed.forecast_id[:1].name), items))

    def _crm_price_below_minimum(self, po_line):
        """A week's commitment may be below the vendor's minimum quantity, where Odoo finds no price: the
        vendor's pricelist price all the same (the vendor committed to it)."""
        if po_line.price_unit:
            return
        order = po_line.order_id
        seller = po_line.product_id.with_company(order.company_id)._select_seller(
            partner_id=order.partner_id, quantity=None, uom_id=po_line.product_uom_id,
            date=fields.Date.context_today(self))
        if seller:
            po_line.price_unit = seller.currency_id._convert(
                seller.price, order.currency_id, order.company_id, fields.Date.context_today(self))

    def _crm_assign_orderpoints(self):
        """Manual reordering rules of the committed products without a vendor get this vendor's pricelist line,
        so what the replenishment report orders goes to who committed."""
        forecast = self.forecast_id
        orderpoints = self.env["stock.warehouse.orderpoint"].search([
            ("product_id", "in", self.product_id.ids), ("company_id", "=", forecast.company_id.id),
            ("trigger", "=", "manual"), ("supplier_id", "=", False)])
        for orderpoint in orderpoints:
            info = orderpoint.product_id.seller_ids.filtered(
                lambda si: si.partner_id.commercial_partner_id == forecast.partner_id
                and si.company_id in (forecast.company_id, si.company_id.browse()))[:1]
            if info:
                orderpoint.supplier_id = info

    def _crm_schedule_gap_activities(self):
        """One to-do per buyer on the forecast listing the weeks the vendor committed less than asked: the
        product's responsible, else the vendor's buyer, else the fallback user of the settings."""
        if not self:
            return
        forecast = self.forecast_id
        fallback = self.env["res.users"]._crm_supplier_fallback_user()
        by_user = {}
        for line in self:
            responsible = line.product_id.product_tmpl_id.with_company(forecast.company_id).responsible_id
            user = next((u for u in (responsible, forecast.partner_id.buyer_id)
                         if u and u.active and u._is_internal()), fallback)
            by_user.setdefault(user, self.browse())
            by_user[user] |= line
        for user, lines in by_user.items():
            items = Markup("").join(
                Markup("<li>%s</li>") % self.env._(
                    "%(product)s, week of %(day)s: committed %(committed)s of %(asked)s, gap %(gap)s %(uom)s",
                    product=line.product_id.display_name, day=format_date(self.env, line.week_start),
                    committed=formatLang(self.env, line.qty_committed, dp="Product Unit"),
                    asked=formatLang(self.env, line.qty_share, dp="Product Unit"),
                    gap=formatLang(self.env, line.qty_share - line.qty_committed, dp="Product Unit"),
                    uom=line.product_id.uom_id.name) for line in lines)
            forecast.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("%(vendor)s commits less than asked", vendor=forecast.partner_id.display_name),
                note=Markup("<p>%s</p><ul>%s</ul>") % (
                    self.env._("Find the missing quantities elsewhere or agree on other weeks:"), items))
