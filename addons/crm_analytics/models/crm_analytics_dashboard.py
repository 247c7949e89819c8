from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..lib import rfm_segments

AT_RISK = ("at_risk", "cannot_lose", "about_to_sleep")
CLV_BINS = 10
WHALE_POINTS = 50


class CrmAnalyticsDashboard(models.AbstractModel):
    """The manager dashboard's figures: one read-only call that aggregates the stored analytics in PostgreSQL.

    Every figure comes with the domain of the records behind it, so each chart opens them."""

    _name = "crm.analytics.dashboard"
    _description = "CRM Analytics Dashboard"

    @api.model
    def _segment_id(self, segment_id):
        """The segment filter as an id: anything else is the caller's mistake, said so."""
        try:
            return int(segment_id)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("%s is not a segment.", segment_id)) from exc

    @api.model
    def _metrics_domain(self, segment_id=None, channel=None, date_from=None, date_to=None):
        domain = Domain("company_id", "in", self.env.companies.ids)
        if segment_id:
            domain &= Domain("segment_id", "=", self._segment_id(segment_id))
        if channel:
            domain &= Domain("acquisition_channel", "=", str(channel))
        for value, operator in ((date_from, ">="), (date_to, "<=")):
            if value:
                try:
                    day = fields.Date.to_date(value)
                except ValueError as exc:
                    raise UserError(self.env._("%s is not a date.", value)) from exc
                domain &= Domain("acquisition_date", operator, day)
        return domain

    @api.model
    @api.readonly
    def get_dashboard_data(self, segment_id=None, channel=None, date_from=None, date_to=None):
        """KPIs and chart series for the filters (company from the switcher, segment, acquisition channel,
        acquisition period), each with the domain that opens its records."""
        Metrics = self.env["crm.customer.metrics"]
        Metrics.check_access("read")
        domain = self._metrics_domain(segment_id, channel, date_from, date_to)
        fits = self._fits()
        return {
            "currency": self._currency_info(),
            "kpis": self._flag_kpis(self._kpis(domain), fits),
            "fits": fits,
            "warnings": self._chart_warnings(fits),
            "clv_distribution": self._clv_distribution(domain),
            "rfm_grid": self._rfm_grid(domain),
            "rfm_bins": self._rfm_bins(),
            "cohorts": self._cohorts(),
            "whale_curve": self._whale_curve(segment_id),
            "channels": self._channels(domain),
            "forecast": self._forecast(),
            "filters": self._filter_options(),
            "refresh": Metrics._refresh_status(),
            "can_refresh": self.env.user.has_group("crm_strategy.group_crm_strategy_manager"),
            "domain": list(domain),
        }

    @api.model
    def _currency_info(self):
        currency = self.env.company.currency_id
        return {"symbol": currency.symbol, "position": currency.position, "digits": currency.decimal_places}

    @api.model
    def _kpis(self, domain):
        Metrics = self.env["crm.customer.metrics"]
        [(count, clv, revenue, margin, cost)] = Metrics._read_group(
            domain, [], ["__count", "clv:sum", "revenue_total:sum", "margin_total:sum", "acquisition_cost:sum"])
        active = Domain("p_alive", ">=", 0.5)
        at_risk = Domain("rfm_segment", "in", AT_RISK)
        year_ago = fields.Date.context_today(self) - timedelta(days=365)
        old = Domain("acquisition_date", "<=", year_ago)
        retained = old & Domain("last_purchase_date", ">", year_ago)
        old_count = Metrics.search_count(domain & old)
        acquired = Metrics.search_count(domain & Domain("acquisition_cost", ">", 0))
        return {
            "customers": {"value": count, "domain": list(domain)},
            "active": {"value": Metrics.search_count(domain & active), "domain": list(domain & active)},
            "at_risk": {"value": Metrics.search_count(domain & at_risk), "domain": list(domain & at_risk)},
            "clv_total": {"value": clv or 0.0, "domain": list(domain)},
            "clv_average": {"value": (clv or 0.0) / count if count else 0.0, "domain": list(domain)},
            "revenue": {"value": revenue or 0.0, "domain": list(domain)},
            "margin": {"value": margin or 0.0, "domain": list(domain)},
            "acquisition_cost": {"value": (cost or 0.0) / acquired if acquired else 0.0,
                                 "domain": list(domain & Domain("acquisition_cost", ">", 0))},
            "retention": {"value": 100.0 * Metrics.search_count(domain & retained) / old_count if old_count else 0.0,
                          "domain": list(domain & retained)},
        }

    @api.model
    def _fits(self):
        """The latest CLV fit of each selected company: back-test grades, CLV basis and why, what the
        identification checks found; the dashboard shows them and warns on every figure that depends on them."""
        Fit = self.env["crm.clv.model"]
        grades = dict(Fit._fields["backtest_grade"].selection)
        fits = []
        for company in self.env.companies:
            fit = Fit.search([("company_id", "=", company.id)], order="fit_date desc, id desc", limit=1)
            if not fit:
                continue
            fits.append({
                "id": fit.id, "company": company.name, "fit_date": fields.Datetime.to_string(fit.fit_date),
                "grade": fit.backtest_grade or False, "grade_label": grades.get(fit.backtest_grade, "-"),
                "mae": fit.holdout_mae, "naive_mae": fit.holdout_naive_mae, "holdout_days": fit.holdout_days,
                "forecast_grade": fit.forecast_grade or False, "forecast_wape": fit.forecast_wape,
                "forecast_naive_wape": fit.forecast_naive_wape, "basis": fit.clv_basis or "model",
                "reason": fit.clv_basis_reason, "identified": fit.bgnbd_identified and fit.gg_identified,
                "notes": fit.fit_notes, "n_customers": fit.n_customers, "n_repeat": fit.n_repeat,
                "min_repeat": fit.clv_min_repeat, "horizon_months": fit.horizon_months or 12,
            })
        return fits

    @api.model
    def _flag_kpis(self, kpis, fits):
        """Mark the KPIs that come from the fit: their period, whether the CLV is historical, and a warning when
        the fit is graded C (worse than a naive forecast)."""
        months = max((fit["horizon_months"] for fit in fits), default=12)
        bases = {fit["basis"] for fit in fits}
        basis = (bases.pop() if len(bases) == 1 else "mixed") if bases else False
        graded_c = [fit["company"] for fit in fits if fit["grade"] == "C"]
        warning = bool(graded_c) and self.env._("From a fit graded C (worse than a naive forecast)")
        if graded_c and len(fits) > 1:
            warning = f"{warning}: {', '.join(graded_c)}"
        for key in ("active", "clv_total", "clv_average"):
            kpis[key]["fit"] = True
            kpis[key]["warning"] = warning
        for key in ("clv_total", "clv_average"):
            kpis[key]["period"] = self.env._("next %s months", months)
            kpis[key]["basis"] = basis
        for key in ("revenue", "margin"):
            kpis[key]["period"] = self.env._("all time")
        return kpis

    @api.model
    def _chart_warnings(self, fits):
        """Warnings on the charts that depend on a fit graded C or on a historical CLV."""
        clv_warning = False
        if any(fit["grade"] == "C" for fit in fits):
            clv_warning = self.env._(
                "The CLV model's back-test is graded C (worse than a naive forecast): the CLV shown is historical.")
        elif any(fit["basis"] == "historical" for fit in fits):
            clv_warning = self.env._("Historical CLV, not a model output: see the fit above.")
        forecast = [fit["company"] for fit in fits if fit["forecast_grade"] == "C"]
        forecast_warning = forecast and self.env._(
            "The run-rate forecast's back-test is graded C (worse than a naive forecast)")
        if forecast and len(fits) > 1:
            forecast_warning = f"{forecast_warning}: {', '.join(forecast)}"
        return {"clv": clv_warning, "forecast": forecast_warning or False}

    @api.model
    def _clv_distribution(self, domain):
        """CLV in equal-width bins from zero to the 99th percentile (the long tail in the last bin)."""
        query = self.env["crm.customer.metrics"]._search(domain)
        self.env.cr.execute(SQL(
            """
            WITH rows AS (SELECT GREATEST(m.clv, 0) AS clv FROM crm_customer_metrics m WHERE m.id IN (%(ids)s)),
                 top AS (SELECT COALESCE(percentile_cont(0.99) WITHIN GROUP (ORDER BY clv), 0) AS top FROM rows)
            SELECT LEAST(width_bucket(clv, 0, GREATEST(top.top, 1e-9), %(bins)s), %(bins)s) AS bin, COUNT(*), top.top
              FROM rows, top
          GROUP BY 1, top.top ORDER BY 1
            """, ids=query.subselect(), bins=CLV_BINS))
        rows = self.env.cr.fetchall()
        top = rows[0][2] if rows else 0.0
        width = (top or 1.0) / CLV_BINS
        counts = {b: c for b, c, _t in rows}
        bins = []
        for index in range(1, CLV_BINS + 1):
            low, high = (index - 1) * width, index * width
            bin_domain = Domain("clv", ">=", low) if index > 1 else Domain.TRUE
            if index < CLV_BINS:
                bin_domain &= Domain("clv", "<", high)
            bins.append({"low": low, "high": high, "count": counts.get(index, 0), "domain": list(domain & bin_domain)})
        return bins

    @api.model
    def _rfm_bins(self):
        """Side of the RFM grid: the bins of the company's last fit (scores on the grid come from it)."""
        model = self.env["crm.clv.model"].search(
            [("company_id", "=", self.env.company.id)], order="fit_date desc, id desc", limit=1)
        return rfm_segments.bins_of(model.rfm_breakpoints)

    @api.model
    def _rfm_grid(self, domain):
        groups = self.env["crm.customer.metrics"]._read_group(
            domain & Domain("rfm_recency", ">", 0), ["rfm_recency", "rfm_frequency"], ["__count", "clv:sum"])
        return [{"r": r, "f": f, "count": count, "clv": clv or 0.0,
                 "domain": list(domain & Domain("rfm_recency", "=", r) & Domain("rfm_frequency", "=", f))}
                for r, f, count, clv in groups]

    @api.model
    def _cohorts(self):
        rows = self.env["crm.cohort.retention"].search_read(
            [("company_id", "in", self.env.companies.ids), ("kind", "=", "cohort")],
            ["cohort_month", "age", "retention", "cohort_size"], order="cohort_month, age")
        return [{"cohort": str(row["cohort_month"]), "age": row["age"], "retention": row["retention"],
                 "size": row["cohort_size"],
                 "domain": [("company_id", "in", self.env.companies.ids),
                            ("cohort_month", "=", str(row["cohort_month"]))]}
                for row in rows]

    @api.model
    def _whale_curve(self, segment_id=None):
        """Cumulative profit (% of total) against the share of customers ranked by profit, sampled."""
        Profitability = self.env["crm.customer.profitability"]
        if not Profitability.has_access("read"):
            return []
        domain = Domain("company_id", "in", self.env.companies.ids)
        if segment_id:
            domain &= Domain("segment_id", "=", self._segment_id(segment_id))
        query = Profitability._search(domain)
        self.env.cr.execute(SQL(
            """
            WITH ranked AS (
                SELECT ROW_NUMBER() OVER w AS n, COUNT(*) OVER () AS customers,
                       SUM(p.profit) OVER (w ROWS UNBOUNDED PRECEDING) AS cumulative, SUM(p.profit) OVER () AS total
                  FROM crm_customer_profitability p
                 WHERE p.id IN (%(ids)s)
                WINDOW w AS (ORDER BY p.profit DESC, p.id)
            )
            SELECT 100.0 * n / customers, 100.0 * cumulative / total FROM ranked
             WHERE total <> 0 AND (n %% GREATEST(customers / %(points)s, 1) = 0 OR n = customers)
          ORDER BY n
            """, ids=query.subselect(), points=WHALE_POINTS))
        rows = self.env.cr.fetchall()
        if not rows:
            return []
        return [{"customers_pct": 0.0, "profit_pct": 0.0}] + [
            {"customers_pct": float(c), "profit_pct": float(p)} for c, p in rows]

    @api.model
    def _channels(self, domain):
        groups = self.env["crm.customer.metrics"]._read_group(
            domain, ["acquisition_channel"], ["__count", "clv:sum", "revenue_total:sum", "acquisition_cost:sum"])
        return [{"channel": channel or self.env._("Unknown"), "customers": count, "clv": clv or 0.0,
                 "revenue": revenue or 0.0, "acquisition_cost": cost or 0.0,
                 "clv_per_customer": (clv or 0.0) / count if count else 0.0,
                 "domain": list(domain & Domain("acquisition_channel", "=", channel or False))}
                for channel, count, clv, revenue, cost in sorted(groups, key=lambda g: -(g[2] or 0.0))]

    @api.model
    def _forecast(self):
        rows = self.env["crm.revenue.forecast"].search_read(
            [("company_id", "in", self.env.companies.ids)],
            ["month", "is_forecast", "actual_revenue", "run_rate_revenue", "total_forecast"], order="month")
        return [{"month": str(row["month"]), "future": row["is_forecast"], "actual": row["actual_revenue"],
                 "run_rate": row["run_rate_revenue"], "forecast": row["total_forecast"]} for row in rows]

    @api.model
    def _filter_options(self):
        segments = self.env["crm.segment"].search_read(
            [("company_id", "in", self.env.companies.ids)], ["name"], order="priority desc, name")
        channels = [channel for [channel] in self.env["crm.customer.metrics"]._read_group(
            [("company_id", "in", self.env.companies.ids), ("acquisition_channel", "!=", False)],
            ["acquisition_channel"]) if channel]
        return {"segments": [(s["id"], s["name"]) for s in segments], "channels": sorted(channels)}
