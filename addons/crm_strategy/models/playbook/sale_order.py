from odoo import models


class SaleOrder(models.Model):
    """Orders of a customer with a serving channel or an account team (set by a playbook or a P&L decision)
    go through them."""

    _inherit = "sale.order"

    def _channel_from_documents(self):
        inherited = super()._channel_from_documents()
        for order in self:
            channel = order.partner_id.commercial_partner_id.sudo().crm_channel_id
            if order.id not in inherited and channel and channel.company_id == order.company_id:
                inherited[order.id] = channel
        return inherited

    def _default_team_id(self):
        if self.env.context.get("default_team_id"):
            return super()._default_team_id()
        return self.partner_id.commercial_partner_id.sudo().crm_team_id.id or super()._default_team_id()
