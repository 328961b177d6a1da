"""ICE arrests by AOR and landmark: every landmark gets a class for a stated reason, the sums
keep the published totals, and the jail count's error is measured on the Seattle records."""

from __future__ import annotations

import polars as pl
import pytest

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data import landmarks as L

CASES = [
    ("HARRIS COUNTY JAIL, HOUSTON, TX", "local_jail"),
    ("CLARK COUNTY DETENTION CENTER", "local_jail"),
    ("HUDSON COUNTY CORRECTIONAL FACILITY", "local_jail"),
    ("CAP - MARICOPA COUNTY SHERIFFS OFFICE JAIL", "local_jail"),
    ("GWINNETT COUNTY JAIL - 287(G)", "jail_287g"),
    ("SC INTEROPERABILITY LAFO", "secure_communities"),
    ("TEXAS DEPT OF CRIMINAL JUSTICE, WALKER CO", "state_prison"),
    ("WENDE CORRECTIONAL FACILITY", "state_prison"),
    ("BOP FEDERAL DETENTION CENTER, HOUSTON, TX", "federal_prison"),
    ("NEVADA SOUTHERN DETENTION CENTER", "ice_detention"),
    ("KROME SPC", "ice_detention"),
    ("NDD - 26 FEDERAL PLAZA NY, NY", "ice_office"),
    ("FUGITIVE OPERATIONS", "at_large"),
    ("SAN DIEGO INSPECTIONS", "border_transport"),
    ("DALLAS COUNTY GENERAL AREA", "general_area"),
    ("ATLANTA, GA", "general_area"),
    ("CAP-YRK GENERAL AREA, NON-SPECIFIC PA STATE", "general_area"),
    ("NA", "unknown"),
    ("NORGEN", "other"),
]


@pytest.mark.parametrize(("landmark", "expected"), CASES)
def test_landmark_classes(landmark, expected):
    rules = pk.landmark_rules()
    assert rules.table["class"][rules.index(landmark)] == expected


def test_every_rule_has_a_reason_and_every_class_a_site():
    t = pk.lookup("landmark_classes.csv")
    assert all(len(r) > 20 for r in t["reason"])
    assert set(t["class"]) == set(L.SITE)


def test_sites_keep_the_published_totals():
    t = L.classified()
    assert t["arrests"].sum() == 1_724_652
    d = L.dataset().observations
    total = d.filter((pl.col("row") == "Total") & (pl.col("column") == "total"))["value"][0]
    assert total == 1_724_652
    assert t.filter(pl.col("class") == "other")["arrests"].sum() / total < 0.02


def test_jail_intervals_bracket_the_count():
    d = L.dataset().observations.filter(pl.col("column") == "jail")
    assert (d["low"] <= d["value"]).all() and (d["value"] <= d["high"]).all()
    assert d.filter(pl.col("row") != "Total")["geography_level"].unique().to_list() == ["aor"]


def test_seattle_check_measures_precision_and_recall():
    check = L.seattle_check()
    precision, recall = L.accuracy(check)
    cap_local = check.filter(pl.col("method_class") == "cap_local")["count"].sum()
    assert cap_local == 19_136  # the Seattle file's CAP local arrests
    assert 0.9 < precision < 1.0 and 0.8 < recall < 1.0


def test_every_aor_with_arrests_has_counties():
    L.check_crosswalk(set(L.classified()["aor"].to_list()))
    with pytest.raises(ValueError, match="XYZ"):
        L.check_crosswalk({"XYZ"})
