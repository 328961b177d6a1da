"""Share national jail admissions out across counties.

For each month: counties whose bookings are fixed (California's own Jail Profile Survey
counts, and any county-year of a user-supplied admissions panel) keep them; the rest of the
national figure (BJS admissions / 12, less the fixed counties' bookings, never below zero) is
divided among the other counties in proportion to their weights (population × relative
booking rate; population alone reproduces the old population-share rule).
"""

from __future__ import annotations

import numpy as np


def county_bookings(national: np.ndarray, fixed: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Bookings (county, month) as floats.

    ``national`` (month,): national admissions per month; ``fixed`` (county, month): a
    county-month's own bookings, NaN where it has none; ``weights`` (county,): non-negative
    and finite. Counties with no fixed month at all share the remainder; a county with some
    fixed months keeps those and gets its weight's share in the others.
    """
    national = np.asarray(national, dtype=np.float64)
    fixed = np.asarray(fixed, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("county weights must be finite and non-negative")
    has = ~np.isnan(fixed)
    rows = has.any(axis=1)
    remainder = np.maximum(national - np.where(has, fixed, 0.0)[rows].sum(axis=0), 0.0)
    out = np.empty_like(fixed)
    for mask, cols in _column_groups(~has).items():
        free = np.frombuffer(mask, dtype=bool)
        w = np.where(free, weights, 0.0)
        total = weights[free].sum()
        share = w / total if total > 0 else np.zeros_like(w)
        out[:, cols] = share[:, None] * remainder[None, cols]
    return np.where(has, fixed, out)


def _column_groups(free: np.ndarray) -> dict[bytes, np.ndarray]:
    """Months grouped by their set of free counties (usually one group): each group's weight
    total is one sum over its counties, as the population-share rule computed it."""
    groups: dict[bytes, list[int]] = {}
    for j in range(free.shape[1]):
        groups.setdefault(np.ascontiguousarray(free[:, j]).tobytes(), []).append(j)
    return {k: np.array(v) for k, v in groups.items()}
