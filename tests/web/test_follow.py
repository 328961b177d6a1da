"""'Follow one booking' puts the engine's trace of one person into words: every stage, exactly
as the engine decided it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scomm.api import run
from scomm.errors import UserError
from scomm.rules import pipeline
from scomm.rules.categories import LEVEL_KEYS, STATUS_KEYS, Status
from scomm.web.app import create_app
from scomm.web.follow import DESCRIBING, candidates, explain


@pytest.fixture(scope="module")
def result():
    return run(states="RI", start="2010-01", end="2011-12")


def test_case_every_explained_person_matches_the_engines_cohort(result):
    c = result.simulation.cohort
    rows = candidates(result, "44007")
    assert len(rows) > 20
    for row in rows:
        out = explain(result, int(row))["outcome"]
        assert out["status"] == STATUS_KEYS[c.status[row]]
        assert out["level"] == LEVEL_KEYS[c.level[row]]
        assert out["removable"] == bool(c.removable[row])
        assert out["detainer"] == bool(c.detainer[row])
        assert out["honored"] == bool(c.honored[row])
        assert out["book_in"] == bool(c.book_in[row])
        assert out["removed"] == bool(c.removed[row])
        assert out["detention_days"] == pytest.approx(float(c.detention_days[row]), abs=0.06)


def test_case_each_decided_stage_shows_its_draw_probability_rule_and_citation(result):
    (row,) = candidates(result, "44007", "removed")[:1]
    doc = explain(result, int(row))
    assert doc["outcome"]["removed"]
    for step in doc["steps"]:
        assert step["rule"]["function"].startswith(("scomm.rules.", "scomm.population"))
        assert step["rule"]["says"]
        for p in step["parameters"]:
            assert p["citation"]["title"] and p["citation"]["date"]
        if step["probability"] is None or step["name"] in DESCRIBING:
            continue
        assert 0.0 <= step["draw"] < 1.0
        below = step["draw"] < step["probability"]
        if step["name"] == "compliance":  # passed: held, for a request to detain the law allows
            asks_hold = not step["inputs"]["notification_request"]
            below = below and asks_hold and step["inputs"]["hold_allowed"]
        assert step["passed"] == below, step["name"]


def test_the_page_walks_the_declared_stages_citing_the_parameters_that_applied(result):
    """Every declared stage, in order, citing the declared parameters this person's own
    inputs selected (their status group's criminal history, their level's detainer rate)."""
    c = result.simulation.cohort
    for row in candidates(result, "44007", "detainer")[:40]:
        doc = explain(result, int(row))
        assert [s["name"] for s in doc["steps"]] == [s.name for s in pipeline.PIPELINE]
        assert [s["number"] for s in doc["steps"]] == [s.number for s in pipeline.PIPELINE]
        by = {s["name"]: s for s in doc["steps"]}
        history = [p["name"] for p in by["level"]["parameters"]]
        unauthorized = c.status[row] >= Status.UNDOCUMENTED_PRIOR
        group = "undocumented" if unauthorized else "lawful"
        assert history == [f"population.criminal_history_{group}"]
        rate = by["detainer"]["parameters"][0]
        assert (rate["name"], rate["key"]) == ("detainer.probability", LEVEL_KEYS[c.level[row]])
        cited = [p["name"] for s in doc["steps"] for p in s["parameters"]]
        assert set(cited) < pipeline.parameter_names()


def test_case_in_cook_county_under_its_2011_ordinance_the_jail_step_names_the_ordinance():
    """Cook County (S-Comm from 22 Jan 2013) declines every detainer under its ordinance of
    7 Sep 2011; the jail step lists the laws compile combined into that month's policy."""
    cook = run(states="IL", start="2013-02", end="2013-04")
    rows = candidates(cook, "17031", "detainer")
    doc = explain(cook, int(rows[0]))
    jail = next(s for s in doc["steps"] if s["name"] == "compliance")
    assert "cook-county-ordinance-2011" in [lw["id"] for lw in jail["laws"]]
    assert not jail["inputs"]["hold_allowed"] and not jail["passed"]
    assert "forbids" in jail["outcome"] and not doc["outcome"]["honored"]


def test_case_in_oregon_after_2014_a_pretrial_release_goes_unreported_and_the_step_says_why():
    """Oregon's 2014 refusals: no holds, and release dates for sentenced people only; a person
    the jail would have reported but did not is one whose release did not end a sentence."""
    oregon = run(states="OR", start="2015-01", end="2015-06")
    said = []
    for row in candidates(oregon, "41067", "detainer")[:60]:
        jail = next(s for s in explain(oregon, int(row))["steps"] if s["name"] == "compliance")
        assert "or-counties-2014" in [lw["id"] for lw in jail["laws"]]
        assert jail["inputs"]["notice_sentenced_only"] and not jail["inputs"]["hold_allowed"]
        said.append(jail["outcome"])
    assert any("end of a sentence" in text for text in said)
    assert any("tells ICE when they are released" in text for text in said)


def test_case_the_outcome_filter_keeps_only_people_who_reached_that_stage(result):
    c = result.simulation.cohort
    assert all(c.detainer[r] for r in candidates(result, "44007", "detainer"))
    assert all(c.removed[r] for r in candidates(result, "44007", "removed"))
    with pytest.raises(UserError, match="outcome"):
        candidates(result, "44007", "deported")


def test_api_follow_walks_a_person_and_counts_the_candidates():
    client = TestClient(create_app())
    r = client.get("/api/follow?county=44007&start=2010-01&end=2011-12&outcome=detainer&person=1")
    assert r.status_code == 200
    doc = r.json()
    assert doc["person"] == 1 and doc["people"] >= 2
    assert doc["outcome"]["detainer"]
    assert client.get("/api/follow?county=99999").status_code == 422


def test_case_pretextual_bookings_are_not_offered_to_the_explainer(tmp_path):
    """Case: a scenario's added pretextual arrests have no ordinary booking to walk through,
    so the explainer lists only ordinary bookings."""
    from scomm.engine import PRETEXT_INDEX
    from scomm.rng import INDEX_BITS

    scenario = tmp_path / "pretext.yaml"
    scenario.write_text(
        "name: pretext-test\ndescription: pretextual arrests of Hispanic residents in Providence.\n"
        "base: baseline\npretext:\n  - {counties: ['44007'], from: 2011-04-01, rate: 2.0}\n"
    )
    result = run(str(scenario), states="RI", start="2011-04", end="2011-06")
    index = result.simulation.cohort.key & ((1 << INDEX_BITS) - 1)
    assert (index >= PRETEXT_INDEX).any()
    rows = candidates(result, "44007")
    assert len(rows) and (index[rows] < PRETEXT_INDEX).all()
