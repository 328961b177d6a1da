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


@pytest.fixture(scope="module")
def queens():
    result = run(states="NY", counties=["36081"], start="2012-05", end="2012-08", replicates=2)
    other = run(
        "terminate-2011-08",
        states="NY",
        counties=["36081"],
        start="2012-05",
        end="2012-08",
        replicates=2,
    )
    return build(result, resolve_place(None, "36081"), other)


def test_case_a_small_county_gets_an_inset_zoomed_on_it_and_a_large_one_does_not(queens):
    spec = charts.county_map(queens, "activation").to_dict()
    assert "hconcat" in spec and len(spec["hconcat"]) == 2
    inset = spec["hconcat"][1]
    ids = [
        f["id"]
        for f in (
            inset["data"]["values"]
            if "values" in inset.get("data", {})
            else next(iter(spec["datasets"].values()))
        )
    ]
    assert "36081" in ids
    big = build(
        run(states="NY", start="2012-05", end="2012-05"), resolve_place(None, "36089")
    )  # St. Lawrence
    assert "hconcat" not in charts.county_map(big, "activation").to_dict()


def test_case_the_comparison_is_linear_with_one_axis_per_stage_from_zero(queens):
    spec = charts.comparison(queens).to_dict()
    text = str(spec)
    assert "'type': 'log'" not in text and "'zero': True" in text
    assert spec["resolve"]["scale"]["x"] == "independent"


def test_case_a_slide_says_title_place_period_source_and_model_estimate(queens):
    slide = charts.slide(charts.funnel(queens), "funnel", queens).to_dict()
    assert slide["title"]["text"] == "From jail booking to removal"
    assert "Queens County, New York" in slide["title"]["subtitle"][0]
    assert "May 2012 to August 2012" in slide["title"]["subtitle"][0]
    footer = str(slide["vconcat"][1])
    assert "Model estimate (scomm simulation, not ICE records)" in footer
    assert "brief --county 36081" in footer
