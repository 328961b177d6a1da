"""The brief's content: places, the funnel, eras from the parameter tree, metrics rendered
generically, and every number pointing at a listed source."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from scomm.api import run
from scomm.errors import UserError
from scomm.report import data as D


@pytest.fixture(scope="module")
def ny():
    return run(states="NY", start="2011-05", end="2011-08")


def test_case_a_brief_needs_exactly_one_place():
    with pytest.raises(UserError, match="exactly one"):
        D.resolve_place(None, None)
    with pytest.raises(UserError, match="exactly one"):
        D.resolve_place("NY", "36061")


def test_case_unknown_places_name_the_flag_and_value():
    with pytest.raises(UserError, match=r"--state: 'ZZ'"):
        D.resolve_place("ZZ", None)
    with pytest.raises(UserError, match="99999"):
        D.resolve_place(None, "99999")


def test_case_a_county_is_named_with_its_real_name_and_state():
    place = D.resolve_place(None, "36061")
    assert (place.state, place.label, place.slug) == ("NY", "New York County, New York", "36061")


@pytest.mark.parametrize(
    ("fips", "label"),
    [("22071", "Orleans Parish, Louisiana"), ("51760", "Richmond city, Virginia")],
)
def test_case_parishes_and_independent_cities_keep_their_legal_names(fips, label):
    assert D.resolve_place(None, fips).label == label


def test_state_funnel_is_the_summary_documents_totals(ny):
    b = D.build(ny, D.resolve_place("NY", None))
    totals = ny.summary["by_state"]["NY"]
    for row in b.funnel + b.extras:
        assert row.value == totals[row.key]
    for row in b.levels:
        assert row.value == totals["removals_by_level"][row.key]


def test_county_rows_add_up_to_the_state(ny):
    b = D.build(ny, D.resolve_place("NY", None))
    totals = ny.summary["by_state"]["NY"]
    assert len(b.counties) == 62
    assert sum(c["detainers"] for c in b.counties) == totals["detainers"]
    assert sum(c["removals"] for c in b.counties) == totals["removals"]
    for c in b.counties:
        assert c["detainers_per_100k"] == pytest.approx(
            c["detainers"] / c["population"] * 1e5, abs=0.05
        )


def test_a_county_brief_shows_that_countys_flows(ny):
    b = D.build(ny, D.resolve_place(None, "36059"))
    row = next(c for c in b.counties if c["fips"] == "36059")
    assert row["selected"]
    assert {r.key: r.value for r in b.funnel}["detainers"] == row["detainers"]
    monthly = sum(m["removals"] for m in b.monthly)
    assert monthly == {r.key: r.value for r in b.funnel}["removals"] == row["removals"]


def test_events_are_the_dated_rule_changes_inside_the_period(ny):
    """Every dated change of a timeline parameter inside the period marks an event."""
    b = D.build(ny, D.resolve_place("NY", None))
    start, end = dt.date(2011, 5, 1), dt.date(2011, 8, 31)
    expected = set()
    for name in ny.scenario.params.names():
        if name.startswith(("program.", "detainer.")):
            p = ny.scenario.params[name]
            dates = sorted(p.values)
            expected |= {
                d.isoformat()
                for before, d in itertools.pairwise(dates)
                if start < d <= end and p.values[d].value != p.values[before].value
            }
    dates = [e.date for e in b.events]
    assert expected <= set(dates)
    assert dates == sorted(dates) and all(start.isoformat() < d <= end.isoformat() for d in dates)
    assert [e.mark for e in b.events] == [chr(65 + i) for i in range(len(b.events))]


@pytest.fixture(scope="module")
def ny_era():
    return run(states="NY", start="2008-10", end="2014-11")


def test_case_the_ny_timeline_marks_nyc_and_the_suspension_and_no_other_states_law(ny_era):
    """Case: New York's timeline has NYC's own activation (15 May 2012), the June 2011
    suspension (marked as never taking effect), NYC's local laws, and no law binding only
    another state or county (Cook County, Oregon's, California's)."""
    b = D.build(ny_era, D.resolve_place("NY", None))
    by_date = {e.date: " ".join(e.what) for e in b.events}
    assert "New York City" in by_date["2012-05-15"]
    assert "did not take effect" in by_date["2011-06-01"]
    assert "New York City" in by_date["2011-11-22"]
    text = " ".join(by_date.values())
    for elsewhere in (
        "Cook County",
        "California",
        "Clackamas",
        "Oregon",
        "Santa Clara",
        "Illinois",
    ):
        assert elsewhere not in text, elsewhere
    # a rule change is named by what it did, its source is behind the reference
    assert "ICE's detainer rate: Level 1 61% → 95%" in by_date["2010-06-30"]


def test_case_a_county_timeline_starts_with_the_countys_own_activation(ny_era):
    b = D.build(ny_era, D.resolve_place(None, "36081"))
    assert any(e.date == "2012-05-15" and "Queens County" in e.what[0] for e in b.events)
    assert b.started == "S-Comm started in Queens County on May 15, 2012."


def test_every_reference_resolves_to_a_listed_source(ny):
    b = D.build(ny, D.resolve_place("NY", None), ny)
    listed = {s.number for s in b.sources.entries()}
    used = {n for r in b.funnel + b.extras + b.levels for n in r.refs}
    used |= {n for e in b.events for n in e.refs} | set(b.map_refs)
    assert used and used <= listed
    assert all(r.refs for r in b.funnel), "every funnel number has a source"


def test_case_metrics_absent_gives_a_clear_note(ny):
    summary = {k: v for k, v in ny.summary.items() if k != "metrics"}
    by_state = {
        s: {k: v for k, v in d.items() if k != "metrics"} for s, d in summary["by_state"].items()
    }
    stripped = dataclasses.replace(ny, summary={**summary, "by_state": by_state})
    metrics, note = D._place_metrics(stripped, D.resolve_place("NY", None))
    assert metrics is None and "no metrics section" in note


def test_case_a_county_brief_shows_that_countys_own_metrics(ny):
    """Nassau County's brief reports Nassau's bed-days, not New York State's."""
    county, _ = D._place_metrics(ny, D.resolve_place(None, "36059"))
    state = ny.summary["by_state"]["NY"]["metrics"]
    nassau = county["burden"]["detainer_bed_days"]["value"]
    assert 0 < nassau < state["burden"]["detainer_bed_days"]["value"]
    flows = ny.flows.filter(county_fips="36059", stage="detainers_honored")
    assert flows["count"].sum() > 0  # the county had honored detainers in the period


def test_case_a_metric_shows_its_label_its_by_construction_note_and_the_chance_count(ny):
    b = D.build(ny, D.resolve_place("NY", None))
    rows = {r.key: r for g in b.metric_groups for r in g.rows}
    assert rows["hispanic_disparity_ratio"].label == "Hispanic disparity ratio"
    assert "by construction" in rows["hispanic_disparity_ratio"].note
    assert "expected by chance" in rows["low_level_counties_above_peers"].detail
    assert rows["us_citizens_detained"].label == "U.S. citizens held"


def test_case_each_assumption_is_stated_once_per_group(ny):
    b = D.build(ny, D.resolve_place("NY", None))
    for g in b.metric_groups:
        assert len(g.assumptions) == len(set(g.assumptions))
    burden = next(g for g in b.metric_groups if g.key == "burden")
    assert any("national average, $82.69" in a for a in burden.assumptions)


@pytest.mark.parametrize(
    ("fips", "own", "shown"),
    [("17031", True, "$143"), ("12086", True, "$142"), ("06037", False, "national average")],
)
def test_case_a_countys_cost_uses_its_own_per_diem_or_says_national_average(fips, own, shown):
    """Case: Cook and Miami-Dade carry their own cited cost of a jail day; Los Angeles has
    none cited, so the brief says "national average"."""
    state = {"17031": "IL", "12086": "FL", "06037": "CA"}[fips]
    result = run(states=state, counties=[fips], start="2013-06", end="2013-07")
    b = D.build(result, D.resolve_place(None, fips))
    burden = next(g for g in b.metric_groups if g.key == "burden")
    line = next(a for a in burden.assumptions if a.startswith("Cost of a jail day"))
    assert shown in line
    assert ("own cited figure" in line) == own


@pytest.fixture(scope="module")
def maricopa():
    """Maricopa County under history and under no S-Comm, on the same draws (the issue's
    `compare baseline no-scomm --states AZ --start 2009-01 --end 2012-12`, for one county)."""
    kw = {"states": ["AZ"], "counties": ["04013"], "start": "2009-01", "end": "2012-12"}
    return run("baseline", replicates=2, **kw), run("no-scomm", replicates=2, **kw)


def test_a_287g_county_brief_shows_removals_by_channel_as_the_summary_splits_them(maricopa):
    """The Maricopa Sheriff's 287(g) jail agreement ran beside S-Comm: the brief gives S-Comm's
    removals and the 287(g) officers' side by side, each equal to the summary's channel, and
    their sum; the funnel stays S-Comm's."""
    a, b = maricopa
    brief = D.build(a, D.resolve_place(None, "04013"), b)
    rows = {r.key: r for r in brief.channels}
    channel = a.summary["by_county"]["04013"]["by_channel"]
    county = a.summary["by_county"]["04013"]
    assert rows["removals"].value == channel["scomm"]["removals"] == county["removals"]
    assert rows["removals_287g"].value == channel["287g"]["removals"] > 0
    assert rows["removals_both"].value == rows["removals"].value + rows["removals_287g"].value
    assert rows["identified_287g"].value == channel["287g"]["identified"]
    assert rows["detainers_287g"].value == channel["287g"]["detainers"]
    assert {r.key: r.value for r in brief.funnel}["removals"] == rows["removals"].value
    assert all(r.refs for r in brief.channels)
    # every row has its interval over the two seeds, the sum's from the replicates' sums
    assert all(r.interval is not None for r in brief.channels)
    reps = [r["04013"]["removals"] + r["04013"]["removals_287g"] for r in a.replicate_totals]
    assert (rows["removals_both"].interval.low, rows["removals_both"].interval.high) == (
        min(reps),
        max(reps),
    )


def test_no_scomm_keeps_the_287g_removals_and_drops_scomms(maricopa):
    """`no-scomm` switches IDENT interoperability off, not the Sheriff's agreement: S-Comm's
    removals go to zero and the 287(g) channel's are the same people on the same draws."""
    a, b = maricopa
    brief = D.build(a, D.resolve_place(None, "04013"), b)
    rows = {r.key: r for r in brief.channels}
    assert rows["removals"].other == 0 < rows["removals"].value
    for key in ("removals_287g", "identified_287g", "detainers_287g", "ice_book_ins_287g"):
        assert rows[key].other == rows[key].value > 0, key
    assert rows["removals_both"].other == rows["removals_287g"].value
    note = " ".join(brief.channel_note)
    assert "Maricopa County Sheriff's Office held a 287(g) jail agreement" in note
    assert f"{rows['removals_287g'].value:,} → {rows['removals_287g'].value:,}" in note
    assert f"through S-Comm {rows['removals'].value:,} → 0" in note


def test_case_the_channels_read_in_spanish(maricopa):
    from scomm.i18n import language

    a, b = maricopa
    brief = D.build(a, D.resolve_place(None, "04013"), b, language("es"))
    labels = {r.key: r.label for r in brief.channels}
    assert labels["removals_287g"] == "Deportaciones vía los agentes 287(g) de la cárcel"
    assert labels["removals_both"] == "Todas las deportaciones, por ambas vías"
    note = " ".join(brief.channel_note)
    assert "tuvo un acuerdo 287(g) de cárcel" in note and "llegaron vía S-Comm" in note
    assert "removals" not in note and "through" not in note


def test_case_a_county_without_287g_has_no_channels_table():
    """Coconino County (AZ) held no 287(g) jail agreement: no channels table, no note."""
    result = run(states=["AZ"], counties=["04005"], start="2010-01", end="2010-06")
    brief = D.build(result, D.resolve_place(None, "04005"))
    assert result.summary["by_county"]["04005"]["by_channel"]["287g"]["identified"] == 0
    assert brief.channels == [] and brief.channel_note == []
