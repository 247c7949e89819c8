from odoo import models
from odoo.fields import Domain


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.channel.assignment.mixin"]
    _channel_key = "order_id"
    _channel_triggers = ("state", "date_order", "team_id", "source_id", "medium_id", "campaign_id", "origin",
                         "partner_id", "company_id")

    def _channel_rule_domain(self, channel):
        return channel._order_domain()

    def _channel_scope_domain(self, company):
        return Domain("company_id", "=", company.id) & Domain("state", "=", "sale")

    def _assign_own_channel(self):
        """An order's invoices follow its channel."""
        result = super()._assign_own_channel()
        self.invoice_ids._assign_own_channel()
        return result
