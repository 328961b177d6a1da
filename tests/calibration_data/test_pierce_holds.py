"""Pierce County holds: both hold counts are kept, U.S.-born holds are counted but never shown."""

from __future__ import annotations

import polars as pl

from scomm.calibration_data import pierce


def cell(frame: pl.DataFrame, table: str, row: str, column: str = "bookings"):
    sel = frame.filter(
        (pl.col("table") == table) & (pl.col("row") == row) & (pl.col("column") == column)
    )
    return sel.row(0, named=True)


def test_totals_and_the_two_hold_counts():
    d = pierce.dataset().observations
    assert cell(d, "pierce_race", "Total")["value"] == 29_312
    held = cell(d, "pierce_race", "Total", "bookings_with_detainer")
    assert (held["value"], held["low"], held["high"]) == (188, 188, 204)
    for table in ("pierce_holds_by_birth", "pierce_holds_by_release", "pierce_holds_by_year"):
        assert cell(d, table, "Total")["value"] == 204


def test_us_born_holds_are_counted_inside_and_withheld_outside():
    d = pierce.dataset()
    inside = cell(d.observations, "pierce_holds_by_birth", "born_in_us")["value"]
    assert 0 < inside < 11  # a small cell: usable in a likelihood only
    public = d.public()
    shown = cell(public, "pierce_holds_by_birth", "born_in_us")
    partner = cell(public, "pierce_holds_by_birth", "born_abroad")
    assert shown["value"] is None and shown["suppressed"] == "primary"
    assert partner["value"] is None  # else 204 minus it gives the small cell back
