from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...tools.limits import MAX_AMOUNT, MAX_NAME_LENGTH, check_text_lengths


class CrmAdminCostRule(models.Model):
    """How administrative overhead is allocated to customers in the customer P&L."""

    _name = "crm.admin.cost.rule"
    _description = "Administrative Cost Allocation Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    basis = fields.Selection(
        [("revenue_pct", "% of net revenue"), ("per_customer", "Per active customer and month"),
         ("per_order", "Per sales order")],
        required=True, default="revenue_pct",
    )
    rate = fields.Float(required=True, digits=(16, 4),
                        help="A percentage for '% of net revenue', an amount in the company currency otherwise.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    @api.constrains("rate", "basis")
    def _check_rate(self):
        for rule in self:
            if not 0 <= rule.rate < MAX_AMOUNT or (rule.basis == "revenue_pct" and rule.rate > 100):
                raise ValidationError(self.env._(
                    "Rule %s: the rate must be positive, and at most 100 for a percentage.", rule.name))

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})
