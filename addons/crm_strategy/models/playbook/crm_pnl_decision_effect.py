from odoo import fields, models
from odoo.tools import SQL

from ...const import DECISION_EFFECT_MONTHS, PNL_ACTION_TYPES


class CrmPnlDecisionEffect(models.Model):
    """The effect of each P&L decision: the customer's profit (from the customer P&L, the one definition)
    over the complete months after the decision's month against the same number of months before it.
    A SQL view: always in step with the last P&L refresh."""

    _name = "crm.pnl.decision.effect"
    _inherit = "crm.report.view"
    _description = "Customer P&L Decision Effect"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    decision_id = fields.Many2one("crm.pnl.decision", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    action_type = fields.Selection(PNL_ACTION_TYPES, readonly=True)
    date = fields.Date(string="Decided On", readonly=True)
    before_from = fields.Date(string="Before: From", readonly=True)
    before_to = fields.Date(string="Before: To", readonly=True)
    after_from = fields.Date(string="After: From", readonly=True)
    after_to = fields.Date(string="After: To", readonly=True, help="The last complete month observed.")
    months_observed = fields.Integer(
        readonly=True, aggregator="min",
        help=f"Complete months after the decision's month so far (at most {DECISION_EFFECT_MONTHS}); the months "
             "before are as many.")
    profit_before = fields.Monetary(readonly=True, help="Customer profit over the months before the decision.")
    profit_after = fields.Monetary(readonly=True, help="Customer profit over the months after the decision.")
    profit_change = fields.Monetary(readonly=True, help="Profit after minus profit before.")
    monthly_change = fields.Monetary(string="Change per Month", readonly=True, aggregator="avg")

    def _view_sql(self):
        return SQL(
            """
                WITH d AS (
                    SELECT d.id, d.partner_id, d.company_id, d.action_type, d.date,
                           date_trunc('month', d.date)::date AS month,
                           LEAST(%(months)s, GREATEST(0,
                               (EXTRACT(YEAR FROM age(date_trunc('month', NOW()), date_trunc('month', d.date))) * 12
                                + EXTRACT(MONTH FROM age(date_trunc('month', NOW()), date_trunc('month', d.date))))
                               ::int - 1)) AS observed
                      FROM crm_pnl_decision d
                ), w AS (
                    SELECT d.*, (d.month - make_interval(months => d.observed))::date AS before_from,
                           (d.month + INTERVAL '1 month')::date AS after_from,
                           (d.month + make_interval(months => d.observed + 1))::date AS after_end
                      FROM d
                )
                SELECT w.id, w.id AS decision_id, w.partner_id, w.company_id, w.action_type, w.date,
                       w.before_from, (w.month - INTERVAL '1 day')::date AS before_to,
                       w.after_from, (w.after_end - INTERVAL '1 day')::date AS after_to,
                       w.observed AS months_observed,
                       COALESCE(SUM(p.profit) FILTER (WHERE p.month < w.month), 0) AS profit_before,
                       COALESCE(SUM(p.profit) FILTER (WHERE p.month >= w.after_from), 0) AS profit_after,
                       COALESCE(SUM(p.profit) FILTER (WHERE p.month >= w.after_from), 0)
                           - COALESCE(SUM(p.profit) FILTER (WHERE p.month < w.month), 0) AS profit_change,
                       CASE WHEN w.observed > 0
                            THEN (COALESCE(SUM(p.profit) FILTER (WHERE p.month >= w.after_from), 0)
                                  - COALESCE(SUM(p.profit) FILTER (WHERE p.month < w.month), 0)) / w.observed
                            ELSE 0 END AS monthly_change
                  FROM w
             LEFT JOIN crm_customer_pnl p
                    ON p.partner_id = w.partner_id AND p.company_id = w.company_id
                   AND p.month >= w.before_from AND p.month < w.after_end AND p.month <> w.month
              GROUP BY w.id, w.partner_id, w.company_id, w.action_type, w.date, w.month, w.observed,
                       w.before_from, w.after_from, w.after_end
            """, months=DECISION_EFFECT_MONTHS)
