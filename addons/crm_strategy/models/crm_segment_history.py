from odoo import fields, models


class CrmSegmentHistory(models.Model):
    """Who entered or left a segment, and when: the memory of segment refreshes."""

    _name = "crm.segment.history"
    _description = "Segment Membership History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _log_access = False  # written in bulk by SQL; date_joined / date say when

    segment_id = fields.Many2one("crm.segment", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    event = fields.Selection([("enter", "Entered"), ("leave", "Left")], required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, index=True)
