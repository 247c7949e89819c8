"""Acquisition cohorts and retention.

A customer's cohort is the period of their first purchase; their age in a later period is the number of
periods since. Retention at age k is the share of a cohort active (at least one purchase) in its k-th period.
Periods are integers (e.g. months counted from an epoch), so the functions know nothing about calendars.
Only ages a cohort has lived through are reported: a cell the data cannot observe yet is missing (NaN), not 0.
"""

import numpy as np
import pandas as pd


def _activity(customers, periods):
    frame = pd.DataFrame({"customer": np.asarray(customers).ravel(), "period": np.asarray(periods).ravel()})
    if frame["period"].isna().any():
        raise ValueError("periods contain missing values")
    frame["period"] = frame["period"].astype(np.int64)
    frame = frame.drop_duplicates()
    frame["cohort"] = frame.groupby("customer")["period"].transform("min")
    frame["age"] = frame["period"] - frame["cohort"]
    return frame


def retention_matrix(customers, periods, last_period=None):
    """Cohort x age tables from activity pairs (one pair per customer and active period; duplicates allowed).

    Returns ``(sizes, active, retention)``: ``sizes`` a Series of customers per cohort; ``active`` the number of
    customers of each cohort active at each age; ``retention`` = active / size. Ages a cohort has not reached by
    ``last_period`` (default: the last period in the data) are NaN in both tables.
    """
    frame = _activity(customers, periods)
    if frame.empty:
        empty = pd.DataFrame(dtype=float)
        return pd.Series(dtype=np.int64), empty, empty
    last = int(frame["period"].max() if last_period is None else last_period)
    active = frame.groupby(["cohort", "age"]).size().unstack("age").astype(float)
    ages = np.arange(0, max(last - int(frame["cohort"].min()), 0) + 1)
    active = active.reindex(columns=ages)
    sizes = active[0].astype(np.int64)
    active = active.fillna(0.0)
    observable = ages[None, :] <= (last - active.index.to_numpy())[:, None]
    active = active.where(observable)
    retention = active.div(sizes, axis=0)
    return sizes, active, retention


def retention_curve(sizes, active):
    """Retention by age over several cohorts, weighted by cohort size, counting at each age only the cohorts
    old enough to be observed there (dividing by every cohort would bias the tail down)."""
    if active.empty:
        return pd.Series(dtype=float)
    observed = active.notna()
    denominator = observed.mul(sizes, axis=0).sum()
    return active.fillna(0.0).sum() / denominator.where(denominator > 0)


def observed_sizes(sizes, active):
    """Customers observable at each age (the denominator of :func:`retention_curve`)."""
    if active.empty:
        return pd.Series(dtype=np.int64)
    return active.notna().mul(sizes, axis=0).sum().astype(np.int64)


def retention_by_group(customers, periods, groups, last_period=None):
    """Retention curve per group (e.g. segment) as a DataFrame group x age, and the observable customers per
    group and age (same shape).

    ``groups`` gives each activity pair's group (one group per customer is expected; the customer's first
    listed group is used otherwise). All groups share ``last_period`` (default: the last period overall).
    """
    frame = pd.DataFrame({
        "customer": np.asarray(customers).ravel(),
        "period": np.asarray(periods).ravel(),
        "group": np.asarray(groups, dtype=object).ravel(),
    })
    if frame.empty:
        return pd.DataFrame(dtype=float), pd.DataFrame(dtype=np.int64)
    last = int(frame["period"].max() if last_period is None else last_period)
    frame["group"] = frame.groupby("customer")["group"].transform("first")
    curves, counts = {}, {}
    for group, part in frame.groupby("group", sort=True):
        sizes, active, _ = retention_matrix(part["customer"], part["period"], last)
        curves[group] = retention_curve(sizes, active)
        counts[group] = observed_sizes(sizes, active)
    return pd.DataFrame(curves).T, pd.DataFrame(counts).T


EPOCH = np.datetime64("1970-01-01")


def month_index(days, epoch=EPOCH):
    """Months since January 1970 of dates given as numpy datetime64 or day numbers since ``epoch``."""
    days = np.asarray(days)
    if not np.issubdtype(days.dtype, np.datetime64):
        days = epoch + days.astype("timedelta64[D]")
    return days.astype("datetime64[M]").astype(np.int64)
