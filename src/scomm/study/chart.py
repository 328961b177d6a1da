"""The event-study chart: Callaway–Sant'Anna and Sun–Abraham side by side (Altair, PNG/SVG
through vl-convert, nothing loaded from the network)."""

from __future__ import annotations

import altair as alt
import vl_convert as vlc

SHOWN = ("cs", "sa")
NAMES = {"cs": "Callaway–Sant'Anna", "sa": "Sun–Abraham", "twfe": "TWFE", "did2s": "two-stage"}


def rows(doc: dict, shown: tuple[str, ...] = SHOWN) -> list[dict]:
    """One row per estimator and event time (the shift keeps the two series apart)."""
    out = []
    for k, name in enumerate(shown):
        for r in doc["estimates"][name]["event_study"]:
            out.append({"estimator": NAMES[name], "event_time": r["event_time"],
                        "x": r["event_time"] + (k - 0.5) * 0.2, "estimate": r["estimate"],
                        "lo": r["ci"][0], "hi": r["ci"][1]})  # fmt: skip
    return out


def event_study_chart(doc: dict) -> alt.LayerChart:
    """Points with 95% intervals by period relative to activation; the reference period is -1."""
    period = "year" if doc["frequency"] == "year" else "month"
    data = alt.Data(values=rows(doc))
    color = alt.Color("estimator:N", title=None, scale=alt.Scale(range=["#1b6ca8", "#c0392b"]))
    x = alt.X(
        "x:Q", title=f"{period}s since activation (reference: -1)", axis=alt.Axis(tickMinStep=1)
    )
    base = alt.Chart(data)
    bars = base.mark_rule(strokeWidth=2).encode(x=x, y=alt.Y("lo:Q"), y2="hi:Q", color=color)
    points = base.mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("estimate:Q", title=doc["unit"][:80]), color=color
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#555").encode(y="y:Q")
    start = (
        alt.Chart(alt.Data(values=[{"x": -0.5}]))
        .mark_rule(color="#999", strokeDash=[4, 4])
        .encode(x="x:Q")
    )
    what = f"{doc['outcome']} crime" if doc.get("study") == "crime" else doc["outcome"]
    title = f"S-Comm activation and {what} ({doc['n_counties']:,} counties, {period}ly)"
    return (
        (zero + start + bars + points)
        .properties(width=560, height=300, title=title)
        .configure_legend(orient="bottom")
    )


def to_png(chart: alt.TopLevelMixin) -> bytes:
    return vlc.vegalite_to_png(chart.to_dict(), scale=2, vl_version="6.4")


def to_svg(chart: alt.TopLevelMixin) -> str:
    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version="6.4")
    return svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
