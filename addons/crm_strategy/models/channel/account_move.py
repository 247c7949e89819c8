from odoo import models
from odoo.fields import Domain

from .crm_channel_assignment_sql import invoice_from_order


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.channel.assignment.mixin"]
    _channel_key = "move_id"
    _channel_triggers = ("move_type", "team_id", "source_id", "medium_id", "campaign_id", "invoice_origin",
                         "company_id", "line_ids", "invoice_line_ids")

    def _channel_documents(self):
        """Customer invoices and credit notes: payments, bills and entries never carry a channel."""
        return self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))

    def _channel_candidates_sql(self, company, ids):
        """An invoice comes through the channel of its sales order (the oldest one with a channel)."""
        return invoice_from_order(company.id, ids)

    def _channel_rule_domain(self, channel):
        return channel._move_domain()

    def _channel_scope_domain(self, company):
        return Domain("company_id", "=", company.id) & Domain("move_type", "in", ("out_invoice", "out_refund"))
