from odoo import models
from odoo.tools import SQL

from ...tools.pg import in_ids


class SaleOrder(models.Model):
    """Orders of a customer with a serving channel or an account team (set by a playbook or a P&L decision)
    go through them."""

    _inherit = "sale.order"

    def _channel_candidates_sql(self, company, ids):
        """A confirmed order of a customer with a serving channel of the order's company goes through it, when
        it is dated from the moment the channel was set: a playbook applied today never moves past sales."""
        inherited = super()._channel_candidates_sql(company, ids)
        serving = SQL(
            """
            SELECT so.id AS res_id, cp.crm_channel_id AS channel_id, -1 AS seq
              FROM sale_order so
              JOIN res_partner rp ON rp.id = so.partner_id
              JOIN res_partner cp ON cp.id = rp.commercial_partner_id
              JOIN crm_channel c ON c.id = cp.crm_channel_id AND c.company_id = so.company_id
             WHERE so.company_id = %s AND so.state = 'sale' AND %s
               AND so.date_order >= COALESCE(cp.crm_channel_since, '-infinity')
            """, company.id, in_ids(SQL("so.id"), ids))
        if inherited is None:
            return serving
        return SQL("SELECT DISTINCT ON (res_id) * FROM ((%s) UNION ALL (%s)) c ORDER BY res_id, seq",
                   inherited, serving)

    def _default_team_id(self):
        if self.env.context.get("default_team_id"):
            return super()._default_team_id()
        return self.partner_id.commercial_partner_id.sudo().crm_team_id.id or super()._default_team_id()
