"""Jail compliance: a jail honors a detainer unless a state or local law in force
forbids it for this person (e.g. the California TRUST Act for a Level 3 arrestee), and
otherwise at the base compliance rate."""

from __future__ import annotations

import numpy as np


def honored(
    detainer: np.ndarray,
    law_allows: np.ndarray,
    base_compliance: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """True where the jail holds the person for ICE."""
    return detainer & law_allows & (u < base_compliance)
