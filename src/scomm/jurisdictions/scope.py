"""Where and when a rule applies: one value object for laws, scenario overrides and pretext.

A law binds states, counties or every state from its effective date to an optional last day;
a scenario's place override and its pretextual arrests name states and counties from ``from``
to an optional ``until``. All of them ask the same two questions (does it bind this county?
is it in force on this day?), answered here once, for one place and day or as masks over
every county and a list of days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from scomm.errors import UserError
from scomm.jurisdictions.counties import counties


@dataclass(frozen=True)
class Scope:
    """States and counties (or every state) from ``start`` to ``until`` (inclusive; None =
    open-ended)."""

    start: dt.date
    until: dt.date | None = None
    states: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    everywhere: bool = False

    @classmethod
    def of(
        cls,
        start: dt.date,
        until: dt.date | None,
        states: Iterable[str] = (),
        counties: Iterable[str] = (),
        everywhere: bool = False,
    ) -> Scope:
        """A scope from any iterables of USPS codes and FIPS codes."""
        return cls(start, until, tuple(states), tuple(counties), everywhere)

    def in_force(self, day: dt.date) -> bool:
        """True on the days the scope covers."""
        return self.start <= day and (self.until is None or day <= self.until)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """True when some day of [first, last] is covered."""
        return self.start <= last and (self.until is None or self.until >= first)

    def binds(self, state: str, county: str) -> bool:
        """True for a county (FIPS) of a state (USPS code) inside the scope."""
        return self.everywhere or state in self.states or county in self.counties

    def check_places(self, origin: str, field: str = "") -> None:
        """Every state and county named must exist; else UserError naming the file
        (``origin``) and the field (``field`` prefixes ``states`` / ``counties``)."""
        cty = counties()
        known_states, known_fips = set(cty.states()), set(cty.fips.tolist())
        for s in self.states:
            if s not in known_states:
                raise UserError(f"{origin}: field {field}states: {s!r} is not a USPS state code")
        for c in self.counties:
            if c not in known_fips:
                raise UserError(
                    f"{origin}: field {field}counties: {c!r} is not a known county FIPS code"
                )

    def county_mask(self) -> np.ndarray:
        """(county,) True for every county inside the scope, in ``counties()`` order."""
        cty = counties()
        if self.everywhere:
            return np.ones(len(cty.fips), dtype=bool)
        return np.isin(cty.state, list(self.states)) | np.isin(cty.fips, list(self.counties))

    def day_mask(self, days: Sequence[dt.date]) -> np.ndarray:
        """(day,) True for every day in force."""
        return np.array([self.in_force(d) for d in days], dtype=bool)

    def mask(self, days: Sequence[dt.date]) -> np.ndarray:
        """(county, day) True where the scope binds the county on the day."""
        return self.county_mask()[:, None] & self.day_mask(days)[None, :]
