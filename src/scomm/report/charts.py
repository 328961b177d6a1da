"""The brief's charts as Vega-Lite (built with Altair), rendered to SVG and PNG by vl-convert
without a browser, in the reader's language (axis words from the catalog, months and numbers
in the language's d3 locale).

Comparisons are on linear scales (each stage on its own axis from zero, so a 95% fall
looks like one); the funnel alone stays logarithmic, and says so. A PNG is a slide: the
chart with a title, the place and period, the source and "model estimate" written on it.
"""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import vl_convert as vlc

from scomm.i18n import N_, Language, language
from scomm.report.data import BriefData
from scomm.report.geo import county_features, zoom_box

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
LEVEL_COLORS = ["#7a0177", "#c51b8a", "#f768a1", "#9e9e9e"]
A_COLOR, B_COLOR = "#1f4e79", "#d95f02"
D3_LOCALES = {"en_US": "en-US", "es_US": "es-MX", "es_MX": "es-MX", "es_ES": "es-ES"}
LABEL_SIZE, TITLE_SIZE = 12, 12  # legible at print size (charts print at about 1:1)


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE)
        .configure_legend(
            labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE, symbolSize=120, titleLimit=400
        )
    )


def _lang(data: BriefData) -> Language:
    return language(data.locale)


def funnel(data: BriefData) -> alt.TopLevelMixin:
    """Horizontal bars from bookings to removals on a log scale (labelled as such), each with
    its count and, in brackets, the share of the stage above."""
    lang = _lang(data)
    rows = []
    for i, r in enumerate(data.funnel):
        prev = data.funnel[i - 1].value if i else None
        share = f" ({lang.number(r.value / prev, 'share')})" if prev else ""
        rows.append({"stage": r.label, "order": i, "people": r.value,
                     "plotted": max(r.value, 1), "label": lang.number(r.value, None) + share})  # fmt: skip
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=280)),
    )
    bars = base.mark_bar(color=A_COLOR).encode(
        x=alt.X(
            "plotted:Q",
            scale=alt.Scale(type="log", domainMin=1),
            title=lang.gettext("people in the period (logarithmic scale: each step is ×10)"),
            axis=alt.Axis(format="~s", values=[1, 10, 100, 1000, 10_000, 100_000, 1_000_000]),
        ),
        x2=alt.datum(1),
        tooltip=["stage:N", alt.Tooltip("people:Q", format=",")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(x="plotted:Q", text="label:N")
    return (bars + text).properties(width=330, height=180)


def removals_over_time(data: BriefData) -> alt.TopLevelMixin:
    """Monthly removals stacked by ICE level, with the timeline's events marked by letter."""
    lang = _lang(data)
    order = [r.label for r in data.levels]
    bars = (
        alt.Chart(alt.Data(values=data.monthly))
        .mark_bar()
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("sum(removals):Q", title=lang.gettext("removals completed per month")),
            color=alt.Color(
                "level:N",
                scale=alt.Scale(domain=order, range=LEVEL_COLORS),
                sort=order,
                legend=alt.Legend(title=lang.gettext("ICE offense level"), orient="bottom"),
            ),
            order=alt.Order("level_order:Q"),
            tooltip=["month:N", "level:N", "removals:Q"],
        )
        .transform_calculate(level_order=f"indexof({order!r}, datum.level)")
    )
    layers: list[Any] = [bars]
    if data.events:
        events = [{"date": e.date, "mark": e.mark} for e in data.events]
        base = alt.Chart(alt.Data(values=events))
        layers.append(base.mark_rule(color="#333", strokeDash=[4, 3]).encode(x="date:T"))
        layers.append(
            base.mark_text(
                baseline="bottom", dy=-3, fontSize=11, fontWeight="bold", color="#222"
            ).encode(x="date:T", y=alt.value(0), text="mark:N")
        )
    return alt.layer(*layers).properties(width=640, height=190)


def _map_color(field: str, lang: Language) -> alt.Color:
    if field == "activation":
        return alt.Color(
            "properties.activation:T",
            timeUnit="yearmonth",
            title=lang.gettext("S-Comm activated"),
            scale=alt.Scale(scheme="viridis"),
            legend=alt.Legend(format="%b %Y", orient="bottom", gradientLength=220),
        )
    return alt.Color(
        "properties.detainers_per_100k:Q",
        title=lang.gettext("detainers per 100,000 residents"),
        scale=alt.Scale(scheme="orangered"),
        legend=alt.Legend(orient="bottom", gradientLength=220),
    )


def _shapes(features: list[dict], field: str, lang: Language, size: tuple[int, int]):
    selected = "datum.properties.selected"
    return (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(strokeWidth=0.4)
        .encode(
            color=_map_color(field, lang),
            stroke=alt.condition(selected, alt.value("#000"), alt.value("#ffffff")),
            strokeWidth=alt.condition(selected, alt.value(2.2), alt.value(0.3)),
            tooltip=[
                alt.Tooltip("properties.name:N", title=lang.gettext("county")),
                alt.Tooltip("properties.activation:N", title=lang.gettext("S-Comm activated")),
                alt.Tooltip(
                    "properties.detainers_per_100k:Q",
                    title=lang.gettext("detainers per 100,000 residents"),
                ),
            ],
        )
        .project(type="albersUsa" if len(features) > 500 else "mercator")
        .properties(width=size[0], height=size[1])
    )


def county_map(data: BriefData, field: str) -> alt.TopLevelMixin:
    """A choropleth of the state's counties (every county for the country), zoomed to the
    place: ``activation`` or ``detainers_per_100k``. A county brief outlines its county
    and, when the county is small beside its state, adds an inset zoomed on it."""
    lang = _lang(data)
    by_fips = {r["fips"]: r for r in data.counties}
    features = county_features(list(by_fips))
    for f in features:
        f["properties"] = by_fips[f["id"]]
    main = _shapes(features, field, lang, (330, 260))
    if data.place.county is None:
        return main
    box = zoom_box(features, data.place.county)
    if box is None:
        return main
    near = [f for f in features if box.touches(f)]
    inset = _shapes(near, field, lang, (150, 150)).properties(
        title=alt.TitleParams(lang.gettext("Zoomed in"), fontSize=11, anchor="start")
    )
    return alt.hconcat(main, inset, spacing=6)


def comparison(data: BriefData) -> alt.TopLevelMixin:
    """Each funnel stage under both scenarios, on its own linear axis from zero."""
    lang = _lang(data)
    names = [data.scenario_label, data.compare_label or ""]
    rows = []
    for i, r in enumerate(data.funnel):
        for name, value in zip(names, (r.value, r.other or 0), strict=True):
            rows.append({"stage": r.label, "order": i, "scenario": name, "people": value,
                         "label": lang.number(value, None)})  # fmt: skip
    base = alt.Chart().encode(
        y=alt.Y("scenario:N", sort=names, title=None, axis=None),
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "people:Q",
            title=None,
            scale=alt.Scale(zero=True),
            axis=alt.Axis(format="~s", tickCount=3),
        ),
        color=alt.Color(
            "scenario:N",
            scale=alt.Scale(domain=names, range=[A_COLOR, B_COLOR]),
            legend=alt.Legend(title=None, orient="top", labelLimit=400),
        ),
        tooltip=["stage:N", "scenario:N", alt.Tooltip("people:Q", format=",")],
    )
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(x="people:Q", text="label:N")
    layered = alt.layer(bars, text, data=alt.Data(values=rows)).properties(width=260, height=34)
    return layered.facet(
        facet=alt.Facet("stage:N", sort=alt.SortField("order"), title=None,
                        header=alt.Header(labelFontSize=11, labelAnchor="start", labelLimit=300)),
        columns=2,
    ).resolve_scale(x="independent")  # fmt: skip


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


TITLES = {
    "funnel": N_("From jail booking to removal"),
    "removals_by_level": N_("Removals by ICE offense level, month by month"),
    "map_activation": N_("When S-Comm started, county by county"),
    "map_detainers": N_("ICE detainers per 100,000 residents"),
    "comparison": N_("What the other scenario changes, stage by stage"),
}


def slide(chart: alt.TopLevelMixin, name: str, data: BriefData) -> alt.TopLevelMixin:
    """The chart as a slide: title; place, period and scenario; source and "model estimate"."""
    lang = _lang(data)
    scenario = data.scenario_label + (f" / {data.compare_label}" if data.compare_label else "")
    subtitle = f"{data.place_label} · {data.period_words} · {scenario}"
    source = lang.gettext(
        "Model estimate (scomm simulation, not ICE records) · source: scomm %(command)s"
    ) % {"command": data.command.removeprefix("scomm ")}
    footer = alt.Chart(alt.Data(values=[{"t": source}])).mark_text(
        align="left", fontSize=11, color="#444"
    ).encode(text="t:N", x=alt.value(0)).properties(height=14, width=10)  # fmt: skip
    framed = alt.vconcat(chart, footer, spacing=8).properties(
        title=alt.TitleParams(
            lang.gettext(TITLES[name]), subtitle=[subtitle], anchor="start",
            fontSize=18, subtitleFontSize=13,
        )
    )  # fmt: skip
    return framed


def _d3_locale(data: BriefData) -> str:
    return D3_LOCALES.get(data.locale, "es-MX" if data.lang == "es" else "en-US")


def to_svg(chart: alt.TopLevelMixin, prefix: str = "chart", data: BriefData | None = None) -> str:
    """Render a chart to SVG text ready to inline in HTML: no XML prolog, and its internal
    ids (gradients, clip paths) prefixed so that several charts can share one page."""
    loc = _d3_locale(data) if data is not None else "en-US"
    svg = vlc.vegalite_to_svg(
        _config(chart).to_dict(), vl_version="6.4", format_locale=loc, time_format_locale=loc
    )
    svg = svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    return re.sub(r"(url\(#|href=\"#)([^)\"]+)", rf"\g<1>{prefix}-\2", svg)


def to_png(chart: alt.TopLevelMixin, data: BriefData | None = None) -> bytes:
    """Render a chart to PNG at twice the nominal size (for slides and print)."""
    loc = _d3_locale(data) if data is not None else "en-US"
    return vlc.vegalite_to_png(
        _config(chart).to_dict(), scale=2, vl_version="6.4", format_locale=loc,
        time_format_locale=loc,
    )  # fmt: skip
