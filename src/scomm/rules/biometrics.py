"""Fingerprint submission: a booking's prints reach DHS IDENT only where and when
IDENT/IAFIS interoperability is active (reference/scomm-facts.md §1.1)."""

from __future__ import annotations

import numpy as np


def checked_count(active: np.ndarray, per_booking: np.ndarray | float = 1.0) -> np.ndarray:
    """People whose prints are checked among ``active`` bookings (those after activation):
    min(r, 1) of them, rounded half up, for ``per_booking`` = r fingerprint submissions per
    booking; at r >= 1 every one (the extra prints are repeats, scomm.bookings.submissions)."""
    n = np.asarray(active, dtype=np.int64)
    share = np.broadcast_to(np.asarray(per_booking, dtype=np.float64), n.shape)
    return np.where(share >= 1.0, n, np.floor(n * share + 0.5).astype(np.int64))


def submissions_count(
    bookings: np.ndarray, active_from: np.ndarray, per_booking: np.ndarray | float = 1.0
) -> np.ndarray:
    """How many of a county-month's bookings (evenly spread over the month) are submitted.

    Booking i sits at position (i + 0.5) / n; it is active when that is >= active_from. Of
    the active bookings, ``checked_count`` reach IDENT (all of them at ``per_booking`` >= 1).
    """
    n = np.asarray(bookings, dtype=np.int64)
    first = np.ceil(n * np.asarray(active_from, dtype=np.float64) - 0.5).astype(np.int64)
    first = np.clip(first, 0, n)
    return checked_count(n - first, per_booking)


def submitted(
    index: np.ndarray,
    bookings: np.ndarray,
    active_from: np.ndarray,
    per_booking: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Whether booking ``index`` (0-based, in booking order) of a county-month's ``bookings``
    is submitted: the last ``submissions_count`` bookings of the month are, since
    interoperability switched on at the month fraction ``active_from`` (0 = all month,
    1 = not at all) and ``per_booking`` prints per booking reach IDENT."""
    n = np.asarray(bookings, dtype=np.int64)
    return (index < n) & (index >= n - submissions_count(n, active_from, per_booking))
