from odoo import api, fields, models

from ...const import PNL_ACTION_TYPES, SERVICE_LEVELS
from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths


class CrmPnlActionRule(models.Model):
    """What to do about a customer whose profitability looks like this: review discounts,
    change the service level, move to a cheaper channel, reprice..."""

    _name = "crm.pnl.action.rule"
    _description = "Customer Profitability Action Rule"
    _inherit = ["crm.domain.rule.mixin"]
    _order = "sequence, id"
    _rule_model = "crm.customer.profitability"

    name = fields.Char(string="Suggested Action", required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first matching rule gives the suggestion.")
    active = fields.Boolean(default=True)
    description = fields.Text()
    action_type = fields.Selection(
        PNL_ACTION_TYPES, help="What a click on Apply does to the customer: reprice and cut discounts set the "
        "pricelist below, a cheaper channel sets its serving channel, a lower service level its service level.")
    pricelist_id = fields.Many2one("product.pricelist", string="Pricelist to Set",
                                   help="Reprice / cut discounts: the pricelist the customer moves to.")
    channel_id = fields.Many2one("crm.channel", string="Channel to Set",
                                 help="Cheaper channel: the channel the customer is to be served through.")
    service_level = fields.Selection(SERVICE_LEVELS, string="Service Level to Set")

    @api.constrains("name", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH})
