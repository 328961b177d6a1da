"""Stage 1: fingerprint submission. A booking's prints reach DHS IDENT only where and
when IDENT/IAFIS interoperability is active (reference/scomm-facts.md §1.1)."""

from __future__ import annotations

import numpy as np


def submitted(position: np.ndarray, active_from: np.ndarray) -> np.ndarray:
    """A booking at ``position`` in its month (0 = first day, 1 = end) is submitted when
    interoperability was active by then; ``active_from`` is the month fraction at which
    it switched on (0 = all month, 1 = not at all)."""
    return position >= active_from


def submissions_count(bookings: np.ndarray, active_from: np.ndarray) -> np.ndarray:
    """How many of a county-month's bookings (evenly spread over the month) are submitted.

    Booking i sits at position (i + 0.5) / n; it is submitted when that is >= active_from.
    """
    n = np.asarray(bookings, dtype=np.int64)
    first = np.ceil(n * np.asarray(active_from, dtype=np.float64) - 0.5).astype(np.int64)
    first = np.clip(first, 0, n)
    return n - first
