from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import USER_GROUP
from odoo.tools import SQL


class CrmChannelEvaluation(models.Model):
    """The channel scorecard, with what the channel's distributors sold on (sell-out, reported on the portal)
    against what they bought (sell-in, from ``crm.sales.fact``), over the evaluation's period."""

    _inherit = "crm.channel.evaluation"

    sellin_qty = fields.Float("Sell-in", groups=USER_GROUP,
                              help="Quantities invoiced to the channel's distributors (sales facts, credit notes "
                                   "deducted), from the first week each reported its sell-out in the period.")
    sellout_qty = fields.Float("Sell-out", groups=USER_GROUP,
                               help="Quantities the channel's distributors reported sold, weeks starting in the "
                                    "period.")
    sellthrough_rate = fields.Float("Sell-through (%)", groups=USER_GROUP, aggregator="avg",
                                    help="Sell-out as a share of sell-in: below 100 the distributors build stock.")

    @api.model
    def _evaluate_period(self, date_from=None, date_to=None, companies=None):
        evaluations = super()._evaluate_period(date_from, date_to, companies)
        self._crm_write_sell_through(evaluations)
        return evaluations

    @api.model
    def _crm_write_sell_through(self, evaluations):
        """Write sell-in, sell-out and sell-through on evaluations (one statement per company and period)."""
        for (company, date_from, date_to), group in evaluations.grouped(
                lambda e: (e.company_id, e.date_from, e.date_to)).items():
            figures = self._crm_sell_through(company, group.channel_id, date_from, date_to)
            for evaluation in group:
                sellin, sellout = figures.get(evaluation.channel_id.id, (0.0, 0.0))
                evaluation.sudo().write({
                    "sellin_qty": sellin, "sellout_qty": sellout,
                    "sellthrough_rate": 100.0 * sellout / sellin if sellin > 0 else 0.0})

    @api.model
    def _crm_sell_through(self, company, channels, date_from, date_to):
        """{channel id: (sell-in, sell-out)} of the channels' reporting distributors over [date_from, date_to],
        one statement: sell-in from the sales facts, sell-out from the distributors' reports."""
        self.env["res.partner"].flush_model(["crm_distributor_channel_id"])
        # the sales facts of the distributors only, their ids written out: PostgreSQL then reads their invoices'
        # lines alone, where a join on the distributors came after every line of the period was read
        distributors = self.env["res.partner"].sudo().with_context(active_test=False).search(
            [("crm_distributor_channel_id", "in", channels.ids)]).ids
        partners = SQL(", ").join(SQL("%s", partner) for partner in distributors) if distributors else SQL("NULL")
        rows = self.env.execute_query(SQL(
            """
    WITH reports AS (%(sellout)s),
    distributors AS (
        -- like with like: a distributor's sell-in counts from the first week it reported in the period
        SELECT rp.id AS partner_id, rp.crm_distributor_channel_id AS channel_id, MIN(r.week_start) AS first_week
          FROM res_partner rp
          JOIN reports r ON r.partner_id = rp.id AND r.channel_id = rp.crm_distributor_channel_id
         WHERE rp.crm_distributor_channel_id IN %(channels)s
      GROUP BY 1, 2
    ), sellin AS (
        SELECT d.channel_id, SUM(f.quantity) AS qty
          FROM (%(facts)s) f JOIN distributors d ON d.partner_id = f.partner_id
         WHERE f.product_id IS NOT NULL AND f.invoice_date >= d.first_week
      GROUP BY 1
    ), sellout AS (
        SELECT r.channel_id, SUM(r.qty_sold) AS qty
          FROM reports r JOIN distributors d ON d.partner_id = r.partner_id AND d.channel_id = r.channel_id
      GROUP BY 1
    )
    SELECT c.id, COALESCE(i.qty, 0)::float8, COALESCE(o.qty, 0)::float8
      FROM crm_channel c LEFT JOIN sellin i ON i.channel_id = c.id LEFT JOIN sellout o ON o.channel_id = c.id
     WHERE c.id IN %(channels)s
            """, channels=tuple(channels.ids) or (0,),
            facts=self.env["crm.sales.fact"]._lines_sql(company.ids, date_from, date_to, partners=partners),
            sellout=self.env["crm.distributor.sellout"]._crm_sellout_sql(
                company.id, date_from, date_to + timedelta(days=1))))
        return {channel_id: (sellin, sellout) for channel_id, sellin, sellout in rows}
