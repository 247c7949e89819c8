from odoo import api, fields, models
from odoo.tools import SQL

ABC = [("A", "A"), ("B", "B"), ("C", "C")]


class CrmSegmentProductAbc(models.Model):
    """Product-centric analysis, the first stage of the continuum: which products make a
    segment's revenue and margin (ABC by cumulative share, thresholds in the settings)."""

    _name = "crm.segment.product.abc"
    _description = "Segment Product ABC Analysis"
    _order = "segment_id, revenue desc"
    _rec_name = "product_id"
    _log_access = False  # computed table written by SQL

    segment_id = fields.Many2one("crm.segment", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade")
    revenue = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    revenue_share = fields.Float(string="Revenue Share (%)", readonly=True, aggregator="sum")
    margin_share = fields.Float(string="Margin Share (%)", readonly=True, aggregator="sum")
    revenue_class = fields.Selection(ABC, string="ABC by Revenue", readonly=True)
    margin_class = fields.Selection(ABC, string="ABC by Margin", readonly=True)

    @api.model
    def _abc_thresholds(self):
        params = self.env["ir.config_parameter"].sudo()
        return (float(params.get_param("crm_strategy.abc_threshold_a", 80)),
                float(params.get_param("crm_strategy.abc_threshold_b", 95)))

    @api.model
    def _refresh_for_segments(self, segments):
        """Rebuild the ABC rows of these segments from the members' invoice lines. The members' sales are
        summed in a statement of their own, which PostgreSQL may run in parallel workers (a statement that
        also deletes and inserts never does: a second and more at 10^5 customers); then one statement ranks
        them and replaces the rows."""
        if not segments:
            return
        threshold_a, threshold_b = self._abc_thresholds()
        stage = SQL.identifier("crm_abc_sales")
        self.env.cr.execute(SQL(
            """
            CREATE TEMP TABLE %(stage)s ON COMMIT DROP AS
            SELECT m.segment_id, m.company_id, f.product_id, SUM(f.revenue) AS revenue, SUM(f.margin) AS margin
              FROM (%(members)s) m
              JOIN (%(lines)s) f ON f.partner_id = m.partner_id AND f.company_id = m.company_id
             WHERE m.segment_id IN %(segments)s AND f.product_id IS NOT NULL
          GROUP BY m.segment_id, m.company_id, f.product_id
            """,
            stage=stage, segments=tuple(segments.ids),
            members=self.env["crm.segment.member"]._current_sql(),
            lines=self.env["crm.sales.fact"]._lines_sql(segments.company_id.ids),
        ))
        self.env.cr.execute(SQL(
            """
            WITH shares AS (
                SELECT *,
                       GREATEST(revenue, 0) / NULLIF(SUM(GREATEST(revenue, 0)) OVER w_all, 0) AS rev_share,
                       GREATEST(margin, 0) / NULLIF(SUM(GREATEST(margin, 0)) OVER w_all, 0) AS mar_share
                  FROM %(stage)s
                WINDOW w_all AS (PARTITION BY segment_id)
            ), ranked AS (
                SELECT *,
                       COALESCE(SUM(rev_share) OVER (PARTITION BY segment_id ORDER BY revenue DESC, product_id
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                           AS rev_before,
                       COALESCE(SUM(mar_share) OVER (PARTITION BY segment_id ORDER BY margin DESC, product_id
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                           AS mar_before
                  FROM shares
            ), purged AS (
                DELETE FROM crm_segment_product_abc WHERE segment_id IN %(segments)s
            )
            INSERT INTO crm_segment_product_abc (segment_id, company_id, product_id, revenue, margin,
                                                 revenue_share, margin_share, revenue_class, margin_class)
            SELECT segment_id, company_id, product_id, revenue, margin,
                   ROUND((100 * COALESCE(rev_share, 0))::numeric, 2), ROUND((100 * COALESCE(mar_share, 0))::numeric, 2),
                   CASE WHEN revenue <= 0 THEN 'C' WHEN 100 * rev_before < %(a)s THEN 'A'
                        WHEN 100 * rev_before < %(b)s THEN 'B' ELSE 'C' END,
                   CASE WHEN margin <= 0 THEN 'C' WHEN 100 * mar_before < %(a)s THEN 'A'
                        WHEN 100 * mar_before < %(b)s THEN 'B' ELSE 'C' END
              FROM ranked
            """,
            stage=stage, segments=tuple(segments.ids), a=threshold_a, b=threshold_b,
        ))
        self.env.cr.execute(SQL("DROP TABLE %s", stage))
        self.invalidate_model()
