from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...const import BRAND_FIT_MAX, ESTIMATE_MEASURES
from ...tools.limits import MAX_AMOUNT, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths


class CrmChannelEstimate(models.Model):
    """An estimated figure of a channel, with where it comes from: lets a channel with no sales of its own yet
    (a potential channel) be scored and ranked beside the measured ones, so that every potential channel can be
    evaluated before it is opened."""

    _name = "crm.channel.estimate"
    _description = "Channel Estimate"
    _order = "channel_id, measure"

    channel_id = fields.Many2one("crm.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="channel_id.currency_id")
    measure = fields.Selection([(key, label) for key, (label, _scaled) in ESTIMATE_MEASURES.items()],
                               required=True)
    value = fields.Float(required=True, digits=(16, 2),
                         help="Amounts are a year's, in company currency; reach in customers; brand fit from 0 to "
                              "10.")
    source = fields.Char(required=True, help="Where the figure comes from: a market study, a quote, a pilot, a "
                                             "benchmark, a judgement (whose).")
    note = fields.Text()

    _channel_measure_uniq = models.Constraint(
        "UNIQUE(channel_id, measure)", "A channel has one estimate of each figure.")

    @api.constrains("measure", "value")
    def _check_value(self):
        for estimate in self:
            if not 0 <= estimate.value < MAX_AMOUNT:
                raise ValidationError(self.env._("The estimate of %(measure)s of channel %(channel)s cannot be "
                                                 "negative or absurd.", measure=estimate.measure,
                                                 channel=estimate.channel_id.name))
            if estimate.measure == "brand_fit" and estimate.value > BRAND_FIT_MAX:
                raise ValidationError(self.env._("Brand fit is a mark from 0 to 10."))

    @api.constrains("source", "note")
    def _check_text_lengths(self):
        check_text_lengths(self, {"source": MAX_NAME_LENGTH, "note": MAX_TEXT_LENGTH})
