from odoo import api, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.channel.assignment.mixin"]

    def _channel_candidates(self):
        return self.filtered(lambda order: order.state == "sale")

    def _channel_kind(self):
        return "order"

    @api.depends("state", "team_id", "source_id", "medium_id", "campaign_id", "origin", "partner_id",
                 "channel_override")
    def _compute_channel_id(self):
        return super()._compute_channel_id()
