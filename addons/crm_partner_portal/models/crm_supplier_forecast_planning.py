from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FORECAST_WEEKS, HISTORY_WEEKS, STOCK_OFFER_FRESH_DAYS

# Weight of a quotation that is not linked to an opportunity (no probability of its own).
DEFAULT_QUOTATION_PROBABILITY = 50.0


class CrmSupplierForecastPlanning(models.AbstractModel):
    """The SQL of the demand forecast, one CTE a method, from Odoo's own planning data: the vendor's share of
    each product (vendor pricelists), reordering rules and their routes, vendor lead times, stock moves
    planned, plus the sales, pipeline and delivery history of the suite. Mixed into crm.supplier.forecast."""

    _name = "crm.supplier.forecast.planning"
    _description = "Supplier forecast planning queries"

    def _forecast_sql(self):
        """INSERT of every product x week of the forecast: the CTE builders below, chained. ``history`` is
        the demand of the past (deliveries to customers), kept a step of its own."""
        ctes = [("products", self._forecast_sql_products()), ("weeks", self._forecast_sql_weeks()),
                ("sales", self._forecast_sql_sales()), ("history", self._forecast_sql_history()),
                ("outgoing", self._forecast_sql_outgoing()), ("orderpoints", self._forecast_sql_orderpoints()),
                ("on_hand", self._forecast_sql_on_hand()), ("incoming", self._forecast_sql_incoming()),
                ("grid", self._forecast_sql_grid()), ("netted", self._forecast_sql_netted()),
                ("shared", self._forecast_sql_shared()), ("offers", self._forecast_sql_offers()),
                ("covered", self._forecast_sql_covered())]
        return SQL(
            """
WITH %(ctes)s
INSERT INTO crm_supplier_forecast_line (
    forecast_id, partner_id, company_id, product_id, week, week_start, qty_sales, qty_pipeline, qty_run_rate,
    qty_outgoing, qty_demand, qty_safety, qty_on_hand, qty_incoming, qty_net, share, lead_days, qty_share,
    qty_from_stock, create_uid, write_uid, create_date, write_date)
SELECT %(forecast)s, %(vendor)s, %(company)s, product_id, week, %(start)s::date + week * 7,
       ROUND(qty_sales::numeric, 4), ROUND(qty_pipeline::numeric, 4), ROUND(qty_run_rate::numeric, 4),
       ROUND(qty_outgoing::numeric, 4), ROUND(qty_demand::numeric, 4), ROUND(qty_safety::numeric, 4),
       ROUND(qty_on_hand::numeric, 4), ROUND(qty_incoming::numeric, 4), ROUND(GREATEST(qty_net, 0)::numeric, 4),
       ROUND(100 * share::numeric, 2), lead_days, qty_asked,
       LEAST(qty_asked, GREATEST(0, qty_offered
             - (SUM(qty_asked) OVER (PARTITION BY product_id ORDER BY week) - qty_asked))),
       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
  FROM covered
            """,
            ctes=SQL(",\n").join(SQL("%s AS (%s)", SQL.identifier(name), body) for name, body in ctes),
            forecast=self.id, vendor=self.partner_id.id, company=self.company_id.id, start=self.date_start,
            uid=self.env.uid,
        )

    def _forecast_period(self):
        """(first day, first day after the horizon, first day of the run-rate history) of the forecast."""
        self.ensure_one()
        start = self.date_start
        return start, start + timedelta(weeks=FORECAST_WEEKS), start - timedelta(weeks=HISTORY_WEEKS)

    @api.model
    def _forecast_sql_shares(self, company, today):
        """Query (product_id, uom_id, vendor_id, share, lead_days) of every product bought from vendors in the
        company: the share (0 to 1) of the product's requirement each vendor is asked for, and its lead time.

        A vendor is the commercial partner of valid pricelist lines (several lines of one vendor count once:
        its lowest sequence, largest share, shortest delay). Shares set on the pricelist split the
        requirement in proportion; without any, the first vendor by sequence gets it all. A product whose
        reordering rule replenishes it by a route that does not buy (manufacture, resupply) is left out.
        Lead time: the vendor's delay plus the company's days to purchase."""
        return SQL(
            """
    SELECT product_id, uom_id, vendor_id,
           CASE WHEN total_share > 0 THEN share / total_share WHEN rank = 1 THEN 1.0 ELSE 0.0 END AS share,
           (delay + %(days_to_purchase)s)::int AS lead_days
      FROM (SELECT info.*, SUM(share) OVER (PARTITION BY product_id) AS total_share,
                   ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY sequence, first_id) AS rank
              FROM (SELECT pp.id AS product_id, pt.uom_id, vendor.commercial_partner_id AS vendor_id,
                           MIN(si.sequence) AS sequence, MIN(si.id) AS first_id, MIN(si.delay) AS delay,
                           MAX(COALESCE(si.crm_forecast_share, 0)) AS share
                      FROM product_supplierinfo si
                      JOIN product_template pt ON pt.id = si.product_tmpl_id
                      JOIN product_product pp
                        ON pp.product_tmpl_id = pt.id AND (si.product_id IS NULL OR si.product_id = pp.id)
                      JOIN res_partner vendor ON vendor.id = si.partner_id
                     WHERE (si.company_id IS NULL OR si.company_id = %(company)s)
                       AND (si.date_end IS NULL OR si.date_end >= %(today)s)
                       AND pp.active AND pt.active
                       AND NOT EXISTS (
                           SELECT 1 FROM stock_warehouse_orderpoint op
                            WHERE op.product_id = pp.id AND op.active AND op.company_id = %(company)s
                              AND op.route_id IS NOT NULL
                              AND NOT EXISTS (SELECT 1 FROM stock_rule r WHERE r.route_id = op.route_id
                                                 AND r.action = 'buy' AND r.active))
                  GROUP BY 1, 2, 3) info) ranked
            """, company=company.id, today=today, days_to_purchase=company.days_to_purchase or 0.0)

    def _forecast_sql_products(self):
        """CTE ``products`` (product_id, uom_id, share, lead_days, reach_week): the products the vendor has a
        share of, and the first week a new order to the vendor can arrive (its lead time from today)."""
        today = fields.Date.context_today(self)
        return SQL(
            """
    SELECT product_id, uom_id, share, lead_days,
           LEAST(%(weeks)s - 1, GREATEST(0, FLOOR((%(offset)s + lead_days) / 7.0)::int)) AS reach_week
      FROM (%(shares)s) shares
     WHERE vendor_id = %(vendor)s AND share > 0
            """, shares=self._forecast_sql_shares(self.company_id, today), vendor=self.partner_id.id,
            weeks=FORECAST_WEEKS, offset=(today - self.date_start).days)

    def _forecast_sql_weeks(self):
        """CTE ``weeks`` (week): the bucket indexes 0 .. FORECAST_WEEKS - 1."""
        return SQL("SELECT generate_series(0, %s - 1) AS week", FORECAST_WEEKS)

    def _forecast_sql_sales(self):
        """CTE ``sales`` (product_id, week, qty_sales, qty_pipeline), on ``products``: confirmed sales not
        delivered yet and quotations weighted by their opportunity's probability, in the product's unit, by
        week of expected delivery (past dates fall in the first bucket, dates beyond the horizon are dropped)."""
        start, end, _history_start = self._forecast_period()
        return SQL(
            """
    SELECT sol.product_id,
           GREATEST(0, LEAST(%(weeks)s - 1, FLOOR(EXTRACT(EPOCH FROM (
               COALESCE(so.commitment_date, so.date_order + make_interval(days => sol.customer_lead::int))
               - %(start)s::timestamp)) / 604800)::int)) AS week,
           SUM(CASE WHEN so.state = 'sale'
                    THEN GREATEST(sol.product_uom_qty - sol.qty_delivered, 0) ELSE 0 END
               * line_uom.factor / prod_uom.factor) AS qty_sales,
           SUM(CASE WHEN so.state IN ('draft', 'sent')
                    THEN sol.product_uom_qty * COALESCE(lead.probability, %(default_probability)s) / 100.0
                    ELSE 0 END
               * line_uom.factor / prod_uom.factor) AS qty_pipeline
      FROM sale_order_line sol
      JOIN sale_order so ON so.id = sol.order_id
      JOIN products p ON p.product_id = sol.product_id
      JOIN uom_uom line_uom ON line_uom.id = sol.product_uom_id
      JOIN uom_uom prod_uom ON prod_uom.id = p.uom_id
      LEFT JOIN crm_lead lead ON lead.id = so.opportunity_id AND lead.active
     WHERE so.company_id = %(company)s AND so.state IN ('draft', 'sent', 'sale') AND sol.display_type IS NULL
       AND COALESCE(so.commitment_date, so.date_order) < %(end)s::timestamp
  GROUP BY 1, 2
            """, weeks=FORECAST_WEEKS, start=start, end=end, company=self.company_id.id,
            default_probability=DEFAULT_QUOTATION_PROBABILITY)

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

    def _forecast_sql_outgoing(self):
        """CTE ``outgoing`` (product_id, week, qty), on ``products``: stock moves planned out of the company's
        stock that no sale explains (manufacturing components, deliveries made by hand), by week of their
        date (late ones in the first bucket); sales are counted by ``sales`` already."""
        return self._forecast_sql_planned_moves(SQL(
            "src.usage = 'internal' AND dest.usage IN ('customer', 'production') AND sm.sale_line_id IS NULL"))

    def _forecast_sql_orderpoints(self):
        """CTE ``orderpoints`` (product_id, qty_min, qty_max, qty_multiple), on ``products``: the company's active
        reordering rules, as Odoo's replenishment reads them: the minimum stock they keep and the maximum they
        order up to (summed over warehouses; a maximum below the minimum is the minimum), and the multiple an
        order is rounded up to, in the product's unit: the rule's *Multiple* unit (a pack), the largest of the
        rules; 0 (no rounding) without one or when it is the product's own unit."""
        return SQL(
            """
    SELECT op.product_id, SUM(op.product_min_qty) AS qty_min,
           SUM(GREATEST(op.product_max_qty, op.product_min_qty)) AS qty_max,
           MAX(CASE WHEN pack.id IS NOT NULL AND pack.id != p.uom_id THEN pack.factor / unit.factor ELSE 0 END)
               AS qty_multiple
      FROM stock_warehouse_orderpoint op
      JOIN products p ON p.product_id = op.product_id
      JOIN uom_uom unit ON unit.id = p.uom_id
      LEFT JOIN uom_uom pack ON pack.id = op.replenishment_uom_id
     WHERE op.active AND op.company_id = %(company)s
  GROUP BY 1
            """, company=self.company_id.id)

    def _forecast_sql_on_hand(self):
        """CTE ``on_hand`` (product_id, qty), on ``products``: stock in the company's internal locations."""
        return SQL(
            """
    SELECT sq.product_id, SUM(sq.quantity) AS qty
      FROM stock_quant sq
      JOIN products p ON p.product_id = sq.product_id
      JOIN stock_location loc ON loc.id = sq.location_id
     WHERE loc.usage = 'internal' AND sq.company_id = %(company)s
  GROUP BY 1
            """, company=self.company_id.id)

    def _forecast_sql_incoming(self):
        """CTE ``incoming`` (product_id, week, qty), on ``products``: receipts from vendors not done yet, by
        week of their date (late ones in the first bucket)."""
        return self._forecast_sql_planned_moves(SQL("src.usage = 'supplier' AND dest.usage = 'internal'"))

    def _forecast_sql_planned_moves(self, condition):
        """(product_id, week, qty) of the company's moves of ``products`` not done yet that match ``condition``
        on their source ``src`` and destination ``dest`` locations, by week of their date (late ones in the
        first bucket, none beyond the horizon)."""
        start, end, _history_start = self._forecast_period()
        return SQL(
            """
    SELECT sm.product_id,
           GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (sm.date - %(start)s::timestamp)) / 604800)::int) AS week,
           SUM(sm.product_qty) AS qty
      FROM stock_move sm
      JOIN products p ON p.product_id = sm.product_id
      JOIN stock_location src ON src.id = sm.location_id
      JOIN stock_location dest ON dest.id = sm.location_dest_id
     WHERE sm.state NOT IN ('done', 'cancel', 'draft') AND %(condition)s
       AND sm.company_id = %(company)s AND sm.date < %(end)s::timestamp
  GROUP BY 1, 2
            """, start=start, end=end, company=self.company_id.id, condition=condition)

    def _forecast_sql_grid(self):
        """CTE ``grid``: every product x week with its sales, pipeline, run rate, other outgoing moves, demand
        (the larger of sales plus pipeline and the run rate, plus the other outgoing moves), incoming receipts,
        in week 0 the stock on hand and the reordering rules' minimum (safety stock), and in every week the
        rules' minimum, maximum and multiple (0 without a rule)."""
        return SQL(
            """
    SELECT p.product_id, w.week, p.share, p.lead_days, p.reach_week,
           COALESCE(s.qty_sales, 0) AS qty_sales,
           COALESCE(s.qty_pipeline, 0) AS qty_pipeline,
           COALESCE(h.run_rate, 0) AS qty_run_rate,
           COALESCE(o.qty, 0) AS qty_outgoing,
           GREATEST(COALESCE(s.qty_sales, 0) + COALESCE(s.qty_pipeline, 0), COALESCE(h.run_rate, 0))
               + COALESCE(o.qty, 0) AS qty_demand,
           COALESCE(i.qty, 0) AS qty_incoming,
           CASE WHEN w.week = 0 THEN COALESCE(oh.qty, 0) ELSE 0 END AS qty_on_hand,
           CASE WHEN w.week = 0 THEN COALESCE(op.qty_min, 0) ELSE 0 END AS qty_safety,
           COALESCE(op.qty_min, 0) AS qty_min, COALESCE(op.qty_max, 0) AS qty_max,
           COALESCE(op.qty_multiple, 0) AS qty_multiple
      FROM products p
     CROSS JOIN weeks w
      LEFT JOIN sales s ON s.product_id = p.product_id AND s.week = w.week
      LEFT JOIN history h ON h.product_id = p.product_id
      LEFT JOIN outgoing o ON o.product_id = p.product_id AND o.week = w.week
      LEFT JOIN incoming i ON i.product_id = p.product_id AND i.week = w.week
      LEFT JOIN on_hand oh ON oh.product_id = p.product_id
      LEFT JOIN orderpoints op ON op.product_id = p.product_id
            """)

    def _forecast_sql_netted(self):
        """CTE ``netted``: ``grid`` plus qty_net, what to order in the week, as Odoo's replenishment does with a
        reordering rule: when the projected stock (last week's, plus receipts and stock on hand, less demand)
        falls below the rule's minimum, order up to its maximum, rounded up to its multiple. Without a rule
        (all 0) that is the week's shortage: a surplus carries forward, a shortage is ordered once. Week by
        week (a recursive query: each week starts from the stock the orders before it left)."""
        ordered = SQL(
            """CASE WHEN b.before < g.qty_min
                    THEN CASE WHEN g.qty_multiple > 0
                              THEN CEIL(ROUND((g.qty_max - b.before)::numeric / g.qty_multiple::numeric, 4))
                                   * g.qty_multiple::numeric
                              ELSE g.qty_max - b.before END
                    ELSE 0 END""")
        return SQL(
            """
    WITH RECURSIVE plan AS (
        SELECT g.*, o.qty_net, b.before + o.qty_net AS stock
          FROM grid g
         CROSS JOIN LATERAL (SELECT %(start)s AS before) b
         CROSS JOIN LATERAL (SELECT (%(ordered)s)::numeric AS qty_net) o
         WHERE g.week = 0
     UNION ALL
        SELECT g.*, o.qty_net, b.before + o.qty_net AS stock
          FROM plan
          JOIN grid g ON g.product_id = plan.product_id AND g.week = plan.week + 1
         CROSS JOIN LATERAL (SELECT %(next)s AS before) b
         CROSS JOIN LATERAL (SELECT (%(ordered)s)::numeric AS qty_net) o
    )
    SELECT * FROM plan
            """, start=SQL("ROUND((g.qty_incoming + g.qty_on_hand - g.qty_demand)::numeric, 4)"),
            next=SQL("ROUND((plan.stock + g.qty_incoming + g.qty_on_hand - g.qty_demand)::numeric, 4)"),
            ordered=ordered)

    def _forecast_sql_shared(self):
        """CTE ``shared``: ``netted`` plus qty_share, what the vendor is asked for: its share of the net
        requirement, where a new order can still arrive (what is needed before its lead time is asked for in
        the first week it can reach). The INSERT rounds it up to a whole quantity: a vendor ships whole units."""
        return SQL(
            """
    SELECT netted.*,
           share * CASE WHEN week < reach_week THEN 0
                        WHEN week = reach_week THEN SUM(qty_net) OVER (PARTITION BY product_id ORDER BY week)
                        ELSE qty_net END AS qty_share
      FROM netted
            """)

    def _forecast_sql_offers(self):
        """CTE ``offers`` (product_id, qty), on ``products``: the stock the vendor announced as available, from its
        latest stock offer of the product approved in the last STOCK_OFFER_FRESH_DAYS days, in the product's
        unit (an offer is made in its pricelist line's unit)."""
        return SQL(
            """
    SELECT DISTINCT ON (p.product_id) p.product_id, o.qty_available * si_uom.factor / prod_uom.factor AS qty
      FROM crm_supplier_stock_offer o
      JOIN product_supplierinfo si ON si.id = o.supplierinfo_id
      JOIN product_product pp
        ON pp.product_tmpl_id = si.product_tmpl_id AND (si.product_id IS NULL OR si.product_id = pp.id)
      JOIN products p ON p.product_id = pp.id
      JOIN uom_uom si_uom ON si_uom.id = si.product_uom_id
      JOIN uom_uom prod_uom ON prod_uom.id = p.uom_id
     WHERE o.partner_id = %(vendor)s AND o.company_id = %(company)s AND o.state = 'approved'
       AND o.date_approved >= %(since)s
  ORDER BY p.product_id, o.date_approved DESC, o.id DESC
            """, vendor=self.partner_id.id, company=self.company_id.id,
            since=fields.Datetime.now() - timedelta(days=STOCK_OFFER_FRESH_DAYS))

    def _forecast_sql_covered(self):
        """CTE ``covered``: ``shared`` plus qty_asked (the vendor's share rounded up to a whole quantity: a vendor
        ships whole units) and qty_offered (its announced stock, 0 without a fresh approved offer). The INSERT
        spends the announced stock on the weeks in order: qty_from_stock is the part of a week's ask that stock
        covers, the rest the vendor has to make or buy within its lead time."""
        return SQL(
            """
    SELECT shared.*, CEIL(ROUND(GREATEST(shared.qty_share, 0)::numeric, 4)) AS qty_asked,
           ROUND(COALESCE(offers.qty, 0)::numeric, 4) AS qty_offered
      FROM shared
      LEFT JOIN offers ON offers.product_id = shared.product_id
            """)
