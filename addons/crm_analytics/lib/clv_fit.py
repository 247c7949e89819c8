"""The CLV models fitted on a customer base, and the back-test that grades them: what a full refresh runs on the
customer summary (``lib.summary.customer_summary``) before it scores anyone."""

import numpy as np

from . import forecast
from .bgnbd import BGNBDFit, fit_bgnbd
from .gamma_gamma import GammaGammaFit, fit_gamma_gamma


def fit_models(customers):
    """(BG/NBD, Gamma-Gamma) fitted on every customer of the summary. A base without customers gets neutral fits
    on nobody, so that the refresh still records a fit (and a Gamma-Gamma of mean spend 0: no invented amount)."""
    if not len(customers):
        return (BGNBDFit(r=1.0, alpha=1.0, a=1.0, b=1.0, log_likelihood=0.0, n_customers=0),
                GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0))
    x, t_x, T, m, m_var = (customers[name].to_numpy(float)
                           for name in ("frequency", "recency", "T", "monetary", "monetary_var"))
    return fit_bgnbd(x, t_x, T), fit_gamma_gamma(x, m, monetary_var=m_var)


def backtest(customers, horizon):
    """Back-test of the BG/NBD on the calibration / holdout split of the summary: refit on the calibration period
    only, predict each calibration customer's purchases over the holdout window (``horizon``, in the model's time
    unit), and compare with what happened and with a naive forecast (the customer's calibration rate carried
    forward). ``forecast.holdout_errors`` of the comparison; empty below two calibration customers."""
    cal = customers[customers["in_calibration"].astype(bool)] if len(customers) else customers
    if len(cal) < 2:
        return forecast.holdout_errors([], [], [])
    x, t_x, T = (cal[name].to_numpy(float) for name in ("cal_frequency", "cal_recency", "cal_T"))
    predicted = fit_bgnbd(x, t_x, T).conditional_expected_purchases(horizon, x, t_x, T)
    naive = np.where(T > 0, x / np.where(T > 0, T, 1.0), 0.0) * horizon
    return forecast.holdout_errors(predicted, cal["holdout_purchases"].to_numpy(float), naive)
