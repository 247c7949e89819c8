import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import MANAGER_GROUP, check_group
from odoo.addons.crm_strategy.tools.locks import try_lock
from odoo.addons.crm_strategy.tools.notify import done_at, refresh_notification
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import (
    EPOCH,
    LOCK_NAME,
    METRICS_FILLFACTOR,
    REQUEST_CRON,
    RETRY_MINUTES,
    SETTINGS,
    STAGING_COLUMNS,
)
from ..lib import clv_constants, rfm_segments

_logger = logging.getLogger(__name__)


class CrmCustomerMetrics(models.Model):
    """The customer data repository: one row per company and commercial partner.

    Written only by the set-based refresh (SQL aggregate -> numpy/pandas models -> COPY into a staging table ->
    one UPDATE + one INSERT), so reports and segments read stored figures. Money is in the company currency.
    """

    _name = "crm.customer.metrics"
    _inherit = ["crm.customer.metrics.read", "crm.customer.metrics.store"]
    _description = "Customer Metrics"
    _order = "clv desc, id"
    _rec_name = "partner_id"
    _log_access = False  # written by SQL; refresh_date says when

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment_id = fields.Many2one(
        "crm.segment", string="Primary Segment", readonly=True, index="btree_not_null", ondelete="set null",
        help="The customer's primary segment (CRM Strategy) at the last refresh.")
    # Model inputs
    first_purchase_date = fields.Date(readonly=True)
    last_purchase_date = fields.Date(readonly=True)
    purchase_count = fields.Integer(string="Purchases", readonly=True, help="Days with at least one sale.")
    revenue_total = fields.Monetary(string="Revenue", readonly=True)
    margin_total = fields.Monetary(string="Margin", readonly=True)
    margin_rate = fields.Float(
        string="Contribution Rate", readonly=True, aggregator="avg", digits=(16, 4),
        help="Share of the customer's revenue left after product, channel and cost-to-serve costs, from its customer "
             "P&L (its gross margin rate while it has no P&L row); negative for a loss-making customer. The CLV is "
             "this share of the expected revenue.")
    frequency = fields.Integer(string="Repeat Purchases", readonly=True, help="BG/NBD x: purchases after the first.")
    recency = fields.Float(
        string="Age at Last Purchase", readonly=True, aggregator="avg",
        help="BG/NBD t_x, in the configured time unit.")
    age = fields.Float(
        string="Customer Age", readonly=True, aggregator="avg", help="BG/NBD T, in the configured time unit.")
    monetary_value = fields.Monetary(
        string="Average Repeat Purchase", readonly=True, aggregator="avg",
        help="Mean revenue of the repeat purchases, the Gamma-Gamma input.")
    recency_days = fields.Integer(string="Days Since Last Purchase", readonly=True, aggregator="avg")
    # RFM
    rfm_recency = fields.Integer(string="R", readonly=True, aggregator="avg")
    rfm_frequency = fields.Integer(string="F", readonly=True, aggregator="avg")
    rfm_monetary = fields.Integer(string="M", readonly=True, aggregator="avg")
    rfm_score = fields.Char(string="RFM Score", compute="_compute_rfm_score")
    rfm_segment = fields.Selection(rfm_segments.SEGMENTS, string="RFM Segment", readonly=True, index=True)
    # Predictions
    p_alive = fields.Float(string="P(alive)", readonly=True, aggregator="avg", digits=(16, 4))
    expected_purchases = fields.Float(
        readonly=True, digits=(16, 3), help="Purchases expected over the configured horizon.")
    buy_probability = fields.Float(
        string="Likelihood to Buy", readonly=True, aggregator="avg", digits=(16, 4),
        help="Probability of at least one purchase within the configured number of days.")
    expected_order_value = fields.Monetary(readonly=True, aggregator="avg")
    expected_order_margin = fields.Monetary(string="Expected Margin per Order", readonly=True, aggregator="avg")
    clv = fields.Monetary(
        string="CLV", readonly=True,
        help="Discounted margin expected over the horizon (BG/NBD purchases x Gamma-Gamma value x margin rate); "
             "the historical CLV instead when the fit's base is too small or its back-test grade is C.")
    # Acquisition
    acquisition_date = fields.Date(readonly=True)
    cohort_month = fields.Date(readonly=True, index=True, help="First day of the month of the first purchase.")
    acquisition_channel = fields.Char(
        readonly=True, help="Channel of the first sale, from the dimension chosen in the settings.")
    acquisition_source_id = fields.Many2one("utm.source", readonly=True)
    acquisition_medium_id = fields.Many2one("utm.medium", readonly=True)
    acquisition_campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, index="btree_not_null")
    acquisition_team_id = fields.Many2one("crm.team", string="Acquisition Sales Team", readonly=True)
    acquisition_cost = fields.Monetary(
        readonly=True, aggregator="avg",
        help="Marketing spend of the acquisition campaign shared equally among the customers it acquired.")
    clv_model_id = fields.Many2one("crm.clv.model", string="CLV Fit", readonly=True, ondelete="set null")
    refresh_date = fields.Datetime(readonly=True)

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)", "One metrics row per customer and company.")

    def init(self):
        """Half of each page left free (``METRICS_FILLFACTOR``): a full refresh rewrites every row, and a new
        version on its old row's page whose indexed columns did not change is a HOT update, which writes none of
        the table's eight indexes (after the first rewrite a table that is vacuumed between refreshes has that
        much dead space anyway)."""
        result = super().init()
        self.env.cr.execute(SQL("ALTER TABLE %s SET (fillfactor = %s)", SQL.identifier(self._table),
                                METRICS_FILLFACTOR))
        return result

    @api.depends("rfm_recency", "rfm_frequency", "rfm_monetary")
    def _compute_rfm_score(self):
        for row in self:
            row.rfm_score = f"{row.rfm_recency}{row.rfm_frequency}{row.rfm_monetary}" if row.rfm_recency else False

    # ----------------------------------------------------------------------------------------------------------
    # Entry points
    # ----------------------------------------------------------------------------------------------------------

    def action_refresh(self):
        """Button: full refresh of the selected companies, queued for the background job."""
        check_group(self.env, MANAGER_GROUP)
        return self._request_refresh(full=True)

    def action_refresh_incremental(self):
        """Button: recompute, in the background, only the customers whose documents changed since the last refresh."""
        check_group(self.env, MANAGER_GROUP)
        return self._request_refresh(full=False)

    def _request_refresh(self, full):
        """Queue a refresh of the current companies and wake the background job: a refresh of 10^5 customers takes
        seconds to minutes, which a web request should not hold; the dashboard shows its progress. The callers
        checked the rights."""
        self.env["crm.customer.metrics.request"]._queue(self.env.companies, full)
        self.env.ref(REQUEST_CRON).sudo()._trigger()
        # no reload: nothing has changed yet; the dashboard polls the progress itself
        return refresh_notification(
            self.env._("Full refresh queued") if full else self.env._("Refresh of the changes queued"),
            self.env._("%(what)s of %(companies)s started at %(when)s, in the background: the dashboard shows the "
                       "progress and the figures change when it is done.",
                       what=self.env._("Every customer") if full else self.env._("The customers whose documents "
                                                                                 "changed since the last refresh"),
                       companies=", ".join(self.env.companies.mapped("name")), when=done_at(self.env)),
            kind="info", reload=False)

    @api.model
    def _cron_refresh_requested(self):
        """The background job of the buttons: one company per committed batch, progress reported to the cron.
        A request is dropped in the same transaction as its refresh, so a job killed half-way resumes with the
        companies it had not done yet; a company locked by another refresh stays queued for the next run."""
        requests = self.env["crm.customer.metrics.request"].sudo().search_fetch([], ["company_id", "full_refresh"])
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(requests))
        retry = False
        for request in requests:
            if self._refresh(request.company_id, full=request.full_refresh, raise_if_locked=False):
                request.unlink()
            else:
                retry = True
            cron._commit_progress(1)
        if retry:
            self.env.ref(REQUEST_CRON).sudo()._trigger(fields.Datetime.now() + timedelta(minutes=RETRY_MINUTES))

    @api.model
    def _refresh_status(self):
        """What the dashboard shows of the background refresh: queued or running, progress, last refresh."""
        cron = self.env.ref(REQUEST_CRON).sudo()
        progress = self.env["ir.cron.progress"].sudo().search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        pending = bool(self.env["crm.customer.metrics.request"].sudo().search_count([], limit=1)) or bool(
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)]))
        self.env.cr.execute(SQL("SELECT MAX(refresh_date) FROM crm_customer_metrics WHERE company_id IN %s",
                                tuple(self.env.companies.ids)))
        last = self.env.cr.fetchone()[0]
        running = bool(progress and progress.remaining)
        return {"pending": pending or running, "done": progress.done if running else 0,
                "total": (progress.done + progress.remaining) if running else 0,
                "last_refresh": fields.Datetime.to_string(last) if last else False}

    @api.model
    def _cron_refresh(self):
        """Nightly full refresh, one company per transaction; a time box cut short resumes where it stopped."""
        since = fields.Datetime.now() - timedelta(hours=12)
        companies = self.env["res.company"].search([("active", "=", True)])
        done = self.env["crm.clv.model"].search([("fit_date", ">=", since)]).company_id
        todo = companies - done
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(todo))
        for company in todo:
            self._refresh(company, full=True, raise_if_locked=False)
            if not cron._commit_progress(1):
                break

    # ----------------------------------------------------------------------------------------------------------
    # Refresh
    # ----------------------------------------------------------------------------------------------------------

    @api.model
    def _analytics_settings(self):
        """Refresh settings from the system parameters, with their defaults."""
        get = self.env["ir.config_parameter"].sudo().get_param

        def number(key, cast=float):
            try:
                return cast(get(f"crm_analytics.{key}", SETTINGS[key]))
            except (TypeError, ValueError):
                return SETTINGS[key]

        source = get("crm_analytics.source", SETTINGS["source"])
        unit = get("crm_analytics.time_unit", SETTINGS["time_unit"])
        unit = unit if unit in clv_constants.UNIT_DAYS else SETTINGS["time_unit"]
        return {
            "source": source if source in ("invoice", "order") else SETTINGS["source"],
            "time_unit": unit,
            "unit_days": clv_constants.UNIT_DAYS[unit],
            "horizon_months": max(number("horizon_months", int), 1),
            "discount_rate": max(number("discount_rate"), 0.0),
            "buy_days": max(number("buy_days", int), 1),
            "holdout_months": max(number("holdout_months", int), 1),
            "channel_dimension": get("crm_analytics.channel_dimension", SETTINGS["channel_dimension"]),
            "forecast_months": max(number("forecast_months", int), 1),
            "backtest_months": max(number("backtest_months", int), 1),
            "rfm_bins": min(max(number("rfm_bins", int), rfm_segments.MIN_BINS), rfm_segments.MAX_BINS),
            "clv_min_repeat": max(number("clv_min_repeat", int), 1),
        }

    @api.model
    def _refresh(self, companies, full=True, raise_if_locked=True):
        """Refresh each company: locked, computed, then swapped in under a savepoint, so a failure half-way
        leaves the previous results whole (and the caller's transaction usable). Callers check access: the
        refresh writes a computed table for whole companies, so it runs as superuser."""
        self = self.sudo()
        results = {}
        for company in companies:
            cr = self.env.cr
            if not try_lock(cr, LOCK_NAME, company.id):
                if raise_if_locked:
                    raise UserError(self.env._(
                        "A refresh of the customer analytics of %s is already running.", company.name))
                _logger.info("crm_analytics: refresh of company %s skipped, another one holds the lock", company.id)
                continue
            with cr.savepoint():
                results[company.id] = self._refresh_company(company, full)
            _logger.info("crm_analytics: %s refresh of company %s: %s", "full" if full else "incremental",
                         company.id, results[company.id])
        self.invalidate_model()
        return results

    def _refresh_company(self, company, full):
        # numpy, pandas and the maths of lib/ load when a refresh runs: a process that serves pages never imports them
        from ..lib import summary

        started = time.perf_counter()
        settings = self._analytics_settings()
        today = fields.Date.context_today(self.with_company(company))
        end_day = (today - fields.Date.to_date(EPOCH)).days
        model = self.env["crm.clv.model"].search(
            [("company_id", "=", company.id)], order="fit_date desc, id desc", limit=1)
        if not full and (not model or not rfm_segments.cuts_fit(model.rfm_breakpoints, settings["rfm_bins"])):
            full = True  # nothing to be incremental on, or the RFM bins changed since the last fit
        partners_sql = None
        if not full:
            self.env.flush_all()
            self.env.cr.execute(SQL(
                "SELECT MAX(refresh_date) FROM crm_customer_metrics WHERE company_id = %s", company.id))
            since = self.env.cr.fetchone()[0] or model.fit_date
            partners_sql = self._changed_partners_sql(company, settings, since)
        occasions = self._read_occasions(company, settings, today, full, partners_sql)
        holdout_days = round(settings["holdout_months"] * clv_constants.DAYS_PER_MONTH)
        customers = summary.customer_summary(
            occasions["partner"], occasions["day"], occasions["revenue"], occasions["margin"], occasions["buy"] > 0,
            end_day, settings["unit_days"], calibration_end=end_day - holdout_days if full else None,
        )
        if full:
            model = self._fit(company, settings, customers, holdout_days)
            # the other readers of the occasions before the scores: the occasions (the largest frame of the
            # refresh, ~90 MB at 10^6 customers) are freed before the scores and their staging copy are built
            self.env["crm.cohort.retention"]._refresh_company(company, occasions)
            self.env["crm.revenue.forecast"]._refresh_company(company, occasions, today, settings, model)
        del occasions
        frame, cuts = self._predict(customers, settings, model, None if full else model.rfm_breakpoints)
        del customers
        if full:
            model.rfm_breakpoints = cuts
        self._swap(company, settings, frame, model, full)
        if full:
            model.refresh_seconds = time.perf_counter() - started
        return {"full": full, "customers": len(frame), "model": model.id,
                "seconds": round(time.perf_counter() - started, 3)}

    def _fit(self, company, settings, customers, holdout_days):
        """Fit BG/NBD and Gamma-Gamma on every customer, back-test on a calibration/holdout split, and keep
        the whole fit as a crm.clv.model record."""
        from ..lib import clv_fit

        started = time.perf_counter()
        bgnbd, gg = clv_fit.fit_models(customers)
        fit_seconds = time.perf_counter() - started
        holdout = clv_fit.backtest(customers, holdout_days / settings["unit_days"])
        x = customers["frequency"].to_numpy(float)
        return self.env["crm.clv.model"].create({
            "company_id": company.id,
            "fit_date": fields.Datetime.now(),
            "source": settings["source"],
            "time_unit": settings["time_unit"],
            "horizon_months": settings["horizon_months"],
            "discount_rate": settings["discount_rate"],
            "n_customers": len(x),
            "n_repeat": int((x > 0).sum()),
            "r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b,
            "bgnbd_log_likelihood": bgnbd.log_likelihood,
            "bgnbd_converged": bgnbd.converged,
            "p": gg.p, "q": gg.q, "v": gg.v,
            "gg_log_likelihood": gg.log_likelihood,
            "gg_customers": gg.n_customers,
            "gg_converged": gg.converged,
            "fit_seconds": fit_seconds,
            "holdout_days": holdout_days,
            "holdout_customers": holdout["customers"],
            "holdout_predicted": holdout["predicted"],
            "holdout_actual": holdout["actual"],
            "holdout_naive": holdout["naive"],
            "holdout_mae": holdout["mae"],
            "holdout_naive_mae": holdout["naive_mae"],
            "backtest_grade": holdout["grade"],
            **self.env["crm.clv.model"]._fit_values(bgnbd, gg, customers, settings, holdout["grade"]),
        })

    def _predict(self, customers, settings, model, cuts):
        """Scores and predictions for the given customers from a stored fit (no refit)."""
        import pandas as pd

        from ..lib import scores

        if customers.empty:
            return pd.DataFrame(columns=list(STAGING_COLUMNS)), cuts or {}
        partner_ids = customers.index.to_numpy("int64")
        pnl = self._read_pnl(model.company_id, partner_ids, full=cuts is None)  # no cuts yet: a full refresh
        margin_rate = scores.contribution_rates(customers["revenue"], customers["margin"], pnl["net"],
                                                pnl["contribution"])
        frame, cuts = scores.score_customers(customers, model._bgnbd(), model._gamma_gamma(), margin_rate, settings,
                                             cuts)
        clv = model._score_clv(frame, settings, margin_rate, scores.monthly_rate(settings["discount_rate"]))
        return frame.assign(**clv)[list(STAGING_COLUMNS)], cuts
