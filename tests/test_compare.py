"""`scomm compare A B`: both summaries and their difference on common random numbers, so
places and months the scenarios do not change come out identical."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from scomm import api
from scomm.compare import compare_runs, difference
from scomm.jurisdictions.counties import counties
from scomm.rules.categories import Charge, Level

TOTALS = (
    "bookings",
    "submissions",
    "ident_matches",
    "detainers",
    "detainers_honored",
    "ice_book_ins",
    "removals",
    "removals_convicted",
    "removals_by_level",
    "us_citizens_detained",
)


def totals(state_doc: dict) -> dict:
    return {k: state_doc[k] for k in TOTALS}


def compare_cli(cli, tmp_path, a: str, b: str, start: str, end: str):
    out = tmp_path / "cmp"
    res = cli("compare", a, b, "--start", start, "--end", end, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    return doc, pl.read_parquet(out / "flows_a.parquet"), pl.read_parquet(out / "flows_b.parquet")


def test_difference_is_b_minus_a_leaf_by_leaf():
    a = {"n": 10, "share": 0.25, "by": {"x": 1, "y": 2}, "label": "A", "flag": True}
    b = {"n": 7, "share": 0.5, "by": {"x": 1, "y": 5}, "label": "B", "flag": False}
    assert difference(a, b) == {
        "n": -3,
        "share": 0.25,
        "by": {"x": 0, "y": 3},
        "label": None,
        "flag": None,
    }


@pytest.mark.slow
def test_compare_baseline_with_ny_optout_honored(cli, tmp_path):
    """`scomm compare baseline ny-optout-honored --start 2011-01 --end 2012-12 --json`: New
    York's submissions fall to zero from June 2011 (Cuomo's suspension of 1 Jun 2011 honored),
    every other state's totals are identical, and New York's difference is reported."""
    doc, fa, fb = compare_cli(cli, tmp_path, "baseline", "ny-optout-honored", "2011-01", "2012-12")
    assert doc["scenarios"] == ["baseline", "ny-optout-honored"]
    a, b, diff = doc["a"], doc["b"], doc["difference"]
    assert diff["states_changed"] == ["NY"]
    for state in a["by_state"]:
        if state != "NY":
            assert totals(a["by_state"][state]) == totals(b["by_state"][state]), state
    ny = diff["by_state"]["NY"]
    assert ny["bookings"] == 0
    assert ny["submissions"] < 0 and ny["detainers"] < 0 and ny["removals"] < 0
    ny_a, ny_b = a["by_state"]["NY"], b["by_state"]["NY"]
    assert ny["submissions"] == ny_b["submissions"] - ny_a["submissions"]
    assert diff["totals"]["submissions"] == ny["submissions"]

    subs_b = fb.filter((pl.col("stage") == "submissions") & (pl.col("state") == "NY"))
    assert subs_b.filter(pl.col("month") >= "2011-06")["count"].sum() == 0
    assert subs_b.filter(pl.col("month") < "2011-06")["count"].sum() > 0

    # common random numbers: every row outside New York after May 2011 is identical
    joined = fa.join(fb, on=["county_fips", "month", "stage"], suffix="_b")
    same = joined.filter((pl.col("state") != "NY") | (pl.col("month") < "2011-06"))
    assert len(same) > 0 and (same["count"] == same["count_b"]).all()


@pytest.mark.slow
def test_compare_baseline_with_trust_act_nationwide(cli, tmp_path):
    """`scomm compare baseline trust-act-nationwide --start 2014-01 --end 2014-11 --json`:
    the TRUST Act's conditions (ILRC guide to AB 4) bind every jail, so honored detainers
    fall outside California and nowhere rise; California, already bound, is unchanged."""
    doc, fa, fb = compare_cli(
        cli, tmp_path, "baseline", "trust-act-nationwide", "2014-01", "2014-11"
    )
    a, b, diff = doc["a"], doc["b"], doc["difference"]
    assert totals(a["by_state"]["CA"]) == totals(b["by_state"]["CA"])
    assert "CA" not in diff["states_changed"] and "TX" in diff["states_changed"]
    for state, d in diff["by_state"].items():
        assert d["detainers"] == 0, state  # ICE lodges the same detainers; jails decline them
        assert d["detainers_honored"] <= 0, state
    assert diff["totals"]["detainers_honored"] < 0
    levels = diff["totals"]["removals_by_level"]
    assert levels["level1"] == 0  # the Act keeps every Level 1 hold
    assert levels["level3"] < 0 and levels["noncriminal"] < 0
    honored_ca = [
        f.filter((pl.col("state") == "CA") & (pl.col("stage") == "detainers_honored"))["count"]
        for f in (fa, fb)
    ]
    assert (honored_ca[0] == honored_ca[1]).all()


@pytest.mark.slow
def test_case_trust_act_nationwide_declines_level_3_and_non_criminal_holds_only():
    """Case: under the TRUST Act's conditions applied nationwide, a person without a listed
    conviction (Level 1, or a serious or violent one) and without a felony charge a magistrate
    found probable cause on is released; everyone the Act lets a jail hold is held exactly as
    in history (same people, same draws)."""
    states = ["TX", "FL", "CA"]
    a = api.run("baseline", "2014-01", "2014-11", states).simulation.cohort
    b = api.run("trust-act-nationwide", "2014-01", "2014-11", states).simulation.cohort
    assert np.array_equal(a.key, b.key) and np.array_equal(a.detainer, b.detainer)
    outside_ca = counties().state[a.county] != "CA"
    listed = (a.level == Level.LEVEL1) | ((a.level != Level.NONCRIMINAL) & a.serious_record)
    excluded = ~listed & ~((a.charge == Charge.FELONY) & a.magistrate_pc)
    assert (a.honored & excluded & outside_ca).sum() > 0
    assert (b.honored & excluded & outside_ca).sum() == 0
    assert np.array_equal(a.honored[~excluded], b.honored[~excluded])
    assert np.array_equal(a.honored[~outside_ca], b.honored[~outside_ca])


def test_a_scenario_compared_with_itself_differs_nowhere():
    r = api.run("baseline", "2012-01", "2012-03", ["DE", "RI"])
    doc = compare_runs(r, api.run("baseline", "2012-01", "2012-03", ["DE", "RI"]))
    assert doc["difference"]["states_changed"] == []
    assert _leaves(doc["difference"]["totals"]) and set(_leaves(doc["difference"]["totals"])) == {0}


def _leaves(doc: dict) -> list:
    """The numeric leaves of a nested difference (removals_by_level, by_channel, ...)."""
    return [x for v in doc.values() for x in (_leaves(v) if isinstance(v, dict) else [v])]


def test_compare_human_output_names_the_states_that_differ(cli):
    res = cli(
        "compare", "baseline", "ny-optout-honored", "--states", "NY,VT", "--start", "2011-05",
        "--end", "2011-07",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "states whose totals differ: NY" in res.stdout


def test_compare_with_a_bad_scenario_writes_nothing(cli, tmp_path):
    out = tmp_path / "cmp"
    res = cli("compare", "baseline", "no-such-scenario", "--states", "DE", "--out", str(out))
    assert res.returncode == 2 and "no-such-scenario" in res.stderr
    assert not out.exists()


@pytest.mark.slow
def test_no_scomm_keeps_the_287g_removals_in_maricopa(cli, tmp_path):
    """Issue 11, "What it must show": `scomm compare baseline no-scomm --states AZ --start
    2009-01 --end 2012-12` keeps the removals of Maricopa's 287(g) jail agreement (to 15 Dec
    2011): the summary splits removals by channel, S-Comm's go to zero, and the 287(g)
    channel's, county by county and month by month, are the same in both runs."""
    out = tmp_path / "cmp"
    res = cli(
        "compare", "baseline", "no-scomm", "--states", "AZ", "--start", "2009-01",
        "--end", "2012-12", "--json", "--out", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    a, b = doc["a"]["totals"], doc["b"]["totals"]
    assert b["removals"] == b["by_channel"]["scomm"]["removals"] == 0
    assert a["removals"] == a["by_channel"]["scomm"]["removals"] > 0
    # the 287(g) funnel is the same; only how many of its people S-Comm would also have matched
    # differs (none without S-Comm)
    same = [
        {k: v for k, v in t["by_channel"]["287g"].items() if k != "ident_matches"} for t in (a, b)
    ]
    assert same[0] == same[1] and b["by_channel"]["287g"]["ident_matches"] == 0
    assert b["by_channel"]["287g"]["removals"] > 0
    assert doc["difference"]["totals"]["by_channel"]["287g"]["removals"] == 0
    flows = [pl.read_parquet(out / f"flows_{x}.parquet") for x in "ab"]
    maricopa = [
        f.filter((pl.col("county_fips") == "04013") & (pl.col("stage") == "removals_287g"))
        for f in flows
    ]
    assert maricopa[0]["count"].sum() > 0
    assert maricopa[0]["count"].to_list() == maricopa[1]["count"].to_list()
    # the agreement ended on 15 Dec 2011: no 287(g) identification in a booking month after it
    assert maricopa[0].filter(pl.col("month") >= "2012-01")["count"].sum() == 0
