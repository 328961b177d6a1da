"""The funnel and the oversight metrics that loaded records support, small cells suppressed.

Each count table is a partition of one canonical table's records by a dimension (arrest
method, conviction, most-serious-conviction category, citizenship, gender, criminality,
immigration hold) for each group of ``--by``; it goes through ``suppress`` with its
margins, so the per-group totals (the funnel) are the same suppressed margins in every
table of one canonical table. Metrics are read off the suppressed tables' overall row, so a
rate is published only when its counts are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

import scomm
from scomm.errors import UserError
from scomm.records import loader
from scomm.records.suppress import (
    DEFAULT_MIN_CELL,
    TOTAL,
    TOTAL_COLUMN,
    add_shares,
    check_min_cell,
    suppress,
)

ALL = "all"
BY_KEYS: dict[str, pl.Expr] = {
    "state": pl.col("state"),
    "aor": pl.col("aor"),
    "county": pl.col("county"),
    "facility": pl.col("facility"),
    "year": pl.col("event_date").dt.year().cast(pl.String),
    "fiscal_year": (
        pl.col("event_date").dt.year() + (pl.col("event_date").dt.month() >= 10).cast(pl.Int32)
    ).cast(pl.String),
    "month": pl.col("event_date").dt.strftime("%Y-%m"),
    "source_file": pl.col("source_file"),
    "adapter": pl.col("adapter"),
}

#: Funnel columns, in order (jail_bookings: distinct bookings of the jail_charges table).
FUNNEL = ("arrests", "arrests_jail_based", "book_ins", "detainers", "removals", "jail_bookings")
STAGES = (
    ("arrests", "ICE arrests (all methods)"),
    ("book_ins", "book-ins into ICE detention"),
    ("detainers", "ICE detainers lodged"),
    ("removals", "removals"),
    ("jail_charges", "jail bookings (Pierce-style booking records)"),
)


@dataclass(frozen=True)
class Dimension:
    """A way to split a canonical table's records into categories (the table's columns)."""

    name: str
    title: str
    expr: pl.Expr
    categories: tuple[str, ...] | None  # None: data-driven (citizenship)
    definition: str


DIMENSIONS = {
    "method": Dimension(
        "method",
        "arrest method",
        pl.when(pl.col("jail_based"))
        .then(pl.lit("jail_based"))
        .when(pl.col("jail_based").not_())
        .then(pl.lit("other_method"))
        .otherwise(pl.lit("method_unknown")),
        ("jail_based", "other_method", "method_unknown"),
        "jail_based: ICE's arrest method is 'CAP Local Incarceration' (custody taken from a "
        "local jail, the route Secure Communities feeds); other_method: any other recorded "
        "method; method_unknown: none recorded.",
    ),
    "conviction": Dimension(
        "conviction",
        "criminal conviction",
        pl.when(pl.col("convicted"))
        .then(pl.lit("convicted"))
        .when(pl.col("convicted").not_())
        .then(pl.lit("no_conviction"))
        .otherwise(pl.lit("unknown")),
        ("convicted", "no_conviction", "unknown"),
        "convicted: the record shows a criminal conviction (ICE criminality 'Convicted "
        "Criminal', or a most-serious conviction is recorded); no_conviction: none on record.",
    ),
    "criminality": Dimension(
        "criminality",
        "ICE criminality class",
        pl.col("criminality").fill_null("unknown"),
        ("convicted", "pending_charges", "other_immigration_violator", "unknown"),
        "ICE's own class at the event: convicted criminal, pending criminal charges, or other "
        "immigration violator (no criminal conviction or charge).",
    ),
    "msc_category": Dimension(
        "msc_category",
        "most serious conviction",
        pl.col("msc_category").fill_null(
            pl.when(pl.col("convicted").not_())
            .then(pl.lit("no_conviction"))
            .otherwise(pl.lit("unknown"))
        ),
        (
            "homicide",
            "sex_offense",
            "violent",
            "weapons",
            "drugs",
            "dui",
            "traffic",
            "property_fraud",
            "immigration",
            "justice_violation",
            "public_order",
            "other",
            "no_conviction",
            "unknown",
        ),
        "broad category of the most serious criminal conviction on record (lookup "
        "msc_categories.csv over ICE's NCIC descriptions); no_conviction: none on record.",
    ),
    "citizenship": Dimension(
        "citizenship",
        "country of citizenship",
        pl.col("citizenship"),
        None,
        "country of citizenship: the five most frequent in the table, then OTHER; "
        "UNKNOWN when not recorded.",
    ),
    "gender": Dimension(
        "gender",
        "gender",
        pl.col("gender").fill_null("unknown"),
        ("male", "female", "unknown"),
        "gender as recorded by ICE or the jail.",
    ),
    "hold": Dimension(
        "hold",
        "immigration hold",
        pl.when(pl.col("immigration_hold"))
        .then(pl.lit("with_hold"))
        .when(pl.col("immigration_hold").not_())
        .then(pl.lit("without_hold"))
        .otherwise(pl.lit("unknown")),
        ("with_hold", "without_hold", "unknown"),
        "jail bookings with an ICE detainer (immigration hold) on the person, and without.",
    ),
}

TABLE_DIMENSIONS = {
    "arrests": ("method", "conviction", "criminality", "msc_category", "citizenship", "gender"),
    "book_ins": ("method", "conviction", "msc_category", "citizenship", "gender"),
    "detainers": ("conviction", "criminality", "msc_category", "citizenship", "gender"),
    "removals": ("conviction", "criminality", "msc_category", "citizenship", "gender"),
    "jail_charges": ("hold", "gender"),
}
#: The dimension whose rows are needed by a dimension's expression.
NEEDS = {
    "method": "jail_based",
    "conviction": "convicted",
    "criminality": "criminality",
    "msc_category": "convicted",
    "citizenship": "citizenship",
    "gender": "gender",
    "hold": "immigration_hold",
}


def parse_by(text: str | None) -> list[str]:
    """``--by state,year`` → ["state", "year"]; unknown keys are refused."""
    if not text:
        return []
    keys = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in keys if k not in BY_KEYS]
    if bad:
        raise UserError(
            f"--by {text!r}: unknown key {bad[0]!r}; expected some of {', '.join(BY_KEYS)}"
        )
    if len(set(keys)) != len(keys):
        raise UserError(f"--by {text!r}: a key is repeated")
    return keys


def _grouped(lf: pl.LazyFrame, by: Sequence[str]) -> pl.LazyFrame:
    if not by:
        return lf.with_columns(pl.lit(ALL).alias(ALL))
    return lf.with_columns(BY_KEYS[k].cast(pl.String).alias(k) for k in by)


def _bookings(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per jail booking (the first charge row of each booking_key)."""
    return lf.sort("source_file", "source_row").unique(
        subset=["source_file", "booking_key"], keep="first", maintain_order=True
    )


def _categories(lf: pl.LazyFrame, dim: Dimension) -> tuple[pl.Expr, tuple[str, ...]]:
    if dim.categories is not None:
        return dim.expr, dim.categories
    top = (
        lf.filter(dim.expr.is_not_null())
        .group_by(dim.expr.alias("__v"))
        .agg(pl.len().alias("n"))
        .sort(["n", "__v"], descending=[True, False])
        .head(5)
        .collect()["__v"]
        .to_list()
    )
    expr = (
        pl.when(dim.expr.is_null())
        .then(pl.lit("UNKNOWN"))
        .when(dim.expr.is_in(top))
        .then(dim.expr)
        .otherwise(pl.lit("OTHER"))
    )
    return expr, (*top, "OTHER", "UNKNOWN")


def count_table(
    lf: pl.LazyFrame, index: Sequence[str], expr: pl.Expr, categories: Sequence[str]
) -> pl.DataFrame:
    """Wide counts: one row per index group, one column per category (zeros filled)."""
    counts = (
        lf.group_by(*index, expr.alias("__cat"))
        .agg(pl.len().alias("n"))
        .collect(engine="streaming")
    )
    keys = counts.select(index).unique().sort(index)
    wide = keys
    for cat in categories:
        part = counts.filter(pl.col("__cat") == cat).select(*index, pl.col("n").alias(cat))
        wide = wide.join(part, on=list(index), how="left", nulls_equal=True)
    return wide.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in categories).sort(
        index, nulls_last=True
    )


def _overall(long: pl.DataFrame, index: Sequence[str]) -> pl.DataFrame:
    total = long.filter(pl.all_horizontal(pl.col(k) == TOTAL for k in index))
    return total if total.height else long


def _cell(rows: pl.DataFrame, column: str) -> dict:
    hit = rows.filter(pl.col("column") == column)
    if hit.height == 0:
        return {"count": 0, "flag": None}
    r = hit.row(0, named=True)
    return {"count": r["count"], "flag": r["flag"]}


def _rate(num: dict, den: dict) -> float | None:
    if num["count"] is None or den["count"] is None or not den["count"]:
        return None
    return round(num["count"] / den["count"], 4)


def _metric(name: str, table: str, definition: str, num: dict, den: dict) -> dict:
    value = _rate(num, den)
    return {
        "name": name,
        "table": table,
        "definition": definition,
        "value": value,
        "unit": "share",
        "numerator": num["count"],
        "denominator": den["count"],
        "suppressed": value is None and (num["flag"] or den["flag"]) is not None,
    }


def _custody_table(lf: pl.LazyFrame, index: Sequence[str], min_cell: int) -> pl.DataFrame:
    """Bookings by charge level × hold, with mean days in jail where the count is published."""
    rows = [*index, "charge_level"]
    lf = lf.with_columns(pl.col("charge_level").fill_null("unknown"))
    hold = DIMENSIONS["hold"]
    counts = count_table(lf, rows, hold.expr, hold.categories or ())
    long = suppress(counts, rows, min_cell=min_cell)
    by_cell = lf.group_by(*rows, hold.expr.alias("column")).agg(
        pl.col("custody_days").mean().alias("mean_days")
    )
    by_row = lf.group_by(*rows).agg(pl.col("custody_days").mean().alias("mean_days"))
    by_row = by_row.with_columns(pl.lit(TOTAL_COLUMN).alias("column"))
    means = pl.concat([by_cell, by_row.select(by_cell.collect_schema().names())]).collect()
    means = means.with_columns(pl.col(c).cast(pl.String) for c in rows)
    long = long.join(
        means, on=[*rows, "column"], how="left", nulls_equal=True, maintain_order="left"
    )
    published = pl.when(pl.col("count").is_not_null()).then(pl.col("mean_days").round(2))
    return long.with_columns(published.alias("mean_days"))


def _custody_metrics(lf: pl.LazyFrame, min_cell: int) -> list[dict]:
    """Mean jail days with a hold, and the extra days over bookings without one."""
    long = _custody_table(_grouped(lf, []), [ALL], min_cell)
    metrics = []
    for charge in ("felony", "misdemeanor"):
        sub = long.filter(pl.col("charge_level") == charge)
        vals = {r["column"]: r["mean_days"] for r in sub.iter_rows(named=True)}
        with_, without = vals.get("with_hold"), vals.get("without_hold")
        extra = round(with_ - without, 2) if with_ is not None and without is not None else None
        metrics.append(
            {
                "name": f"jail_days_with_hold_{charge}",
                "table": "jail_charges",
                "definition": f"mean days in jail (release minus booking) of {charge} bookings "
                "with an ICE immigration hold; published only when the booking count is.",
                "value": with_,
                "unit": "days",
            }
        )
        metrics.append(
            {
                "name": f"extra_jail_days_with_hold_{charge}",
                "table": "jail_charges",
                "definition": f"mean jail days of {charge} bookings with an immigration hold "
                "minus those without one; null when the records hold no bookings without a hold "
                "(the published Pierce file has only bookings with holds) or a count is suppressed.",
                "value": extra,
                "unit": "days",
            }
        )
    return metrics


def _removal_days(lf: pl.LazyFrame, min_cell: int) -> dict:
    """Mean days from the linked ICE arrest to departure, where both dates are recorded."""
    days = (pl.col("event_date") - pl.col("arrest_date")).dt.total_days()
    n, mean = (
        lf.filter(days.is_not_null() & (days >= 0)).select(pl.len(), days.mean()).collect().row(0)
    )
    published = n >= min_cell
    return {
        "name": "removals_mean_days_arrest_to_removal",
        "table": "removals",
        "definition": "mean days from the ICE arrest linked to a removal to the departure, over "
        "removals with both dates (an upper bound on time in ICE custody for those detained "
        "throughout); suppressed when fewer than the minimum cell size have both dates.",
        "value": round(mean, 1) if published and mean is not None else None,
        "unit": "days",
        "n": n if published else None,
        "suppressed": not published,
    }


def summarize(folder: Path, by: Sequence[str] = (), min_cell: int = DEFAULT_MIN_CELL) -> dict:
    """The funnel, count tables and metrics for a loaded records folder."""
    check_min_cell(min_cell)
    manifest = loader.read_manifest(folder)
    index = list(by) if by else [ALL]
    tables: list[dict] = []
    metrics: list[dict] = []
    funnel: dict[str, pl.DataFrame] = {}
    for table, _title in STAGES:
        lf = loader.scan_table(folder, table)
        if lf is None:
            continue
        if table == "jail_charges":
            lf = _bookings(lf)
            metrics += _custody_metrics(lf, min_cell)
        if table == "removals":
            metrics.append(_removal_days(lf, min_cell))
        lf = _grouped(lf, by)
        for dim_name in TABLE_DIMENSIONS[table]:
            dim = DIMENSIONS[dim_name]
            has_any = lf.select(pl.col(NEEDS[dim_name]).is_not_null().any()).collect().item()
            if not has_any:
                continue
            expr, cats = _categories(lf, dim)
            wide = count_table(lf, index, expr, cats)
            long = add_shares(suppress(wide, index, min_cell=min_cell), index)
            name = f"{table}_by_{dim_name}"
            tables.append(
                {
                    "name": name,
                    "table": table,
                    "dimension": dim_name,
                    "definition": dim.definition,
                    "rows": long,
                }
            )
            stage = "jail_bookings" if table == "jail_charges" else table
            if stage not in funnel:
                funnel[stage] = long.filter(pl.col("column") == TOTAL_COLUMN)
            if dim_name == "method" and table == "arrests":
                funnel["arrests_jail_based"] = long.filter(pl.col("column") == "jail_based")
            metrics += _dimension_metrics(table, dim_name, _overall(long, index))
        if table == "jail_charges":
            long = _custody_table(lf, index, min_cell)
            tables.append(
                {
                    "name": "jail_bookings_days_by_charge_level",
                    "table": table,
                    "dimension": "hold x charge_level",
                    "definition": "bookings by most serious charge level and hold, with "
                    "mean days in jail (mean_days) where the count is published.",
                    "rows": long,
                }
            )
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


def _funnel_rows(funnel: dict[str, pl.DataFrame], index: list[str]) -> list[dict]:
    """Per group: each stage's record count (suppressed margins) and jail-based arrests."""
    out: dict[tuple, dict] = {}
    for table, long in funnel.items():
        for r in long.iter_rows(named=True):
            key = tuple(r[k] for k in index)
            row = out.setdefault(key, dict(zip(index, key, strict=True)))
            row[table] = r["count"]
    return [out[k] for k in sorted(out, key=lambda k: tuple(x == TOTAL for x in k) + k)]


def _dimension_metrics(table: str, dim: str, overall: pl.DataFrame) -> list[dict]:
    total = _cell(overall, TOTAL_COLUMN) if (overall["column"] == TOTAL_COLUMN).any() else None
    if total is None:
        return []
    out = []
    if dim == "method":
        out.append(
            _metric(
                f"{table}_share_jail_based",
                table,
                "share of records whose ICE arrest method is 'CAP Local Incarceration' (taken from "
                "a local jail) among all records of the table, methods unknown included.",
                _cell(overall, "jail_based"),
                total,
            )
        )
    elif dim == "conviction":
        out.append(
            _metric(
                f"{table}_share_no_conviction",
                table,
                "share of records with no criminal conviction on record, among all records of the "
                "table.",
                _cell(overall, "no_conviction"),
                total,
            )
        )
    elif dim in ("msc_category", "citizenship", "gender", "criminality", "hold"):
        for r in overall.filter(pl.col("column") != TOTAL_COLUMN).iter_rows(named=True):
            out.append(
                _metric(
                    f"{table}_share_{dim}_{r['column']}".lower().replace(" ", "_"),
                    table,
                    f"share of records whose {DIMENSIONS[dim].title} is {r['column']}, among all "
                    "records of the table.",
                    {"count": r["count"], "flag": r["flag"]},
                    total,
                )
            )
    return out


def write_tables(doc: dict, out: Path) -> None:
    """Write each suppressed table as Parquet and CSV plus summary.json (all-or-nothing)."""
    import json

    from scomm.io import atomic_dir

    with atomic_dir(Path(out)) as tmp:
        for t in doc["tables"]:
            t["rows"].write_parquet(tmp / f"{t['name']}.parquet", compression="zstd")
            t["rows"].write_csv(tmp / f"{t['name']}.csv")
        (tmp / "summary.json").write_text(json.dumps(to_json(doc), indent=2) + "\n")


def to_json(doc: dict) -> dict:
    """The summary with its tables as lists of records."""
    return {
        **doc,
        "tables": [
            {**{k: v for k, v in t.items() if k != "rows"}, "rows": t["rows"].to_dicts()}
            for t in doc["tables"]
        ],
    }
