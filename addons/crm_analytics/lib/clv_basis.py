"""Whether the CLV model may be presented, and the simple historical CLV shown when it may not.

A BG/NBD x Gamma-Gamma fit on a handful of repeat customers, or one whose back-test is worse than a naive forecast
(grade C), is not a model output anyone should act on. Below a minimum number of repeat customers, or at grade C,
the CLV shown is the historical one instead: each customer's average margin per month so far, times the months the
customer is expected to stay over the horizon, from the retention observed in the base (discounted like the model
CLV, so both cover the same period and can be compared). It is labelled as such wherever it is shown.
"""

from dataclasses import dataclass

import numpy as np
from scipy import special

from .clv_constants import DAYS_PER_MONTH, HISTORICAL, MODEL, RETENTION_DAYS


def clv_basis(n_repeat, min_repeat, grade):
    """(basis, reasons): ``MODEL`` with no reason, or ``HISTORICAL`` with ``few_repeat`` (fewer repeat customers
    than ``min_repeat``) and/or ``grade_c`` (the back-test grade is C)."""
    reasons = []
    if n_repeat < max(int(min_repeat), 1):
        reasons.append("few_repeat")
    if grade == "C":
        reasons.append("grade_c")
    return (HISTORICAL if reasons else MODEL), tuple(reasons)


@dataclass(frozen=True)
class Retention:
    """Share of the customers acquired at least a year ago who bought again within the last year.

    Estimated with a uniform prior (Laplace's rule: (retained + 1) / (eligible + 2)), so that three retained
    customers out of three do not make customers immortal and a base with nobody a year old still gets a figure.
    """

    retained: int
    eligible: int

    @property
    def annual(self):
        return (self.retained + 1.0) / (self.eligible + 2.0)

    def quantile(self, q):
        """Quantile of the annual retention under its Beta(retained + 1, lost + 1) posterior."""
        return float(special.betaincinv(self.retained + 1.0, self.eligible - self.retained + 1.0, q))

    @property
    def lifetime_years(self):
        """Expected remaining lifetime of a customer, in years, if each year is survived with the annual
        retention (geometric): 1 / (1 - retention)."""
        return 1.0 / (1.0 - self.annual)


def observed_retention(age_days, recency_days, window_days=RETENTION_DAYS):
    """``Retention`` from each customer's age (days since the first purchase) and days since the last one."""
    age = np.asarray(age_days, dtype=float)
    recency = np.asarray(recency_days, dtype=float)
    eligible = age >= window_days
    retained = eligible & (recency < window_days)
    return Retention(retained=int(retained.sum()), eligible=int(eligible.sum()))


def months_retained(annual_retention, horizon_months, monthly_discount):
    """Expected discounted number of months a customer stays over the horizon: sum over k = 1..H of
    (s / (1 + d))^k, with s = annual retention^(1/12) the monthly survival."""
    f = float(np.clip(annual_retention, 0.0, 1.0)) ** (1.0 / 12.0) / (1.0 + float(monthly_discount))
    horizon = int(horizon_months)
    if abs(1.0 - f) < 1e-12:
        return float(horizon)
    return f * (1.0 - f**horizon) / (1.0 - f)


def historical_clv(lifetime_margin, age_days, retention, horizon_months, monthly_discount, level=0.8):
    """(clv, low, high) per customer: average margin per month so far (lifetime margin over the months since the
    first purchase, at least one; never negative) x ``months_retained``; the interval comes from the uncertainty
    of the observed retention (its posterior quantiles), the only estimated quantity."""
    if not 0.0 < level < 1.0:
        raise ValueError("level must lie between 0 and 1")
    margin = np.clip(np.asarray(lifetime_margin, dtype=float), 0.0, None)
    months = np.maximum(np.asarray(age_days, dtype=float) / DAYS_PER_MONTH, 1.0)
    per_month = margin / months
    tail = (1.0 - level) / 2.0
    point, low, high = (months_retained(annual, horizon_months, monthly_discount)
                        for annual in (retention.annual, retention.quantile(tail), retention.quantile(1.0 - tail)))
    return per_month * point, per_month * low, per_month * high
