from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...const import CRITERION_MEASURES
from ...tools.limits import MAX_AMOUNT, MAX_NAME_LENGTH, check_text_lengths


class CrmChannelCriterion(models.Model):
    """One criterion of the channel scorecard: a figure of the evaluation and its weight in the score."""

    _name = "crm.channel.criterion"
    _description = "Channel Scorecard Criterion"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    measure = fields.Selection([(k, v[0]) for k, v in CRITERION_MEASURES.items()], required=True)
    weight = fields.Float(default=1.0, help="Relative weight of the criterion in the score.")
    higher_is_better = fields.Boolean(
        compute="_compute_higher_is_better", store=True, readonly=False,
        help="Unticked, the channel with the lowest figure scores best (costs, concentration).")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    _measure_company_uniq = models.Constraint(
        "UNIQUE(measure, company_id)", "A figure is a criterion of the scorecard only once per company.")

    @api.depends("measure")
    def _compute_higher_is_better(self):
        for criterion in self:
            criterion.higher_is_better = CRITERION_MEASURES.get(criterion.measure, ("", True))[1]

    @api.constrains("weight")
    def _check_weight(self):
        for criterion in self:
            if not 0 <= criterion.weight < MAX_AMOUNT:
                raise ValidationError(self.env._("The weight of criterion %s cannot be negative or absurd.",
                                                 criterion.name))

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})
