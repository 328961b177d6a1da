"""Who a matched person is, beyond status: Hispanic ethnicity and sex, each drawn with the
probability in force for the person's county, month and status (Hispanic) or month (sex)."""

from __future__ import annotations

import numpy as np


def hispanic(p: np.ndarray, u: np.ndarray, pretextual: np.ndarray) -> np.ndarray:
    """True where the person is Hispanic: with probability ``p`` (P(Hispanic | county,
    status)), and always for a scenario's pretextual arrests, which are of Hispanic residents
    by definition."""
    return (u < p) | pretextual


def male(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """True where the person is male, with probability ``p`` (the male share of bookings)."""
    return u < p
