from odoo import fields, models


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
