from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..const import CHANNEL_ROLES, ROLE_WEIGHTS
from ..tools.notify import done_at, refresh_notification
from ..tools.xlsx import Workbook, download_action, period_label
from .crm_channel_strategy_comparison_sql import (
    by_channel_statement,
    multi_channel_statement,
    price_gap_statement,
    seg_lines,
)


class CrmChannelStrategyComparison(models.TransientModel):
    """Old versus new channel strategy, at the channel economics of a period: per segment, what changes, the
    expected revenue and cost impact, where customers must change channel, and how intense channel conflict is."""

    _name = "crm.channel.strategy.comparison"
    _description = "Channel Strategy Comparison"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    old_strategy_id = fields.Many2one("crm.channel.strategy", required=True, check_company=True)
    new_strategy_id = fields.Many2one("crm.channel.strategy", required=True, check_company=True)
    date_from = fields.Date(string="Economics From", required=True,
                            default=lambda self: self.env["crm.channel.evaluation"]._default_period()[0])
    date_to = fields.Date(string="Economics To", required=True,
                          default=lambda self: self.env["crm.channel.evaluation"]._default_period()[1])
    line_ids = fields.One2many("crm.channel.strategy.comparison.line", "comparison_id", string="Segment Impact")
    revenue_impact = fields.Monetary(compute="_compute_totals")
    cost_impact = fields.Monetary(compute="_compute_totals")
    change_count = fields.Integer(string="Segments to Change", compute="_compute_totals")

    @api.depends("line_ids.revenue_impact", "line_ids.cost_impact", "line_ids.change_needed")
    def _compute_totals(self):
        for comparison in self:
            comparison.revenue_impact = sum(comparison.line_ids.mapped("revenue_impact"))
            comparison.cost_impact = sum(comparison.line_ids.mapped("cost_impact"))
            comparison.change_count = len(comparison.line_ids.filtered("change_needed"))

    @api.depends("old_strategy_id", "new_strategy_id", "date_from", "date_to")
    def _compute_display_name(self):
        for comparison in self:
            if comparison.old_strategy_id and comparison.new_strategy_id:
                comparison.display_name = self.env._(
                    "%(old)s → %(new)s (%(date_from)s to %(date_to)s)",
                    old=comparison.old_strategy_id.name, new=comparison.new_strategy_id.name,
                    date_from=format_date(self.env, comparison.date_from),
                    date_to=format_date(self.env, comparison.date_to))
            else:
                comparison.display_name = self.env._("New comparison")

    def action_compare(self):
        """Button of the comparison page: rewrite its lines, say what came out and show them."""
        self.check_access("write")
        self.ensure_one()
        self._compare()
        return refresh_notification(
            self.env._("Strategies compared"),
            self.env._("%(segments)s segments compared, %(changes)s to change, at %(when)s.",
                       segments=len(self.line_ids), changes=self.change_count, when=done_at(self.env)))

    def _compare(self):
        """Rewrite the comparison lines: one per segment of either scenario, ranked by conflict intensity."""
        self.ensure_one()
        self._check_comparable()
        self.env.flush_all()
        old_roles, new_roles = self._roles(self.old_strategy_id), self._roles(self.new_strategy_id)
        segments = self.env["crm.segment"].browse(sorted({s for s, _c in old_roles} | {s for s, _c in new_roles}))
        channels = self.env["crm.channel"].with_context(active_test=False).search(
            [("company_id", "=", self.company_id.id)])
        economics = self._channel_unit_economics(channels)
        stats = self._segment_stats(segments) if segments else {}
        vals_list = []
        for segment in segments:
            old = {c: r for (s, c), r in old_roles.items() if s == segment.id and r != "none"}
            new = {c: r for (s, c), r in new_roles.items() if s == segment.id and r != "none"}
            vals_list.append(self._segment_vals(segment, old, new, stats.get(segment.id, {}), economics, channels))
        ranked = sorted(vals_list, key=lambda v: (-v["conflict_intensity"], -v["overlap_revenue"], v["segment_id"]))
        for rank, vals in enumerate(ranked, start=1):
            vals["conflict_rank"] = rank
        self.line_ids.unlink()
        self.env["crm.channel.strategy.comparison.line"].create(vals_list)

    def _check_comparable(self):
        """The user's company, two scenarios they may read, a period that does not end before it starts."""
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You cannot compare the channel strategies of %s.", self.company_id.name))
        (self.old_strategy_id | self.new_strategy_id).check_access("read")
        if self.old_strategy_id == self.new_strategy_id:
            raise UserError(self.env._("Compare two different channel strategies."))
        if self.date_to < self.date_from:
            raise UserError(self.env._("The economics period ends before it starts."))

    def _roles(self, strategy):
        return {(line.segment_id.id, line.channel_id.id): line.role for line in strategy.line_ids}

    def _channel_unit_economics(self, channels):
        """{channel id: cost per unit of revenue, revenue per customer} at the scorecard's figures of the
        period."""
        Evaluation = self.env["crm.channel.evaluation"]
        figures = Evaluation._channel_figures(self.company_id, channels, self.date_from, self.date_to) \
            if channels else {}
        months = (self.date_to.year - self.date_from.year) * 12 + self.date_to.month - self.date_from.month + 1
        economics = {}
        for channel in channels:
            row = dict(figures.get(channel.id, {}))
            cost = Evaluation._channel_economics(channel, row, months)["channel_cost"]
            revenue, customers = row.get("revenue", 0.0), row.get("customer_count", 0)
            economics[channel.id] = {
                "cost_rate": cost / revenue if revenue else 0.0,
                "revenue_per_customer": revenue / customers if customers else 0.0,
            }
        return economics

    def _segment_vals(self, segment, old, new, stat, economics, channels):
        """The comparison line of one segment: the roles ({channel id: role}) of the old and the new
        scenario, the segment's sales (``stat``, see _segment_stats) and the channels' unit economics."""
        names = {c.id: c.name for c in channels}
        labels = dict(CHANNEL_ROLES)
        none = labels["none"]
        old_revenue, old_cost = self._expected(old, stat, economics)
        new_revenue, new_cost = self._expected(new, stat, economics)
        migrate = sum(rev for c, (_n, rev) in stat.get("by_channel", {}).items() if c and c not in new)
        changes = [
            f"{names.get(c, '?')}: {labels.get(old.get(c), none)} → {labels.get(new.get(c), none)}"
            for c in sorted(set(old) | set(new), key=lambda c: (channels.browse(c).sequence, c))
            if old.get(c) != new.get(c)
        ]
        customers = stat.get("customers", 0)
        revenue = stat.get("revenue", 0.0)
        multi_pct = 100.0 * stat.get("multi_customers", 0) / customers if customers else 0.0
        overlap_pct = 100.0 * stat.get("overlap", 0.0) / revenue if revenue else 0.0
        gap = stat.get("price_gap", 0.0)
        return {
            "comparison_id": self.id,
            "segment_id": segment.id,
            "old_channels": self._describe(old, names, labels),
            "new_channels": self._describe(new, names, labels),
            "change_summary": "; ".join(changes),
            "change_needed": bool(changes) or migrate > 0,
            "customer_count": customers,
            "current_revenue": revenue,
            "revenue_to_migrate": migrate,
            "old_expected_revenue": old_revenue,
            "new_expected_revenue": new_revenue,
            "revenue_impact": new_revenue - old_revenue,
            "old_expected_cost": old_cost,
            "new_expected_cost": new_cost,
            "cost_impact": new_cost - old_cost,
            "new_channel_count": len(new),
            "multi_channel_customers": stat.get("multi_customers", 0),
            "multi_channel_pct": round(multi_pct, 2),
            "overlap_revenue": stat.get("overlap", 0.0),
            "overlap_pct": round(overlap_pct, 2),
            "price_gap_pct": round(gap, 2),
            "price_gap_product_id": stat.get("price_gap_product"),
            "conflict_intensity": round((multi_pct + overlap_pct + gap) / 3.0, 2),
        }

    @staticmethod
    def _describe(roles, names, labels):
        return ", ".join(f"{names.get(c, '?')} ({labels[r]})" for c, r in sorted(roles.items(),
                                                                               key=lambda i: (i[1], names.get(i[0]))))

    @staticmethod
    def _expected(roles, stat, economics):
        """(revenue, channel cost) expected when the segment's buying customers split over the scenario's
        channels by role weight, each customer buying what the channel's customers of the segment buy
        (or its customers overall, when it does not serve the segment yet)."""
        total_weight = sum(ROLE_WEIGHTS[r] for r in roles.values())
        customers = stat.get("customers", 0)
        revenue = cost = 0.0
        if not total_weight or not customers:
            return revenue, cost
        by_channel = stat.get("by_channel", {})
        for channel_id, role in roles.items():
            seg_customers, seg_revenue = by_channel.get(channel_id, (0, 0.0))
            eco = economics.get(channel_id, {"revenue_per_customer": 0.0, "cost_rate": 0.0})
            per_customer = seg_revenue / seg_customers if seg_customers else eco["revenue_per_customer"]
            channel_revenue = customers * ROLE_WEIGHTS[role] / total_weight * per_customer
            revenue += channel_revenue
            cost += channel_revenue * eco["cost_rate"]
        return revenue, cost

    def _segment_stats(self, segments):
        """Per segment: buying members, revenue, revenue per channel, multi-channel customers and their
        revenue, and the widest price gap between channels on one product."""
        lines = seg_lines(self.env["crm.sales.fact"]._lines_sql(self.company_id.ids, self.date_from, self.date_to),
                          self.env["crm.segment.member"]._current_sql(), segments.ids)
        stats = {s.id: {"by_channel": {}} for s in segments}
        for segment_id, channel_id, customers, revenue in self.env.execute_query(by_channel_statement(lines)):
            stats[segment_id]["by_channel"][channel_id] = (customers, revenue)
        for segment_id, customers, revenue, multi, overlap in self.env.execute_query(multi_channel_statement(lines)):
            stats[segment_id].update(customers=customers, revenue=revenue, multi_customers=multi, overlap=overlap)
        for segment_id, product_id, gap in self.env.execute_query(price_gap_statement(lines)):
            stats[segment_id].update(price_gap=gap, price_gap_product=product_id)
        return stats

    def action_export_xlsx(self):
        """The comparison as a formatted, formula-safe workbook."""
        self.check_access("read")
        self.ensure_one()
        columns = [
            ("Conflict rank", "int"), ("Segment", "text"), ("Old channels", "text"), ("New channels", "text"),
            ("Change needed", "text"), ("Changes", "text"), ("Customers", "int"), ("Current revenue", "money"),
            ("Revenue to migrate", "money"), ("Revenue impact", "money"), ("Cost impact", "money"),
            ("Multi-channel customers", "int"), ("Multi-channel %", "percent"), ("Revenue overlap", "money"),
            ("Overlap %", "percent"), ("Price gap %", "percent"), ("Price gap product", "text"),
            ("Conflict intensity", "float"),
        ]
        rows = (
            (line.conflict_rank, line.segment_id.display_name, line.old_channels or "", line.new_channels or "",
             "yes" if line.change_needed else "no", line.change_summary or "", line.customer_count,
             line.current_revenue, line.revenue_to_migrate, line.revenue_impact, line.cost_impact,
             line.multi_channel_customers, line.multi_channel_pct, line.overlap_revenue, line.overlap_pct,
             line.price_gap_pct, line.price_gap_product_id.display_name or "", line.conflict_intensity)
            for line in self.line_ids.sorted("conflict_rank")
        )
        title = self.env._("Channel strategy comparison")
        with Workbook(self.env, self.company_id or self.env.company) as book:
            book.table(title, columns, rows)
            book.about(title, period_label(self.date_from, self.date_to), [
                self.env._("%(old)s compared with %(new)s", old=self.old_strategy_id.display_name,
                           new=self.new_strategy_id.display_name)])
        return download_action(self.env, self._name, "channel_strategy_comparison.xlsx", book.content)
