"""Each customer's scores from a stored fit: RFM, contribution rate, P(alive), expected purchases, likelihood to
buy, expected value and margin per order. A full refresh scores the base it has just fitted; an incremental one
scores the changed customers against the last fit and its RFM cut points, without refitting."""

import numpy as np
import pandas as pd

from . import forecast, rfm
from .clv_constants import DAYS_PER_MONTH

# {score column: summary column} of the model inputs the scores carry, integers then floats
_INTEGER_INPUTS = {"first_day": "first_day", "last_day": "last_day", "purchase_count": "purchases",
                   "frequency": "frequency", "recency_days": "recency_days"}
_FLOAT_INPUTS = {"revenue_total": "revenue", "margin_total": "margin", "recency": "recency", "age": "T",
                 "monetary_value": "monetary"}


def monthly_rate(annual_percent):
    """The monthly discount rate equivalent to an annual rate given in percent."""
    return (1.0 + annual_percent / 100.0) ** (1.0 / 12.0) - 1.0


def contribution_rates(revenue, margin, pnl_net, pnl_contribution):
    """The share of its revenue each customer leaves after product, channel and cost-to-serve costs, from its
    customer P&L (``pnl_net``, ``pnl_contribution``; NaN where the customer has no P&L rows): a loss-making
    customer has a negative rate, hence a negative CLV. Customers without P&L keep their gross margin rate
    (``margin`` / ``revenue``, 0 without revenue). Clipped to [-1, 1]."""
    revenue = np.asarray(revenue, dtype=float)
    margin = np.asarray(margin, dtype=float)
    net = np.asarray(pnl_net, dtype=float)
    contribution = np.asarray(pnl_contribution, dtype=float)
    positive = revenue > 0
    rate = np.where(positive, margin / np.where(positive, revenue, 1.0), 0.0)
    known = np.isfinite(net) & (net > 0)
    rate = np.where(known, contribution / np.where(known, net, 1.0), rate)
    return np.clip(rate, -1.0, 1.0)


def score_customers(customers, bgnbd, gg, margin_rate, settings, cuts=None):
    """(frame, cuts): one row per customer of the summary, its model inputs under the metrics' column names and
    its scores (all but the CLV, which depends on the fit's basis). RFM is scored against ``cuts`` when given
    (an incremental refresh), else against this base's quantiles, whose cut points are returned. ``settings``:
    ``rfm_bins``, ``unit_days``, ``horizon_months``, ``buy_days``."""
    frame = pd.DataFrame({"partner_id": customers.index.to_numpy(np.int64)})
    for name, col in _INTEGER_INPUTS.items():
        frame[name] = customers[col].to_numpy(np.int64)
    for name, col in _FLOAT_INPUTS.items():
        frame[name] = customers[col].to_numpy(float)
    if frame.empty:
        return frame, cuts or {}
    r, f, m, cuts = rfm.rfm_scores(frame["recency_days"], frame["purchase_count"], frame["revenue_total"],
                                   bins=settings["rfm_bins"], cuts=cuts or None)
    frame["rfm_recency"], frame["rfm_frequency"], frame["rfm_monetary"] = r, f, m
    frame["rfm_segment"] = rfm.segment(r, f, bins=settings["rfm_bins"])
    frame["margin_rate"] = margin_rate
    x = frame["frequency"].to_numpy(float)
    T = frame["age"].to_numpy(float)
    t_x = np.minimum(frame["recency"].to_numpy(float), T)
    unit_days = settings["unit_days"]
    month = DAYS_PER_MONTH / unit_days
    frame["p_alive"] = bgnbd.p_alive(x, t_x, T)
    frame["expected_purchases"] = bgnbd.conditional_expected_purchases(settings["horizon_months"] * month, x, t_x, T)
    frame["buy_probability"] = forecast.probability_of_purchase(bgnbd, settings["buy_days"] / unit_days, x, t_x, T)
    value = gg.conditional_expected_value(x, frame["monetary_value"].to_numpy(float))
    frame["expected_order_value"] = value
    frame["expected_order_margin"] = value * margin_rate
    return frame, cuts
