"""Parsers: how a source value becomes a canonical value.

A format (records/formats.yaml) names, for each canonical column it fills, a parser and the
source column(s) it reads. A one-source parser takes the first of the listed alternatives
that the input has; a two-source parser (``days_between``, ``felony_misdemeanor``) needs
both. Each parser is a Polars expression over already-cleaned sources (FOIA markers and null
spellings are null, hand fixes applied; see ``adapters``), so a value that does not convert
becomes null and the validation rules count it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from scomm.records import clean

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M")

Convert = Callable[[list[pl.Expr], list[pl.DataType]], pl.Expr]


@dataclass(frozen=True)
class Parser:
    """A conversion: its name in formats.yaml, how many sources it reads, the expression."""

    name: str
    arity: int
    convert: Convert


def _text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String)


def to_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A date from a typed date or datetime, or from text in one of DATE_FORMATS."""
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    head = _text(expr).str.strip_chars().str.slice(0, 10)
    return pl.coalesce(*[head.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])


def to_datetime(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A naive timestamp from a typed value or from text (a bare date is midnight)."""
    if isinstance(dtype, pl.Datetime):
        return expr.dt.replace_time_zone(None) if dtype.time_zone else expr
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    text = _text(expr).str.strip_chars()
    return pl.coalesce(
        *[text.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in DATETIME_FORMATS],
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
    )


def mapped(expr: pl.Expr, table: dict[str, object], dtype: pl.DataType) -> pl.Expr:
    """The value of ``table`` for the trimmed, upper-cased source; null when not listed."""
    key = _text(expr).str.strip_chars().str.to_uppercase()
    return key.replace_strict(list(table), list(table.values()), default=None, return_dtype=dtype)


def _state(expr: pl.Expr) -> pl.Expr:
    """A USPS code as given, or the code of a full state name; anything else is null."""
    key = _text(expr).str.strip_chars().str.to_uppercase()
    by_name = key.replace_strict(
        list(clean.STATE_NAMES),
        list(clean.STATE_NAMES.values()),
        default=None,
        return_dtype=pl.String,
    )
    return pl.when(key.is_in(sorted(clean.USPS))).then(key).otherwise(by_name)


def _boolean(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return expr if dtype == pl.Boolean else mapped(expr, clean.BOOLEAN, pl.Boolean)


def _days_between(src: list[pl.Expr], dtypes: list[pl.DataType]) -> pl.Expr:
    start, end = (to_datetime(e, t) for e, t in zip(src, dtypes, strict=True))
    return (end - start).dt.total_seconds(fractional=True) / 86400.0


def _felony_misdemeanor(src: list[pl.Expr], dtypes: list[pl.DataType]) -> pl.Expr:
    fel, mis = (mapped(e, clean.BOOLEAN, pl.Boolean) for e in src)
    return (
        pl.when(fel)
        .then(pl.lit("felony"))
        .when(mis)
        .then(pl.lit("misdemeanor"))
        .when(fel.is_not_null() & mis.is_not_null())
        .then(pl.lit("other"))
        .otherwise(pl.lit(None, pl.String))
    )


def _one(fn: Callable[[pl.Expr, pl.DataType], pl.Expr]) -> Convert:
    """A one-source conversion as a parser's ``convert``."""
    return lambda src, dtypes: fn(src[0], dtypes[0])


PARSERS: dict[str, Parser] = {
    p.name: p
    for p in (
        Parser("text", 1, _one(lambda s, t: _text(s))),
        Parser("upper", 1, _one(lambda s, t: _text(s).str.to_uppercase())),
        Parser("date", 1, _one(to_date)),
        Parser(
            "int",
            1,
            _one(lambda s, t: s.cast(pl.Float64, strict=False).cast(pl.Int32, strict=False)),
        ),
        Parser("gender", 1, _one(lambda s, t: mapped(s, clean.GENDER, pl.String))),
        Parser("criminality", 1, _one(lambda s, t: mapped(s, clean.CRIMINALITY, pl.String))),
        Parser("bool", 1, _one(_boolean)),
        Parser("state", 1, _one(lambda s, t: _state(s))),
        Parser("days_between", 2, _days_between),
        Parser("felony_misdemeanor", 2, _felony_misdemeanor),
    )
}
