from odoo import fields, models
from odoo.tools import SQL


class CrmCampaignRoi(models.Model):
    """Return on each UTM campaign per company: revenue and margin of the confirmed orders tagged with it,
    against its recorded spend. A view, so it is always current; it reads orders, not the customer table."""

    _name = "crm.campaign.roi"
    _description = "Campaign ROI"
    _auto = False
    _order = "roi desc, id"
    _rec_name = "campaign_id"

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_count = fields.Integer(string="Orders", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    cost = fields.Monetary(readonly=True)
    profit = fields.Monetary(readonly=True, help="Margin minus cost.")
    roi = fields.Float(string="ROI (%)", readonly=True, aggregator=False, digits=(16, 1),
                       help="(Margin - cost) / cost; empty without recorded cost.")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH orders AS (
                SELECT so.campaign_id, so.company_id, COUNT(DISTINCT so.id) AS order_count,
                       COUNT(DISTINCT so.partner_id) AS customer_count,
                       SUM(sol.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue,
                       SUM(sol.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1) - sol.product_uom_qty
                           * COALESCE((pp.standard_price ->> so.company_id::text)::float8, 0)) AS margin
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id AND sol.display_type IS NULL
             LEFT JOIN product_product pp ON pp.id = sol.product_id
                 WHERE so.state = 'sale' AND so.campaign_id IS NOT NULL
              GROUP BY so.campaign_id, so.company_id
            ), spend AS (
                SELECT campaign_id, company_id, SUM(amount) AS cost FROM crm_marketing_spend
              GROUP BY campaign_id, company_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY COALESCE(o.campaign_id, s.campaign_id),
                                      COALESCE(o.company_id, s.company_id)) AS id,
                   COALESCE(o.campaign_id, s.campaign_id) AS campaign_id,
                   COALESCE(o.company_id, s.company_id) AS company_id,
                   COALESCE(o.order_count, 0) AS order_count, COALESCE(o.customer_count, 0) AS customer_count,
                   COALESCE(o.revenue, 0) AS revenue, COALESCE(o.margin, 0) AS margin,
                   COALESCE(s.cost, 0) AS cost, COALESCE(o.margin, 0) - COALESCE(s.cost, 0) AS profit,
                   CASE WHEN s.cost > 0 THEN 100 * (COALESCE(o.margin, 0) - s.cost) / s.cost END AS roi
              FROM orders o
         FULL JOIN spend s ON s.campaign_id = o.campaign_id AND s.company_id = o.company_id
            """
        )
