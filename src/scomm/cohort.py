"""The identified cohort: one row per person an IDENT match or a 287(g) officer identified,
with every stage's outcome (the engine's output, and what a trace's identified people come
back as). A row's channel is ``287g`` where a 287(g) officer identified the person (whether or
not their prints also matched) and ``scomm`` otherwise: S-Comm is credited only with what the
287(g) screen did not find, so a scenario without S-Comm keeps every 287(g) identification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHANNELS = ("scomm", "287g")


@dataclass(frozen=True)
class Found:
    """Identified people of some county-months: who they are and how they were found (the
    engine's identification, before the later stages)."""

    county: np.ndarray
    month: np.ndarray  # position in Inputs.months
    key: np.ndarray
    status: np.ndarray
    identified_287g: np.ndarray
    matched: np.ndarray

    @classmethod
    def concat(cls, parts: Sequence[Found]) -> Found:
        """Parts in order, one array per field (no parts: empty arrays)."""
        dtypes = (np.int32, np.int32, np.uint64, np.int8, bool, bool)
        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts] or [np.zeros(0, d)]).astype(d)
                for f, d in zip(cls.__dataclass_fields__, dtypes, strict=True)
            )
        )

    def sorted(self) -> Found:
        """Rows in key order: month, county, booking index."""
        order = np.argsort(self.key, kind="stable")
        return Found(*(getattr(self, f)[order] for f in self.__dataclass_fields__))

    def rows(self, start: int, stop: int) -> Found:
        """Rows start..stop-1."""
        return Found(*(getattr(self, f)[start:stop] for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class Cohort:
    """One row per identified person, with every stage's outcome."""

    county: np.ndarray  # county index
    month: np.ndarray  # position in Inputs.months
    key: np.ndarray  # entity key (uint64)
    status: np.ndarray
    identified_287g: np.ndarray  # identified by a 287(g) officer at booking (channel 287g)
    matched: np.ndarray  # the prints matched an IDENT record
    hispanic: np.ndarray
    male: np.ndarray
    level: np.ndarray
    charge: np.ndarray
    serious_charge: np.ndarray
    magistrate_pc: np.ndarray
    serious_record: np.ndarray
    aggravated_felony: np.ndarray
    prior_removal: np.ndarray
    entered_without_inspection: np.ndarray
    laken_riley_offense: np.ndarray
    removable: np.ndarray
    detainer: np.ndarray
    notification_request: np.ndarray  # the detainer asked only for notice of release
    honored: np.ndarray  # held past release for ICE
    notified: np.ndarray  # not held, but ICE was told of the release
    book_in: np.ndarray
    eventually_removed: np.ndarray  # removed, whenever the removal is completed
    removed: np.ndarray  # removal completed by the end of the period
    detention_days: np.ndarray  # days in ICE custody (0 where not booked in)
    summary: np.ndarray  # removed without a hearing before an immigration judge
    represented: np.ndarray  # had counsel before an immigration judge

    @property
    def channel(self) -> np.ndarray:
        """0 (``scomm``) or 1 (``287g``) per row, as ``CHANNELS`` orders them."""
        return self.identified_287g.astype(np.int8)

    def take(self, rows: np.ndarray) -> Cohort:
        """The cohort restricted to ``rows`` (positions or a boolean mask)."""
        return Cohort(**{f: getattr(self, f)[rows] for f in self.__dataclass_fields__})

    def of_channel(self, name: str) -> Cohort:
        """The rows of one identification channel."""
        if name not in CHANNELS:
            raise ValueError(f"channel {name!r}: expected one of {CHANNELS}")
        return self.take(self.identified_287g == (name == "287g"))

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
    "identified_287g": bool,
    "matched": bool,
    "hispanic": bool,
    "male": bool,
    "level": np.int8,
    "charge": np.int8,
    "serious_charge": bool,
    "magistrate_pc": bool,
    "serious_record": bool,
    "aggravated_felony": bool,
    "prior_removal": bool,
    "entered_without_inspection": bool,
    "laken_riley_offense": bool,
    "removable": bool,
    "detainer": bool,
    "notification_request": bool,
    "honored": bool,
    "notified": bool,
    "book_in": bool,
    "eventually_removed": bool,
    "removed": bool,
    "detention_days": np.float64,
    "summary": bool,
    "represented": bool,
}
