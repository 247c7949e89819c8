"""From purchase occasions to the model inputs of RFM and BG/NBD / Gamma-Gamma.

An occasion is one customer's activity on one day (the sum of that day's documents). A day counts as a
purchase when it holds a sale (a day with only credit notes changes revenue and margin, not the count), so
frequency counts REPEAT purchase days, recency is the age at the last purchase and T the age at the end of the
observation, all in the chosen time unit, as BG/NBD expects (see ``lib.arrays``).
"""

import numpy as np
import pandas as pd

COLUMNS = ["first_day", "last_day", "purchases", "revenue", "margin", "frequency", "recency", "T", "monetary",
           "monetary_var", "recency_days"]


def customer_summary(partner, day, revenue, margin, is_purchase, end_day, unit_days, calibration_end=None):
    """One row per customer with at least one purchase day, indexed by customer.

    ``day`` and ``end_day`` are day numbers (any epoch); occasions after ``end_day`` are ignored. Columns:
    first_day, last_day, purchases, revenue, margin, frequency, recency, T, monetary (mean revenue of the repeat
    purchase days, >= 0), monetary_var (sample variance of the repeat purchase days' revenue, 0 below two repeat
    purchases: the spread within a customer that the spend shrinkage weighs), recency_days. With
    ``calibration_end`` (a day number), also the calibration / holdout split for the back-test: in_calibration,
    cal_frequency, cal_recency, cal_T, holdout_purchases.
    """
    if unit_days <= 0:
        raise ValueError("unit_days must be > 0")
    frame = pd.DataFrame({
        "partner": np.asarray(partner, dtype=np.int64),
        "day": np.asarray(day, dtype=np.int64),
        "revenue": np.asarray(revenue, dtype=float),
        "margin": np.asarray(margin, dtype=float),
        "buy": np.asarray(is_purchase, dtype=bool),
    })
    frame = frame[frame["day"] <= end_day]
    buys = frame[frame["buy"]].sort_values(["partner", "day"], kind="stable")
    columns = COLUMNS + (["in_calibration", "cal_frequency", "cal_recency", "cal_T", "holdout_purchases"]
                         if calibration_end is not None else [])
    if buys.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="partner", dtype=np.int64), dtype=float)
    totals = frame.groupby("partner").agg(revenue=("revenue", "sum"), margin=("margin", "sum"))
    grouped = buys.groupby("partner", sort=True)
    first_revenue = grouped["revenue"].first()
    out = grouped.agg(first_day=("day", "min"), last_day=("day", "max"), purchases=("day", "size"),
                      buy_revenue=("revenue", "sum"))
    out = out.join(totals, how="left")
    out["frequency"] = out["purchases"] - 1
    out["recency"] = (out["last_day"] - out["first_day"]) / unit_days
    out["T"] = (end_day - out["first_day"]) / unit_days
    repeat_revenue = (out["buy_revenue"] - first_revenue).clip(lower=0.0)
    out["monetary"] = np.where(out["frequency"] > 0, repeat_revenue / out["frequency"].clip(lower=1), 0.0)
    repeats = buys[grouped.cumcount().to_numpy() > 0]
    out["monetary_var"] = repeats.groupby("partner")["revenue"].var(ddof=1).reindex(out.index).fillna(0.0).clip(
        lower=0.0)
    out["recency_days"] = end_day - out["last_day"]
    out = out.drop(columns="buy_revenue")
    if calibration_end is not None:
        before = buys[buys["day"] <= calibration_end]
        cal = before.groupby("partner").agg(cal_last=("day", "max"), cal_purchases=("day", "size"))
        cal = cal.reindex(out.index)
        out["in_calibration"] = cal["cal_purchases"].notna() & (out["first_day"] < calibration_end)
        out["cal_frequency"] = (cal["cal_purchases"].fillna(1) - 1).astype(np.int64)
        out["cal_recency"] = (cal["cal_last"].fillna(out["first_day"]) - out["first_day"]) / unit_days
        out["cal_T"] = ((calibration_end - out["first_day"]) / unit_days).clip(lower=0.0)
        out["holdout_purchases"] = out["purchases"] - cal["cal_purchases"].fillna(0).astype(np.int64)
    return out[columns]
