from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ...tools.access import USER_GROUP, check_field_read


class ResPartner(models.Model):
    """The customer's segments: its memberships and its primary segment in the current company."""

    # each concern extends the partner in its own folder (profile, segment, channel), to be read alone
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # --- segments -----------------------------------------------------------
    crm_segment_member_ids = fields.One2many("crm.segment.member", "partner_id", string="Segment Memberships",
                                             groups=USER_GROUP)
    crm_primary_segment_id = fields.Many2one(
        "crm.segment", string="Primary Segment", compute="_compute_crm_primary_segment",
        search="_search_crm_primary_segment", groups=USER_GROUP,
        help="The segment of highest priority among those the customer belongs to, in the current company.",
    )

    @api.depends_context("company")
    def _compute_crm_primary_segment(self):
        members = self.env["crm.segment.member"].sudo().search([
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
            ("is_primary", "=", True),
            ("active", "=", True),
        ])
        by_partner = {m.partner_id.id: m.segment_id for m in members}
        for partner in self:
            partner.crm_primary_segment_id = by_partner.get(partner.commercial_partner_id.id, False)

    def _search_crm_primary_segment(self, operator, value):
        check_field_read(self, "crm_primary_segment_id")
        members = self.env["crm.segment.member"].sudo()._search([
            ("company_id", "=", self.env.company.id),
            ("is_primary", "=", True),
            ("active", "=", True),
            ("segment_id", operator, value),
        ])
        return Domain("commercial_partner_id", "in", members.subselect("partner_id"))

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active") is False:
            self._crm_leave_segments()
        return res

    def _crm_leave_segments(self):
        """Archived partners are never members: end their memberships now (the periods stay as history)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            UPDATE crm_segment_member
               SET active = FALSE, is_primary = FALSE, date_left = NOW() AT TIME ZONE 'UTC'
             WHERE partner_id IN %(partners)s AND active
            """,
            partners=tuple(self.ids),
        ))
        self.env["crm.segment.member"].invalidate_model()
        self.env["crm.segment.history"].invalidate_model()
        self.invalidate_model(["crm_primary_segment_id", "crm_segment_member_ids"])
