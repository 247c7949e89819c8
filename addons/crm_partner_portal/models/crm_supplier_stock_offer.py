from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import MAX_DELAY_DAYS

MAX_QUANTITY = 1e9


class CrmSupplierStockOffer(models.Model):
    """Stock and lead time a vendor announces for a product it supplies. Once the buyer approves it, the
    vendor's pricelist line (product.supplierinfo) takes the new lead time, minimum quantity and price;
    the offer keeps the previous values, so the offers are the history of the supplierinfo."""

    _name = "crm.supplier.stock.offer"
    _description = "Supplier stock and lead time offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    supplierinfo_id = fields.Many2one("product.supplierinfo", "Vendor Pricelist Line", required=True,
                                      ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Vendor", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    product_tmpl_id = fields.Many2one(related="supplierinfo_id.product_tmpl_id", store=True, string="Product")
    currency_id = fields.Many2one(related="company_id.currency_id")
    qty_available = fields.Float("Available Quantity", digits="Product Unit", tracking=True)
    delay = fields.Integer("Lead Time (days)", tracking=True)
    min_qty = fields.Float("Minimum Quantity", digits="Product Unit")
    price = fields.Monetary("Proposed Price", currency_field="currency_id",
                            help="In company currency; empty when the vendor proposes no new price.")
    state = fields.Selection(
        [("proposed", "Proposed"), ("approved", "Approved"), ("refused", "Refused"), ("superseded", "Superseded")],
        default="proposed", required=True, tracking=True, index=True)
    previous_delay = fields.Integer(readonly=True)
    previous_min_qty = fields.Float(readonly=True, digits="Product Unit")
    previous_price = fields.Float(readonly=True, help="Price of the pricelist line before approval, in its currency.")
    date_approved = fields.Datetime(readonly=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)

    @api.constrains("qty_available", "delay", "min_qty", "price")
    def _check_values(self):
        for offer in self:
            if not 0 <= offer.delay <= MAX_DELAY_DAYS:
                raise ValidationError(self.env._("The lead time must be between 0 and %(max)s days.",
                                                 max=MAX_DELAY_DAYS))
            for value in (offer.qty_available, offer.min_qty, offer.price):
                if not 0 <= value <= MAX_QUANTITY:
                    raise ValidationError(self.env._("Quantities and prices must be positive and realistic."))

    @api.constrains("supplierinfo_id", "partner_id")
    def _check_vendor(self):
        for offer in self:
            if offer.supplierinfo_id.partner_id.commercial_partner_id != offer.partner_id:
                raise ValidationError(self.env._("The pricelist line belongs to another vendor."))

    @api.model
    def _crm_supplier_propose(self, offers_by_info):
        """The vendor's new offers, one per pricelist line, superseding the proposed ones of those lines, each
        with a to-do for the vendor's buyer (or the fallback user of the settings). All or nothing. Only the
        vendor's portal users (and the superuser) may; the rest runs as superuser.

        :param offers_by_info: {product.supplierinfo: vals} with qty_available, delay, min_qty and price
        :raise ValidationError: values a constraint refuses, nothing written
        """
        infos = self.env["product.supplierinfo"].sudo().union(*offers_by_info)
        if not infos:
            raise ValidationError(self.env._("Nothing to send: fill in a product's row."))
        self.env.user._crm_check_supplier_answer(infos.partner_id)
        if infos.company_id - self.env.user.company_ids and not self.env.user._is_superuser():
            raise AccessError(self.env._("These pricelist lines belong to a company you do not work for."))
        Offer = self.sudo()
        with self.env.cr.savepoint():
            Offer.search([("supplierinfo_id", "in", infos.ids), ("state", "=", "proposed")]).state = "superseded"
            offers = Offer.create([{
                **vals, "supplierinfo_id": info.id, "partner_id": info.partner_id.commercial_partner_id.id,
                "company_id": (info.company_id or self.env.company).id,
            } for info, vals in offers_by_info.items()])
            fallback = self.env["res.users"]._crm_supplier_fallback_user()
            for offer in offers:
                offer.activity_schedule(
                    "mail.mail_activity_data_todo", summary=self.env._("Review the vendor's stock offer"),
                    user_id=(offer.partner_id.buyer_id or fallback).id)
        return offers

    def action_approve(self):
        """Write the offer into the vendor pricelist line, keeping the previous values on the offer. Runs
        with the user's rights: only who may edit vendor pricelists (purchase managers) can approve."""
        self.check_access("write")
        self.env["product.supplierinfo"].check_access("write")
        for offer in self:
            if offer.state != "proposed":
                raise UserError(self.env._("Only a proposed offer can be approved."))
            info = offer.supplierinfo_id
            vals = {"delay": offer.delay, "min_qty": offer.min_qty}
            if offer.price:
                vals["price"] = offer.currency_id._convert(
                    offer.price, info.currency_id or offer.currency_id, offer.company_id, fields.Date.today())
            previous = {"previous_delay": info.delay, "previous_min_qty": info.min_qty,
                        "previous_price": info.price}
            info.write(vals)
            offer.write({**previous, "state": "approved", "date_approved": fields.Datetime.now(),
                         "approved_by_id": self.env.uid})
        return True

    def action_refuse(self):
        self.check_access("write")
        self.filtered(lambda o: o.state == "proposed").state = "refused"
        return True
