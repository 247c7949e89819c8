"""RFM: recency, frequency and monetary scores, and the named groups marketers act on.

Scores are quantile bins (1 = worst, ``bins`` = best) over the customer base. The cut points are returned
with the scores so that an incremental refresh can score a few changed customers against the base's last
full distribution instead of re-ranking everybody. Ties always get the same score.
"""

import numpy as np

from .rfm_segments import BINS, cuts_fit

# The named group (a key of ``rfm_segments.SEGMENTS``) of each cell of the recency x frequency grid (5 bins), the
# usual map of RFM practice: rows are the recency score 1..5, columns the frequency score 1..5.
_GRID = np.array(
    [
        # F=1            F=2             F=3                    F=4                    F=5
        ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"],  # R=1
        ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"],  # R=2
        ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],  # R=3
        ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],  # R=4
        ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],  # R=5
    ],
    dtype=object,
)


def _values(name, values):
    arr = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def breakpoints(values, bins=BINS):
    """The ``bins - 1`` inner quantile cut points of ``values`` (empty input: all zeros)."""
    if bins < 2:
        raise ValueError("bins must be at least 2")
    arr = _values("values", values)
    if not len(arr):
        return np.zeros(bins - 1)
    return np.quantile(arr, np.arange(1, bins) / bins)


def score(values, cuts, higher_is_better=True):
    """Bin of each value against ``cuts`` (from :func:`breakpoints`), 1..len(cuts)+1, best = highest.

    A value equal to a cut point falls in the bin of the smaller values, so a heavily tied value (most customers
    bought once) shares one score instead of being split arbitrarily.
    """
    arr = _values("values", values)
    cuts = np.asarray(cuts, dtype=float)
    if higher_is_better:
        return (1 + np.searchsorted(cuts, arr, side="left")).astype(np.int16)
    # Lower is better (recency in days): the smallest values get the top score.
    return (len(cuts) + 1 - np.searchsorted(cuts, arr, side="left")).astype(np.int16)


def rfm_scores(recency_days, frequency, monetary, bins=BINS, cuts=None):
    """R, F and M scores (int arrays) and the cut points used, as a dict {'r': [...], 'f': [...], 'm': [...]}.

    ``recency_days`` is the time since the last purchase (lower is better); ``frequency`` the number of
    purchases; ``monetary`` the value bought. Pass ``cuts`` from an earlier call to score against that
    distribution.
    """
    recency_days = _values("recency_days", recency_days)
    frequency = _values("frequency", frequency)
    monetary = _values("monetary", monetary)
    if not (len(recency_days) == len(frequency) == len(monetary)):
        raise ValueError("recency_days, frequency and monetary have mismatched lengths")
    if cuts is not None and not cuts_fit(cuts, bins):
        raise ValueError(f"the cut points were not made for {bins} bins")
    if cuts is None:
        cuts = {"r": breakpoints(recency_days, bins), "f": breakpoints(frequency, bins),
                "m": breakpoints(monetary, bins)}
    cuts = {key: np.asarray(cuts[key], dtype=float) for key in ("r", "f", "m")}
    r = score(recency_days, cuts["r"], higher_is_better=False)
    f = score(frequency, cuts["f"])
    m = score(monetary, cuts["m"])
    return r, f, m, {key: value.tolist() for key, value in cuts.items()}


def segment(r, f, bins=BINS):
    """Named group key of each customer from the recency and frequency scores (``rfm_segments.SEGMENTS``).

    With another number of bins the scores are first rescaled onto the 5-bin grid.
    """
    r = np.asarray(r, dtype=float).ravel()
    f = np.asarray(f, dtype=float).ravel()
    if len(r) != len(f):
        raise ValueError("r and f have mismatched lengths")
    if np.any((r < 1) | (r > bins) | (f < 1) | (f > bins)):
        raise ValueError(f"scores must lie between 1 and {bins}")
    if bins != BINS:
        r = np.ceil(r * BINS / bins)
        f = np.ceil(f * BINS / bins)
    return _GRID[r.astype(int) - 1, f.astype(int) - 1]
