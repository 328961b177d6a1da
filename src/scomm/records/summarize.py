"""The funnel and the oversight metrics that loaded records support, small cells suppressed.

What each canonical table contributes is declared once, in ``SUMMARIES``: its funnel stage,
the dimensions (``scomm.records.dimensions``) its count tables split it by, the unit it
counts (jail charges: one row per booking), and its extras (``scomm.records.durations``:
time measures, and extra funnel columns such as the jail-based arrests). Each count table is
a partition of one table's records by a dimension for each group of ``--by``; it goes
through ``suppress`` with its margins, so the per-group totals (the funnel) are the same
suppressed margins in every table of one canonical table. Metrics are read off the
suppressed tables' overall row, so a rate is published only when its counts are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

import scomm
from scomm.io import atomic_dir, write_json
from scomm.records import durations, loader
from scomm.records.dimensions import (
    ALL,
    DIMENSIONS,
    categories,
    count_table,
    grouped,
    share_metrics,
)
from scomm.records.suppress import (
    DEFAULT_MIN_CELL,
    TOTAL,
    TOTAL_COLUMN,
    add_shares,
    check_min_cell,
    suppress,
)

Metrics = Callable[[pl.LazyFrame, int], list[dict]]
ExtraTable = Callable[[pl.LazyFrame, Sequence[str], int], dict]


@dataclass(frozen=True)
class TableSummary:
    """What one canonical table contributes to a summary.

    ``stage``: its funnel column; ``dimensions``: its count tables, in order; ``unit``: the
    rows it counts (default: one per record); ``metrics``: measures over all its rows,
    before grouping; ``tables``: extra tables per ``--by`` group, after the count tables;
    ``funnel``: extra funnel columns, each a category of one of its dimensions.
    """

    table: str
    stage: str
    dimensions: tuple[str, ...]
    unit: Callable[[pl.LazyFrame], pl.LazyFrame] | None = None
    metrics: tuple[Metrics, ...] = ()
    tables: tuple[ExtraTable, ...] = ()
    funnel: dict[str, tuple[str, str]] = field(default_factory=dict)


SUMMARIES = (
    TableSummary(
        "arrests",
        "arrests",
        ("method", "conviction", "criminality", "msc_category", "citizenship", "gender"),
        funnel={"arrests_jail_based": ("method", "jail_based")},
    ),
    TableSummary(
        "book_ins", "book_ins", ("method", "conviction", "msc_category", "citizenship", "gender")
    ),
    TableSummary(
        "detainers",
        "detainers",
        ("conviction", "criminality", "msc_category", "citizenship", "gender"),
    ),
    TableSummary(
        "removals",
        "removals",
        ("conviction", "criminality", "msc_category", "citizenship", "gender"),
        metrics=(durations.removal_days,),
    ),
    TableSummary(
        "jail_charges",
        "jail_bookings",
        ("hold", "gender"),
        unit=durations.one_row_per_booking,
        metrics=(durations.custody_metrics,),
        tables=(durations.custody_table,),
    ),
)
#: Funnel columns, in order (jail_bookings: distinct bookings of the jail_charges table).
FUNNEL = tuple(name for s in SUMMARIES for name in (s.stage, *s.funnel))


def summarize(folder: Path, by: Sequence[str] = (), min_cell: int = DEFAULT_MIN_CELL) -> dict:
    """The funnel, count tables and metrics for a loaded records folder."""
    check_min_cell(min_cell)
    manifest = loader.read_manifest(folder)
    index = list(by) if by else [ALL]
    tables: list[dict] = []
    metrics: list[dict] = []
    funnel: dict[str, pl.DataFrame] = {}
    for spec in SUMMARIES:
        lf = loader.scan_table(folder, spec.table)
        if lf is None:
            continue
        with loader.reading(Path(folder) / f"{spec.table}.parquet"):
            _add_table(spec, lf, by, index, min_cell, (tables, metrics, funnel))
    return {
        "scomm_version": scomm.__version__,
        "folder": str(folder),
        "by": list(by),
        "min_cell": min_cell,
        "inputs": [
            {k: i[k] for k in ("file", "sha256", "adapter", "table")} for i in manifest["inputs"]
        ],
        "funnel": _funnel_rows(funnel, index),
        "metrics": metrics,
        "tables": tables,
    }


def _add_table(
    spec: TableSummary,
    lf: pl.LazyFrame,
    by: Sequence[str],
    index: list[str],
    min_cell: int,
    into: tuple[list[dict], list[dict], dict[str, pl.DataFrame]],
) -> None:
    """One canonical table's metrics, count tables and funnel columns, added ``into`` the
    summary's tables, metrics and funnel."""
    tables, metrics, funnel = into
    if spec.unit is not None:
        lf = spec.unit(lf)
    for measure in spec.metrics:
        metrics += measure(lf, min_cell)
    lf = grouped(lf, by)
    for table in _count_tables(lf, spec, index, min_cell):
        tables.append(table)
        metrics += _note_funnel(funnel, spec, table, index)
    tables += [extra(lf, index, min_cell) for extra in spec.tables]


def _count_tables(
    lf: pl.LazyFrame, spec: TableSummary, index: list[str], min_cell: int
) -> list[dict]:
    """One suppressed count table (with shares) per dimension the records support."""
    out = []
    for dim in (DIMENSIONS[name] for name in spec.dimensions):
        if not lf.select(pl.col(dim.needs).is_not_null().any()).collect().item():
            continue
        expr, cats = categories(lf, dim)
        wide = count_table(lf, index, expr, cats)
        long = add_shares(suppress(wide, index, min_cell=min_cell), index)
        out.append(
            {
                "name": f"{spec.table}_by_{dim.name}",
                "table": spec.table,
                "dimension": dim.name,
                "definition": dim.definition,
                "rows": long,
            }
        )
    return out


def _note_funnel(
    funnel: dict[str, pl.DataFrame], spec: TableSummary, table: dict, index: list[str]
) -> list[dict]:
    """Record a count table's margins in the funnel; return its dimension's shares."""
    long = table["rows"]
    if spec.stage not in funnel:
        funnel[spec.stage] = long.filter(pl.col("column") == TOTAL_COLUMN)
    for name, (dim, category) in spec.funnel.items():
        if dim == table["dimension"]:
            funnel[name] = long.filter(pl.col("column") == category)
    return share_metrics(spec.table, DIMENSIONS[table["dimension"]], _overall(long, index))


def _overall(long: pl.DataFrame, index: Sequence[str]) -> pl.DataFrame:
    total = long.filter(pl.all_horizontal(pl.col(k) == TOTAL for k in index))
    return total if total.height else long


def _funnel_rows(funnel: dict[str, pl.DataFrame], index: list[str]) -> list[dict]:
    """Per group: each stage's record count (suppressed margins) and jail-based arrests."""
    out: dict[tuple, dict] = {}
    for table, long in funnel.items():
        for r in long.iter_rows(named=True):
            key = tuple(r[k] for k in index)
            row = out.setdefault(key, dict(zip(index, key, strict=True)))
            row[table] = r["count"]
    return [out[k] for k in sorted(out, key=lambda k: tuple(x == TOTAL for x in k) + k)]


def write_tables(doc: dict, out: Path) -> None:
    """Write each suppressed table as Parquet and CSV plus summary.json (all-or-nothing)."""
    with atomic_dir(Path(out)) as tmp:
        for t in doc["tables"]:
            t["rows"].write_parquet(tmp / f"{t['name']}.parquet", compression="zstd")
            t["rows"].write_csv(tmp / f"{t['name']}.csv")
        write_json(tmp / "summary.json", to_json(doc))


def to_json(doc: dict) -> dict:
    """The summary with its tables as lists of records."""
    return {
        **doc,
        "tables": [
            {**{k: v for k, v in t.items() if k != "rows"}, "rows": t["rows"].to_dicts()}
            for t in doc["tables"]
        ],
    }
