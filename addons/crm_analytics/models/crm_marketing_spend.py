from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.limits import FIRST_DATE, MAX_AMOUNT, MAX_NAME_LENGTH, check_text_lengths
from odoo.exceptions import ValidationError


class CrmMarketingSpend(models.Model):
    """What a campaign cost, recorded per company and date: the denominator of campaign ROI and the source of
    acquisition cost (utm.campaign has no cost of its own in Community)."""

    _name = "crm.marketing.spend"
    _description = "Marketing Spend"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    source_id = fields.Many2one("utm.source")
    medium_id = fields.Many2one("utm.medium")
    amount = fields.Monetary(required=True, help="Cost in the company currency.")

    @api.constrains("amount", "date")
    def _check_amount_and_date(self):
        """A spend is a positive, plausible amount on a real date: a negative, zero or absurd one would turn
        every ROI and acquisition cost of the campaign into nonsense."""
        latest = fields.Date.context_today(self) + relativedelta(years=10)
        for spend in self:
            if not 0 < spend.amount < MAX_AMOUNT:
                raise ValidationError(self.env._(
                    "The amount of “%(name)s” must be positive and below %(max)s.", name=spend.name,
                    max=f"{MAX_AMOUNT:,.0f}"))
            if not FIRST_DATE <= spend.date <= latest:
                raise ValidationError(self.env._(
                    "The date of “%(name)s” must be between %(first)s and %(last)s.", name=spend.name,
                    first=FIRST_DATE, last=latest))

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})
