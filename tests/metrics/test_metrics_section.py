"""The summary's ``metrics`` section: all five groups for the run and for each state, each
metric with value, unit, definition, sources and an interval where chance enters; their
relations to the funnel; replicates; determinism; and what ending the program changes."""

from __future__ import annotations

import json

import pytest

from scomm.api import run
from scomm.compare import compare_runs
from scomm.io import json_bytes
from scomm.metrics.burden import county_table

GROUPS = ["profiling", "burden", "trust", "due_process", "public_safety"]
PRETEXT = """\
name: pretext-new-york
description: Pretextual arrests of Hispanic residents in New York's counties from 2011.
base: baseline
pretext:
  - states: [NY]
    from: 2011-01-01
    rate: 0.5
"""


@pytest.fixture(scope="module")
def ny():
    return run(states="NY", start="2011-01", end="2012-12", seed=1)


def _metrics(doc):
    for group in GROUPS:
        yield from ((group, name, m) for name, m in doc[group].items())


def test_every_metric_carries_value_unit_definition_sources_and_interval(ny):
    doc = ny.summary
    for section in (doc["metrics"], doc["by_state"]["NY"]["metrics"]):
        assert [g for g in section if isinstance(section[g], dict)] == GROUPS
        for _, name, m in _metrics(section):
            assert {"value", "unit", "definition", "sources", "interval"} <= set(m), name
            assert m["definition"].endswith(".") and len(m["definition"]) > 20
            assert m["sources"] and all({"title", "url", "date"} <= set(s) for s in m["sources"])
            assert m["interval"] is None and m["interval_note"]


def test_metrics_agree_with_the_funnel(ny):
    t, m = ny.summary["totals"], ny.summary["metrics"]
    # New York has no county with its own jail figures: 20.6 days per honored detainer
    assert m["burden"]["detainer_bed_days"]["value"] == round(20.6 * t["detainers_honored"])
    assert sum(m["burden"]["detainer_bed_days"]["by_year"].values()) == pytest.approx(
        m["burden"]["detainer_bed_days"]["value"], abs=2
    )
    assert m["due_process"]["us_citizens_detained"]["value"] == t["us_citizens_detained"]
    assert m["due_process"]["removals_without_hearing"]["value"] <= t["removals"]
    share = m["public_safety"]["removals_noncriminal_share"]["value"]
    assert share == pytest.approx(t["removals_by_level"]["noncriminal"] / t["removals"], abs=1e-4)
    assert m["public_safety"]["top_priority_share"] == {
        **m["public_safety"]["top_priority_share"],
        "value": m["public_safety"]["removals_level1_share"]["value"],
    }


def test_replicates_give_intervals_where_chance_enters_and_keep_the_value():
    one = run(states="DE", start="2011-01", end="2011-12", seed=5).summary["metrics"]
    # seeds only: the point value is one of the replicates (with posterior draws it need not be)
    three = run(states="DE", start="2011-01", end="2011-12", seed=5, replicates=3,
                posterior=False).summary  # fmt: skip
    assert three["metrics"]["replicates"] == 3
    for (_, name, a), (_, _, b) in zip(_metrics(one), _metrics(three["metrics"]), strict=True):
        assert a["value"] == b["value"], name  # the value is always the first seed's
        if b.get("interval_note", "").startswith("deterministic"):
            assert b["interval"] is None
        elif b["value"] is not None:
            lo, hi = b["interval"]
            assert lo <= b["value"] <= hi, name  # below 40 replicates: their full range
    assert three["by_state"]["DE"]["metrics"]["burden"]["detainer_bed_days"]["interval"]


def test_the_same_inputs_and_seed_give_byte_identical_metrics():
    kw = {"states": "RI", "start": "2012-01", "end": "2012-06", "seed": 3, "replicates": 2}
    assert json_bytes(run(**kw).summary) == json_bytes(run(**kw).summary)


def test_pretextual_arrests_raise_the_low_level_and_hispanic_shares(ny, tmp_path):
    path = tmp_path / "pretext.yaml"
    path.write_text(PRETEXT)
    pre = run(scenario=str(path), states="NY", start="2011-01", end="2012-12", seed=1)
    a, b = ny.summary["metrics"]["profiling"], pre.summary["metrics"]["profiling"]
    for name in ("low_level_share_matches", "hispanic_share_ice_book_ins"):
        assert b[name]["value"] > a[name]["value"], name
    assert b["hispanic_disparity_ratio"]["value"] > a["hispanic_disparity_ratio"]["value"]


@pytest.fixture(scope="module")
def ended():
    kw = {"states": "NY", "start": "2011-08", "end": "2014-11", "seed": 0}
    return compare_runs(run(**kw), run(scenario="terminate-2011-08", **kw))


def test_ending_the_program_in_2011_changes_each_harm_in_new_york(ended):
    """The letter's ask: jail bed-days and dollars, removals without a hearing and
    expected unreported crimes all fall; the yearly burden falls every year."""
    d = ended["difference"]["metrics"]
    for group, name in [
        ("burden", "detainer_bed_days"),
        ("burden", "detainer_net_cost_usd"),
        ("due_process", "removals_without_hearing"),
        ("trust", "unreported_violent_victimizations_per_year"),
        ("trust", "unreported_property_victimizations_per_year"),
    ]:
        assert d[group][name]["value"] < 0, name
        assert d[group][name]["b"] == d[group][name]["a"] + d[group][name]["value"]
    assert all(v <= 0 for v in d["burden"]["detainer_net_cost_usd"]["by_year"].values())
    assert ended["difference"]["states_changed"] == ["NY"]
    assert ended["difference"]["by_state"]["NY"]["metrics"]["burden"] == d["burden"]
    json.dumps(ended)


def test_run_cli_refuses_a_replicate_count_below_one(cli):
    res = cli(
        "run", "--states", "DE", "--start", "2011-01", "--end", "2011-02", "--replicates", "0"
    )
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("scomm: error:") and "--replicates" in lines[0]


def test_the_county_table_adds_up_to_the_state_burden(ny):
    table = county_table(ny.simulation, ny.scenario.params)
    m = ny.summary["metrics"]["burden"]
    assert table["county_fips"].n_unique() == 62 and set(table["year"]) == {2011, 2012}
    assert round(table["bed_days"].sum()) == m["detainer_bed_days"]["value"]
    assert round(table["net_usd"].sum()) == m["detainer_net_cost_usd"]["value"]
    assert table["detainers_honored"].sum() == ny.summary["totals"]["detainers_honored"]
