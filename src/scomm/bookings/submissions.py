"""Fingerprint submissions per jail booking: how one parameter maps to the pipeline and to
ICE's counts.

The contract's ``submissions`` are bookings whose prints were checked against IDENT: people,
at most one per booking, so ``bookings >= submissions`` always holds. ICE's own statistics count
*fingerprint submissions*, which differ from bookings both ways:

- fewer, when some bookings' prints never reach IAFIS (states that forward only some arrests,
  paper cards, prints sent after release);
- more, when one arrest is printed more than once (at a city police station and again at the
  county jail, re-bookings, transfers) or when city police print arrestees they book and
  release themselves, outside the county jail's count.

One rate ``r`` (parameter ``program.submissions_per_booking``) covers both:

- people checked = ``min(r, 1)`` × bookings in active months (a rate below 1 leaves some
  bookings unchecked; above 1 every booking is checked once);
- ICE-counted submissions = ``max(r, 1)`` × people checked (= ``r`` × bookings);
- ICE-counted matches = ``max(r, 1)`` × people matched: a repeated print of a matched person
  matches again, so a count of matching submissions includes the repeats.

The extra submissions above 1 are modeled as repeats of people already in the pipeline: a
person printed twice is matched, detained and removed once. People printed by city police and
released without a jail booking are not modeled as extra people (they are never in jail
custody for a detainer to hold).
"""

from __future__ import annotations

import numpy as np

from scomm.rules import biometrics


def _rate(rate: float | np.ndarray) -> np.ndarray:
    r = np.asarray(rate, dtype=np.float64)
    if not (np.isfinite(r).all() and (r > 0).all()):
        raise ValueError(f"submissions per booking must be finite and > 0, got {rate}")
    return r


def checked_share(rate: float | np.ndarray) -> np.ndarray:
    """Share of bookings in active months whose prints are checked: min(r, 1)."""
    return np.minimum(_rate(rate), 1.0)


def checked_count(active_bookings: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """People checked among ``active_bookings`` (whole numbers, rounded half up): the engine's
    rule (``rules.biometrics.checked_count``) for a checked rate."""
    return biometrics.checked_count(active_bookings, checked_share(rate))


def ice_counted(people: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """ICE-counted submissions (or matches) for ``people`` checked (or matched): people ×
    max(r, 1), as floats (an expected count)."""
    return np.asarray(people, dtype=np.float64) * np.maximum(_rate(rate), 1.0)
