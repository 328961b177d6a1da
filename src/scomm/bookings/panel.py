"""A user-supplied county admissions panel: ``county_fips, year, admissions``.

Any CSV with those three columns (others are ignored), one row per county and calendar year,
for example built from Vera's Incarceration Trends (users may download it; scomm may not
redistribute it). Where the panel has a county-year, each month of that year gets
``admissions / 12`` bookings, replacing the model's estimate (and, in California, the Jail
Profile Survey count); the rest of the national figure is shared among the other counties.

The panel is named by ``scomm run --bookings FILE`` (and ``scomm compare``) or the environment
variable ``SCOMM_BOOKINGS``. A bad file is refused whole, with one line naming the file, the
row, the field and the value (UserError, exit 2).
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scomm import periods
from scomm.errors import UserError
from scomm.io import read_bytes
from scomm.jurisdictions.counties import counties

ENV = "SCOMM_BOOKINGS"
FIELDS = ("county_fips", "year", "admissions")
FIRST_YEAR, LAST_YEAR = 1970, 2100
MAX_PANEL_BYTES = 64 << 20  # every county and year many times over
_ASCII_INT = re.compile(r"[0-9]+")  # int() and float() also read other scripts' digits and _
_ASCII_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class AdmissionsPanel:
    """Validated admissions by (county FIPS, calendar year)."""

    path: str
    sha256: str
    admissions: dict[tuple[str, int], float]

    def monthly(self, fips: np.ndarray, months: np.ndarray) -> np.ndarray:
        """(county, month) bookings from the panel, NaN where it has no county-year."""
        out = np.full((len(fips), len(months)), np.nan)
        row = {f: i for i, f in enumerate(fips)}
        years = np.array([periods.first_day(int(m)).year for m in months])
        for (code, year), n in self.admissions.items():
            cols = years == year
            if cols.any():
                out[row[code], cols] = n / 12.0
        return out

    def provenance(self) -> dict[str, object]:
        """What a summary records about the panel."""
        years = sorted({y for _, y in self.admissions})
        return {
            "file": self.path,
            "sha256": self.sha256,
            "county_years": len(self.admissions),
            "counties": len({c for c, _ in self.admissions}),
            "years": [years[0], years[-1]],
        }


def _fips(label: str, line: int, value: str, known: set[str]) -> str:
    text = value.strip()
    if not _ASCII_INT.fullmatch(text) or len(text) > 5:
        raise UserError(
            f"{label}: row {line}, field county_fips: {value!r} is not a county FIPS code "
            "(up to 5 digits)"
        )
    code = text.zfill(5)
    if code not in known:
        raise UserError(f"{label}: row {line}, field county_fips: {value!r} is not a known county")
    return code


def _year(label: str, line: int, value: str) -> int:
    text = value.strip()
    if not _ASCII_INT.fullmatch(text):
        raise UserError(f"{label}: row {line}, field year: {value!r} is not a whole year")
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            f"{label}: row {line}, field year: {value!r} is outside {FIRST_YEAR}..{LAST_YEAR}"
        )
    return year


def _admissions(label: str, line: int, value: str) -> float:
    text = value.strip()
    n = float(text) if _ASCII_NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(n) or n < 0:
        raise UserError(
            f"{label}: row {line}, field admissions: {value!r} is not a finite number >= 0"
        )
    return n


def _text(label: str, data: bytes) -> str:
    """The panel's UTF-8 text (a byte-order mark dropped)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{label}: not UTF-8 text (byte 0x{data[exc.start : exc.start + 1].hex()} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def _rows(label: str, data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(_text(label, data).splitlines())
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        missing = [f for f in FIELDS if f not in header]
        if missing:
            raise UserError(
                f"{label}: missing column(s) {', '.join(missing)}; an admissions panel needs "
                f"columns {', '.join(FIELDS)}"
            )
        return header, list(reader)
    except csv.Error as exc:
        raise UserError(f"{label}: line {reader.line_num}: not valid CSV ({exc})") from None


def read_panel(path: str | Path, label: str | None = None) -> AdmissionsPanel:
    """Read and validate a panel; any bad row refuses the whole file."""
    path = Path(path)
    label = label or str(path)
    data = read_bytes(path, label, MAX_PANEL_BYTES)
    _, rows = _rows(label, data)
    if not rows:
        raise UserError(f"{label}: no rows; expected one row per county and year")
    known = set(counties().fips.tolist())
    seen: dict[tuple[str, int], int] = {}
    out: dict[tuple[str, int], float] = {}
    for line, row in enumerate(rows, start=2):
        if None in row or any(row.get(f) is None for f in FIELDS):
            raise UserError(f"{label}: row {line}: wrong number of fields")
        key = (_fips(label, line, row["county_fips"], known), _year(label, line, row["year"]))
        if key in seen:
            raise UserError(
                f"{label}: row {line}, field county_fips/year: county {key[0]} year {key[1]} "
                f"repeats row {seen[key]}"
            )
        seen[key] = line
        out[key] = _admissions(label, line, row["admissions"])
    digest = hashlib.sha256(data).hexdigest()
    return AdmissionsPanel(str(path), digest, out)


_CACHE: dict[tuple[str, int, int], AdmissionsPanel] = {}


def from_env() -> AdmissionsPanel | None:
    """The panel named by SCOMM_BOOKINGS, or None; re-read when the file changes."""
    name = os.environ.get(ENV)
    if not name:
        return None
    label = f"{ENV} {name}"
    try:
        st = Path(name).stat()
    except OSError:
        raise UserError(f"{label}: no such file") from None
    key = (str(Path(name).resolve()), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = read_panel(name, label)
    return _CACHE[key]
