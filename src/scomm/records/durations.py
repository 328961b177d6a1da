"""Time measures that some canonical tables support: days in jail with and without an
immigration hold (jail bookings), and days from the linked ICE arrest to a removal.

Each is published only where its count is: a mean over fewer records than the minimum cell
size is withheld, like the count itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from scomm.records.dimensions import ALL, DIMENSIONS, count_table, grouped
from scomm.records.suppress import TOTAL_COLUMN, suppress


def one_row_per_booking(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per jail booking (the first charge row of each booking_key)."""
    return lf.sort("source_file", "source_row").unique(
        subset=["source_file", "booking_key"], keep="first", maintain_order=True
    )


def custody_rows(lf: pl.LazyFrame, index: Sequence[str], min_cell: int) -> pl.DataFrame:
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


def custody_table(lf: pl.LazyFrame, index: Sequence[str], min_cell: int) -> dict:
    """The table of jail days by hold and charge level, per ``--by`` group."""
    return {
        "name": "jail_bookings_days_by_charge_level",
        "table": "jail_charges",
        "dimension": "hold x charge_level",
        "definition": "bookings by most serious charge level and hold, with "
        "mean days in jail (mean_days) where the count is published.",
        "rows": custody_rows(lf, index, min_cell),
    }


def custody_metrics(lf: pl.LazyFrame, min_cell: int) -> list[dict]:
    """Mean jail days with a hold, and the extra days over bookings without one."""
    long = custody_rows(grouped(lf, []), [ALL], min_cell)
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


def removal_days(lf: pl.LazyFrame, min_cell: int) -> list[dict]:
    """Mean days from the linked ICE arrest to departure, where both dates are recorded."""
    days = (pl.col("event_date") - pl.col("arrest_date")).dt.total_days()
    n, mean = (
        lf.filter(days.is_not_null() & (days >= 0)).select(pl.len(), days.mean()).collect().row(0)
    )
    published = n >= min_cell
    return [
        {
            "name": "removals_mean_days_arrest_to_removal",
            "table": "removals",
            "definition": "mean days from the ICE arrest linked to a removal to the departure, "
            "over removals with both dates (an upper bound on time in ICE custody for those "
            "detained throughout); suppressed when fewer than the minimum cell size have both "
            "dates.",
            "value": round(mean, 1) if published and mean is not None else None,
            "unit": "days",
            "n": n if published else None,
            "suppressed": not published,
        }
    ]
