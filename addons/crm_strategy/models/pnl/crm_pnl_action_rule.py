from odoo import api, fields, models

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

    @api.constrains("name", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH})
