from odoo import models
from odoo.tools import SQL

from ..const import HISTORY_WEEKS


class CrmSupplierForecast(models.Model):
    """The demand forecast's ``history`` step, with the distributors' sell-out: a distributor that reported
    in the history weeks counts by what it sold on, not by the deliveries it received."""

    _inherit = "crm.supplier.forecast"

    def _forecast_sql_history(self):
        """CTE ``history`` (product_id, run_rate), on ``products``: weekly demand over the HISTORY_WEEKS before
        the forecast: deliveries to customers, except that a distributor who reported its sell-out in those
        weeks counts by what it sold on (``crm.distributor.sellout``), not by what it bought."""
        start, _end, history_start = self._forecast_period()
        return SQL(
            """
    WITH sellout AS (%(sellout)s)
    SELECT product_id, SUM(qty) / %(history_weeks)s::float AS run_rate
      FROM (
        SELECT sm.product_id, sm.product_qty AS qty
          FROM stock_move sm
          JOIN products p ON p.product_id = sm.product_id
          JOIN stock_location dest ON dest.id = sm.location_dest_id
          LEFT JOIN stock_picking sp ON sp.id = sm.picking_id
          LEFT JOIN res_partner rp ON rp.id = COALESCE(sp.partner_id, sm.partner_id)
         WHERE sm.state = 'done' AND dest.usage = 'customer' AND sm.company_id = %(company)s
           AND sm.date >= %(history_start)s::timestamp AND sm.date < %(start)s::timestamp
           AND NOT EXISTS (SELECT 1 FROM sellout s WHERE s.partner_id = rp.commercial_partner_id)
        UNION ALL
        SELECT s.product_id, s.qty_sold FROM sellout s JOIN products p ON p.product_id = s.product_id
      ) demand
  GROUP BY 1
            """, history_weeks=HISTORY_WEEKS, company=self.company_id.id, history_start=history_start,
            start=start, sellout=self.env["crm.distributor.sellout"]._crm_sellout_sql(
                self.company_id.id, history_start, start))
