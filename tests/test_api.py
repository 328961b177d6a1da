"""The library's front door, on the issue's own examples."""

from __future__ import annotations

import json

import pytest

from scomm.api import paired_interval, run
from scomm.calibration import posterior as post
from scomm.intervals import Interval
from scomm.io import json_bytes
from scomm.jurisdictions.counties import counties


def test_gao_period_run_covers_every_state_and_dc_and_adds_up():
    """`scomm run --start 2008-10 --end 2012-03 --json`, GAO-12-708's period: every state and
    DC, totals that add up by state and by channel. (GAO's ~183,000 removals, counted the way
    ICE counted IDENT matches in either channel, is the calibration target
    removals_to_2012_03 in tests/test_calibration.py.)"""
    doc = run(start="2008-10", end="2012-03").summary
    t = doc["totals"]
    assert t["removals"] == t["by_channel"]["scomm"]["removals"] > 0
    assert t["by_channel"]["287g"]["removals"] > 0
    assert t["removals_convicted"] == t["removals"] - t["removals_by_level"]["noncriminal"]
    assert set(doc["by_state"]) == set(counties().states())
    assert len(doc["by_state"]) == 51 and "DC" in doc["by_state"]
    assert sum(s["removals"] for s in doc["by_state"].values()) == t["removals"]


def test_same_inputs_and_seed_give_byte_identical_summaries():
    a = json_bytes(run(states=["NM"], start="2010-01", end="2011-12", seed=5).summary)
    b = json_bytes(run(states=["NM"], start="2010-01", end="2011-12", seed=5).summary)
    assert a == b
    assert json.loads(a)["scenario_hash"]


def test_case_a_county_run_is_that_countys_slice_of_its_states_run():
    """Case (scomm run --county): Queens alone has the totals of Queens in the New York run,
    and the same metrics (its state is simulated either way)."""
    import polars as pl

    state = run(states=["NY"], start="2012-05", end="2012-12", counties=["36081"])
    alone = run(counties="36081", start="2012-05", end="2012-12")
    assert alone.summary["totals_of"] == "counties"
    county = {
        k: v
        for k, v in state.summary["by_county"]["36081"].items()
        if k not in ("name", "state", "metrics")
    }
    assert alone.summary["totals"] == county
    assert alone.summary["states"] == ["NY"] and set(alone.flows["county_fips"]) == {"36081"}
    assert (
        alone.summary["metrics"]["burden"]
        == state.summary["by_county"]["36081"]["metrics"]["burden"]
    )
    assert (
        alone.flows["count"].sum()
        == state.flows.filter(pl.col("county_fips") == "36081")["count"].sum()
    )


def test_case_seeds_only_replicates_give_every_total_an_interval_that_says_its_method():
    r = run(states=["DE"], start="2011-01", end="2011-06", replicates=3, posterior=False)
    iv = r.summary["intervals"]["removals"]
    assert iv["method"] == "seeds" and iv["runs"] == 3 and iv["seeds"] == [0, 2]
    assert iv["low"] <= r.summary["totals"]["removals"] <= iv["high"]
    assert r.summary["by_state"]["DE"]["intervals"]["detainers"]["kind"] == "range"
    assert r.summary["metrics"]["interval_basis"] == {
        "method": "seeds",
        "kind": "range",
        "runs": 3,
        "seeds": [0, 2],
    }
    one = run(states=["DE"], start="2011-01", end="2011-06")
    assert "intervals" not in one.summary  # the contract's document is unchanged without replicates


def test_case_posterior_replicates_say_they_draw_parameters_and_pair_on_the_same_draws():
    found = post.latest()
    if found is None:
        pytest.skip("no packaged posterior")
    method = post.interval_method(found)
    a = run(states=["DE"], start="2011-01", end="2011-06", replicates=3)
    iv = Interval.from_dict(a.summary["intervals"]["removals"])
    assert (iv.method, iv.runs, iv.seeds) == (method, 3, (0, 2))
    assert iv.label().startswith("range over 3 runs: posterior parameter draws and simulation")
    assert a.summary["metrics"]["interval_basis"]["method"] == method
    assert found.provenance["version"] in a.summary["metrics"]["interval_method"]
    again = run(states=["DE"], start="2011-01", end="2011-06", replicates=3)
    diff = paired_interval(a, again, None, "removals")
    assert diff is not None and diff.method == method and diff.low == diff.high == 0.0


def test_case_the_metrics_frame_is_tidy_and_names_resolve_through_aliases():
    r = run(states=["DE"], start="2011-01", end="2012-12")
    frame = r.metrics_frame()
    assert frame.columns[:5] == ["level", "place", "group", "metric", "year"]
    whole = frame.filter(frame["year"].is_null())
    assert whole.select("level", "place", "group", "metric").is_duplicated().sum() == 0
    burden = frame.filter((frame["metric"] == "detainer_bed_days") & frame["year"].is_not_null())
    assert sorted(burden.filter(burden["place"] == "DE")["year"].to_list()) == [2011, 2012]
    assert r.metric("us_citizens_held") is r.metric("us_citizens_detained")
    assert r.metric("us_citizens_detained")["value"] == r.summary["totals"]["us_citizens_detained"]


def test_case_flows_carry_county_names_and_an_ordered_stage():
    import polars as pl

    from scomm.summary import STAGES

    flows = run(states=["DE"], start="2011-01", end="2011-02").flows
    assert flows["stage"].dtype == pl.Enum(STAGES)
    assert flows.sort("stage")["stage"][0] == "bookings"
    assert set(flows["county_name"].cast(pl.String)) == {
        "Kent County",
        "New Castle County",
        "Sussex County",
    }
