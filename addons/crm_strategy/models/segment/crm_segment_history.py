from odoo import fields, models
from odoo.tools import SQL


class CrmSegmentHistory(models.Model):
    """Who entered or left a segment, and when: each membership period read as its two events.

    A view, not a table, so that a refresh writes each change once (see crm.segment.member).
    """

    _name = "crm.segment.history"
    _inherit = "crm.report.view"
    _description = "Segment Membership History"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    segment_id = fields.Many2one("crm.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    member_id = fields.Many2one("crm.segment.member", string="Membership", readonly=True)
    event = fields.Selection([("enter", "Entered"), ("leave", "Left")], readonly=True)
    date = fields.Datetime(readonly=True)

    def _view_sql(self):
        # ids: 2n is the entry of membership n, 2n + 1 its exit
        return SQL(
            """
            SELECT m.id::int8 * 2 AS id, m.id AS member_id, m.segment_id, m.partner_id, s.company_id,
                   'enter'::varchar AS event, m.date_joined AS date
              FROM crm_segment_member m JOIN crm_segment s ON s.id = m.segment_id
             UNION ALL
            SELECT m.id::int8 * 2 + 1, m.id, m.segment_id, m.partner_id, s.company_id, 'leave', m.date_left
              FROM crm_segment_member m JOIN crm_segment s ON s.id = m.segment_id
             WHERE m.date_left IS NOT NULL
            """)
