from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round, format_amount, format_date

from ...const import CHANNEL_TYPES, CRITERION_MEASURES, ESTIMATE_MEASURES
from ...tools.notify import done_at, refresh_notification
from ...tools.pg import local_settings
from ...tools.xlsx import Workbook, download_action, period_label
from .crm_channel_evaluation_sql import figures_statement

# the figures a potential channel (no sales in the period) has, from its estimates or worked out from them
POTENTIAL_MEASURES = {"customer_count", "revenue", "margin", "channel_cost", "profit", "roi", "channel_value",
                      "brand_fit"}
# the scorecard of a company without criteria of its own
DEFAULT_CRITERIA = {"profit": 3.0, "roi": 2.0, "channel_value": 2.0, "new_customer_count": 1.0, "hhi": 1.0}


def _months(date_from, date_to):
    return (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1


def _hhi_label(env, hhi):
    if hhi > 2500:
        return env._("highly concentrated")
    if hhi >= 1500:
        return env._("moderately concentrated")
    return env._("unconcentrated")


class CrmChannelEvaluation(models.Model):
    """The scorecard of one channel over one period: reach, economics, market power and channel value,
    a weighted score, a rank among the company's channels and the reasons in words.

    Aggregated in SQL and written in bulk by `_evaluate_period`; never edited by hand.
    """

    _name = "crm.channel.evaluation"
    _description = "Channel Evaluation"
    _order = "date_from desc, rank, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    channel_id = fields.Many2one("crm.channel", required=True, index=True, ondelete="cascade", check_company=True)
    channel_type = fields.Selection(related="channel_id.channel_type", store=True, string="Type")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    # reach
    customer_count = fields.Integer(string="Customers", help="Customers invoiced through the channel.")
    new_customer_count = fields.Integer(
        string="New Customers", help="Customers whose first confirmed order of all came through the channel in the "
        "period.")
    segment_count = fields.Integer(string="Segments Covered", help="Segments with a member among the customers.")
    order_count = fields.Integer(string="Orders", help="Sales orders behind the invoices of the period (an invoice "
                                                       "without order counts as one).")
    # economics
    revenue = fields.Monetary(help="Net invoiced revenue (invoices less credit notes) of the period.")
    margin = fields.Monetary(help="Revenue less the cost of the products sold (COGS, else their standard cost).")
    channel_cost = fields.Monetary(help="From the channel's cost model.")
    profit = fields.Monetary(help="Margin less channel cost.")
    roi = fields.Float(string="ROI (%)", aggregator="avg", help="Profit per unit of channel cost, in percent.")
    cost_per_acquisition = fields.Monetary(aggregator="avg", help="Channel cost per new customer.")
    acquired_value = fields.Monetary(
        string="Value of Customers Acquired",
        help="What the customers acquired in the period are worth: their margin to date (their lifetime value "
        "when the analytics addon provides it).")
    # market power
    revenue_share = fields.Float(string="Share of Revenue (%)", aggregator="avg",
                                 help="The channel's share of the company's revenue of the period.")
    dependent_customer_count = fields.Integer(
        string="Dependent Customers", help="Customers who bought more than half of their period revenue here.")
    customer_share = fields.Float(string="Share of Customers (%)", aggregator="avg",
                                  help="Dependent customers as a share of all the company's customers of the period.")
    hhi = fields.Float(string="Customer Concentration (HHI)", aggregator="avg",
                       help="Herfindahl-Hirschman index of the customers' shares of the channel revenue: 10,000 when "
                       "one customer makes all of it.")
    # value and verdict
    channel_value = fields.Monetary(
        help="Value delivered (margin of the existing customers plus the value of the customers acquired) less cost.")
    score = fields.Float(aggregator="avg", help="Weighted score out of 100 on the scorecard criteria.")
    rank = fields.Integer(aggregator="min", help="1 is the best channel of the company in the period.")
    justification = fields.Text(help="Why the channel ranks where it does, from its figures.")
    # estimates: a channel with no sales of its own in the period is scored on the figures estimated for it
    brand_fit = fields.Float(aggregator="avg", help="Estimated fit of the channel with the brand, 0 to 10 (never "
                                                    "measured).")
    estimated = fields.Boolean(
        help="A potential channel: no sales of its own in the period, so its reach and economics are the "
             "estimates listed in Estimated Figures.")
    estimate_note = fields.Text(string="Estimated Figures", help="The estimated figures used, with their source.")

    _channel_period_uniq = models.Constraint(
        "UNIQUE(channel_id, date_from, date_to)", "A channel is evaluated once per period.")

    @api.depends("channel_id", "date_from", "date_to")
    def _compute_name(self):
        for evaluation in self:
            evaluation.name = f"{evaluation.channel_id.name or ''} {evaluation.date_from} - {evaluation.date_to}"

    # --- evaluation ------------------------------------------------------------------
    @api.model
    def _default_period(self):
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=11), today

    @api.model
    def _evaluate_period(self, date_from=None, date_to=None, companies=None):
        """(Re)write the evaluations of every active channel of these companies for the period."""
        if not (date_from and date_to):
            date_from, date_to = self._default_period()
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        if date_to < date_from:
            raise UserError(self.env._("The evaluation period ends before it starts."))
        companies = companies or self.env.companies
        self.env.flush_all()
        vals_list = []
        # analytic statements over every line of the period: compiling them (JIT) costs more than it saves;
        # the period's lines and their groupings (per customer, customer-month, order) held in memory, where
        # the default work_mem spills each of them to disk; the lines read by parallel workers, which the planner
        # never chooses at the default cost of a row handed to the leader (0.1: half a million lines)
        with local_settings(self.env.cr, work_mem="64MB", jit="off", parallel_tuple_cost="0.01"):
            for company in companies:
                channels = self.env["crm.channel"]._active_channels(company)
                if not channels:
                    continue
                figures = self._channel_figures(company, channels, date_from, date_to)
                acquired = self._acquired_customer_value(company, date_from, date_to)
                rows = []
                for channel in channels:
                    row = figures.get(channel.id, {})
                    row.update(channel_id=channel.id, company_id=company.id, date_from=date_from, date_to=date_to,
                               acquired_value=acquired.get(channel.id, 0.0))
                    row.update(self._channel_economics(channel, row, _months(date_from, date_to)))
                    row.pop("customer_months", None)
                    self._apply_estimates(channel, row, _months(date_from, date_to))
                    rows.append(row)
                self._score_and_rank(company, rows)
                vals_list += rows
        self.sudo().search([("company_id", "in", companies.ids), ("date_from", "=", date_from),
                            ("date_to", "=", date_to)]).unlink()
        return self.sudo().create(vals_list)

    @api.model
    def _channel_figures(self, company, channels, date_from, date_to):
        """Reach, revenue, margin and market power of every channel in one statement."""
        Fact = self.env["crm.sales.fact"]
        rows = self.env.execute_query_dict(figures_statement(
            company.id, channels.ids, date_from, date_to,
            facts=Fact._lines_sql(company.ids, date_from, date_to),
            first_orders=self.env["res.partner"]._crm_first_order_channel_sql(company),
            members=self.env["crm.segment.member"]._current_sql(),
            orders=Fact._order_count_sql(SQL("SELECT * FROM lines"), ["channel_id"]),
        ))
        result = {}
        for row in rows:
            company_revenue, company_customers = row.pop("company_revenue"), row.pop("company_customers")
            row["revenue_share"] = 100.0 * row["revenue"] / company_revenue if company_revenue else 0.0
            row["customer_share"] = (100.0 * row["dependent_customer_count"] / company_customers
                                     if company_customers else 0.0)
            result[row.pop("channel_id")] = row
        return result

    @api.model
    def _acquired_customer_value(self, company, date_from, date_to):
        """{channel id: value} of the customers each channel acquired in the period: their margin to date
        (the sales fact of these customers only, not of the whole company)."""
        acquired = SQL(
            """
            SELECT f.partner_id, f.channel_id FROM (%(first)s) f
             WHERE f.channel_id IS NOT NULL AND f.date_order::date BETWEEN %(date_from)s AND %(date_to)s
            """,
            first=self.env["res.partner"]._crm_first_order_channel_sql(company), date_from=date_from,
            date_to=date_to)
        partners = sorted({partner for partner, _channel in self.env.execute_query(acquired)})
        if not partners:
            return {}
        # their ids written out (IN (1, 2, ...)): PostgreSQL then filters the invoices first, where a subquery
        # would be joined after every line was read; and their lines read through the index on move_id, which
        # the planner chooses only when a page read at random costs about a sequential one (1.1: an SSD or a
        # database in memory; at the default 4, a disk seek, it reads the whole ledger: 0.42 s rather than
        # 0.08 s for the 555 customers of 100k acquired in the bench's year)
        lines = self.env["crm.sales.fact"]._lines_sql(
            company.ids, date_to=date_to, partners=SQL(", ").join(SQL("%s", partner) for partner in partners))
        with local_settings(self.env.cr, random_page_cost="1.1"):
            rows = self.env.execute_query(SQL(
                """
                SELECT a.channel_id, SUM(s.margin)::float8
                  FROM (%(acquired)s) a
                  JOIN (%(lines)s) s ON s.partner_id = a.partner_id
              GROUP BY a.channel_id
                """,
                acquired=acquired, lines=lines,
            ))
        return dict(rows)

    @api.model
    def _channel_economics(self, channel, row, months):
        """Channel cost from the cost model, and the figures that follow from it."""
        rate = channel.cost_rate
        cost = {
            "fixed": rate * months,
            "revenue_pct": rate * row.get("revenue", 0.0) / 100.0,
            "per_order": rate * row.get("order_count", 0),
            "per_contact": rate * row.get("customer_months", 0),
        }[channel.cost_model]
        cost = float_round(cost, precision_rounding=channel.currency_id.rounding)
        margin, news = row.get("margin", 0.0), row.get("new_customer_count", 0)
        profit = margin - cost
        return {
            "channel_cost": cost,
            "profit": profit,
            "roi": round(100.0 * profit / cost, 2) if cost else 0.0,
            "cost_per_acquisition": cost / news if news else 0.0,
            "channel_value": row.pop("margin_existing", 0.0) + row.get("acquired_value", 0.0) - cost,
        }

    @api.model
    def _apply_estimates(self, channel, row, months):
        """Fill the row from the channel's estimates: every estimated figure when the channel sold nothing in
        the period (a potential channel), and the brand fit always (it is never measured); the figures that
        follow (profit, ROI, channel value, cost per acquisition) are worked out from them the same way."""
        estimates = {e.measure: e for e in channel.sudo().estimate_ids}
        row["brand_fit"] = estimates["brand_fit"].value if "brand_fit" in estimates else None
        measured = row.get("customer_count") or row.get("revenue")
        used = [e for measure, e in estimates.items() if measure == "brand_fit" or not measured]
        if not used:
            return
        if not measured:
            row["_potential"] = True
            for estimate in used:
                scaled = ESTIMATE_MEASURES[estimate.measure][1]
                if estimate.measure != "brand_fit":
                    row[estimate.measure] = estimate.value * months / 12.0 if scaled else estimate.value
            cost, margin = row.get("channel_cost", 0.0), row.get("margin", 0.0)
            row.update(profit=margin - cost, roi=round(100.0 * (margin - cost) / cost, 2) if cost else 0.0,
                       channel_value=margin - cost)
        labels = dict(self.env["crm.channel.estimate"]._fields["measure"]._description_selection(self.env))
        row["estimated"] = not measured  # brand fit alone is an estimate by nature, not a potential channel
        row["estimate_note"] = "\n".join(
            self.env._("%(figure)s: %(value)s (source: %(origin)s)", figure=labels[e.measure],
                       value=f"{e.value:,.2f}", origin=e.source) for e in used)

    @api.model
    def _criteria(self, company):
        """[(measure, label, weight, higher is better)] of the company, or the default scorecard."""
        criteria = self.env["crm.channel.criterion"].sudo().search([("company_id", "=", company.id)])
        if criteria:
            return [(c.measure, c.name, c.weight, c.higher_is_better) for c in criteria]
        return [(m, CRITERION_MEASURES[m][0], w, CRITERION_MEASURES[m][1]) for m, w in DEFAULT_CRITERIA.items()]

    @api.model
    def _criterion_value(self, row, measure):
        """A channel without new customers has no cost per acquisition: it scores nothing on it."""
        if measure == "cost_per_acquisition" and not row.get("new_customer_count"):
            return None
        if measure == "brand_fit" and row.get("brand_fit") is None:
            return None  # not estimated: nothing to score
        if row.get("_potential") and measure not in POTENTIAL_MEASURES:
            return None  # concentration, shares, acquisitions: no customers yet, no figure rather than the best
        return row.get(measure, 0.0)

    @api.model
    def _score_and_rank(self, company, rows):
        """Min-max normalise each criterion over the company's channels, weight, rank and explain."""
        criteria = self._criteria(company)
        total_weight = sum(weight for _m, _l, weight, _h in criteria)
        for row in rows:
            row["_points"] = {}
        for measure, label, weight, higher in criteria:
            values = [v for v in (self._criterion_value(row, measure) for row in rows) if v is not None]
            low, high = (min(values), max(values)) if values else (0.0, 0.0)
            for row in rows:
                value = self._criterion_value(row, measure)
                if value is None:
                    points = 0.0
                elif high == low:
                    points = 1.0
                else:
                    points = (value - low) / (high - low)
                    points = points if higher else 1.0 - points
                row["_points"][label] = (points, weight)
        for row in rows:
            row["score"] = round(100.0 * sum(p * w for p, w in row["_points"].values()) / total_weight, 2) \
                if total_weight else 0.0
        channels = {c.id: c for c in self.env["crm.channel"].browse([r["channel_id"] for r in rows])}
        ordered = sorted(rows, key=lambda r: (-r["score"], -r["profit"], channels[r["channel_id"]].sequence,
                                              r["channel_id"]))
        for rank, row in enumerate(ordered, start=1):
            row["rank"] = rank
        for row in rows:
            row["justification"] = self._justification(company, row, len(rows))
            del row["_points"]
            row.pop("_potential", None)
            row["brand_fit"] = row.get("brand_fit") or 0.0

    @api.model
    def _justification(self, company, row, count):
        """The reasons, in words, from the figures of the row."""
        env, currency = self.env, company.currency_id

        def money(amount):
            return format_amount(env, amount, currency)

        weighted = [(label, points) for label, (points, weight) in row["_points"].items() if weight]
        strongest = [label for label, points in weighted if points >= 0.75]
        weakest = [label for label, points in weighted if points <= 0.25]
        parts = [
            env._("Ranked %(rank)s of %(count)s with a score of %(score)s/100.",
                  rank=row["rank"], count=count, score=f"{row['score']:.1f}"),
            env._("Revenue %(revenue)s (%(share)s%% of the company's) at a margin of %(margin)s; channel cost "
                  "%(cost)s leaves a profit of %(profit)s (ROI %(roi)s%%).",
                  revenue=money(row["revenue"]), share=f"{row['revenue_share']:.1f}", margin=money(row["margin"]),
                  cost=money(row["channel_cost"]), profit=money(row["profit"]), roi=f"{row['roi']:.1f}"),
            env._("Reaches %(customers)s customers in %(segments)s segments; %(new)s new customers, worth "
                  "%(value)s to date.", customers=row["customer_count"], segments=row["segment_count"],
                  new=row["new_customer_count"], value=money(row["acquired_value"])),
        ]
        if row["new_customer_count"]:
            parts.append(env._("Cost per acquisition %s.", money(row["cost_per_acquisition"])))
        parts.append(env._(
            "%(dependent)s customers (%(share)s%% of the company's) depend on it; HHI %(hhi)s: %(label)s.",
            dependent=row["dependent_customer_count"], share=f"{row['customer_share']:.1f}",
            hhi=f"{row['hhi']:.0f}", label=_hhi_label(env, row["hhi"])))
        parts.append(env._("Channel value %s.", money(row["channel_value"])))
        if row.get("estimate_note"):
            parts.append(env._("Estimated, not measured: %s.", row["estimate_note"].replace("\n", "; ")))
        if strongest:
            parts.append(env._("Strongest on: %s.", ", ".join(strongest)))
        if weakest:
            parts.append(env._("Weakest on: %s.", ", ".join(weakest)))
        return " ".join(parts)

    # --- actions ---------------------------------------------------------------------------
    def action_evaluate(self):
        """List header button (called with the selected ids, which it ignores): evaluate the last twelve
        months of the current companies."""
        self.browse().check_access("create")
        evaluations = self._evaluate_period()
        date_from, date_to = self._default_period()
        if evaluations:
            title = self.env._("Channels evaluated")
            what = self.env._("%(count)s channels scored", count=len(evaluations))
        else:
            title = self.env._("No channel to evaluate")
            what = self.env._("No active channel: create the sales channels first")
        return refresh_notification(title, self.env._(
            "%(what)s for %(date_from)s to %(date_to)s, at %(when)s.", what=what,
            date_from=format_date(self.env, date_from),
            date_to=format_date(self.env, date_to), when=done_at(self.env)),
            kind="success" if evaluations else "warning")

    @api.model
    def _cron_evaluate(self):
        self._evaluate_period(companies=self.env["res.company"].search([("active", "=", True)]))

    def action_export_xlsx(self):
        """The scorecard (selected rows or all) as a formatted, formula-safe workbook."""
        self.check_access("read")
        records = self or self.search([("company_id", "in", self.env.companies.ids)])
        columns = [
            ("From", "date"), ("To", "date"), ("Rank", "int"), ("Channel", "text"), ("Type", "text"),
            ("Score", "float"), ("Customers", "int"), ("New customers", "int"), ("Segments", "int"),
            ("Orders", "int"), ("Revenue", "money"), ("Margin", "money"), ("Channel cost", "money"),
            ("Profit", "money"), ("ROI %", "percent"), ("Cost per acquisition", "money"),
            ("Value of customers acquired", "money"), ("Revenue share %", "percent"), ("Customer share %", "percent"),
            ("HHI", "float"), ("Channel value", "money"), ("Brand fit", "float"), ("Estimated figures", "text"),
            ("Justification", "text"), ("Company", "text"),
        ]
        types = dict(CHANNEL_TYPES)
        rows = (
            (r.date_from, r.date_to, r.rank, r.channel_id.name, types.get(r.channel_type, ""), r.score,
             r.customer_count, r.new_customer_count, r.segment_count, r.order_count, r.revenue, r.margin,
             r.channel_cost, r.profit, r.roi, r.cost_per_acquisition, r.acquired_value, r.revenue_share,
             r.customer_share, r.hhi, r.channel_value, r.brand_fit, r.estimate_note or "", r.justification or "",
             r.company_id.name)
            for r in records
        )
        title = self.env._("Channel scorecard")
        periods = sorted({(r.date_from, r.date_to) for r in records})
        with Workbook(self.env, records.company_id or self.env.company) as book:
            book.table(title, columns, rows)
            book.about(title, "; ".join(period_label(*period) for period in periods))
        return download_action(self.env, self._name, "channel_scorecard.xlsx", book.content)
