"""Pretextual arrests: a scenario mechanism, not history.

The Serrano letter (reference/scomm-facts.md §1.9) and the HSAC task force (§1.4) feared
that S-Comm would invite arrests of Hispanic residents on minor pretexts in order to run
their fingerprints. A scenario's ``pretext`` entries add such arrests: in the chosen
counties and months, ``rate`` × the county-month's Hispanic bookings extra bookings, each
of a Hispanic resident, for a misdemeanor or minor traffic offense. The rules below are
pure; the engine hands in the uniforms (``Stream.PRETEXT``, ``Stream.PRETEXT_MATCH``).
"""

from __future__ import annotations

import numpy as np

from scomm.rules.categories import Charge


def hispanic_share(status_shares: np.ndarray, hispanic: np.ndarray) -> np.ndarray:
    """Share Hispanic among bookings, from the status mix (..., status) and
    P(Hispanic | status) (..., status)."""
    return (status_shares * hispanic).sum(axis=-1)


def hispanic_status_shares(status_shares: np.ndarray, hispanic: np.ndarray) -> np.ndarray:
    """Status mix among Hispanic bookings (..., status), by Bayes' rule."""
    joint = status_shares * hispanic
    total = joint.sum(axis=-1, keepdims=True)
    return joint / np.where(total > 0, total, 1.0)


def extra_bookings(expected: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Whole pretextual bookings from an expected count: its floor, plus one with
    probability equal to the fractional part (so the mean is exact)."""
    whole = np.floor(expected)
    return (whole + (u < expected - whole)).astype(np.int64)


def minor_charge(charge_cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A pretextual arrest's charge: misdemeanor or minor traffic offense, in proportion
    to their shares of all arrests (``charge_cdf`` is (person, charge))."""
    misdemeanor = charge_cdf[:, Charge.MISDEMEANOR] - charge_cdf[:, Charge.FELONY]
    traffic = 1.0 - charge_cdf[:, Charge.MISDEMEANOR]
    minor = np.where(u * (misdemeanor + traffic) < misdemeanor, Charge.MISDEMEANOR, Charge.TRAFFIC)
    return minor.astype(np.int8)
