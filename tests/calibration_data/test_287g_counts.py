"""ICE's 287(g) counts by agency join to counties through a hand crosswalk with reasons; blanks
stay unreported and inconsistent zeros are lower bounds."""

from __future__ import annotations

import polars as pl

from scomm.calibration_data import program_287g as G


def test_every_agency_has_a_crosswalk_row_with_a_reason():
    t = G.joined()
    assert t["level"].null_count() == 0
    cw = G.crosswalk()
    assert cw.height == 73 and all(len(r) > 20 for r in cw["reason"])


def test_known_agencies_land_in_their_counties():
    cw = {a: f for a, f in G.crosswalk().select("agency", "county_fips").iter_rows()}
    assert cw["Maricopa County Sheriff Office"] == "04013"
    assert cw["Washington County Sheriff Office AR"] == "05143"
    assert cw["Washington County Sheriff Office UT"] == "49053"
    assert cw["City of Manassas Police Department"] == "51683"
    assert cw["AZ Department of Corrections"] == ""


def test_blanks_are_left_out_and_sums_are_kept():
    d = G.dataset().observations
    ident = d.filter(pl.col("table") == "287g_identified")
    assert ident["value"].sum() == 268_065 and ident.height == 584 - 166
    assert d.filter(pl.col("table") == "287g_removed")["value"].sum() == 175_104


def test_zero_identified_with_removals_is_a_lower_bound():
    d = G.dataset().observations
    row = d.filter(pl.col("obs_id") == "ARIZONA|Maricopa County Sheriff Office:identified:2013")
    assert row["value"][0] == 0 and row["relation"][0] == "lower_bound"
    assert row["error"][0] == "undercount"
    ok = d.filter(pl.col("obs_id") == "ARIZONA|Maricopa County Sheriff Office:identified:2010")
    assert ok["relation"][0] == "analogue" and ok["county_fips"][0] == "04013"
