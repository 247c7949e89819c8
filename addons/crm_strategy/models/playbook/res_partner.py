from odoo import api, fields, models
from odoo.tools import SQL

from ...const import SERVICE_LEVELS
from ...tools.access import USER_GROUP


class ResPartner(models.Model):
    """What the playbooks set on a customer beyond Odoo's own fields: its service level, the channel and the
    team it is served through, and its marketing consents."""

    # each concern extends the partner in its own folder (profile, segment, channel, playbook), to be read alone
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_service_level = fields.Selection(
        SERVICE_LEVELS, string="Service Level", groups=USER_GROUP, tracking=True,
        help="The level of service the customer strategy gives this customer, set by the segment playbooks "
             "and the P&L decisions.")
    crm_channel_id = fields.Many2one(
        "crm.channel", string="Serving Channel", groups=USER_GROUP, ondelete="set null", tracking=True,
        help="The channel the customer is to be served through; new confirmed orders of the customer take it.")
    crm_channel_since = fields.Datetime(
        string="Serving Channel Since", groups=USER_GROUP, readonly=True,
        help="When the serving channel was set: only the orders dated from then on go through it, the earlier "
             "ones keep the channel their rules give (empty: set before this date was kept, all orders).")
    crm_team_id = fields.Many2one(
        "crm.team", string="Account Team", groups=USER_GROUP, ondelete="set null", tracking=True,
        help="The sales team that serves the customer: new quotations of the customer go to it.")
    crm_consent_ids = fields.One2many(
        "crm.marketing.consent", "partner_id", string="Marketing Consents", groups=USER_GROUP)

    def write(self, vals):
        """A new serving channel takes effect from now on: the customer's past orders keep their channel."""
        if "crm_channel_id" in vals and "crm_channel_since" not in vals:
            channel = vals["crm_channel_id"] or False
            changing = self.filtered(lambda partner: partner.sudo().crm_channel_id.id != channel)
            res = super().write(vals)
            if changing:
                super(ResPartner, changing).write({"crm_channel_since": channel and self.env.cr.now()})
            return res
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("crm_channel_id") and "crm_channel_since" not in vals:
                vals["crm_channel_since"] = self.env.cr.now()
        return super().create(vals_list)

    @api.model
    def _crm_consenting(self, partner_ids, medium, company):
        """The ids among ``partner_ids`` whose consent for ``medium`` in ``company`` is granted: the latest
        record of the customer (or of its commercial entity) decides, and no record means no consent."""
        if not partner_ids:
            return set()
        self.env["crm.marketing.consent"].flush_model()
        rows = self.env.execute_query(SQL(
            """
            SELECT p.id
              FROM res_partner p
              JOIN LATERAL (
                    SELECT c.granted FROM crm_marketing_consent c
                     WHERE c.partner_id IN (p.id, p.commercial_partner_id) AND c.medium = %(medium)s
                       AND c.company_id = %(company)s
                  ORDER BY c.date DESC, c.id DESC LIMIT 1) last ON TRUE
             WHERE p.id IN %(ids)s AND last.granted
            """, medium=medium, company=company.id, ids=tuple(partner_ids)))
        return {row[0] for row in rows}
