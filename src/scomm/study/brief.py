"""The brief section "What the rollout did to crime in county-policed areas".

``section(state)`` returns the data (None: national) and ``section_html(state)`` the HTML the
state brief includes. A national brief calls ``section_html(None)`` and places the result where
it wants the section (it is a self-contained ``<section id="study-crime">``; no script, no
external resource). Results are cached per place: CS and SA only, no intensity rerun.
"""

from __future__ import annotations

import warnings
from functools import cache

from markupsafe import Markup, escape

from scomm.errors import UserError
from scomm.study.chart import event_study_chart, to_svg
from scomm.study.design import build_sample
from scomm.study.estimators import callaway_santanna, sun_abraham
from scomm.study.literature import PUBLISHED
from scomm.study.panel import crime_panel

TITLE = "What the rollout did to crime in county-policed areas"


@cache
def section(state: str | None) -> dict:
    """CS and SA violent-crime estimates for the state (or the nation), or why there are none."""
    where = state or "the United States"
    try:
        sample = build_sample(crime_panel("violent"), [state] if state else None)
    except UserError as exc:
        return {"place": where, "available": False, "reason": str(exc)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = {"cs": callaway_santanna(sample).to_dict(), "sa": sun_abraham(sample).to_dict()}
    estimates = {
        k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")} for k, v in fits.items()
    }
    doc = {"estimates": estimates, "frequency": "year", "outcome": "violent crime",
           "unit": "violent crimes per 100,000 residents", "n_counties": sample.n_counties}  # fmt: skip
    return {
        "place": where,
        "available": True,
        "n_counties": sample.n_counties,
        "n_states": sample.n_states,
        "window": f"{sample.first}-{sample.last}",
        "estimates": estimates,
        "chart_svg": to_svg(event_study_chart(doc)),
    }


def _row(name: str, e: dict) -> str:
    lo, hi = e["ci"]
    p = e["pretrend"]["p_value"]
    ptxt = "n/a" if p is None else f"{p:.3f}"
    return (f"<tr><td>{escape(e['label'])}</td><td class=\"num\">{e['att']:.1f}</td>"
            f"<td class=\"num\">[{lo:.1f}, {hi:.1f}]</td><td class=\"num\">{ptxt}</td></tr>")  # fmt: skip


def section_html(state: str | None) -> Markup:
    """The section as HTML (autoescaped text, inline SVG chart)."""
    s = section(state)
    head = f'<section id="study-crime"><h2>{escape(TITLE)}</h2>'
    if not s["available"]:
        return Markup(head + f"<p>Not estimable for {escape(s['place'])}: {escape(s['reason'])}."
                      "</p></section>")  # fmt: skip
    rows = "".join(_row(k, v) for k, v in s["estimates"].items())
    pubs = "".join(
        f"<li>{escape(p['study'])}, <i>{escape(p['venue'])}</i>: {escape(p['finding'])} "
        f"({escape(p['estimate_note'])}).</li>"
        for p in PUBLISHED
    )
    body = (
        f"<p>Violent crime known to sheriffs and county police (FBI Table 10; not city police) in "
        f"{s['n_counties']:,} counties of {escape(s['place'])}, {s['window']}, before and after "
        "each county's S-Comm activation. Change per 100,000 residents, 95% intervals clustered "
        "by state (sampling only).</p>"
        '<table><thead><tr><th>estimator</th><th class="num">ATT</th>'
        '<th class="num">95% interval</th><th class="num">pre-trend p</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        f'<figure class="chart">{s["chart_svg"]}</figure>'
        f"<p>Published results beside ours:</p><ul>{pubs}</ul>"
        "<p>Reproduce: <code>scomm study crime --outcome violent"
        f"{' --states ' + escape(state) if state else ''}</code>; method in docs/study.md.</p>"
    )
    return Markup(head + body + "</section>")
