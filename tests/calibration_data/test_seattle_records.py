"""Seattle-area arrests and book-ins: methods and conviction labels map through hand tables
with reasons, the counts keep the record totals, and the conviction field is used only where
it exists."""

from __future__ import annotations

import polars as pl
import pytest

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data import seattle as S

LEVEL_CASES = [
    ("Homicide", "1", "1"),
    ("Homicide-Negligent Manslaughter-Vehicle", "1", "2"),
    ("Rape - Strongarm", "1", "1"),
    ("Sex Offense Against Child-Fondling", "1", "1"),
    ("Failure To Register As A Sex Offender", "2", "3"),
    ("Amphetamine - Sell", "1", "1"),
    ("Marijuana - Sell", "1", "2"),
    ("Amphetamine - Possession", "1", "3"),
    ("Aggravated Assault - Weapon", "1", "2"),
    ("Simple Assault", "2", "3"),
    ("Assault", "1", "3"),
    ("Burglary", "1", "2"),
    ("Burglary Tools - Possession", "2", "3"),
    ("Vehicle Theft", "1", "3"),
    ("Driving Under Influence Liquor", "2", "3"),
    ("Traffic Offense", "2", "3"),
    ("Illegal Re-Entry (INA SEC.101(a)(43)(O), 8USC1326 only)", "1", "2"),
    ("Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)", "1", "3"),
    ("Smuggling Aliens", "1", "1"),
    ("Probation Violation", "2", "3"),
]


@pytest.mark.parametrize(("label", "lo", "hi"), LEVEL_CASES)
def test_conviction_labels_map_to_level_ranges(label, lo, hi):
    rules = pk.level_rules()
    i = rules.index(label)
    assert (rules.table["level_min"][i], rules.table["level_max"][i]) == (lo, hi)


def test_every_method_has_a_class_and_totals_are_kept():
    a, b = S.arrests(), S.bookins()
    assert a["count"].sum() == 32_549 and b["count"].sum() == 36_811
    assert a.filter(pl.col("method_class") == "cap_local")["count"].sum() == 19_136
    assert a["method_class"].null_count() == 0 and b["method_class"].null_count() == 0


def test_the_conviction_field_is_empty_before_fy2015():
    a = S.arrests()
    before = a.filter(pl.col("month") < "2014-10")
    assert set(before["most_serious_conviction"]) == {"NA"}
    after = a.filter(pl.col("month") >= "2014-10")
    assert (after["most_serious_conviction"] != "NA").mean() > 0.5


def test_level_table_counts_cap_local_arrests_from_fy2015_only():
    d = S.dataset().observations.filter(pl.col("table") == "seattle_cap_local_levels")
    total = d.filter((pl.col("row") == "Total") & (pl.col("column") == "total"))["value"][0]
    a = S.arrests()
    expected = a.filter((pl.col("method_class") == "cap_local") & (pl.col("month") >= "2014-10"))
    assert total == expected["count"].sum()
    assert set(d["row"]) == {"2015", "2016", "2017", "2018", "2019", "Total"}


def test_wa_and_or_cells_measure_ice_book_ins_with_unplaced_events_on_top():
    d = S.dataset().observations.filter(pl.col("table") == "seattle_cap_local_arrests")
    wa = d.filter(pl.col("column") == "WA")
    assert wa["stage"].unique().to_list() == ["ice_book_ins"]
    assert (wa["high"].fill_null(wa["value"]) >= wa["value"]).all()
    other = d.filter(pl.col("column").is_in(["OTHER", "AMBIGUOUS", "NA"]))
    assert other["relation"].unique().to_list() == ["context"]
