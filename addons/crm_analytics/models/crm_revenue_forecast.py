from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.pgcopy import copy_in

RUN_RATE_WINDOW = 3


class CrmRevenueForecast(models.Model):
    """Revenue by month: actuals and the run-rate back-test for past months, then the run-rate forecast and
    the weighted pipeline (expected revenue x probability by expected closing month) for the months ahead.
    Rebuilt by each full refresh."""

    _name = "crm.revenue.forecast"
    _description = "Revenue Forecast"
    _order = "month, id"
    _rec_name = "month"
    _log_access = False  # rebuilt by SQL

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True)
    is_forecast = fields.Boolean(string="Future", readonly=True)
    actual_revenue = fields.Monetary(readonly=True)
    run_rate_revenue = fields.Monetary(
        string="Run-rate", readonly=True,
        help="Mean of the three months before, seasonally adjusted on the year before. For past months it is "
             "the back-test: forecast from the months before only.")
    naive_revenue = fields.Monetary(string="Naive Forecast", readonly=True, help="Previous month's revenue.")
    abs_error = fields.Monetary(string="Run-rate Error", readonly=True, help="|actual - run-rate| (past months).")
    naive_abs_error = fields.Monetary(string="Naive Error", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    expected_wins = fields.Float(readonly=True, digits=(16, 2), help="Sum of the opportunities' probabilities.")
    pipeline_revenue = fields.Monetary(string="Pipeline", readonly=True)
    weighted_revenue = fields.Monetary(string="Weighted Pipeline", readonly=True)
    total_forecast = fields.Monetary(
        string="Forecast", readonly=True, help="Run-rate plus the weighted pipeline expected to close that month.")

    @api.model
    def _pipeline(self, company, first_month, months):
        """Open opportunities by expected closing month; overdue ones count in the current month."""
        # numpy, pandas and the maths of lib/ load when a refresh runs: a process that serves pages never imports them
        import numpy as np
        import pandas as pd

        from ..lib import cohorts, forecast

        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT GREATEST(date_trunc('month', date_deadline)::date, %(first)s),
                   COALESCE(expected_revenue, 0), COALESCE(probability, 0)
              FROM crm_lead
             WHERE type = 'opportunity' AND active AND won_status = 'pending' AND company_id = %(company)s
               AND date_deadline IS NOT NULL AND date_deadline < (%(first)s::date + make_interval(months => %(n)s))
            """, first=first_month, company=company.id, n=months))
        rows = self.env.cr.fetchall()
        if not rows:
            return pd.DataFrame(columns=["opportunities", "expected_wins", "pipeline", "weighted"])
        month, revenue, probability = zip(*rows)
        return forecast.pipeline_by_month(cohorts.month_index(np.array(month, dtype="datetime64[D]")), revenue,
                                          probability)

    @api.model
    def _refresh_company(self, company, occasions, today, settings, model):
        import numpy as np
        import pandas as pd

        from ..lib import cohorts, forecast

        cr = self.env.cr
        cr.execute(SQL("DELETE FROM crm_revenue_forecast WHERE company_id = %s", company.id))
        current = int(cohorts.month_index(np.array([today], dtype="datetime64[D]"))[0])
        horizon = settings["forecast_months"]
        # Complete months of history, oldest first, missing months as 0.
        history = pd.Series(dtype=float)
        if len(occasions):
            months = cohorts.month_index(occasions["day"].to_numpy(np.int64))
            history = occasions["revenue"].groupby(months).sum()
            history = history[history.index < current]
        if len(history):
            history = history.reindex(np.arange(history.index.min(), current), fill_value=0.0)
        values = history.to_numpy(float)
        frames = []
        if len(values) > RUN_RATE_WINDOW:
            tested, _summary = forecast.backtest(values, window=RUN_RATE_WINDOW)
            tested = tested.iloc[-settings["backtest_months"]:]
            error = forecast.wape(tested["actual"], tested["forecast"])
            naive_error = forecast.wape(tested["actual"], tested["naive"])
            model.write({"forecast_wape": error, "forecast_naive_wape": naive_error,
                         "forecast_grade": forecast.grade(error, naive_error)})
            frames.append(pd.DataFrame({
                "month": history.index[tested.index.to_numpy()],
                "is_forecast": False,
                "actual_revenue": tested["actual"].to_numpy(),
                "run_rate_revenue": tested["forecast"].to_numpy(),
                "naive_revenue": tested["naive"].to_numpy(),
                "abs_error": (tested["actual"] - tested["forecast"]).abs().to_numpy(),
                "naive_abs_error": (tested["actual"] - tested["naive"]).abs().to_numpy(),
            }))
        ahead = np.arange(current, current + horizon)
        pipeline = self._pipeline(company, str(np.datetime64(current, "M").astype("datetime64[D]")), horizon)
        pipeline = pipeline.reindex(ahead, fill_value=0)
        frames.append(pd.DataFrame({
            "month": ahead,
            "is_forecast": True,
            "run_rate_revenue": forecast.run_rate_forecast(values, horizon, window=RUN_RATE_WINDOW),
            "opportunity_count": pipeline["opportunities"].to_numpy(np.int64),
            "expected_wins": pipeline["expected_wins"].to_numpy(float),
            "pipeline_revenue": pipeline["pipeline"].to_numpy(float),
            "weighted_revenue": pipeline["weighted"].to_numpy(float),
        }))
        frame = pd.concat(frames, ignore_index=True)
        frame["total_forecast"] = np.where(frame["is_forecast"],
                                           frame["run_rate_revenue"] + frame["weighted_revenue"].fillna(0), np.nan)
        frame["month"] = frame["month"].to_numpy(np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(str)
        frame["opportunity_count"] = frame["opportunity_count"].astype("Int64")
        frame.insert(0, "company_id", company.id)
        copy_in(cr, "crm_revenue_forecast", frame)
        self.invalidate_model()
