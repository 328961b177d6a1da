"""The model against the records: monthly jail-based ICE arrests beside the model's book-ins.

Records side: arrests whose method is 'CAP Local Incarceration' (ICE took custody from a
local jail), by state and month. Model side: ``scomm.api.run(...).flows`` stage
``ice_book_ins`` (people booked into ICE custody after S-Comm identification) for the same
states and months. The records' state × month table goes through small-cell suppression
(with its margins); the difference and ratio are withheld wherever the records count is, so
the model cannot be used to subtract a suppressed count back.

The two series measure related but different things: the records count every jail-based
arrest (whatever led ICE to the person), the model only those that followed an S-Comm
fingerprint match. docs/records.md discusses the gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

import scomm
from scomm.errors import UserError
from scomm.io import atomic_dir, write_json
from scomm.records import loader
from scomm.records.suppress import DEFAULT_MIN_CELL, TOTAL, TOTAL_COLUMN, check_min_cell, suppress

ALL_STATES = "ALL"
MODEL_STAGE = "ice_book_ins"


def _months(start: str, end: str) -> list[str]:
    y, m = int(start[:4]), int(start[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def records_monthly(folder: Path) -> pl.DataFrame:
    """Jail-based ICE arrests by state and month (unsuppressed; internal use only)."""
    lf = loader.scan_table(folder, "arrests")
    if lf is None:
        raise UserError(
            f"{folder}: the load has no arrests table; compare needs ICE arrest "
            "records (e.g. the Seattle-AOR arrests file)"
        )
    with loader.reading(Path(folder) / "arrests.parquet"):
        return _monthly(lf)


def _monthly(lf: pl.LazyFrame) -> pl.DataFrame:
    return (
        lf.filter(
            pl.col("jail_based")
            & pl.col("state").is_not_null()
            & pl.col("event_date").is_not_null()
        )
        .group_by("state", pl.col("event_date").dt.strftime("%Y-%m").alias("month"))
        .agg(
            pl.len().alias("records"),
            pl.col("event_date").min().alias("first"),
            pl.col("event_date").max().alias("last"),
        )
        .collect()
    )


def compare(
    folder: Path,
    scenario: str = "baseline",
    *,
    start: str | None = None,
    end: str | None = None,
    states: Sequence[str] | None = None,
    seed: int = 0,
    min_cell: int = DEFAULT_MIN_CELL,
    run: Callable[..., object] | None = None,
) -> dict:
    """Records beside the model by state and month; returns tables and a summary."""
    check_min_cell(min_cell)
    rec = records_monthly(Path(folder))
    if rec.height == 0:
        raise UserError(
            f"{folder}: no jail-based ('CAP Local Incarceration') arrests with a "
            "state and date to compare"
        )
    start = start or rec["month"].min()
    end = end or rec["month"].max()
    if start > end:
        raise UserError(f"--start {start} is after --end {end}")
    chosen = [s.upper() for s in states] if states else sorted(rec["state"].unique().to_list())
    if run is None:
        from scomm.api import run as run_model

        run = run_model
    result = run(scenario=scenario, start=start, end=end, states=chosen, seed=seed)
    flows: pl.DataFrame = result.flows  # type: ignore[attr-defined]
    model = (
        flows.filter(pl.col("stage") == MODEL_STAGE)
        .group_by("state", "month")
        .agg(pl.col("count").sum().alias("model"))
    )
    rec_dates = (rec.get_column("first").min(), rec.get_column("last").max())
    rec = rec.drop("first", "last")
    months = _months(start, end)
    grid = pl.DataFrame({"month": months}).join(pl.DataFrame({"state": chosen}), how="cross")
    rec = grid.join(rec, on=["state", "month"], how="left").with_columns(
        pl.col("records").fill_null(0)
    )
    wide = rec.pivot(on="state", index="month", values="records").select("month", *chosen)
    long = suppress(wide, ["month"], min_cell=min_cell).rename(
        {"column": "state", "count": "records"}
    )
    long = long.with_columns(
        pl.when(pl.col("state") == TOTAL_COLUMN)
        .then(pl.lit(ALL_STATES))
        .otherwise(pl.col("state"))
        .alias("state")
    )
    model_cells = _with_margins(model, chosen, months)
    table = long.join(model_cells, on=["month", "state"], how="left")
    gap = pl.col("model") - pl.col("records")
    ratio = pl.when(pl.col("records") > 0).then(pl.col("model") / pl.col("records"))
    table = table.with_columns(gap.alias("difference"), ratio.round(3).alias("ratio")).select(
        "state", "month", "records", "model", "difference", "ratio", "flag", "reason"
    )
    without = sorted(set(chosen) - set(rec.filter(pl.col("records") > 0)["state"].to_list()))
    summary = {
        "scomm_version": scomm.__version__,
        "scenario": scenario,
        "seed": seed,
        "period": {"start": start, "end": end},
        "states": chosen,
        "min_cell": min_cell,
        "records_series": "ICE arrests with arrest_method 'CAP Local Incarceration', by the "
        "state of the arrest, per month",
        "model_series": "model flows stage ice_book_ins: people booked into ICE custody after "
        "S-Comm identification, per month",
        "inputs": [
            {k: i[k] for k in ("file", "sha256", "adapter")}
            for i in loader.read_manifest(Path(folder))["inputs"]
        ],
        "states_without_records": without,
        "partial_months": _partial_months(rec_dates, start, end),
        "totals": [
            {k: r[k] for k in ("state", "records", "model", "difference", "ratio", "flag")}
            for r in table.filter(pl.col("month") == TOTAL).iter_rows(named=True)
        ],
    }
    return {"summary": summary, "table": table, "long": to_long(table)}


def _partial_months(dates: tuple, start: str, end: str) -> list[str]:
    """First or last month of the comparison that the records cover only in part."""
    first, last = dates
    out = []
    if first is not None and first.strftime("%Y-%m") == start and first.day > 1:
        out.append(start)
    if last is not None and last.strftime("%Y-%m") == end:
        following = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if (following - last).days > 1:
            out.append(end)
    return out


def _with_margins(model: pl.DataFrame, states: list[str], months: list[str]) -> pl.DataFrame:
    grid = pl.DataFrame({"month": months}).join(pl.DataFrame({"state": states}), how="cross")
    cells = grid.join(model, on=["state", "month"], how="left").with_columns(
        pl.col("model").fill_null(0)
    )
    by_month = (
        cells.group_by("month")
        .agg(pl.col("model").sum())
        .with_columns(pl.lit(ALL_STATES).alias("state"))
    )
    by_state = (
        cells.group_by("state")
        .agg(pl.col("model").sum())
        .with_columns(pl.lit(TOTAL).alias("month"))
    )
    grand = pl.DataFrame(
        {"month": [TOTAL], "state": [ALL_STATES], "model": [int(cells["model"].sum())]}
    )
    cols = ["month", "state", "model"]
    return pl.concat(
        [cells.select(cols), by_month.select(cols), by_state.select(cols), grand.select(cols)],
        how="vertical_relaxed",
    )


def to_long(table: pl.DataFrame) -> pl.DataFrame:
    """Plot-ready: state, month, series (records/model/difference/ratio), value, flag."""
    parts = [
        table.select(
            "state",
            "month",
            pl.lit(series).alias("series"),
            pl.col(series).cast(pl.Float64).alias("value"),
            "flag",
        )
        for series in ("records", "model", "difference", "ratio")
    ]
    return pl.concat(parts).sort("state", "month", "series")


def write(result: dict, out: Path) -> None:
    """comparison.{parquet,csv}, comparison_long.{parquet,csv} and compare.json, atomically."""
    with atomic_dir(Path(out)) as tmp:
        for name, frame in (("comparison", result["table"]), ("comparison_long", result["long"])):
            frame.write_parquet(tmp / f"{name}.parquet", compression="zstd")
            frame.write_csv(tmp / f"{name}.csv")
        write_json(tmp / "compare.json", result["summary"])
