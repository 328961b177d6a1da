"""IDENT match: a submission matches when DHS holds the person's biometrics:
unauthorized people with a prior DHS encounter, most lawful noncitizens, and naturalized
citizens whose immigration record remains (erroneous matches of the U.S.-born are rare)."""

from __future__ import annotations

import numpy as np


def match_probability(status_shares: np.ndarray, p_match: np.ndarray) -> np.ndarray:
    """Probability a submission matches, given the status mix of bookings (..., status)
    and the match probability by status (status,) or per row (..., status)."""
    return (status_shares * p_match).sum(axis=-1)


def matched_status_cdf(status_shares: np.ndarray, p_match: np.ndarray) -> np.ndarray:
    """Cumulative distribution of status among matches (..., status), by Bayes' rule."""
    joint = status_shares * p_match
    total = joint.sum(axis=-1, keepdims=True)
    cdf = np.cumsum(joint, axis=-1) / np.where(total > 0, total, 1.0)
    cdf[..., -1] = 1.0
    return cdf


def draw_category(u: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw: the category whose cumulative interval holds ``u`` (rows of cdf
    aligned with u)."""
    return (u[:, None] >= cdf[:, :-1]).sum(axis=1).astype(np.int8)
