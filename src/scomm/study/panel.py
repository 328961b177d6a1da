"""County panels for the study: the built-in FBI county-agency crime panel, or a user's file.

A panel is one row per county and period (a year, or a month) with a finite outcome and a
positive weight. Every row or county left out is counted in ``dropped`` with its reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from scomm.errors import UserError
from scomm.jurisdictions.counties import counties

CRIME_OUTCOMES = ("violent", "property")
CRIME_FILE = "county_agency_crime.csv"
ALL_AGENCY_FILE = "county_crime_all_agencies.csv"
PER = 100_000
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Panel:
    """County-period observations of one outcome.

    ``data`` has county_fips (str), state (str), period (int: a year, or year*12 + month - 1),
    y (float) and w (float, the population weight)."""

    data: pl.DataFrame
    outcome: str
    unit: str
    frequency: str  # "year" | "month"
    source: str
    dropped: list[dict] = field(default_factory=list)


def _package_csv(name: str) -> pl.DataFrame:
    with resources.files("scomm.data").joinpath(name).open("rb") as fh:
        return pl.read_csv(fh, schema_overrides={"county_fips": pl.String})


@cache
def county_frame() -> pl.DataFrame:
    """county_fips, state, population_2010 and activation date of every model county."""
    t = counties().table
    return t.select(
        "county_fips",
        "state",
        pl.col("population_2010").cast(pl.Float64),
        pl.col("activation_date").str.to_date(),
    )


def crime_panel(outcome: str) -> Panel:
    """Offenses known to sheriffs and county police per 100,000 county residents (2010 Census).

    County-years whose agencies carry a CIUS footnote or left the outcome blank are dropped here;
    the design then keeps only counties observed in every year of its window."""
    if outcome not in CRIME_OUTCOMES:
        raise UserError(f"--outcome: {outcome!r} is not one of {', '.join(CRIME_OUTCOMES)}")
    raw = _package_csv(CRIME_FILE).join(county_frame(), on="county_fips", how="inner")
    blank = raw.filter(pl.col(outcome).is_null())
    noted = raw.filter(pl.col(outcome).is_not_null() & (pl.col("footnoted") == 1))
    kept = raw.filter(pl.col(outcome).is_not_null() & (pl.col("footnoted") == 0))
    data = kept.select(
        "county_fips",
        "state",
        pl.col("year").alias("period"),
        (pl.col(outcome) / pl.col("population_2010") * PER).alias("y"),
        pl.col("population_2010").alias("w"),
        "agencies",
    )
    dropped = [
        _drop("county-years with the outcome blank in Table 10", blank),
        _drop("county-years with a CIUS footnote (incomplete or non-comparable)", noted),
    ]
    return Panel(
        data=data,
        outcome=outcome,
        unit=f"{outcome} crimes known to county agencies per {PER:,} county residents",
        frequency="year",
        source="FBI CIUS Table 10 (sheriffs and county police), 2006-2016; "
        "src/scomm/data/county_agency_crime.csv",
        dropped=[d for d in dropped if d["rows"]],
    )


def _drop(reason: str, rows: pl.DataFrame) -> dict:
    return {"reason": reason, "rows": rows.height, "counties": rows["county_fips"].n_unique()}


def all_agency_rates() -> pl.DataFrame:
    """Urban Institute all-agency rates (2015, 2017): county_fips, year, violent, property."""
    t = _package_csv(ALL_AGENCY_FILE)
    return t.rename({"violent_rate": "violent", "property_rate": "property"})


# ---------------------------------------------------------------- a user's panel


def read_user_panel(path: Path, outcome: str, weight: str | None = None) -> Panel:
    """A researcher's CSV or Parquet file with county_fips, year or month (YYYY-MM), the outcome
    column and optionally a weight column; anything malformed raises UserError."""
    label = f"--panel {str(path)!r}"
    frame = _read_file(path, label)
    time_col = _time_column(frame, label)
    needed = ["county_fips", time_col, outcome] + ([weight] if weight else [])
    for col in needed:
        if col not in frame.columns:
            have = ", ".join(frame.columns) or "none"
            raise UserError(f"{label}: missing column {col!r} (columns: {have})")
    if frame.height == 0:
        raise UserError(f"{label}: no rows")
    fips = _fips(frame["county_fips"], label)
    period = _periods(frame[time_col], time_col, label)
    y = _finite(frame[outcome], outcome, label, positive=False)
    w = _finite(frame[weight], weight, label, positive=True) if weight else None
    data = pl.DataFrame({"county_fips": fips, "period": period, "y": y})
    data = _attach_counties(data, label)
    if w is None:
        data = data.with_columns(pl.col("population_2010").alias("w"))
    else:
        data = data.with_columns(w=w)
    _no_duplicates(data, time_col, label)
    return Panel(
        data=data.select("county_fips", "state", "period", "y", "w"),
        outcome=outcome,
        unit=f"{outcome} (as given in {path.name})",
        frequency=time_col,
        source=f"user panel {path.name}",
    )


def _read_file(path: Path, label: str) -> pl.DataFrame:
    if not path.is_file():
        raise UserError(f"{label}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
        if suffix in (".csv", ".txt") or path.name.lower().endswith(".csv.gz"):
            return pl.read_csv(path, infer_schema_length=0)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first = next((t for t in str(exc).splitlines() if t.strip()), type(exc).__name__)
        raise UserError(f"{label}: not a readable {suffix.lstrip('.')} file ({first})") from exc
    raise UserError(f"{label}: expected a .csv, .csv.gz or .parquet file")


def _time_column(frame: pl.DataFrame, label: str) -> str:
    has = [c for c in ("year", "month") if c in frame.columns]
    if len(has) != 1:
        raise UserError(f"{label}: needs exactly one of the columns 'year' or 'month' (YYYY-MM)")
    return has[0]


def _row_error(label: str, index: int, column: str, value: object, expected: str) -> UserError:
    row = index + 2  # 1-based, after the header line
    return UserError(f"{label} row {row}: {column} {value!r} {expected}")


def _fips(col: pl.Series, label: str) -> pl.Series:
    text = col.cast(pl.String)
    if col.dtype.is_integer():
        text = text.str.zfill(5)
    bad = ~text.str.contains(r"^\d{5}$").fill_null(False)
    if bad.any():
        i = int(bad.arg_true()[0])
        raise _row_error(label, i, "county_fips", col[i], "is not a 5-digit county FIPS code")
    return text


def _periods(col: pl.Series, name: str, label: str) -> pl.Series:
    text = col.cast(pl.String).str.strip_chars()
    if name == "year":
        values = text.cast(pl.Int64, strict=False)
        bad = values.is_null() | (values < 1960) | (values > 2030)
        if bad.any():
            i = int(bad.arg_true()[0])
            raise _row_error(label, i, "year", col[i], "is not a year from 1960 to 2030")
        return values.alias("period")
    parts = text.str.extract_groups(MONTH.pattern)
    year, month = parts.struct.field("1").cast(pl.Int64), parts.struct.field("2").cast(pl.Int64)
    bad = year.is_null()
    if bad.any():
        i = int(bad.arg_true()[0])
        raise _row_error(label, i, "month", col[i], "is not a month YYYY-MM")
    return (year * 12 + month - 1).alias("period")


def _finite(col: pl.Series, name: str, label: str, positive: bool) -> pl.Series:
    values = col.cast(pl.Float64, strict=False)
    for i, (raw, v) in enumerate(zip(col.to_list(), values.to_list(), strict=True)):
        if v is None or not math.isfinite(v) or (positive and v <= 0):
            what = "a positive finite number" if positive else "a finite number"
            raise _row_error(label, i, name, raw, f"is not {what}")
    return values


def _attach_counties(data: pl.DataFrame, label: str) -> pl.DataFrame:
    known = county_frame()
    missing = data.join(known, on="county_fips", how="anti")
    if missing.height:
        fips = missing["county_fips"][0]
        raise UserError(f"{label}: county_fips {fips!r} is not a county of the model")
    return data.join(known, on="county_fips", how="left")


def _no_duplicates(data: pl.DataFrame, time_col: str, label: str) -> None:
    dup = data.group_by("county_fips", "period").len().filter(pl.col("len") > 1)
    if dup.height:
        row = dup.sort("county_fips", "period").row(0, named=True)
        raise UserError(
            f"{label}: county_fips {row['county_fips']!r} has {row['len']} rows for "
            f"{time_col} {period_label(row['period'], time_col)}"
        )


def period_label(period: int, frequency: str) -> str:
    """2011 -> '2011'; a month index -> 'YYYY-MM'."""
    if frequency == "year":
        return str(period)
    return f"{period // 12}-{period % 12 + 1:02d}"
