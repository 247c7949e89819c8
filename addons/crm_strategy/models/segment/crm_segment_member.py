from odoo import api, fields, models
from odoo.tools import SQL


class CrmSegmentMember(models.Model):
    """A customer's membership of a segment over one period, written in bulk by the segment refresh.

    A customer who leaves is archived (``date_left`` set), not deleted: the periods are the
    membership history, and a departure costs one UPDATE instead of a DELETE plus a history row
    (half the rows, and half PostgreSQL's row-by-row foreign-key checks, at each first load).
    Raw SQL reads a membership's company from its segment (``crm_segment.company_id``).
    """

    _name = "crm.segment.member"
    _description = "Segment Membership"
    _order = "segment_id, partner_id, date_joined desc"
    _rec_name = "partner_id"
    _log_access = False  # written in bulk by SQL; date_joined / date_left say when

    active = fields.Boolean(
        string="Current", default=True, readonly=True,
        help="Archived once the customer left the segment; the period stays as history.",
    )
    segment_id = fields.Many2one("crm.segment", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    # the segment's: stored again, it would cost a column and a foreign-key check per row
    company_id = fields.Many2one(related="segment_id.company_id")
    date_joined = fields.Datetime(string="Member Since", readonly=True)
    date_left = fields.Datetime(string="Left On", readonly=True)
    is_primary = fields.Boolean(
        string="Primary", readonly=True,
        help="Set on the current membership of highest segment priority among the customer's segments "
        "in this company.",
    )
    continuum_stage = fields.Selection(related="segment_id.continuum_stage", store=True)
    strategy_action = fields.Selection(related="segment_id.strategy_action", store=True)
    country_id = fields.Many2one(related="partner_id.country_id", string="Country")
    industry_id = fields.Many2one(related="partner_id.industry_id", string="Industry")

    @api.model
    def _current_sql(self):
        """The current memberships (id, segment_id, partner_id, is_primary, company_id) for raw-SQL
        readers: the one place that knows past periods are history and a membership's company is its
        segment's."""
        return SQL(
            """SELECT m.id, m.segment_id, m.partner_id, m.is_primary, s.company_id
                 FROM crm_segment_member m JOIN crm_segment s ON s.id = m.segment_id
                WHERE m.active"""
        )

    _segment_partner_current_uniq = models.UniqueIndex(
        "(segment_id, partner_id) WHERE active", "A customer is a current member of a segment only once."
    )
