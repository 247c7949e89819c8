"""Customer lifetime value: BG/NBD purchase counts (``lib.bgnbd``) times Gamma-Gamma spend (``lib.gamma_gamma``),
discounted, on margin, with its interval from the uncertainty of both fits."""

from dataclasses import replace

import numpy as np
from scipy import special

from . import arrays

# Distinct histories forecast at once by discounted_clv: bounds its memory (a few MB a period) at any base size.
HISTORY_BLOCK = 50_000


def discounted_clv(
    bgnbd,
    gg,
    frequency,
    recency,
    T,
    monetary_value,
    margin_rate,
    horizon_periods,
    discount_rate_per_period,
    period_length=1.0,
):
    """Present value of the MARGIN a customer is expected to bring over the next ``horizon_periods`` periods.

    Period k (k = 1..H) contributes E[purchases in period k] x E[value per purchase] x margin_rate / (1 + d)^k,
    where the purchases come from differences of ``conditional_expected_purchases`` at k and k-1 periods. Margin,
    not revenue, because revenue overstates what a customer is worth. ``period_length`` is the length of one
    period in the unit of ``T`` (e.g. 4.345 for months when T is in weeks). ``margin_rate`` may be a scalar or one
    value per customer.
    """
    x, t_x, T = arrays.history(frequency, recency, T)
    x, t_x, T, m, margin = arrays.checked(
        frequency=x, recency=t_x, T=T, monetary_value=monetary_value, margin_rate=margin_rate
    )
    if np.any(margin > 1.0):
        raise ValueError("margin_rate must lie between 0 and 1")
    (horizon,) = arrays.checked(horizon_periods=horizon_periods)
    if isinstance(horizon_periods, bool) or horizon.ndim or not float(horizon).is_integer():
        raise ValueError("horizon_periods must be a whole number >= 0")
    horizon = int(horizon)
    (d,) = arrays.checked(discount_rate_per_period=discount_rate_per_period)
    if d.ndim:
        raise ValueError("discount_rate_per_period must be a single number")
    (length,) = arrays.checked(period_length=period_length)
    if length.ndim or length <= 0:
        raise ValueError("period_length must be a single number > 0")

    value = gg.conditional_expected_value(x, m)
    if horizon == 0:
        return np.zeros_like(value)
    # Customers with the same history get the same purchase forecast: compute it once per distinct history
    # (recency is irrelevant without repeats), which on day-granular data removes most of the work.
    (ux, ut_x, uT), inverse = arrays.group(x.ravel(), np.where(x > 0, t_x, 0.0).ravel(), T.ravel())
    times = np.arange(horizon + 1) * float(length)
    discount = (1.0 + float(d)) ** -np.arange(1, horizon + 1)
    # by blocks of histories: the forecast at every period end is a (histories x periods) matrix, and its
    # intermediates at 10^6 histories would take gigabytes at once
    discounted = np.empty(len(ux))
    for block in range(0, len(ux), HISTORY_BLOCK):
        part = slice(block, block + HISTORY_BLOCK)
        cumulative = bgnbd.conditional_expected_purchases(times, ux[part, None], ut_x[part, None], uT[part, None])
        discounted[part] = np.clip(np.diff(cumulative, axis=-1), 0.0, None) @ discount
    purchases = discounted[inverse].reshape(x.shape)
    return purchases * value * margin


def log_purchases_variance(bgnbd, t, frequency, recency, T, step=1e-4):
    """Variance of log E[purchases in (T, T + t] | history] from the uncertainty of the BG/NBD parameters (delta
    method): the gradient in the log-parameters by forward differences, once per distinct history, against the
    fit's covariance. Zero when the fit carries no covariance."""
    x, t_x, T = arrays.history(frequency, recency, T)
    if not bgnbd.cov:
        return np.zeros(x.shape)
    (ux, ut_x, uT), inverse = arrays.group(x.ravel(), np.where(x > 0, t_x, 0.0).ravel(), T.ravel())
    base = bgnbd.conditional_expected_purchases(t, ux, ut_x, uT)
    names = ("r", "alpha", "a", "b")
    grads = np.empty((len(ux), 4))
    for j, name in enumerate(names):
        moved = replace(bgnbd, **{name: getattr(bgnbd, name) * np.exp(step)})
        shifted = moved.conditional_expected_purchases(t, ux, ut_x, uT)
        with np.errstate(divide="ignore", invalid="ignore"):
            grads[:, j] = np.where(base > 0, (shifted - base) / base / step, 0.0)
    variance = np.einsum("ni,ij,nj->n", grads, np.asarray(bgnbd.cov, dtype=float), grads)
    return np.clip(variance, 0.0, None)[inverse].reshape(x.shape)


def clv_interval(bgnbd, gg, frequency, recency, T, monetary_value, margin_rate, horizon_periods,
                 discount_rate_per_period, period_length=1.0, level=0.8):
    """``discounted_clv`` with an interval: (clv, low, high), per customer.

    The interval reflects how well the data pin the parameters down (their covariance from the Hessian), by the
    delta method on log CLV = log purchases + log value + log margin: the two fits are independent, so the
    variances add, and the interval is clv x exp(+-z sd), never negative. The purchases' sensitivity is taken on
    the whole horizon undiscounted (discounting reweights the months, not their sensitivity to the parameters),
    which costs five purchase forecasts per distinct history instead of five times the discounted sum.
    """
    value = discounted_clv(bgnbd, gg, frequency, recency, T, monetary_value, margin_rate, horizon_periods,
                           discount_rate_per_period, period_length)
    if not 0.0 < level < 1.0:
        raise ValueError("level must lie between 0 and 1")
    z = float(special.ndtri(0.5 + level / 2.0))
    horizon = float(horizon_periods) * float(period_length)
    x, t_x, T = arrays.history(frequency, recency, T)
    variance = gg.log_value_variance(x, monetary_value)
    if horizon > 0:
        variance = variance + log_purchases_variance(bgnbd, horizon, x, t_x, T)
    spread = np.exp(z * np.sqrt(variance))
    return value, value / spread, value * spread
