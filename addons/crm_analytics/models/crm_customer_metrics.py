import json
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import MANAGER_GROUP, check_group
from odoo.addons.crm_strategy.tools.locks import lock_namespace, try_lock
from odoo.addons.crm_strategy.tools.notify import done_at, refresh_notification
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from ..lib import clv, clv_basis, forecast, rfm, summary
from ..tools.pgcopy import copy_in_binary, copy_out

_logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock(namespace, company_id): one refresh per company at a time, released at commit.
LOCK_NAME = "crm_analytics.refresh"
LOCK_NAMESPACE = lock_namespace(LOCK_NAME)  # what another connection locks to hold a refresh off
EPOCH = "1970-01-01"
REQUEST_PARAM = "crm_analytics.refresh_requests"
DAYS_PER_MONTH = 30.4375

# Columns the numpy model writes, in staging-table order, with their PostgreSQL types.
STAGING_COLUMNS = {
    "partner_id": "int4",
    "first_day": "int4",
    "last_day": "int4",
    "purchase_count": "int4",
    "revenue_total": "float8",
    "margin_total": "float8",
    "frequency": "int4",
    "recency": "float8",
    "age": "float8",
    "monetary_value": "float8",
    "recency_days": "int4",
    "rfm_recency": "int4",
    "rfm_frequency": "int4",
    "rfm_monetary": "int4",
    "rfm_segment": "char(24)",  # fixed width for the binary COPY; cast to varchar it loses the padding
    "margin_rate": "float8",
    "p_alive": "float8",
    "expected_purchases": "float8",
    "buy_probability": "float8",
    "expected_order_value": "float8",
    "expected_order_margin": "float8",
    "clv": "float8",
    "clv_low": "float8",
    "clv_high": "float8",
    "clv_model": "float8",
}


class CrmCustomerMetrics(models.Model):
    """The customer data repository: one row per company and commercial partner.

    Written only by the set-based refresh (SQL aggregate -> numpy/pandas models -> COPY into a staging table ->
    one upsert), so reports and segments read stored figures. Money is in the company currency.
    """

    _name = "crm.customer.metrics"
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
    rfm_segment = fields.Selection(rfm.SEGMENTS, string="RFM Segment", readonly=True, index=True)
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
        Param = self.env["ir.config_parameter"].sudo()
        pending = self._refresh_requests()
        for company in self.env.companies:
            pending[str(company.id)] = pending.get(str(company.id), False) or full
        Param.set_param(REQUEST_PARAM, json.dumps(pending))
        self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh_request").sudo()._trigger()
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
    def _refresh_requests(self):
        """{company id: full?} of the refreshes asked for from the interface and not yet done."""
        try:
            pending = json.loads(self.env["ir.config_parameter"].sudo().get_param(REQUEST_PARAM) or "{}")
        except ValueError:
            return {}
        return pending if isinstance(pending, dict) else {}

    @api.model
    def _cron_refresh_requested(self, commit=True):
        """The background job of the buttons: one company per committed batch, progress reported to the cron.
        A request is dropped in the same transaction as its refresh, so a job killed half-way resumes with the
        companies it had not done yet; a company locked by another refresh stays queued for the next run."""
        pending = self._refresh_requests()
        companies = self.env["res.company"].browse([int(key) for key in pending if key.isdigit()]).exists()
        cron = self.env["ir.cron"]
        if commit:
            cron._commit_progress(remaining=len(companies))
        retry = False
        for company in companies:
            if self._refresh(company, full=bool(pending[str(company.id)]), raise_if_locked=False):
                left = self._refresh_requests()
                left.pop(str(company.id), None)
                self.env["ir.config_parameter"].sudo().set_param(REQUEST_PARAM, json.dumps(left))
            else:
                retry = True
            if commit:
                cron._commit_progress(1)
        if retry:
            self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh_request").sudo()._trigger(
                fields.Datetime.now() + timedelta(minutes=5))

    @api.model
    def _refresh_status(self):
        """What the dashboard shows of the background refresh: queued or running, progress, last refresh."""
        cron = self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh_request").sudo()
        progress = self.env["ir.cron.progress"].sudo().search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        pending = bool(self._refresh_requests()) or bool(
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)]))
        self.env.cr.execute(SQL("SELECT MAX(refresh_date) FROM crm_customer_metrics WHERE company_id IN %s",
                                tuple(self.env.companies.ids)))
        last = self.env.cr.fetchone()[0]
        running = bool(progress and progress.remaining)
        return {"pending": pending or running, "done": progress.done if running else 0,
                "total": (progress.done + progress.remaining) if running else 0,
                "last_refresh": fields.Datetime.to_string(last) if last else False}

    @api.model
    def _cron_refresh(self, commit=True):
        """Nightly full refresh, one company per transaction; a time box cut short resumes where it stopped.

        ``commit=False`` lets tests run the cron body without committing.
        """
        since = fields.Datetime.now() - timedelta(hours=12)
        companies = self.env["res.company"].search([("active", "=", True)])
        done = self.env["crm.clv.model"].search([("fit_date", ">=", since)]).company_id
        todo = companies - done
        cron = self.env["ir.cron"]
        if commit:
            cron._commit_progress(remaining=len(todo))
        for company in todo:
            self._refresh(company, full=True, raise_if_locked=False)
            if commit and not cron._commit_progress(1):
                break

    # ----------------------------------------------------------------------------------------------------------
    # Refresh
    # ----------------------------------------------------------------------------------------------------------

    @api.model
    def _analytics_settings(self):
        """Refresh settings from the system parameters, with their defaults."""
        get = self.env["ir.config_parameter"].sudo().get_param

        def number(key, default, cast=float):
            try:
                return cast(get(f"crm_analytics.{key}", default))
            except (TypeError, ValueError):
                return default

        source = get("crm_analytics.source", "invoice")
        unit = get("crm_analytics.time_unit", "week")
        unit = unit if unit in summary.UNIT_DAYS else "week"
        return {
            "source": source if source in ("invoice", "order") else "invoice",
            "time_unit": unit,
            "unit_days": summary.UNIT_DAYS[unit],
            "horizon_months": max(number("horizon_months", 12, int), 1),
            "discount_rate": max(number("discount_rate", 10.0), 0.0),
            "buy_days": max(number("buy_days", 30, int), 1),
            "holdout_months": max(number("holdout_months", 6, int), 1),
            "channel_dimension": get("crm_analytics.channel_dimension", "channel"),
            "forecast_months": max(number("forecast_months", 6, int), 1),
            "backtest_months": max(number("backtest_months", 12, int), 1),
            "rfm_bins": min(max(number("rfm_bins", rfm.BINS, int), rfm.MIN_BINS), rfm.MAX_BINS),
            "clv_min_repeat": max(number("clv_min_repeat", clv_basis.MIN_REPEAT, int), 1),
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

    def _use_replica(self):
        """Full refreshes read on the replica when Odoo has one (heavy reads; a little lag does not matter)."""
        return bool(config.get("db_replica_host"))

    @contextmanager
    def _read_cursor(self, full):
        if full and self._use_replica():
            with self.env.registry.cursor(readonly=True) as ro_cr:
                yield ro_cr
        else:
            self.env.flush_all()
            yield self.env.cr

    def _occasions_query(self, company, settings, end, partners_sql=None):
        """Per customer and day: revenue, margin (company currency) and whether a sale happened that day."""
        facts = self.env["crm.sales.fact"]
        if settings["source"] == "order":
            lines = facts._order_lines_sql(company.ids, date_to=end, partners=partners_sql)
        else:
            lines = facts._lines_sql(company.ids, date_to=end, partners=partners_sql)
        return SQL(
            """
            SELECT f.partner_id, f.invoice_date - %(epoch)s::date, SUM(f.revenue), SUM(f.margin),
                   MAX(CASE WHEN f.is_refund THEN 0 ELSE 1 END)
              FROM (%(lines)s) f
          GROUP BY 1, 2
            """,
            epoch=EPOCH, lines=lines,
        )

    def _changed_partners_sql(self, company, settings, since):
        """Customers whose source documents were written since the last refresh."""
        if settings["source"] == "order":
            return SQL(
                """SELECT rp.commercial_partner_id FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                    WHERE so.company_id = %s AND so.write_date >= %s""", company.id, since)
        return SQL(
            """SELECT commercial_partner_id FROM account_move
                WHERE company_id = %s AND move_type IN ('out_invoice', 'out_refund') AND write_date >= %s""",
            company.id, since)

    def _read_occasions(self, company, settings, end, full, partners_sql=None):
        with self._read_cursor(full) as cr:
            return copy_out(
                cr, self._occasions_query(company, settings, end, partners_sql),
                ["partner", "day", "revenue", "margin", "buy"],
                dtypes={"partner": "int64", "day": "int64", "revenue": "float64", "margin": "float64",
                        "buy": "int8"},
            )

    def _refresh_company(self, company, full):
        started = time.perf_counter()
        settings = self._analytics_settings()
        today = fields.Date.context_today(self.with_company(company))
        end_day = (today - fields.Date.to_date(EPOCH)).days
        model = self.env["crm.clv.model"].search(
            [("company_id", "=", company.id)], order="fit_date desc, id desc", limit=1)
        if not full and (not model or not rfm.cuts_fit(model.rfm_breakpoints, settings["rfm_bins"])):
            full = True  # nothing to be incremental on, or the RFM bins changed since the last fit
        partners_sql = None
        if not full:
            self.env.flush_all()
            self.env.cr.execute(SQL(
                "SELECT MAX(refresh_date) FROM crm_customer_metrics WHERE company_id = %s", company.id))
            since = self.env.cr.fetchone()[0] or model.fit_date
            partners_sql = self._changed_partners_sql(company, settings, since)
        occasions = self._read_occasions(company, settings, today, full, partners_sql)
        holdout_days = round(settings["holdout_months"] * DAYS_PER_MONTH)
        customers = summary.customer_summary(
            occasions["partner"], occasions["day"], occasions["revenue"], occasions["margin"], occasions["buy"] > 0,
            end_day, settings["unit_days"], calibration_end=end_day - holdout_days if full else None,
        )
        if full:
            model = self._fit(company, settings, customers, holdout_days)
        frame, cuts = self._predict(customers, settings, model, None if full else model.rfm_breakpoints)
        if full:
            model.rfm_breakpoints = cuts
        self._swap(company, settings, frame, model, full)
        if full:
            self.env["crm.cohort.retention"]._refresh_company(company, occasions)
            self.env["crm.revenue.forecast"]._refresh_company(company, occasions, today, settings, model)
            model.refresh_seconds = time.perf_counter() - started
        return {"full": full, "customers": len(frame), "model": model.id,
                "seconds": round(time.perf_counter() - started, 3)}

    def _fit(self, company, settings, customers, holdout_days):
        """Fit BG/NBD and Gamma-Gamma on every customer, back-test on a calibration/holdout split, and keep
        the whole fit as a crm.clv.model record."""
        started = time.perf_counter()
        x = customers["frequency"].to_numpy(float)
        t_x = customers["recency"].to_numpy(float)
        T = customers["T"].to_numpy(float)
        m = customers["monetary"].to_numpy(float)
        if len(x):
            bgnbd = clv.fit_bgnbd(x, t_x, T)
            gg = clv.fit_gamma_gamma(x, m, monetary_var=customers["monetary_var"].to_numpy(float))
        else:
            bgnbd = clv.BGNBDFit(r=1.0, alpha=1.0, a=1.0, b=1.0, log_likelihood=0.0, n_customers=0)
            gg = clv.GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0)
        fit_seconds = time.perf_counter() - started
        # Back-test: fit on the calibration period only, predict the holdout window, compare with what happened.
        holdout = forecast.holdout_errors([], [], [])
        cal = customers[customers["in_calibration"].astype(bool)] if len(customers) else customers
        if len(cal) >= 2:
            cx = cal["cal_frequency"].to_numpy(float)
            ct_x = cal["cal_recency"].to_numpy(float)
            cT = cal["cal_T"].to_numpy(float)
            horizon = holdout_days / settings["unit_days"]
            cal_fit = clv.fit_bgnbd(cx, ct_x, cT)
            predicted = cal_fit.conditional_expected_purchases(horizon, cx, ct_x, cT)
            naive = np.where(cT > 0, cx / np.where(cT > 0, cT, 1.0), 0.0) * horizon
            holdout = forecast.holdout_errors(predicted, cal["holdout_purchases"].to_numpy(float), naive)
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
        frame = pd.DataFrame({"partner_id": customers.index.to_numpy(np.int64)})
        for name, col in (("first_day", "first_day"), ("last_day", "last_day"), ("purchase_count", "purchases"),
                          ("frequency", "frequency"), ("recency_days", "recency_days")):
            frame[name] = customers[col].to_numpy(np.int64)
        for name, col in (("revenue_total", "revenue"), ("margin_total", "margin"), ("recency", "recency"),
                          ("age", "T"), ("monetary_value", "monetary")):
            frame[name] = customers[col].to_numpy(float)
        if frame.empty:
            return pd.DataFrame(columns=list(STAGING_COLUMNS)), cuts or {}
        r, f, m, cuts = rfm.rfm_scores(frame["recency_days"], frame["purchase_count"], frame["revenue_total"],
                                       bins=settings["rfm_bins"], cuts=cuts or None)
        frame["rfm_recency"], frame["rfm_frequency"], frame["rfm_monetary"] = r, f, m
        frame["rfm_segment"] = rfm.segment(r, f, bins=settings["rfm_bins"])
        margin_rate = self._contribution_rates(model.company_id, frame["partner_id"].to_numpy(np.int64),
                                               frame["revenue_total"].to_numpy(), frame["margin_total"].to_numpy())
        frame["margin_rate"] = margin_rate
        bgnbd = model._bgnbd()
        gg = model._gamma_gamma()
        x = frame["frequency"].to_numpy(float)
        T = frame["age"].to_numpy(float)
        t_x = np.minimum(frame["recency"].to_numpy(float), T)
        mv = frame["monetary_value"].to_numpy(float)
        unit_days = settings["unit_days"]
        month = DAYS_PER_MONTH / unit_days
        frame["p_alive"] = bgnbd.p_alive(x, t_x, T)
        frame["expected_purchases"] = bgnbd.conditional_expected_purchases(
            settings["horizon_months"] * month, x, t_x, T)
        frame["buy_probability"] = forecast.probability_of_purchase(bgnbd, settings["buy_days"] / unit_days, x, t_x, T)
        value = gg.conditional_expected_value(x, mv)
        frame["expected_order_value"] = value
        frame["expected_order_margin"] = value * margin_rate
        monthly_rate = (1.0 + settings["discount_rate"] / 100.0) ** (1.0 / 12.0) - 1.0
        for name, values in model._score_clv(frame, settings, margin_rate, monthly_rate).items():
            frame[name] = values
        return frame[list(STAGING_COLUMNS)], cuts

    def _contribution_rates(self, company, partner_ids, revenue, margin):
        """The share of its revenue each customer leaves after product, channel and cost-to-serve costs, from its
        customer P&L (the suite's one definition of profit): a loss-making customer has a negative rate, hence a
        negative CLV. Customers without P&L rows keep their gross margin rate."""
        positive = revenue > 0
        rate = np.where(positive, margin / np.where(positive, revenue, 1.0), 0.0)
        rows = self.env.execute_query(SQL(
            """
            SELECT partner_id, SUM(net_revenue)::float8,
                   SUM(net_revenue - product_cost - channel_cost - cost_to_serve)::float8
              FROM crm_customer_pnl
             WHERE company_id = %s AND partner_id = ANY(%s)
          GROUP BY partner_id
            """, company.id, partner_ids.tolist()))
        if rows:
            pnl = pd.DataFrame(rows, columns=["partner_id", "net", "contribution"]).set_index("partner_id")
            aligned = pnl.reindex(partner_ids)
            net = aligned["net"].to_numpy(float)
            contribution = aligned["contribution"].to_numpy(float)
            known = np.isfinite(net) & (net > 0)
            rate = np.where(known, contribution / np.where(known, net, 1.0), rate)
        return np.clip(rate, -1.0, 1.0)

    def _acquisition_channel_sql(self, settings):
        """Label of the acquisition channel from the first document's channel (channel development), UTM source /
        medium or sales team."""
        if settings["channel_dimension"] == "channel":
            # documents that no channel rule recognises fall back on their UTM source
            return SQL("COALESCE(chn.name ->> %s, chn.name ->> 'en_US', src.name)", self.env.lang or "en_US")
        if settings["channel_dimension"] == "medium":
            return SQL("med.name")
        if settings["channel_dimension"] == "team":
            return SQL("COALESCE(team.name ->> %s, team.name ->> 'en_US')", self.env.lang or "en_US")
        return SQL("src.name")

    def _acquisition_documents_sql(self, company, settings):
        """First sale document of each staged customer, with its UTM tags and sales team."""
        if settings["source"] == "order":
            return SQL(
                """
                SELECT DISTINCT ON (rp.commercial_partner_id) rp.commercial_partner_id AS partner_id,
                       so.source_id, so.medium_id, so.campaign_id, so.team_id, so.channel_id
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %s AND so.state = 'sale'
                   AND rp.commercial_partner_id IN (SELECT partner_id FROM crm_analytics_staging)
              ORDER BY rp.commercial_partner_id, so.date_order, so.id
                """, company.id)
        return SQL(
            """
            SELECT DISTINCT ON (am.commercial_partner_id) am.commercial_partner_id AS partner_id,
                   am.source_id, am.medium_id, am.campaign_id, am.team_id, am.channel_id
              FROM account_move am
             WHERE am.company_id = %s AND am.state = 'posted' AND am.move_type = 'out_invoice'
               AND am.commercial_partner_id IN (SELECT partner_id FROM crm_analytics_staging)
          ORDER BY am.commercial_partner_id, am.invoice_date, am.id
            """, company.id)

    def _swap(self, company, settings, frame, model, full):
        """Stage the computed rows with COPY, then upsert them (and, on a full refresh, drop the customers no
        longer present) in the caller's transaction: readers see the old rows or the new ones, never a mix."""
        cr = self.env.cr
        self.env.flush_all()
        columns = SQL(", ").join(
            SQL("%s %s", SQL.identifier(name), SQL(pg_type)) for name, pg_type in STAGING_COLUMNS.items())
        cr.execute(SQL("DROP TABLE IF EXISTS crm_analytics_staging"))
        cr.execute(SQL("CREATE TEMP TABLE crm_analytics_staging (%s) ON COMMIT DROP", columns))
        copy_in_binary(cr, "crm_analytics_staging", frame, STAGING_COLUMNS)
        cr.execute(SQL("ANALYZE crm_analytics_staging"))
        self._before_swap(company)
        cr.execute(SQL(
            """
            WITH acq AS (%(acquisition)s),
                 seg AS (SELECT DISTINCT ON (partner_id) partner_id, segment_id FROM (%(members)s) sm
                          WHERE company_id = %(company)s AND is_primary ORDER BY partner_id, id)
            INSERT INTO crm_customer_metrics AS m (
                partner_id, company_id, segment_id, first_purchase_date, last_purchase_date, purchase_count,
                revenue_total, margin_total, margin_rate, frequency, recency, age, monetary_value, recency_days,
                rfm_recency, rfm_frequency, rfm_monetary, rfm_segment, p_alive, expected_purchases,
                buy_probability, expected_order_value, expected_order_margin, clv, clv_low, clv_high, clv_model,
                acquisition_date, cohort_month,
                acquisition_channel, acquisition_source_id, acquisition_medium_id, acquisition_campaign_id,
                acquisition_team_id, acquisition_cost, clv_model_id, refresh_date)
            SELECT s.partner_id, %(company)s, seg.segment_id, %(epoch)s::date + s.first_day,
                   %(epoch)s::date + s.last_day, s.purchase_count, s.revenue_total, s.margin_total, s.margin_rate,
                   s.frequency, s.recency, s.age, s.monetary_value, s.recency_days, s.rfm_recency, s.rfm_frequency,
                   s.rfm_monetary, s.rfm_segment, s.p_alive, s.expected_purchases, s.buy_probability,
                   s.expected_order_value, s.expected_order_margin, s.clv, s.clv_low, s.clv_high, s.clv_model,
                   %(epoch)s::date + s.first_day,
                   date_trunc('month', %(epoch)s::date + s.first_day)::date, %(channel)s, acq.source_id,
                   acq.medium_id, acq.campaign_id, acq.team_id, 0, %(model)s, NOW() AT TIME ZONE 'UTC'
              FROM crm_analytics_staging s
         LEFT JOIN acq ON acq.partner_id = s.partner_id
         LEFT JOIN seg ON seg.partner_id = s.partner_id
         LEFT JOIN utm_source src ON src.id = acq.source_id
         LEFT JOIN utm_medium med ON med.id = acq.medium_id
         LEFT JOIN crm_team team ON team.id = acq.team_id
         LEFT JOIN crm_channel chn ON chn.id = acq.channel_id
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                segment_id = EXCLUDED.segment_id, first_purchase_date = EXCLUDED.first_purchase_date,
                last_purchase_date = EXCLUDED.last_purchase_date, purchase_count = EXCLUDED.purchase_count,
                revenue_total = EXCLUDED.revenue_total, margin_total = EXCLUDED.margin_total,
                margin_rate = EXCLUDED.margin_rate, frequency = EXCLUDED.frequency, recency = EXCLUDED.recency,
                age = EXCLUDED.age, monetary_value = EXCLUDED.monetary_value, recency_days = EXCLUDED.recency_days,
                rfm_recency = EXCLUDED.rfm_recency, rfm_frequency = EXCLUDED.rfm_frequency,
                rfm_monetary = EXCLUDED.rfm_monetary, rfm_segment = EXCLUDED.rfm_segment,
                p_alive = EXCLUDED.p_alive, expected_purchases = EXCLUDED.expected_purchases,
                buy_probability = EXCLUDED.buy_probability, expected_order_value = EXCLUDED.expected_order_value,
                expected_order_margin = EXCLUDED.expected_order_margin, clv = EXCLUDED.clv,
                clv_low = EXCLUDED.clv_low, clv_high = EXCLUDED.clv_high, clv_model = EXCLUDED.clv_model,
                acquisition_date = EXCLUDED.acquisition_date, cohort_month = EXCLUDED.cohort_month,
                acquisition_channel = EXCLUDED.acquisition_channel,
                acquisition_source_id = EXCLUDED.acquisition_source_id,
                acquisition_medium_id = EXCLUDED.acquisition_medium_id,
                acquisition_campaign_id = EXCLUDED.acquisition_campaign_id,
                acquisition_team_id = EXCLUDED.acquisition_team_id, clv_model_id = EXCLUDED.clv_model_id,
                refresh_date = EXCLUDED.refresh_date
            """,
            acquisition=self._acquisition_documents_sql(company, settings),
            channel=self._acquisition_channel_sql(settings),
            company=company.id, epoch=EPOCH, model=model.id,
            members=self.env["crm.segment.member"]._current_sql(),
        ))
        if full:
            cr.execute(SQL(
                """DELETE FROM crm_customer_metrics m
                    WHERE m.company_id = %s
                      AND NOT EXISTS (SELECT 1 FROM crm_analytics_staging s WHERE s.partner_id = m.partner_id)""",
                company.id))
        self._update_acquisition_cost(company)
        cr.execute(SQL("DROP TABLE crm_analytics_staging"))
        if full:
            cr.execute(SQL("ANALYZE crm_customer_metrics"))

    def _before_swap(self, company):
        """Hook between staging and swap: where tests kill a refresh half-way."""

    def _update_acquisition_cost(self, company):
        """Share each campaign's recorded spend equally among the customers it acquired."""
        self.env.cr.execute(SQL(
            """
            WITH spend AS (
                SELECT campaign_id, SUM(amount) AS amount FROM crm_marketing_spend
                 WHERE company_id = %(company)s GROUP BY campaign_id
            ), acquired AS (
                SELECT acquisition_campaign_id AS campaign_id, COUNT(*) AS customers FROM crm_customer_metrics
                 WHERE company_id = %(company)s AND acquisition_campaign_id IS NOT NULL GROUP BY 1
            ), cost AS (
                SELECT m.id, COALESCE(spend.amount / NULLIF(acquired.customers, 0), 0) AS cost
                  FROM crm_customer_metrics m
                  JOIN acquired ON acquired.campaign_id = m.acquisition_campaign_id
             LEFT JOIN spend ON spend.campaign_id = m.acquisition_campaign_id
                 WHERE m.company_id = %(company)s
            )
            UPDATE crm_customer_metrics m SET acquisition_cost = cost.cost
              FROM cost WHERE cost.id = m.id AND m.acquisition_cost IS DISTINCT FROM cost.cost
            """, company=company.id))
