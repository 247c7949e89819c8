from odoo import fields, models
from odoo.tools import SQL

from ...const import WATERFALL


class CrmCustomerProfitability(models.Model):
    """Customer profitability over the last twelve months: rank, whale curve and deciles.

    A SQL view over the customer P&L, so it is always in step with the last refresh.
    """

    _name = "crm.customer.profitability"
    _inherit = "crm.report.view"
    _description = "Customer Profitability"
    _auto = False
    _order = "company_id, profit_rank"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_id = fields.Many2one("crm.segment", string="Primary Segment", readonly=True)
    gross_revenue = fields.Monetary(readonly=True)
    pricelist_reduction = fields.Monetary(readonly=True)
    line_discount = fields.Monetary(readonly=True)
    allowance_amount = fields.Monetary(string="Allowances and Credits", readonly=True)
    net_revenue = fields.Monetary(readonly=True)
    product_cost = fields.Monetary(readonly=True)
    channel_cost = fields.Monetary(readonly=True)
    cost_to_serve = fields.Monetary(string="Cost-to-Serve", readonly=True)
    admin_cost = fields.Monetary(string="Administrative Costs", readonly=True)
    profit = fields.Monetary(string="Customer Profit", readonly=True)
    profit_pct = fields.Float(string="Profit (%)", readonly=True, aggregator="avg")
    discount_pct = fields.Float(string="Discounts (%)", readonly=True, aggregator="avg",
                                help="Pricelist reductions and line discounts as a share of gross revenue.")
    cost_to_serve_pct = fields.Float(string="Cost-to-Serve (%)", readonly=True, aggregator="avg",
                                     help="Cost-to-serve as a share of net revenue.")
    profit_rank = fields.Integer(string="Rank", readonly=True, aggregator=None)
    cumulative_profit = fields.Monetary(readonly=True, aggregator="max",
                                        help="Profit of this customer and all better ranked ones: the whale curve.")
    cumulative_profit_pct = fields.Float(string="Cumulative Profit (% of total)", readonly=True, aggregator="max")
    decile = fields.Integer(readonly=True, aggregator=None, help="1 = the most profitable tenth of customers.")
    is_unprofitable = fields.Boolean(string="Unprofitable", readonly=True)
    suggested_action = fields.Char(compute="_compute_suggested_action")
    suggested_rule_id = fields.Many2one("crm.pnl.action.rule", compute="_compute_suggested_action")
    waterfall_html = fields.Html(compute="_compute_waterfall_html", sanitize=False, string="P&L Waterfall")

    def _view_sql(self):
        return SQL(
            """
                WITH totals AS (
                    SELECT p.partner_id, p.company_id,
                           SUM(p.gross_revenue) AS gross_revenue, SUM(p.pricelist_reduction) AS pricelist_reduction,
                           SUM(p.line_discount) AS line_discount, SUM(p.allowance_amount) AS allowance_amount,
                           SUM(p.net_revenue) AS net_revenue, SUM(p.product_cost) AS product_cost,
                           SUM(p.channel_cost) AS channel_cost, SUM(p.cost_to_serve) AS cost_to_serve,
                           SUM(p.admin_cost) AS admin_cost, SUM(p.profit) AS profit
                      FROM crm_customer_pnl p
                     WHERE p.month >= date_trunc('month', NOW()) - INTERVAL '11 months'
                  GROUP BY p.partner_id, p.company_id
                )
                SELECT ROW_NUMBER() OVER (ORDER BY t.company_id, t.profit DESC, t.partner_id) AS id,
                       t.*,
                       m.segment_id,
                       CASE WHEN t.net_revenue <> 0 THEN ROUND(100 * t.profit / ABS(t.net_revenue), 2)
                            ELSE 0 END AS profit_pct,
                       CASE WHEN t.gross_revenue <> 0
                            THEN ROUND(100 * (t.pricelist_reduction + t.line_discount) / t.gross_revenue, 2)
                            ELSE 0 END AS discount_pct,
                       CASE WHEN t.net_revenue <> 0 THEN ROUND(100 * t.cost_to_serve / ABS(t.net_revenue), 2)
                            ELSE 0 END AS cost_to_serve_pct,
                       RANK() OVER w AS profit_rank,
                       SUM(t.profit) OVER (w ROWS UNBOUNDED PRECEDING) AS cumulative_profit,
                       CASE WHEN SUM(t.profit) OVER (PARTITION BY t.company_id) <> 0
                            THEN ROUND(100 * SUM(t.profit) OVER (w ROWS UNBOUNDED PRECEDING)
                                 / ABS(SUM(t.profit) OVER (PARTITION BY t.company_id)), 2)
                            ELSE 0 END AS cumulative_profit_pct,
                       NTILE(10) OVER w AS decile,
                       t.profit < 0 AS is_unprofitable
                  FROM totals t
             LEFT JOIN (%(members)s) m ON m.partner_id = t.partner_id AND m.company_id = t.company_id
                                       AND m.is_primary
                WINDOW w AS (PARTITION BY t.company_id ORDER BY t.profit DESC, t.partner_id)
            """,
            members=self.env["crm.segment.member"]._current_sql(),
        )

    def _compute_suggested_action(self):
        """The first action rule (by sequence) each customer matches."""
        suggestions = {}
        Rule = self.env["crm.pnl.action.rule"]
        for rule in Rule.search([("active", "=", True)]):
            todo = self.filtered(lambda r: r.id not in suggestions)
            if not todo:
                break
            for record in self.search([("id", "in", todo.ids), *rule._get_rule_domain()]):
                suggestions[record.id] = rule
        for record in self:
            record.suggested_rule_id = suggestions.get(record.id, Rule)
            record.suggested_action = record.suggested_rule_id.name or False

    def _compute_waterfall_html(self):
        Pnl = self.env["crm.customer.pnl"]
        for record in self:
            totals = {field: record[field] for field, _label, _sign in WATERFALL}
            record.waterfall_html = Pnl._waterfall_html(totals, record.currency_id)

    def action_view_pnl(self):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.partner_id.display_name,
            "res_model": "crm.customer.pnl",
            "view_mode": "list,pivot,graph",
            "domain": [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)],
        }
