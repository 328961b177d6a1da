"""287(g) jail screening: where a county's jail holds a 287(g) jail-enforcement agreement, its
deputized officers interview the people booked and check DHS records, so they can identify a
removable noncitizen whether or not the county's fingerprints are checked against IDENT (and
people DHS never fingerprinted, whom IDENT cannot match).

A booking's identification and status come from one uniform by Bayes' rule, as the IDENT match
does (``rules/match.py``); the bookings a 287(g) officer did not identify keep the status mix of
the rest, which is what the IDENT match then draws from.
"""

from __future__ import annotations

import numpy as np


def identification_probability(status_shares: np.ndarray, p_identify: np.ndarray) -> np.ndarray:
    """Probability a booking is identified by a 287(g) officer, from the status mix of the
    county-month's bookings (..., status) and the probability by status (..., status)."""
    return (status_shares * p_identify).sum(axis=-1)


def unidentified_shares(status_shares: np.ndarray, p_identify: np.ndarray) -> np.ndarray:
    """Status mix (..., status) of the bookings a 287(g) officer did not identify."""
    rest = status_shares * (1.0 - p_identify)
    total = rest.sum(axis=-1, keepdims=True)
    return rest / np.where(total > 0, total, 1.0)
