"""The brief's content: places, the funnel, eras from the parameter tree, metrics rendered
generically, and every number pointing at a listed source."""

from __future__ import annotations

import dataclasses
import datetime as dt

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


def test_eras_are_the_dated_rule_changes_inside_the_period(ny):
    """Every dated value of a program or detainer parameter inside the period marks an era."""
    b = D.build(ny, D.resolve_place("NY", None))
    start, end = dt.date(2011, 5, 1), dt.date(2011, 8, 31)
    expected = set()
    for name in ny.scenario.params.names():
        if name.startswith(("program.", "detainer.")):
            expected |= {d.isoformat() for d in ny.scenario.params[name].values if start < d <= end}
    dates = [e.date for e in b.eras]
    assert expected <= set(dates)
    assert dates == sorted(dates) and all(start.isoformat() < d <= end.isoformat() for d in dates)
    assert [e.mark for e in b.eras] == [chr(65 + i) for i in range(len(b.eras))]


def test_every_reference_resolves_to_a_listed_source(ny):
    b = D.build(ny, D.resolve_place("NY", None), ny)
    listed = {s.number for s in b.sources.entries()}
    used = {n for r in b.funnel + b.extras + b.levels for n in r.refs}
    used |= {n for e in b.eras for n in e.refs} | set(b.map_refs)
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


def test_case_metrics_of_any_shape_render_with_value_unit_definition_interval_sources():
    metrics = {
        "due_process": {
            "summary_removal_share": {
                "value": 0.734,
                "unit": "share",
                "definition": "Share of removals without a hearing.",
                "interval": [0.71, 0.75],
                "sources": [
                    {"title": "CMS NY 2014", "url": "https://cmsny.org/x", "date": "2014-02-13"}
                ],
            },
            "nested": {"mean_days": {"value": 29.6, "unit": "days", "definition": "Mean days."}},
        },
        "local_cost": {
            "dollars": {
                "value": 1234567.0,
                "unit": "usd",
                "definition": "Cost.",
                "sources": "Greene 2012",
            },
        },
    }
    s = D.Sources()
    rows = D.metric_rows(metrics, s)
    by_name = {r.name: r for r in rows}
    assert by_name["summary removal share"].value == "73.4%"
    assert by_name["summary removal share"].interval == "71.0% – 75.0%"
    assert by_name["mean days"].group == "due process.nested"
    assert by_name["dollars"].value == "$1,234,567"
    assert [s.entries()[n - 1].title for n in by_name["dollars"].refs] == ["Greene 2012"]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (12345, "count", "12,345"),
        (0.25, "share", "25.0%"),
        (2500.4, "usd", "$2,500"),
        (3.14159, "ratio", "3.14"),
        ({"level1": 0.5, "level2": 0.5}, "share", "level1: 50.0%; level2: 50.0%"),
        (None, None, "—"),
    ],
)
def test_case_values_read_as_a_staffer_expects(value, unit, shown):
    assert D.format_value(value, unit) == shown
