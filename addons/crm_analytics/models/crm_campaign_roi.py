from odoo import fields, models
from odoo.tools import SQL


class CrmCampaignRoi(models.Model):
    """Return on each UTM campaign per company: revenue and margin of the invoiced sales tagged with it (the
    sales fact every figure of the suite reads), against its recorded spend. A view, so it is always current."""

    _name = "crm.campaign.roi"
    _inherit = "crm.report.view"
    _description = "Campaign ROI"
    _auto = False
    _order = "roi desc, id"
    _rec_name = "campaign_id"

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    cost = fields.Monetary(readonly=True)
    profit = fields.Monetary(readonly=True, help="Margin minus cost.")
    roi = fields.Float(string="ROI (%)", readonly=True, aggregator=False, digits=(16, 1),
                       help="(Margin - cost) / cost; empty without recorded cost.")

    def _view_sql(self):
        return SQL(
            """
            WITH lines AS (
                -- the campaign's invoiced sales (crm.sales.fact)
                SELECT * FROM (%(lines)s) f WHERE f.campaign_id IS NOT NULL
            ), order_count AS (%(order_count)s),
            orders AS (
                SELECT f.campaign_id, f.company_id, COUNT(DISTINCT f.partner_id) AS customer_count,
                       SUM(f.revenue) AS revenue, SUM(f.margin) AS margin
                  FROM lines f
              GROUP BY f.campaign_id, f.company_id
            ), spend AS (
                SELECT campaign_id, company_id, SUM(amount) AS cost FROM crm_marketing_spend
              GROUP BY campaign_id, company_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY COALESCE(o.campaign_id, s.campaign_id),
                                      COALESCE(o.company_id, s.company_id)) AS id,
                   COALESCE(o.campaign_id, s.campaign_id) AS campaign_id,
                   COALESCE(o.company_id, s.company_id) AS company_id,
                   COALESCE(oc.order_count, 0) AS order_count, COALESCE(o.customer_count, 0) AS customer_count,
                   COALESCE(o.revenue, 0) AS revenue, COALESCE(o.margin, 0) AS margin,
                   COALESCE(s.cost, 0) AS cost, COALESCE(o.margin, 0) - COALESCE(s.cost, 0) AS profit,
                   CASE WHEN s.cost > 0 THEN 100 * (COALESCE(o.margin, 0) - s.cost) / s.cost END AS roi
              FROM orders o
         FULL JOIN spend s ON s.campaign_id = o.campaign_id AND s.company_id = o.company_id
         LEFT JOIN order_count oc ON oc.campaign_id = o.campaign_id AND oc.company_id = o.company_id
            """,
            lines=self.env["crm.sales.fact"]._lines_sql(),
            order_count=self.env["crm.sales.fact"]._order_count_sql(
                SQL("SELECT * FROM lines"), ["campaign_id", "company_id"]),
        )
