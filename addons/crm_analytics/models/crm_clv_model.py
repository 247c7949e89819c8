from odoo import api, fields, models

from ..lib import clv

GRADES = [("A", "A - clearly beats the naive forecast"), ("B", "B - no worse than naive"),
          ("C", "C - worse than naive")]


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
        self.ensure_one()
        return clv.BGNBDFit(r=self.r, alpha=self.alpha, a=self.a, b=self.b,
                            log_likelihood=self.bgnbd_log_likelihood, n_customers=self.n_customers)

    def _gamma_gamma(self):
        self.ensure_one()
        return clv.GammaGammaFit(p=self.p, q=self.q, v=self.v, log_likelihood=self.gg_log_likelihood,
                                 n_customers=self.gg_customers)
