"""287(g) jail-enforcement agreements: where and when a county's jail had officers deputized
to identify removable noncitizens among the people booked (INA §287(g), 8 U.S.C. 1357(g)).

The spells come from the Deportation Data Project's reconstruction of ICE's rosters
(``data/jail_287g_spells.csv``, built with its hand fixes by data/build; MANIFEST.yaml): a
spell starts at the agreement's signing (or its first attestation where the signing date is
a later re-signing) and ends at a confirmed termination, its last attestation, or never (still
on ICE's last roster in August 2017: assumed to continue). Each spell is a ``Scope`` of one
county, so it answers "in force on this day?" like a law does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from scomm.jurisdictions.scope import Scope

SOURCE = {
    "title": "Deportation Data Project, ice-287g pre-2018 reconstruction of ICE's 287(g) "
    "rosters to 1 Aug 2017 (pre2018-agreements-best-guess.csv, commit 92556ed), with the hand "
    "fixes of jail_287g_spells.csv",
    "url": "https://github.com/deportationdata/ice-287g",
    "date": dt.date(2017, 8, 1),  # the last ICE roster the reconstruction covers
    "kind": "report",
}


@dataclass(frozen=True)
class Agreement:
    """One county's 287(g) jail-enforcement agreement, as the channel uses it."""

    county: str
    agency: str
    scope: Scope
    start_kind: str
    end_kind: str
    confidence: str
    basis: str

    def label(self) -> str:
        """The agreement and its dates in words."""
        end = self.scope.until.isoformat() if self.scope.until else "no end known"
        return f"{self.agency}: 287(g) jail enforcement, {self.scope.start.isoformat()} to {end}"


@cache
def agreements() -> tuple[Agreement, ...]:
    """Every packaged jail-enforcement spell, by county then start."""
    path = resources.files("scomm.data").joinpath("jail_287g_spells.csv")
    with path.open("rb") as fh:
        t = pl.read_csv(fh, infer_schema_length=0, null_values=[], empty_string_is_null=False)
    out = []
    for row in t.iter_rows(named=True):
        until = dt.date.fromisoformat(row["end"]) if row["end"] else None
        start = dt.date.fromisoformat(row["start"])
        out.append(
            Agreement(
                row["county_fips"],
                row["agency"],
                Scope.of(start, until, counties=[row["county_fips"]]),
                row["start_kind"],
                row["end_kind"],
                row["confidence"],
                row["basis"],
            )
        )
    return tuple(sorted(out, key=lambda a: (a.county, a.scope.start)))


def in_force(day: dt.date, county: str) -> list[Agreement]:
    """The county's agreements in force on ``day``."""
    return [a for a in agreements() if a.county == county and a.scope.in_force(day)]


def active(days: Sequence[dt.date]) -> np.ndarray:
    """(county, day) True where some jail agreement of the county is in force on the day."""
    out = None
    for a in agreements():
        m = a.scope.mask(days)
        out = m if out is None else out | m
    if out is None:
        raise ValueError("jail_287g_spells.csv: no agreement")
    return out
