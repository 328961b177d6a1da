"""Validation rules with warn and stop thresholds, run on each staged (mapped) input.

A rule marks the rows that break it. Its level for one input is ``stop`` when the failing
share is above ``stop_at``, ``warn`` when any row fails (share above ``warn_at``), else ``ok``.
A stop refuses the load: ``raise_on_stop`` raises UserError naming the file, column, rule,
count and an example row. "The day of the check" (no date may be later) is passed in by the
caller, so a long-running process (``scomm serve``) never checks against a stale day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from scomm.errors import UserError
from scomm.records import clean

DATE_FLOOR = {
    "event_date": dt.date(1990, 1, 1),
    "arrest_date": dt.date(1980, 1, 1),
    "departed_date": dt.date(1990, 1, 1),
    "release_date": dt.date(1990, 1, 1),
}
PARSED = {  # canonical column -> what a value that did not convert means
    "event_date": "date_format",
    "arrest_date": "date_format",
    "departed_date": "date_format",
    "release_date": "date_format",
    "birth_date": "date_format",
    "birth_year": "number_format",
    "gender": "allowed_values",
    "criminality": "allowed_values",
    "immigration_hold": "allowed_values",
}


@dataclass(frozen=True)
class Rule:
    """One check: the rows it fails (given the day of the check), its column, and its
    thresholds (shares of rows)."""

    name: str
    column: str
    description: str
    fails: Callable[[dt.date], pl.Expr]
    needs: tuple[str, ...]
    warn_at: float = 0.0
    stop_at: float = 0.005


def _parse_rule(column: str, kind: str) -> Rule:
    stop = 0.05 if kind == "allowed_values" else 0.005
    what = {
        "date_format": "a non-empty value that is not a date (YYYY-MM-DD or MM/DD/YYYY)",
        "number_format": "a non-empty value that is not a number",
        "allowed_values": "a value outside the allowed set "
        + {
            "gender": "(M/F/Male/Female/Unknown)",
            "criminality": "(1 Convicted Criminal, 2 Pending Criminal Charges, "
            "3 Other Immigration Violator)",
            "immigration_hold": "(1/0, true/false, Y/N)",
        }.get(column, ""),
    }[kind]
    return Rule(
        kind,
        column,
        what,
        lambda today: pl.col(f"_raw_{column}").is_not_null() & pl.col(column).is_null(),
        (f"_raw_{column}", column),
        stop_at=stop,
    )


def rules() -> list[Rule]:
    """Every rule; a rule applies to a staged input that has all the columns it needs."""
    out = [_parse_rule(col, kind) for col, kind in PARSED.items()]
    out.append(
        Rule(
            "allowed_values",
            "state",
            "a state that is neither a USPS code, a state name nor a "
            "known placeholder (AMBIGUOUS, OTHER)",
            lambda today: (
                pl.col("_raw_state").is_not_null()
                & pl.col("state").is_null()
                & ~pl.col("_raw_state").str.to_uppercase().is_in(sorted(clean.STATE_PLACEHOLDERS))
            ),
            ("_raw_state", "state"),
            stop_at=0.05,
        )
    )
    out.append(
        Rule(
            "required",
            "event_date",
            "the event date is missing",
            lambda today: pl.col("event_date").is_null() & pl.col("_raw_event_date").is_null(),
            ("_raw_event_date", "event_date"),
        )
    )
    for col, floor in DATE_FLOOR.items():
        out.append(
            Rule(
                "date_range",
                col,
                f"a date before {floor} or after the day of the check",
                (lambda today, c=col, fl=floor: (pl.col(c) < fl) | (pl.col(c) > today)),
                (col,),
            )
        )
    out.append(
        Rule(
            "birth_year_range",
            "birth_year",
            "a birth year before 1900 or after the year of the check",
            lambda today: (pl.col("birth_year") < 1900) | (pl.col("birth_year") > today.year),
            ("birth_year",),
            stop_at=0.01,
        )
    )
    out.append(
        Rule(
            "date_order",
            "release_date",
            "released from jail before the booking date",
            lambda today: pl.col("release_date") < pl.col("event_date"),
            ("release_date", "event_date"),
            stop_at=0.01,
        )
    )
    out.append(
        Rule(
            "date_order",
            "departed_date",
            "departed the U.S. before the event (arrest or detainer)",
            lambda today: (
                (pl.col("table") != "removals") & (pl.col("departed_date") < pl.col("event_date"))
            ),
            ("departed_date", "event_date", "table"),
            stop_at=0.01,
        )
    )
    out.append(
        Rule(
            "date_order",
            "arrest_date",
            "removed (departed) before the linked ICE arrest",
            lambda today: (
                (pl.col("table") == "removals") & (pl.col("event_date") < pl.col("arrest_date"))
            ),
            ("arrest_date", "event_date", "table"),
            stop_at=0.01,
        )
    )
    return out


@dataclass
class Finding:
    """One rule's result on one input."""

    file: str
    adapter: str
    rule: str
    column: str
    description: str
    count: int
    rows: int
    warn_at: float
    stop_at: float
    examples: list[str]

    @property
    def share(self) -> float:
        """Failing rows as a share of the input's rows."""
        return self.count / self.rows if self.rows else 0.0

    @property
    def level(self) -> str:
        """ok, warn or stop."""
        if self.count and self.share > self.stop_at:
            return "stop"
        if self.count and self.share > self.warn_at:
            return "warn"
        return "ok"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "file": self.file,
            "adapter": self.adapter,
            "rule": self.rule,
            "column": self.column,
            "level": self.level,
            "count": self.count,
            "rows": self.rows,
            "share": round(self.share, 6),
            "warn_at": self.warn_at,
            "stop_at": self.stop_at,
            "description": self.description,
            "examples": self.examples,
        }

    def message(self) -> str:
        """One line for the CLI: file, column, rule, count, threshold, example."""
        ex = f" (e.g. {self.examples[0]})" if self.examples else ""
        return (
            f"{self.file}: column {self.column}: rule {self.rule} ({self.description}): "
            f"{self.count:,} of {self.rows:,} rows ({self.share:.2%}) fail, above the stop "
            f"threshold {self.stop_at:.2%}{ex}"
        )


class Checker:
    """Counts each applicable rule's failures batch by batch, keeping three examples;
    ``today`` is the day of the check."""

    def __init__(self, names: set[str], today: dt.date) -> None:
        self.rules = [r for r in rules() if set(r.needs) <= names]
        self.names = names
        self.today = today
        self.counts = [0] * len(self.rules)
        self.examples: list[list[str]] = [[] for _ in self.rules]

    def update(self, frame: pl.DataFrame) -> None:
        """Add one batch of staged rows."""
        if not self.rules:
            return
        fails = frame.select(
            [r.fails(self.today).fill_null(False).alias(str(i)) for i, r in enumerate(self.rules)]
        )
        for i, rule in enumerate(self.rules):
            mask = fails.get_column(str(i))
            n = int(mask.sum())
            self.counts[i] += n
            if n and len(self.examples[i]) < 3:
                self.examples[i] += self._examples(frame.filter(mask), rule)
                del self.examples[i][3:]

    def _examples(self, rows: pl.DataFrame, rule: Rule) -> list[str]:
        raw = f"_raw_{rule.column}"
        shown = [raw if raw in self.names else rule.column]
        if rule.name == "date_order":
            shown = [rule.column, "event_date"]
        sample = rows.select("source_row", *[pl.col(c).cast(pl.String) for c in shown]).head(3)
        return [
            f"row {r[0]}: "
            + ", ".join(
                f"{c.removeprefix('_raw_')}={v!r}" for c, v in zip(shown, r[1:], strict=True)
            )
            for r in sample.iter_rows()
        ]

    def findings(self, file: str, adapter: str, rows: int) -> list[Finding]:
        """One finding per applicable rule."""
        return [
            Finding(
                file,
                adapter,
                r.name,
                r.column,
                r.description,
                self.counts[i],
                rows,
                r.warn_at,
                r.stop_at,
                self.examples[i],
            )
            for i, r in enumerate(self.rules)
        ]


def cut_row(file: str, adapter: str, rows: int) -> Finding:
    """A stop-level finding for a CSV that ends right after a delimiter with no final
    newline: the shape of a file cut off in transfer, whose last value would load as empty
    (a file written whole ends its last row with a newline)."""
    return Finding(
        file,
        adapter,
        "cut_row",
        "(last row)",
        "the file ends right after a delimiter with no final newline, so its last value "
        "may have been cut off",
        1,
        max(rows, 1),
        0.0,
        0.0,
        [f"row {rows + 1}: ends with a delimiter and no newline"],
    )


def raise_on_stop(findings: list[Finding]) -> None:
    """Refuse the load on the first stop-level finding (the count of others is added)."""
    stops = [f for f in findings if f.level == "stop"]
    if stops:
        more = f" (and {len(stops) - 1} more stop-level findings)" if len(stops) > 1 else ""
        raise UserError(stops[0].message() + more)
