"""The brief's charts as Vega-Lite (built with Altair), rendered to SVG and PNG by vl-convert
without a browser."""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import vl_convert as vlc

from scomm.report.data import LEVELS, BriefData
from scomm.report.geo import county_features
from scomm.report.numbers import format_value

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
LEVEL_COLORS = ["#7a0177", "#c51b8a", "#f768a1", "#bdbdbd"]
A_COLOR, B_COLOR = "#1f4e79", "#d95f02"


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11)
    )


def _log_x(title: str) -> alt.X:
    return alt.X(
        "plotted:Q",
        scale=alt.Scale(type="log", domainMin=1),
        title=title,
        axis=alt.Axis(format="~s", values=[1, 10, 100, 1000, 10_000, 100_000, 1_000_000]),
    )


def funnel(data: BriefData) -> alt.TopLevelMixin:
    """Horizontal bars from bookings to removals, on a log scale, labelled with counts and
    (in brackets) the share of the stage above."""
    rows = []
    for i, r in enumerate(data.funnel):
        prev = data.funnel[i - 1].value if i else None
        share = f" ({format_value(r.value / prev, 'share')})" if prev else ""
        rows.append(
            {
                "stage": r.label,
                "order": i,
                "people": r.value,
                "plotted": max(r.value, 1),
                "label": f"{format_value(r.value)}{share}",
            }
        )
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=260)),
    )
    bars = base.mark_bar(color=A_COLOR).encode(
        x=_log_x("people in the period (log scale)"),
        x2=alt.datum(1),
        tooltip=["stage:N", alt.Tooltip("people:Q", format=",")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(x="plotted:Q", text="label:N")
    return _config((bars + text).properties(width=360, height=210))


def removals_over_time(data: BriefData) -> alt.TopLevelMixin:
    """Monthly removals stacked by ICE level, with the policy-era dates marked by letter
    (the brief lists each letter's date, change and sources under the chart)."""
    order = [label for _, label in LEVELS]
    bars = (
        alt.Chart(alt.Data(values=data.monthly))
        .mark_bar()
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("sum(removals):Q", title="removals completed per month"),
            color=alt.Color(
                "level:N",
                scale=alt.Scale(domain=order, range=LEVEL_COLORS),
                sort=order,
                legend=alt.Legend(title="ICE offense level", orient="bottom"),
            ),
            order=alt.Order("level_order:Q"),
            tooltip=["month:N", "level:N", "removals:Q"],
        )
        .transform_calculate(level_order=f"indexof({order!r}, datum.level)")
    )
    layers: list[Any] = [bars]
    if data.eras:
        eras = [{"date": e.date, "mark": e.mark} for e in data.eras]
        base = alt.Chart(alt.Data(values=eras))
        layers.append(base.mark_rule(color="#333", strokeDash=[4, 3]).encode(x="date:T"))
        layers.append(
            base.mark_text(
                baseline="bottom", dy=-3, fontSize=11, fontWeight="bold", color="#333"
            ).encode(x="date:T", y=alt.value(0), text="mark:N")
        )
    return _config(alt.layer(*layers).properties(width=720, height=260))


def county_map(data: BriefData, field: str) -> alt.TopLevelMixin:
    """A choropleth of the state's counties: ``activation`` (S-Comm activation date) or
    ``detainers_per_100k`` (detainers in the period per 100,000 residents)."""
    by_fips = {r["fips"]: r for r in data.counties}
    features = county_features(list(by_fips))
    for f in features:
        f["properties"] = by_fips[f["id"]]
    if field == "activation":
        color = alt.Color(
            "properties.activation:T",
            timeUnit="yearmonth",
            title="S-Comm activated",
            scale=alt.Scale(scheme="viridis"),
            legend=alt.Legend(format="%b %Y", orient="right"),
        )
    else:
        color = alt.Color(
            "properties.detainers_per_100k:Q",
            title=["detainers per", "100,000 residents"],
            scale=alt.Scale(scheme="orangered"),
        )
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(strokeWidth=0.4)
        .encode(
            color=color,
            stroke=alt.condition(
                "datum.properties.selected", alt.value("#000"), alt.value("#ffffff")
            ),
            strokeWidth=alt.condition("datum.properties.selected", alt.value(2.5), alt.value(0.4)),
            tooltip=[
                alt.Tooltip("properties.name:N", title="county"),
                alt.Tooltip("properties.activation:N", title="activated"),
                alt.Tooltip("properties.detainers_per_100k:Q", title="detainers per 100k"),
            ],
        )
        .project(type="albersUsa")
        .properties(width=420, height=320)
    )
    return _config(chart)


def comparison(data: BriefData) -> alt.TopLevelMixin:
    """Each funnel stage under both scenarios, side by side (log scale)."""
    rows = []
    for i, r in enumerate(data.funnel):
        for name, value in ((data.scenario, r.value), (data.compare_scenario, r.other or 0)):
            rows.append(
                {
                    "stage": r.label,
                    "order": i,
                    "scenario": name,
                    "people": value,
                    "plotted": max(value, 1),
                }
            )
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("scenario:N", sort=[data.scenario, data.compare_scenario]),
    )
    bars = base.mark_bar().encode(
        x=_log_x("people in the period (log scale)"),
        x2=alt.datum(1),
        color=alt.Color(
            "scenario:N",
            scale=alt.Scale(
                domain=[data.scenario, data.compare_scenario], range=[A_COLOR, B_COLOR]
            ),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=["stage:N", "scenario:N", alt.Tooltip("people:Q", format=",")],
    )
    text = base.mark_text(align="left", dx=3, fontSize=9).encode(
        x="plotted:Q", text=alt.Text("people:Q", format=",")
    )
    return _config((bars + text).properties(width=420, height=320))


def charts(data: BriefData) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the brief, by file stem."""
    out = {
        "funnel": funnel(data),
        "removals_by_level": removals_over_time(data),
        "map_activation": county_map(data, "activation"),
        "map_detainers": county_map(data, "detainers_per_100k"),
    }
    if data.compare_scenario is not None:
        out["comparison"] = comparison(data)
    return out


def to_svg(chart: alt.TopLevelMixin, prefix: str = "chart") -> str:
    """Render a chart to SVG text ready to inline in HTML: no XML prolog, and its internal
    ids (gradients, clip paths) prefixed so that several charts can share one page."""
    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version="6.4")
    svg = svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    return re.sub(r"(url\(#|href=\"#)([^)\"]+)", rf"\g<1>{prefix}-\2", svg)


def to_png(chart: alt.TopLevelMixin) -> bytes:
    """Render a chart to PNG at twice the nominal size (for slides and print)."""
    return vlc.vegalite_to_png(chart.to_dict(), scale=2, vl_version="6.4")
