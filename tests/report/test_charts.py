"""Charts are Vega-Lite, rendered without a browser."""

from __future__ import annotations

import pytest

from scomm.api import run
from scomm.report import charts
from scomm.report.data import build, resolve_place


@pytest.fixture(scope="module")
def data():
    return build(run(states="DE", start="2011-01", end="2011-03"), resolve_place("DE", None))


def test_case_the_map_has_one_shape_per_county_of_the_state(data):
    spec = charts.county_map(data, "activation").to_dict()
    features = (
        spec["data"]["values"]
        if "values" in spec["data"]
        else next(iter(spec["datasets"].values()))
    )
    assert sorted(f["id"] for f in features) == ["10001", "10003", "10005"]
    assert charts.to_svg(charts.county_map(data, "detainers_per_100k")).count("<path") >= 3


def test_case_the_funnel_keeps_zero_stages_on_its_log_scale(data):
    """Case: a stage with nobody (e.g. before activation) is drawn at 1 and labelled 0."""
    spec = charts.funnel(data).to_dict()
    rows = (
        spec["data"]["values"]
        if "values" in spec["data"]
        else next(iter(spec["datasets"].values()))
    )
    assert all(r["plotted"] >= 1 for r in rows)
    assert [r["people"] for r in rows] == [r.value for r in data.funnel]


def test_charts_render_to_svg_and_png_without_a_browser(data):
    for chart in charts.charts(data).values():
        assert charts.to_svg(chart).startswith("<svg")
        assert charts.to_png(chart)[:4] == b"\x89PNG"
