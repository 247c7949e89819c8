import math

from odoo import api, fields, models

from ..const import GRADES
from ..lib.clv_constants import DAYS_PER_MONTH, HISTORICAL, MODEL

BASES = [(MODEL, "Model (BG/NBD x Gamma-Gamma)"), (HISTORICAL, "Historical (not a model output)")]
SPEND_METHODS = [("gamma_gamma", "Gamma-Gamma"), ("shrinkage", "Empirical-Bayes shrinkage")]


def _issues(model):
    """Codes of why the fit of ``model`` is not identified (``lib.mle.issues``), comma-separated."""
    return fields.Char(string=f"{model} Issues", readonly=True, help="Why the fit is not identified (codes).")


class CrmClvModel(models.Model):
    """One fit of the CLV models per full refresh, kept so that parameters, sample and back-test can be
    compared over time; the latest fit of a company scores its customers between full refreshes."""

    _name = "crm.clv.model"
    _description = "CLV Model Fit"
    _order = "fit_date desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade",
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    fit_date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    source = fields.Selection([("invoice", "Posted invoices"), ("order", "Confirmed orders")], readonly=True)
    time_unit = fields.Selection([("day", "Day"), ("week", "Week"), ("month", "Month")], readonly=True)
    horizon_months = fields.Integer(string="Horizon (months)", readonly=True)
    discount_rate = fields.Float(string="Annual Discount Rate (%)", readonly=True)
    n_customers = fields.Integer(string="Customers", readonly=True)
    n_repeat = fields.Integer(string="Repeat Customers", readonly=True)
    # BG/NBD (full precision: these parameters score every customer)
    r = fields.Float(readonly=True)
    alpha = fields.Float(readonly=True)
    a = fields.Float(readonly=True)
    b = fields.Float(readonly=True)
    bgnbd_log_likelihood = fields.Float(string="BG/NBD Log-Likelihood", readonly=True, digits=(16, 3))
    bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    # Gamma-Gamma
    p = fields.Float(readonly=True)
    q = fields.Float(readonly=True)
    v = fields.Float(string="Gamma (v)", readonly=True)
    gg_log_likelihood = fields.Float(string="Gamma-Gamma Log-Likelihood", readonly=True, digits=(16, 3))
    gg_customers = fields.Integer(string="Gamma-Gamma Sample", readonly=True)
    gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    # Calibration / holdout back-test
    holdout_days = fields.Integer(string="Holdout (days)", readonly=True)
    holdout_customers = fields.Integer(readonly=True)
    holdout_predicted = fields.Float(string="Predicted Purchases", readonly=True, digits=(16, 1))
    holdout_actual = fields.Float(string="Actual Purchases", readonly=True, digits=(16, 1))
    holdout_naive = fields.Float(string="Naive Forecast", readonly=True, digits=(16, 1))
    holdout_mae = fields.Float(
        string="Model Error (MAE)", readonly=True, digits=(16, 4),
        help="Mean absolute error per customer of the purchases predicted for the holdout window.")
    holdout_naive_mae = fields.Float(
        string="Naive Error (MAE)", readonly=True, digits=(16, 4),
        help="Same error for the naive forecast: each customer's calibration purchase rate carried forward.")
    error_ratio = fields.Float(compute="_compute_error_ratio", digits=(16, 3))
    backtest_grade = fields.Selection(GRADES, string="Back-test Grade", readonly=True)
    # Revenue run-rate back-test of the same refresh
    forecast_wape = fields.Float(string="Run-rate Error (WAPE)", readonly=True, digits=(16, 4))
    forecast_naive_wape = fields.Float(string="Naive Error (WAPE)", readonly=True, digits=(16, 4))
    forecast_grade = fields.Selection(GRADES, string="Run-rate Grade", readonly=True)
    # Identification (lib.mle): whether the data pin each model down, how well (standard errors from the Hessian of
    # the log-likelihood) and, when not, why and what was used instead.
    bgnbd_identified = fields.Boolean(string="BG/NBD Identified", readonly=True, default=True)
    bgnbd_regularised = fields.Boolean(
        string="BG/NBD Regularised", readonly=True,
        help="The data did not identify the BG/NBD model: its parameters come from a refit with a weak prior.")
    bgnbd_issues = _issues("BG/NBD")
    bgnbd_cov = fields.Json(string="BG/NBD Covariance", readonly=True,
                            help="Covariance of log(r, alpha, a, b); scores the intervals of later refreshes.")
    gg_identified = fields.Boolean(string="Gamma-Gamma Identified", readonly=True, default=True)
    gg_method = fields.Selection(
        SPEND_METHODS, string="Spend Model", readonly=True, default="gamma_gamma",
        help="Empirical-Bayes shrinkage replaces the Gamma-Gamma fit when the data do not identify it.")
    gg_issues = _issues("Gamma-Gamma")
    gg_cov = fields.Json(string="Spend Covariance", readonly=True,
                         help="Covariance of log(p, q - 1, v), or the variance of the base mean for the shrinkage.")
    # standard errors of the parameters (the shrinkage has none but its base mean's, gg_mean_se)
    r_se = fields.Float(string="r Std. Error", readonly=True)
    alpha_se = fields.Float(string="alpha Std. Error", readonly=True)
    a_se = fields.Float(string="a Std. Error", readonly=True)
    b_se = fields.Float(string="b Std. Error", readonly=True)
    p_se = fields.Float(string="p Std. Error", readonly=True)
    q_se = fields.Float(string="q Std. Error", readonly=True)
    v_se = fields.Float(string="v Std. Error", readonly=True)
    gg_mean = fields.Monetary(
        string="Mean Spend per Purchase", compute="_compute_gg_mean",
        help="What a customer without repeat purchases is expected to spend per purchase: p v / (q - 1).")
    gg_mean_se = fields.Monetary(string="Mean Spend Std. Error", compute="_compute_gg_mean")
    gg_credibility = fields.Float(
        string="Credibility Weight (k)", compute="_compute_gg_mean", digits=(16, 3),
        help="The base mean counts as k purchases against a customer's own repeat purchases: (q - 1) / p.")
    fit_notes = fields.Text(compute="_compute_fit_notes", help="What the identification checks found, in words.")
    # Minimum base: below it, or at back-test grade C, the CLV shown is historical, not the model's.
    clv_basis = fields.Selection(BASES, string="CLV Basis", readonly=True, default=MODEL)
    clv_min_repeat = fields.Integer(string="Minimum Repeat Customers", readonly=True,
                                    help="The setting in force at the fit.")
    clv_basis_reason = fields.Text(string="Why This Basis", compute="_compute_clv_basis_reason")
    hist_retained = fields.Integer(
        string="Retained Customers", readonly=True,
        help="Customers acquired over a year before the fit who bought again in its last year.")
    hist_eligible = fields.Integer(string="Customers Acquired over a Year Ago", readonly=True)
    hist_retention = fields.Float(
        string="Observed Annual Retention", compute="_compute_hist_retention", digits=(16, 4),
        help="(retained + 1) / (acquired over a year ago + 2): the historical CLV's retention.")
    hist_lifetime_years = fields.Float(
        string="Expected Lifetime (years)", compute="_compute_hist_retention", digits=(16, 2),
        help="1 / (1 - annual retention), the expected remaining lifetime the observed retention implies.")
    rfm_breakpoints = fields.Json(readonly=True, help="RFM quantile cut points of the fitted customer base.")
    fit_seconds = fields.Float(readonly=True, digits=(16, 3))
    refresh_seconds = fields.Float(readonly=True, digits=(16, 3))
    metrics_count = fields.Integer(compute="_compute_metrics_count")

    @api.depends("company_id", "fit_date")
    def _compute_name(self):
        for fit in self:
            fit.name = f"{fit.company_id.name} - {fit.fit_date}" if fit.fit_date else False

    @api.depends("holdout_mae", "holdout_naive_mae")
    def _compute_error_ratio(self):
        for fit in self:
            fit.error_ratio = fit.holdout_mae / fit.holdout_naive_mae if fit.holdout_naive_mae else 0.0

    @api.depends("p", "q", "v", "gg_method", "gg_cov")
    def _compute_gg_mean(self):
        for fit in self:
            spend = fit._gamma_gamma()
            fit.gg_mean = spend.population_mean if fit.q > 1 else 0.0
            fit.gg_credibility = spend.credibility if fit.p > 0 else 0.0
            mean_se = spend.standard_errors.get("mean", 0.0) if fit.gg_method == "shrinkage" else 0.0
            fit.gg_mean_se = mean_se if math.isfinite(mean_se) else 0.0

    @api.depends("hist_retained", "hist_eligible")
    def _compute_hist_retention(self):
        for fit in self:
            retention = fit._retention()
            fit.hist_retention = retention.annual
            fit.hist_lifetime_years = retention.lifetime_years

    def _issue_words(self):
        """{issue code: what it means}, for the notes of the fit form, the dashboard and the explanations."""
        return {
            "no_dropout": self.env._(
                "a → 0, b → ∞: no customer has been seen to drop out, so the data cannot say how likely "
                "that is (the plain fit would put every P(alive) at 100 %)"),
            "boundary": self.env._("a parameter ran to the edge of its range"),
            "flat": self.env._("the likelihood is nearly flat: a parameter is not determined within a factor of e²"),
            "singular": self.env._("the likelihood has no clear maximum (its Hessian is not positive definite)"),
            "not_converged": self.env._("the optimiser did not converge"),
            "q_near_1": self.env._("q → 1: the mean spend of the base, p·v / (q − 1), would be unbounded"),
            "implausible_mean": self.env._("the mean spend it implies lies outside the spends observed"),
            "no_repeat_spend": self.env._("no repeat purchase with a positive amount to learn spend from"),
        }

    def _issues_text(self, codes):
        words = self._issue_words()
        return "; ".join(words.get(code, code) for code in (codes or "").split(",") if code)

    @api.depends("bgnbd_identified", "bgnbd_issues", "gg_identified", "gg_issues", "gg_method", "n_customers")
    def _compute_fit_notes(self):
        for fit in self:
            notes = []
            if not fit.bgnbd_identified:
                notes.append(fit.env._(
                    "BG/NBD not identified on %(n)s customers (%(why)s): its parameters come from a refit with a weak "
                    "prior, so P(alive) and the expected purchases lean on that prior.",
                    n=fit.n_customers, why=fit._issues_text(fit.bgnbd_issues)))
            if not fit.gg_identified:
                notes.append(fit.env._(
                    "Gamma-Gamma not identified on %(n)s repeat customers (%(why)s): the spend per purchase is the "
                    "customer's own mean shrunk towards the base mean (empirical Bayes).",
                    n=fit.gg_customers, why=fit._issues_text(fit.gg_issues)))
            fit.fit_notes = "\n".join(notes) or fit.env._("Both models are identified by the data.")

    @api.depends("clv_basis", "n_repeat", "clv_min_repeat", "backtest_grade", "holdout_mae", "holdout_naive_mae",
                 "holdout_days")
    def _compute_clv_basis_reason(self):
        for fit in self:
            fit.clv_basis_reason = fit._basis_reason()

    def _basis_reason(self):
        """Why the CLV shown is (or is not) the model's, with the figures."""
        self.ensure_one()
        if self.clv_basis != HISTORICAL:
            return self.env._("Model CLV: %(n)s repeat customers (minimum %(min)s), back-test grade %(grade)s.",
                              n=self.n_repeat, min=self.clv_min_repeat, grade=self.backtest_grade or "-")
        # the CLV maths (numpy, scipy) load when a fit's figures are computed, not with the registry that serves pages
        from ..lib import clv_basis

        _basis, reasons = clv_basis.clv_basis(self.n_repeat, self.clv_min_repeat, self.backtest_grade)
        words = []
        if "few_repeat" in reasons:
            words.append(self.env._("only %(n)s repeat customers, below the minimum of %(min)s set in the settings",
                                    n=self.n_repeat, min=self.clv_min_repeat))
        if "grade_c" in reasons:
            words.append(self.env._(
                "the back-test grade is C: over the %(days)s-day holdout the model's error (%(mae)s purchases per "
                "customer) is worse than a naive forecast's (%(naive)s)",
                days=self.holdout_days, mae=f"{self.holdout_mae:.3f}", naive=f"{self.holdout_naive_mae:.3f}"))
        return self.env._("The CLV shown is historical, not a model output, because %s.", "; and ".join(words))

    def _compute_metrics_count(self):
        counts = dict(self.env["crm.customer.metrics"]._read_group(
            [("clv_model_id", "in", self.ids)], ["clv_model_id"], ["__count"]))
        for fit in self:
            fit.metrics_count = counts.get(fit, 0)

    def action_open_metrics(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_analytics.crm_customer_metrics_action")
        action["domain"] = [("clv_model_id", "=", self.id)]
        action["context"] = {}
        return action

    def _bgnbd(self):
        from ..lib.bgnbd import BGNBDFit

        self.ensure_one()
        return BGNBDFit(r=self.r, alpha=self.alpha, a=self.a, b=self.b,
                            log_likelihood=self.bgnbd_log_likelihood, n_customers=self.n_customers,
                            identified=self.bgnbd_identified, regularised=self.bgnbd_regularised,
                            issues=tuple(filter(None, (self.bgnbd_issues or "").split(","))),
                            cov=_matrix(self.bgnbd_cov, 4))

    def _gamma_gamma(self):
        from ..lib.gamma_gamma import GammaGammaFit

        self.ensure_one()
        return GammaGammaFit(p=self.p, q=self.q, v=self.v, log_likelihood=self.gg_log_likelihood,
                                 n_customers=self.gg_customers, identified=self.gg_identified,
                                 method=self.gg_method or "gamma_gamma",
                                 issues=tuple(filter(None, (self.gg_issues or "").split(","))),
                                 cov=_matrix(self.gg_cov, 1 if self.gg_method == "shrinkage" else 3))

    def _retention(self):
        from ..lib import clv_basis

        self.ensure_one()
        return clv_basis.Retention(retained=self.hist_retained, eligible=self.hist_eligible)

    @api.model
    def _fit_values(self, bgnbd, gg, customers, settings, grade):
        """What a fit records beyond its parameters: identification, standard errors, covariances, and the CLV
        basis (model or historical) with the retention the historical CLV needs."""
        from ..lib import clv_basis

        repeat = int((customers["frequency"].to_numpy(float) > 0).sum()) if len(customers) else 0
        basis, _reasons = clv_basis.clv_basis(repeat, settings["clv_min_repeat"], grade)
        retention = clv_basis.observed_retention(
            customers["T"].to_numpy(float) * settings["unit_days"], customers["recency_days"].to_numpy(float))
        bg_se, gg_se = bgnbd.standard_errors, gg.standard_errors
        finite = {key: float(value) if math.isfinite(value) else 0.0 for key, value in (
            ("r_se", bg_se["r"]), ("alpha_se", bg_se["alpha"]), ("a_se", bg_se["a"]), ("b_se", bg_se["b"]),
            ("p_se", gg_se.get("p", math.nan)), ("q_se", gg_se.get("q_minus_1", math.nan)),
            ("v_se", gg_se.get("v", math.nan)))}
        return {
            "bgnbd_identified": bgnbd.identified,
            "bgnbd_regularised": bgnbd.regularised,
            "bgnbd_issues": ",".join(bgnbd.issues),
            "bgnbd_cov": [list(row) for row in bgnbd.cov] or False,
            "gg_identified": gg.identified,
            "gg_method": gg.method,
            "gg_issues": ",".join(gg.issues),
            "gg_cov": [list(row) for row in gg.cov] or False,
            **finite,
            "clv_basis": basis,
            "clv_min_repeat": settings["clv_min_repeat"],
            "hist_retained": retention.retained,
            "hist_eligible": retention.eligible,
        }

    def _score_clv(self, frame, settings, margin_rate, monthly_rate):
        """CLV of the customers in ``frame`` (the refresh's rows) over the horizon, with its 80 % interval, and the
        model's own figure: on the model basis they are the same; on the historical basis the CLV is the
        historical one and the model figure is kept only to be explained."""
        import numpy as np

        from ..lib import clv, clv_basis

        self.ensure_one()
        x = frame["frequency"].to_numpy(float)
        T = frame["age"].to_numpy(float)
        t_x = np.minimum(frame["recency"].to_numpy(float), T)
        mv = frame["monetary_value"].to_numpy(float)
        month = DAYS_PER_MONTH / settings["unit_days"]
        # a loss-making customer (negative contribution rate) has the CLV of its size, negative: the maths run on
        # the rate's magnitude, the sign (and the order of the bounds) is applied after
        sign = np.where(np.asarray(margin_rate, dtype=float) < 0, -1.0, 1.0)
        rate = np.abs(margin_rate)
        args = (x, t_x, T, mv, rate, settings["horizon_months"], monthly_rate, month)
        if self.clv_basis == HISTORICAL:
            model_clv = clv.discounted_clv(self._bgnbd(), self._gamma_gamma(), *args)
            value, low, high = clv_basis.historical_clv(
                rate * frame["revenue_total"].to_numpy(float), T * settings["unit_days"], self._retention(),
                settings["horizon_months"], monthly_rate)
        else:
            value, low, high = clv.clv_interval(self._bgnbd(), self._gamma_gamma(), *args)
            model_clv = value
        low, high = np.where(sign < 0, high, low), np.where(sign < 0, low, high)
        return {"clv": sign * value, "clv_low": sign * low, "clv_high": sign * high, "clv_model": sign * model_clv}


def _matrix(value, size):
    """A stored covariance as the tuple of rows the fits take; empty when missing or malformed."""
    try:
        rows = tuple(tuple(float(c) for c in row) for row in value or ())
    except (TypeError, ValueError):
        return ()
    return rows if len(rows) == size and all(len(row) == size for row in rows) else ()
