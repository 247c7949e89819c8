from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ...tools.access import USER_GROUP, check_field_read


class ResPartner(models.Model):
    """The customer's acquisition channel: the channel of its first confirmed order."""

    # each concern extends the partner in its own folder (profile, segment, channel), to be read alone
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_acquisition_channel_id = fields.Many2one(
        "crm.channel", string="Acquisition Channel", compute="_compute_crm_acquisition_channel",
        search="_search_crm_acquisition_channel", groups=USER_GROUP,
        help="The channel of the customer's first confirmed sales order in the current company.",
    )

    @api.model
    def _crm_first_order_channel_sql(self, company):
        """(partner_id, channel_id, date_order) of each commercial partner's first confirmed order."""
        return SQL(
            """
            SELECT DISTINCT ON (rp.commercial_partner_id) rp.commercial_partner_id AS partner_id,
                   ca.channel_id, so.date_order
              FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
         LEFT JOIN crm_channel_assignment ca ON ca.order_id = so.id
             WHERE so.company_id = %s AND so.state = 'sale'
          ORDER BY rp.commercial_partner_id, so.date_order, so.id
            """, company.id)

    @api.depends_context("company")
    def _compute_crm_acquisition_channel(self):
        self.env["sale.order"].flush_model(["partner_id", "date_order", "state", "company_id"])
        partners = self.commercial_partner_id._origin
        rows = self.env.execute_query(SQL(
            "SELECT partner_id, channel_id FROM (%s) f WHERE partner_id IN %s",
            self._crm_first_order_channel_sql(self.env.company), tuple(partners.ids) or (0,)))
        by_partner = dict(rows)
        for partner in self:
            partner.crm_acquisition_channel_id = by_partner.get(partner.commercial_partner_id._origin.id)

    def _search_crm_acquisition_channel(self, operator, value):
        check_field_read(self, "crm_acquisition_channel_id")
        if operator not in ("in", "not in"):
            return NotImplemented
        first = self._crm_first_order_channel_sql(self.env.company)
        channel_ids = [v for v in value if v]
        condition = SQL("f.channel_id IN %s", tuple(channel_ids)) if channel_ids else SQL("FALSE")
        if False in value:
            condition = SQL("(%s OR f.channel_id IS NULL)", condition)
        matching = SQL("SELECT f.partner_id FROM (%s) f WHERE %s", first, condition)
        domain = Domain("commercial_partner_id", "in", matching)
        return ~domain if operator == "not in" else domain

