"""Cleaning helpers: header names, FOIA redaction markers, hand fixes, value maps, lookups."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

import polars as pl

from scomm.errors import UserError

#: A cell that is only FOIA exemption codes: "(b)(6),(b)(7)c)", "b(6), b(7)C", "(b)(7)e)",
#: "(b)(6), (b)(7)(c) (b)(7)(e)", "(B)(3)". The digit must be in parentheses, so a code such
#: as "B6" is not taken for a marker.
REDACTION_PATTERN = r"(?i)^\s*(\(?b\)?\s*\(\d\)\s*(\(?[a-z]\)?)?[\s,;]*)+$"

#: Strings that mean "missing" in the inputs (R writes NA; Excel exports leave blanks).
NULL_STRINGS = ("", "NA", "N/A", "NULL", "null", "NaN")

STATE_NAMES = {
    "ALABAMA": "AL",
    "ALASKA": "AK",
    "ARIZONA": "AZ",
    "ARKANSAS": "AR",
    "CALIFORNIA": "CA",
    "COLORADO": "CO",
    "CONNECTICUT": "CT",
    "DELAWARE": "DE",
    "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL",
    "GEORGIA": "GA",
    "HAWAII": "HI",
    "IDAHO": "ID",
    "ILLINOIS": "IL",
    "INDIANA": "IN",
    "IOWA": "IA",
    "KANSAS": "KS",
    "KENTUCKY": "KY",
    "LOUISIANA": "LA",
    "MAINE": "ME",
    "MARYLAND": "MD",
    "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI",
    "MINNESOTA": "MN",
    "MISSISSIPPI": "MS",
    "MISSOURI": "MO",
    "MONTANA": "MT",
    "NEBRASKA": "NE",
    "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM",
    "NEW YORK": "NY",
    "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND",
    "OHIO": "OH",
    "OKLAHOMA": "OK",
    "OREGON": "OR",
    "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN",
    "TEXAS": "TX",
    "UTAH": "UT",
    "VERMONT": "VT",
    "VIRGINIA": "VA",
    "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV",
    "WISCONSIN": "WI",
    "WYOMING": "WY",
    "PUERTO RICO": "PR",
    "GUAM": "GU",
    "VIRGIN ISLANDS": "VI",
    "AMERICAN SAMOA": "AS",
    "NORTHERN MARIANA ISLANDS": "MP",
}
USPS = frozenset(STATE_NAMES.values())
#: Non-state labels a source uses on purpose (UWCHR's landmark-to-state step); not errors.
STATE_PLACEHOLDERS = frozenset({"AMBIGUOUS", "OTHER", "UNKNOWN"})

GENDER = {
    "M": "male",
    "MALE": "male",
    "F": "female",
    "FEMALE": "female",
    "U": "unknown",
    "UNKNOWN": "unknown",
    "X": "unknown",
}
CRIMINALITY = {
    "1 CONVICTED CRIMINAL": "convicted",
    "CONVICTED CRIMINAL": "convicted",
    "1": "convicted",
    "2 PENDING CRIMINAL CHARGES": "pending_charges",
    "PENDING CRIMINAL CHARGES": "pending_charges",
    "2": "pending_charges",
    "3 OTHER IMMIGRATION VIOLATOR": "other_immigration_violator",
    "OTHER IMMIGRATION VIOLATOR": "other_immigration_violator",
    "3": "other_immigration_violator",
}
BOOLEAN = {
    "1": True,
    "0": False,
    "TRUE": True,
    "FALSE": False,
    "T": True,
    "F": False,
    "Y": True,
    "N": False,
    "YES": True,
    "NO": False,
    "1.0": True,
    "0.0": False,
}


def clean_name(name: str) -> str:
    """janitor-style column name: lower case, each run of non-alphanumerics becomes '_'."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def is_redacted(expr: pl.Expr) -> pl.Expr:
    """True where a string cell is nothing but FOIA exemption codes."""
    return expr.str.contains(REDACTION_PATTERN).fill_null(False)


@dataclass(frozen=True)
class Fix:
    """A hand fix: in ``column`` of inputs read by ``adapter``, ``bad`` becomes ``good``."""

    file: str
    adapter: str
    column: str
    bad: str
    good: str | None
    reason: str


@functools.cache
def fixes() -> tuple[Fix, ...]:
    """All hand fixes in ``scomm/records/fixes/*.csv`` (keyed on the bad value, with a reason)."""
    out: list[Fix] = []
    folder = resources.files("scomm.records") / "fixes"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        with entry.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                if set(row) != {"adapter", "column", "bad_value", "fixed_value", "reason"}:
                    raise UserError(
                        f"fixes/{entry.name}: line {i}: expected columns adapter, "
                        "column, bad_value, fixed_value, reason"
                    )
                if not row["reason"].strip():
                    raise UserError(f"fixes/{entry.name}: line {i}: a fix needs a reason")
                out.append(
                    Fix(
                        entry.name,
                        row["adapter"],
                        row["column"],
                        row["bad_value"],
                        row["fixed_value"] or None,
                        row["reason"],
                    )
                )
    return tuple(out)


def fixes_for(adapter: str, column: str) -> list[Fix]:
    """The fixes that apply to one source column of one adapter ('*' matches every adapter)."""
    return [f for f in fixes() if f.adapter in (adapter, "*") and f.column == column]


@functools.cache
def msc_rules() -> tuple[tuple[str, str], ...]:
    """(regex, category) pairs from lookups/msc_categories.csv, in order; first match wins."""
    path = resources.files("scomm.records") / "lookups" / "msc_categories.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple((r["pattern"], r["category"]) for r in csv.DictReader(fh))


def msc_category(expr: pl.Expr) -> pl.Expr:
    """Map a most-serious-conviction description to its broad category (null stays null)."""
    out: pl.Expr = pl.lit("other")
    for pattern, category in reversed(msc_rules()):
        out = pl.when(expr.str.contains(f"(?i){pattern}")).then(pl.lit(category)).otherwise(out)
    return pl.when(expr.is_null()).then(pl.lit(None, pl.String)).otherwise(out)
