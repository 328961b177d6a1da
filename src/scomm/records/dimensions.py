"""How records are split for a summary: the ``--by`` groups and the category dimensions.

A dimension partitions one canonical table's records into categories (arrest method,
conviction, most-serious-conviction category, citizenship, gender, criminality, immigration
hold); its count table has one column per category, one row per ``--by`` group. Each
dimension also says which shares it publishes: one headline share (e.g. jail-based arrests)
or the share of every category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from scomm.errors import UserError
from scomm.records.suppress import TOTAL_COLUMN

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


@dataclass(frozen=True)
class Headline:
    """The one share a dimension publishes: ``<table>_share_<category>``."""

    category: str
    definition: str


@dataclass(frozen=True)
class Dimension:
    """A way to split a canonical table's records into categories (the table's columns).

    ``needs``: the canonical column without which the dimension is skipped (all null).
    ``headline``: the share it publishes; None: the share of every category.
    """

    name: str
    title: str
    expr: pl.Expr
    categories: tuple[str, ...] | None  # None: data-driven (citizenship)
    definition: str
    needs: str
    headline: Headline | None = None


def _flag(column: str, yes: str, no: str, unknown: str = "unknown") -> pl.Expr:
    """Three categories from a boolean column: true, false and null."""
    return (
        pl.when(pl.col(column))
        .then(pl.lit(yes))
        .when(pl.col(column).not_())
        .then(pl.lit(no))
        .otherwise(pl.lit(unknown))
    )


DIMENSIONS = {
    d.name: d
    for d in (
        Dimension(
            "method",
            "arrest method",
            _flag("jail_based", "jail_based", "other_method", "method_unknown"),
            ("jail_based", "other_method", "method_unknown"),
            "jail_based: ICE's arrest method is 'CAP Local Incarceration' (custody taken from a "
            "local jail, the route Secure Communities feeds); other_method: any other recorded "
            "method; method_unknown: none recorded.",
            needs="jail_based",
            headline=Headline(
                "jail_based",
                "share of records whose ICE arrest method is 'CAP Local Incarceration' (taken "
                "from a local jail) among all records of the table, methods unknown included.",
            ),
        ),
        Dimension(
            "conviction",
            "criminal conviction",
            _flag("convicted", "convicted", "no_conviction"),
            ("convicted", "no_conviction", "unknown"),
            "convicted: the record shows a criminal conviction (ICE criminality 'Convicted "
            "Criminal', or a most-serious conviction is recorded); no_conviction: none on record.",
            needs="convicted",
            headline=Headline(
                "no_conviction",
                "share of records with no criminal conviction on record, among all records of "
                "the table.",
            ),
        ),
        Dimension(
            "criminality",
            "ICE criminality class",
            pl.col("criminality").fill_null("unknown"),
            ("convicted", "pending_charges", "other_immigration_violator", "unknown"),
            "ICE's own class at the event: convicted criminal, pending criminal charges, or other "
            "immigration violator (no criminal conviction or charge).",
            needs="criminality",
        ),
        Dimension(
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
            needs="convicted",
        ),
        Dimension(
            "citizenship",
            "country of citizenship",
            pl.col("citizenship"),
            None,
            "country of citizenship: the five most frequent in the table, then OTHER; "
            "UNKNOWN when not recorded.",
            needs="citizenship",
        ),
        Dimension(
            "gender",
            "gender",
            pl.col("gender").fill_null("unknown"),
            ("male", "female", "unknown"),
            "gender as recorded by ICE or the jail.",
            needs="gender",
        ),
        Dimension(
            "hold",
            "immigration hold",
            _flag("immigration_hold", "with_hold", "without_hold"),
            ("with_hold", "without_hold", "unknown"),
            "jail bookings with an ICE detainer (immigration hold) on the person, and without.",
            needs="immigration_hold",
        ),
    )
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


def grouped(lf: pl.LazyFrame, by: Sequence[str]) -> pl.LazyFrame:
    """The records with one string column per ``--by`` key (or the single group ``all``)."""
    if not by:
        return lf.with_columns(pl.lit(ALL).alias(ALL))
    return lf.with_columns(BY_KEYS[k].cast(pl.String).alias(k) for k in by)


def categories(lf: pl.LazyFrame, dim: Dimension) -> tuple[pl.Expr, tuple[str, ...]]:
    """The dimension's category expression and categories (data-driven: the top five)."""
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


def share_metric(name: str, table: str, definition: str, num: dict, den: dict) -> dict:
    """A share published only when both its counts are (else null and ``suppressed``)."""
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


def share_metrics(table: str, dim: Dimension, overall: pl.DataFrame) -> list[dict]:
    """The dimension's shares over a table's overall row (suppressed counts stay out)."""
    if not (overall["column"] == TOTAL_COLUMN).any():
        return []
    total = _cell(overall, TOTAL_COLUMN)
    if dim.headline is not None:
        h = dim.headline
        name = f"{table}_share_{h.category}"
        return [share_metric(name, table, h.definition, _cell(overall, h.category), total)]
    return [
        share_metric(
            f"{table}_share_{dim.name}_{r['column']}".lower().replace(" ", "_"),
            table,
            f"share of records whose {dim.title} is {r['column']}, among all records of the table.",
            {"count": r["count"], "flag": r["flag"]},
            total,
        )
        for r in overall.filter(pl.col("column") != TOTAL_COLUMN).iter_rows(named=True)
    ]
