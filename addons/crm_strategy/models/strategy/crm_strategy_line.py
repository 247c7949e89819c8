from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ...const import STRATEGY_ACTIONS

KPIS = ("revenue", "margin", "customers", "retention_rate", "new_customers")


class CrmStrategyLine(models.Model):
    """The customer strategy for one segment: the action and the KPI targets, checked against actuals."""

    _name = "crm.strategy.line"
    _description = "Customer Strategy Line"
    _order = "strategy_id, sequence, id"

    strategy_id = fields.Many2one("crm.strategy", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="strategy_id.company_id", store=True)
    currency_id = fields.Many2one(related="strategy_id.currency_id")
    segment_id = fields.Many2one("crm.segment", required=True, check_company=True)
    action = fields.Selection(
        STRATEGY_ACTIONS, required=True, compute="_compute_action", store=True, readonly=False, precompute=True,
        help="For 'Let go', targets are ceilings: staying at or under them is on target.",
    )
    target_revenue = fields.Monetary()
    target_margin = fields.Monetary()
    target_customers = fields.Integer(help="Members of the segment who bought in the period.")
    target_retention_rate = fields.Float(string="Target Retention (%)")
    target_new_customers = fields.Integer()
    actual_revenue = fields.Monetary(compute="_compute_actuals")
    actual_margin = fields.Monetary(compute="_compute_actuals")
    actual_customers = fields.Integer(compute="_compute_actuals")
    actual_retention_rate = fields.Float(string="Actual Retention (%)", compute="_compute_actuals",
                                         help="Share of the members who bought in the previous period of the "
                                         "same length and bought again in this one.")
    actual_new_customers = fields.Integer(compute="_compute_actuals",
                                          help="Members whose first invoice falls in the period.")
    status = fields.Selection(
        [("green", "On target"), ("amber", "Close"), ("red", "Off target")], compute="_compute_actuals"
    )

    _strategy_segment_uniq = models.Constraint(
        "UNIQUE(strategy_id, segment_id)", "A segment appears once in a strategy."
    )

    @api.depends("segment_id")
    def _compute_action(self):
        for line in self:
            line.action = line.segment_id.strategy_action or line.action or "grow"

    @api.constrains(*(f"target_{k}" for k in KPIS))
    def _check_targets(self):
        for line in self:
            if any(line[f"target_{k}"] < 0 for k in KPIS):
                raise ValidationError(self.env._("Targets cannot be negative (segment %s).",
                                                 line.segment_id.display_name))
            if line.target_retention_rate > 100:
                raise ValidationError(self.env._("A retention rate cannot exceed 100."))

    @api.depends("segment_id", "strategy_id.date_from", "strategy_id.date_to", "strategy_id.amber_threshold",
                 *(f"target_{k}" for k in KPIS))
    def _compute_actuals(self):
        actuals = self._fetch_actuals()
        for line in self:
            values = actuals.get(line._origin.id, {})
            for kpi in KPIS:
                line[f"actual_{kpi}"] = values.get(kpi, 0)
            line.status = line._kpi_status()

    def _fetch_actuals(self):
        """All KPIs of all lines in one query over the members' posted invoices."""
        lines = self._origin.filtered(
            lambda line: line.segment_id and line.strategy_id.date_from and line.strategy_id.date_to)
        if not lines:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            WITH line AS (
                SELECT l.id, l.segment_id, s.company_id, s.date_from, s.date_to,
                       s.date_from - (s.date_to - s.date_from + 1) AS prev_from
                  FROM crm_strategy_line l JOIN crm_strategy s ON s.id = l.strategy_id
                 WHERE l.id IN %(ids)s
            ), inv AS (
                SELECT line.id AS line_id, m.partner_id, f.invoice_date, f.revenue, f.margin
                  FROM line
                  JOIN (%(members)s) m ON m.segment_id = line.segment_id
                  JOIN (%(lines)s) f ON f.partner_id = m.partner_id AND f.company_id = line.company_id
                 WHERE f.invoice_date <= line.date_to
            ), per_partner AS (
                SELECT inv.line_id, inv.partner_id,
                       SUM(revenue) FILTER (WHERE invoice_date >= line.date_from) AS revenue,
                       SUM(margin) FILTER (WHERE invoice_date >= line.date_from) AS margin,
                       BOOL_OR(invoice_date >= line.date_from) AS bought_now,
                       BOOL_OR(invoice_date >= line.prev_from AND invoice_date < line.date_from) AS bought_before,
                       MIN(invoice_date) >= line.date_from AS is_new
                  FROM inv JOIN line ON line.id = inv.line_id
              GROUP BY inv.line_id, inv.partner_id, line.date_from, line.prev_from
            )
            SELECT line_id,
                   COALESCE(SUM(revenue), 0), COALESCE(SUM(margin), 0),
                   COUNT(*) FILTER (WHERE bought_now),
                   COUNT(*) FILTER (WHERE bought_before),
                   COUNT(*) FILTER (WHERE bought_before AND bought_now),
                   COUNT(*) FILTER (WHERE is_new)
              FROM per_partner
          GROUP BY line_id
            """,
            ids=tuple(lines.ids), members=self.env["crm.segment.member"]._current_sql(),
            lines=self.env["crm.sales.fact"]._lines_sql(lines.strategy_id.company_id.ids),
        ))
        result = {}
        for line_id, revenue, margin, customers, before, retained, new in rows:
            result[line_id] = {
                "revenue": float(revenue),
                "margin": float(margin),
                "customers": customers,
                "retention_rate": round(100.0 * retained / before, 2) if before else 0.0,
                "new_customers": new,
            }
        return result

    def _kpi_status(self):
        """Green when every KPI with a target is met, amber when each reaches the amber share, else red."""
        self.ensure_one()
        ratios = []
        for kpi in KPIS:
            target, actual = self[f"target_{kpi}"], self[f"actual_{kpi}"]
            if not target:
                continue
            if self.action == "divest":  # a ceiling: at or under the target is on target
                ratios.append(1.0 if actual <= target else target / actual)
            else:
                ratios.append(actual / target)
        if not ratios:
            return False
        worst = min(ratios)
        if worst >= 1.0:
            return "green"
        return "amber" if worst * 100 >= self.strategy_id.amber_threshold else "red"
