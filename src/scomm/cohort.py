"""The matched cohort: one row per matched submission, with every stage's outcome (the
engine's output, and what a trace's matched people come back as)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cohort:
    """One row per matched submission, with every stage's outcome."""

    county: np.ndarray  # county index
    month: np.ndarray  # position in Inputs.months
    key: np.ndarray  # entity key (uint64)
    status: np.ndarray
    hispanic: np.ndarray
    male: np.ndarray
    level: np.ndarray
    charge: np.ndarray
    removable: np.ndarray
    detainer: np.ndarray
    honored: np.ndarray
    book_in: np.ndarray
    removed: np.ndarray  # removal completed by the end of the period
    detention_days: np.ndarray  # days in ICE custody (0 where not booked in)
    summary: np.ndarray  # removed without a hearing before an immigration judge
    represented: np.ndarray  # had counsel before an immigration judge

    @classmethod
    def from_objects(cls, people: Sequence[object], **given: np.ndarray) -> Cohort:
        """A cohort from per-person objects with attributes named like the fields (as a
        reference model or a hand-built test keeps them); ``given`` columns take precedence."""
        columns = {
            name: given[name]
            if name in given
            else np.array([getattr(p, name) for p in people], dtype=dtype)
            for name, dtype in COHORT_DTYPES.items()
        }
        return cls(**columns)


COHORT_DTYPES = {
    "county": np.int32,
    "month": np.int32,
    "key": np.uint64,
    "status": np.int8,
    "hispanic": bool,
    "male": bool,
    "level": np.int8,
    "charge": np.int8,
    "removable": bool,
    "detainer": bool,
    "honored": bool,
    "book_in": bool,
    "removed": bool,
    "detention_days": np.float64,
    "summary": bool,
    "represented": bool,
}
