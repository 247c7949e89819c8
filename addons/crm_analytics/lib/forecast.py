"""Forecasting and back-testing: pipeline by month, run-rate from history, likelihood to buy, grades.

Every forecast here is back-tested the same way: predicted against actual on past data the forecast did not
see, with its error set against a naive baseline. The grade says whether the model earns its keep:
A when its error is at most 80 % of the baseline's, B when no worse than the baseline, C otherwise.
"""

import numpy as np
import pandas as pd

GRADE_A = 0.8


def grade(error, baseline_error):
    """'A', 'B' or 'C' from a model's error and a naive baseline's error on the same data (lower is better)."""
    error = float(error)
    baseline_error = float(baseline_error)
    if not np.isfinite(error):
        return "C"
    if baseline_error <= 0 or not np.isfinite(baseline_error):
        # A perfect (or undefined) baseline can only be matched.
        return "A" if error <= 1e-12 else "C"
    ratio = error / baseline_error
    if ratio <= GRADE_A:
        return "A"
    return "B" if ratio <= 1.0 else "C"


def wape(actual, predicted):
    """Weighted absolute percentage error: sum |error| / sum |actual| (finite with zero months, unlike MAPE)."""
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    total = np.abs(actual).sum()
    err = np.abs(actual - predicted).sum()
    if total == 0:
        return 0.0 if err == 0 else float("inf")
    return float(err / total)


# --------------------------------------------------------------------------------------------------------------
# Pipeline
# --------------------------------------------------------------------------------------------------------------


def pipeline_by_month(months, expected_revenue, probability):
    """Open opportunities grouped by expected closing month: count, expected wins (sum of probabilities),
    pipeline value and weighted value (expected revenue x probability). ``probability`` is in percent."""
    frame = pd.DataFrame({
        "month": np.asarray(months).ravel(),
        "revenue": np.asarray(expected_revenue, dtype=float).ravel(),
        "probability": np.clip(np.asarray(probability, dtype=float).ravel(), 0.0, 100.0) / 100.0,
    })
    frame["weighted"] = frame["revenue"] * frame["probability"]
    return frame.groupby("month").agg(
        opportunities=("revenue", "size"),
        expected_wins=("probability", "sum"),
        pipeline=("revenue", "sum"),
        weighted=("weighted", "sum"),
    )


# --------------------------------------------------------------------------------------------------------------
# Run-rate
# --------------------------------------------------------------------------------------------------------------


def _seasonal_index(history, target, window):
    """Last year's value of the target period over last year's run-rate at the same origin (1 when the
    history is too short or last year's level is not positive), clipped to [0.25, 4] against outliers."""
    n = len(history)
    same = target - 12
    base = n - 12
    if same < 0 or base - window < 0 or same >= n:
        return 1.0
    level = history[base - window:base].mean()
    if level <= 0:
        return 1.0
    return float(np.clip(history[same] / level, 0.25, 4.0))


def run_rate_forecast(history, horizon, window=3, seasonal=True):
    """Next ``horizon`` periods (months) from the mean of the last ``window`` periods of ``history``, times a
    seasonal index taken from the year before when 12 + ``window`` periods of history exist."""
    history = np.asarray(history, dtype=float).ravel()
    if horizon < 0:
        raise ValueError("horizon must be >= 0")
    if window < 1:
        raise ValueError("window must be >= 1")
    if not len(history):
        return np.zeros(horizon)
    level = history[-window:].mean()
    n = len(history)
    factors = [_seasonal_index(history, n + h, window) if seasonal else 1.0 for h in range(horizon)]
    return level * np.asarray(factors, dtype=float)


def backtest(history, window=3, seasonal=True, min_history=None):
    """One-step-ahead rolling back-test of the run-rate on ``history`` (oldest first).

    Each period from ``min_history`` (default ``window``) on is forecast from the periods before it only.
    Returns ``(frame, summary)``: per tested period the forecast, the naive forecast (last period's value) and
    the actual; the summary holds the WAPE of both and the grade.
    """
    history = np.asarray(history, dtype=float).ravel()
    start = max(window if min_history is None else int(min_history), 1)
    rows = []
    for t in range(start, len(history)):
        past = history[:t]
        rows.append((t, float(run_rate_forecast(past, 1, window, seasonal)[0]), float(past[-1]), history[t]))
    frame = pd.DataFrame(rows, columns=["period", "forecast", "naive", "actual"]).set_index("period")
    if frame.empty:
        return frame, {"wape": 0.0, "naive_wape": 0.0, "grade": False, "periods": 0}
    error = wape(frame["actual"], frame["forecast"])
    naive_error = wape(frame["actual"], frame["naive"])
    return frame, {"wape": error, "naive_wape": naive_error, "grade": grade(error, naive_error),
                   "periods": len(frame)}


# --------------------------------------------------------------------------------------------------------------
# Likelihood to buy, CLV back-test
# --------------------------------------------------------------------------------------------------------------


def probability_of_purchase(bgnbd, t, frequency, recency, T):
    """P(at least one purchase in (T, T + t] | history) under a fitted BG/NBD (``lib.bgnbd.BGNBDFit``).

    A customer can only drop out right after a purchase, so buying nothing in the window means staying alive
    and drawing no Poisson event: with lambda ~ Gamma(r + x, alpha + T) a posteriori, that has probability
    ((alpha + T) / (alpha + T + t))^(r + x). Hence P(buy) = P(alive) x (1 - that).
    """
    t = np.asarray(t, dtype=float)
    if np.any(t < 0):
        raise ValueError("t contains negative values")
    alive = bgnbd.p_alive(frequency, recency, T)
    x = np.asarray(frequency, dtype=float)
    c = bgnbd.alpha + np.asarray(T, dtype=float)
    log_none = (bgnbd.r + x) * (np.log(c) - np.log(c + t))
    return alive * -np.expm1(log_none)


def holdout_errors(predicted, actual, naive):
    """Back-test of per-customer purchase counts: mean absolute error of the model and of the naive forecast
    (the customer's past rate carried forward), their totals and the grade."""
    predicted = np.asarray(predicted, dtype=float)
    actual = np.asarray(actual, dtype=float)
    naive = np.asarray(naive, dtype=float)
    if not len(actual):
        return {"mae": 0.0, "naive_mae": 0.0, "predicted": 0.0, "actual": 0.0, "naive": 0.0, "grade": False,
                "customers": 0}
    mae = float(np.abs(predicted - actual).mean())
    naive_mae = float(np.abs(naive - actual).mean())
    return {
        "mae": mae,
        "naive_mae": naive_mae,
        "predicted": float(predicted.sum()),
        "actual": float(actual.sum()),
        "naive": float(naive.sum()),
        "grade": grade(mae, naive_mae),
        "customers": len(actual),
    }
