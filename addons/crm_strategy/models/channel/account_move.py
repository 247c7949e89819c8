from odoo import api, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.channel.assignment.mixin"]

    def _channel_candidates(self):
        return self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))

    def _channel_kind(self):
        return "move"

    def _channel_from_documents(self):
        """An invoice comes through the channel of its sales order (the oldest one with a channel)."""
        result = {}
        for move in self:
            orders = move.line_ids.sale_line_ids.order_id.filtered("channel_id").sorted("id")
            if orders:
                result[move.id] = orders[0].channel_id
        return result

    @api.depends("move_type", "team_id", "source_id", "medium_id", "campaign_id", "invoice_origin",
                 "line_ids.sale_line_ids.order_id.channel_id", "channel_override")
    def _compute_channel_id(self):
        return super()._compute_channel_id()
