from odoo import fields, models


class CrmChannelAssignment(models.Model):
    """The sales channel of one confirmed order or customer invoice, in a narrow table of its own: assigning
    the channels of a large company writes these rows, never the wide order and invoice tables and all their
    indexes. Orders and invoices show it as their ``channel_id``; every figure per channel reads it here."""

    _name = "crm.channel.assignment"
    _description = "Sales Channel of an Order or Invoice"
    _rec_name = "channel_id"
    _log_access = False  # written in bulk by SQL

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    order_id = fields.Many2one("sale.order", string="Sales Order", ondelete="cascade", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="cascade", readonly=True)
    channel_id = fields.Many2one("crm.channel", string="Sales Channel", ondelete="set null",
                                 index="btree_not_null", readonly=True)
    override = fields.Boolean(string="Set by Hand", readonly=True,
                              help="Chosen by a strategy manager: the channel rules no longer change it.")

    _one_document = models.Constraint("CHECK((order_id IS NULL) <> (move_id IS NULL))",
                                      "A channel assignment belongs to one order or one invoice.")
    _order_uniq = models.UniqueIndex("(order_id) WHERE order_id IS NOT NULL", "An order has one channel.")
    _move_uniq = models.UniqueIndex("(move_id) WHERE move_id IS NOT NULL", "An invoice has one channel.")
