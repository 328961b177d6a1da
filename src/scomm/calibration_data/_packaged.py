"""Reading the packaged copies and the hand tables, and the classifiers built on them."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources

import polars as pl


def data(name: str) -> pl.DataFrame:
    """A packaged table of src/scomm/data, every column as text ('NA' kept as text)."""
    with resources.files("scomm.data").joinpath(name).open("rb") as fh:
        return pl.read_csv(fh, infer_schema_length=0, null_values=[], empty_string_is_null=False)


def lookup(name: str) -> pl.DataFrame:
    """A hand table of scomm.calibration_data.lookups, every column as text."""
    path = resources.files("scomm.calibration_data").joinpath("lookups", name)
    with path.open("rb") as fh:
        return pl.read_csv(fh, infer_schema_length=0, null_values=[], empty_string_is_null=False)


class RuleTable:
    """Ordered regular-expression rules: the first rule whose pattern matches (case
    insensitive) decides. Every text gets exactly one rule (the last rule matches anything)."""

    def __init__(self, table: pl.DataFrame) -> None:
        self.table = table
        self.rules = [re.compile(p, re.IGNORECASE) for p in table["pattern"]]
        if not self.rules or self.rules[-1].pattern not in (".*", "."):
            raise ValueError("a rule table must end with a catch-all rule ('.*' or '.')")

    def index(self, text: str) -> int:
        """Position of the deciding rule."""
        return next(i for i, r in enumerate(self.rules) if r.search(text))

    def column(self, texts: pl.Series, field: str) -> pl.Series:
        """``field`` of the deciding rule for each text."""
        values = self.table[field].to_list()
        memo: dict[str, str] = {}
        out = []
        for t in texts.to_list():
            if t not in memo:
                memo[t] = values[self.index(t)]
            out.append(memo[t])
        return pl.Series(field, out, dtype=pl.String)


@cache
def landmark_rules() -> RuleTable:
    return RuleTable(lookup("landmark_classes.csv"))


@cache
def level_rules() -> RuleTable:
    return RuleTable(lookup("conviction_levels.csv"))


def fiscal_year(fy: int) -> tuple[dt.date, dt.date]:
    """Federal fiscal year FY: 1 October FY-1 .. 30 September FY."""
    return dt.date(fy - 1, 10, 1), dt.date(fy, 9, 30)


def year(y: int, last: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Calendar year y, cut at ``last`` if the records end inside it."""
    end = dt.date(y, 12, 31)
    return dt.date(y, 1, 1), min(end, last) if last else end
