from odoo import fields, models


class CrmSegmentMember(models.Model):
    """A customer's membership of a segment, written in bulk by the segment refresh."""

    _name = "crm.segment.member"
    _description = "Segment Membership"
    _order = "segment_id, partner_id"
    _rec_name = "partner_id"
    _log_access = False  # written in bulk by SQL; date_joined / date say when

    segment_id = fields.Many2one("crm.segment", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    date_joined = fields.Datetime(string="Member Since", readonly=True)
    is_primary = fields.Boolean(
        string="Primary", readonly=True,
        help="Set on the membership of highest segment priority among the customer's segments in this company.",
    )
    continuum_stage = fields.Selection(related="segment_id.continuum_stage", store=True)
    strategy_action = fields.Selection(related="segment_id.strategy_action", store=True)
    country_id = fields.Many2one(related="partner_id.country_id", string="Country")
    industry_id = fields.Many2one(related="partner_id.industry_id", string="Industry")

    _segment_partner_uniq = models.Constraint(
        "UNIQUE(segment_id, partner_id)", "A customer is a member of a segment only once."
    )
