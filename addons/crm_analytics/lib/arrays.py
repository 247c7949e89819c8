"""Checked numeric inputs of the CLV models, and the grouping of identical customer histories.

Conventions are those of the papers (and of the ``lifetimes`` package): ``frequency`` counts REPEAT purchases,
``recency`` is the customer's age at the last repeat purchase (0 when there is none), ``T`` the customer's age at
the end of the observation window, all in one time unit. Every function takes array-likes and broadcasts them.
"""

import numpy as np


def checked(**named):
    """Float copies of the inputs, broadcast together; bad values raise ValueError naming the argument."""
    arrays = {}
    for name, value in named.items():
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric") from exc
        if arr.size == 0:
            raise ValueError(f"{name} is empty")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if np.any(arr < 0):
            raise ValueError(f"{name} contains negative values")
        arrays[name] = arr
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError as exc:
        shapes = ", ".join(f"{name} {arr.shape}" for name, arr in arrays.items())
        raise ValueError(f"inputs have mismatched lengths/shapes: {shapes}") from exc
    return [np.array(arr, dtype=float) for arr in out]  # broadcast views are read-only


def history(frequency, recency, T):
    """Checked (frequency, recency, T); recency is clipped onto T when it exceeds it only by rounding."""
    frequency, recency, T = checked(frequency=frequency, recency=recency, T=T)
    if np.any(np.abs(frequency - np.round(frequency)) > 1e-9):
        raise ValueError("frequency must hold whole numbers of repeat purchases")
    if np.any(recency > T + 1e-9 * np.maximum(T, 1.0)):
        raise ValueError("recency must not exceed T (the last repeat purchase lies inside the observation window)")
    return np.round(frequency), np.minimum(recency, T), T


def penalizer(value):
    """The checked ``penalizer`` of a fit: a finite number >= 0."""
    try:
        value = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError("penalizer must be a number") from exc
    if not np.isfinite(value) or value < 0:
        raise ValueError("penalizer must be a finite number >= 0")
    return value


def group(*columns):
    """Distinct rows of equal-length columns, and each row's index into them: sort-and-split, which is much
    faster than np.unique(axis=0)."""
    order = np.lexsort(columns[::-1])
    ordered = [col[order] for col in columns]
    first = np.zeros(len(order), dtype=bool)
    first[:1] = True
    for col in ordered:
        first[1:] |= col[1:] != col[:-1]
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return [col[first] for col in ordered], inverse


def dot(u, v):
    """Inner product without BLAS: np.dot hands long vectors to a threaded BLAS, which on a busy two-core machine
    doubled the CPU time of a fit and halved its speed."""
    return float(np.sum(u * v))
