"""Fingerprint submission: a booking's prints reach DHS IDENT only where and when
IDENT/IAFIS interoperability is active (reference/scomm-facts.md §1.1)."""

from __future__ import annotations

import numpy as np


def submissions_count(bookings: np.ndarray, active_from: np.ndarray) -> np.ndarray:
    """How many of a county-month's bookings (evenly spread over the month) are submitted.

    Booking i sits at position (i + 0.5) / n; it is submitted when that is >= active_from.
    """
    n = np.asarray(bookings, dtype=np.int64)
    first = np.ceil(n * np.asarray(active_from, dtype=np.float64) - 0.5).astype(np.int64)
    first = np.clip(first, 0, n)
    return n - first


def submitted(index: np.ndarray, bookings: np.ndarray, active_from: np.ndarray) -> np.ndarray:
    """Whether booking ``index`` (0-based, in booking order) of a county-month's ``bookings``
    is submitted: the last ``submissions_count`` bookings of the month are, since
    interoperability switched on at the month fraction ``active_from`` (0 = all month,
    1 = not at all)."""
    n = np.asarray(bookings, dtype=np.int64)
    return (index < n) & (index >= n - submissions_count(n, active_from))
