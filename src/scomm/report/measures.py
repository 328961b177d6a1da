"""The metrics as a brief shows them: grouped by harm, each with its human label and plain
definition, its interval (labelled from the interval's method), what it is near by
construction, and each group's assumptions stated once, in the reader's language and with
the place's own figures (a county's own jail cost per day where one is cited, "national
average" where not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from scomm.i18n import Language
from scomm.intervals import Interval
from scomm.jurisdictions.counties import counties
from scomm.metrics.burden import EXTRA_DAYS, PER_DIEM, SCAAP
from scomm.names import iter_metrics
from scomm.params import ParameterSet
from scomm.report import labels
from scomm.report.sources import Sources

TRUST_FEAR = "metrics.trust.less_likely_to_contact_police"
TRUST_REDUCTION = "metrics.trust.reporting_reduction"


@dataclass(frozen=True)
class MetricRow:
    """One metric for one place (or its change between two scenarios)."""

    group: str
    key: str
    label: str
    definition: str
    value: Any
    unit: str
    interval: Interval | None
    refs: list[int]
    note: str | None = None  # near a value by construction, or what to read it against
    detail: str | None = None  # e.g. "of 48 counties tested; 2.4 expected by chance"
    deterministic: bool = False


@dataclass
class MetricGroup:
    """One harm's metrics and the assumptions behind them, stated once."""

    key: str
    label: str
    quote: str | None
    rows: list[MetricRow] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


def section_interval(m: dict, section: dict) -> Interval | None:
    """A metric's interval, with the method its section says it was made by."""
    iv = m.get("interval")
    basis = section.get("interval_basis")
    if not (isinstance(iv, list) and len(iv) == 2) or basis is None or None in iv:
        return None
    seeds = tuple(basis["seeds"]) if basis.get("seeds") else None
    return Interval(iv[0], iv[1], basis["method"], basis["kind"], basis["runs"], seeds)


def _peers_detail(m: dict, lang: Language) -> str | None:
    if "counties_tested" not in m:
        return None
    values = {
        "tested": lang.number(m["counties_tested"], None),
        "chance": lang.number(m["counties_expected_by_chance"], None),
    }
    return (
        lang.gettext("of %(tested)s counties tested; %(chance)s expected by chance alone") % values
    )


def _note(key: str, scenario_has_pretext: bool, lang: Language) -> str | None:
    if key == "hispanic_disparity_ratio" and scenario_has_pretext:
        return None
    text = labels.BY_CONSTRUCTION.get(key)
    return lang.gettext(text) if text else None


def metric_row(group: str, key: str, m: dict, section: dict, ctx: dict) -> MetricRow:
    """A metric of a summary's metrics section as the brief shows it."""
    lang: Language = ctx["lang"]
    sources: Sources = ctx["sources"]
    label, definition = labels.METRICS.get(key, (key, m.get("definition", "")))
    refs = sorted({sources.add_any(src, f"metric {group}.{key}") for src in m.get("sources") or []})
    return MetricRow(
        group=group,
        key=key,
        label=lang.gettext(label),
        definition=lang.gettext(definition),
        value=m.get("value"),
        unit=str(m.get("unit") or ""),
        interval=section_interval(m, section),
        refs=refs,
        note=_note(key, ctx["pretext"], lang),
        detail=_peers_detail(m, lang),
        deterministic="deterministic" in str(m.get("interval_note", "")),
    )


def groups(section: dict | None, ctx: dict) -> list[MetricGroup]:
    """The metrics of a section, by harm, with each group's assumptions."""
    lang: Language = ctx["lang"]
    out: dict[str, MetricGroup] = {}
    for group, key, m in iter_metrics(section or {}):
        g = out.setdefault(group, _group(group, lang))
        g.rows.append(metric_row(group, key, m, section or {}, ctx))
    for g in out.values():
        g.assumptions = assumptions(g.key, ctx)
    return list(out.values())


def _group(key: str, lang: Language) -> MetricGroup:
    quote = labels.LETTER.get(key)
    return MetricGroup(
        key, lang.gettext(labels.GROUPS.get(key, key)), lang.gettext(quote) if quote else None
    )


# ---- each group's assumptions, stated once, with the place's own figures ------------------


def _values(params: ParameterSet, name: str, span) -> list[Any]:
    """The distinct values of a parameter in force during the period, in date order."""
    s, e = span
    p = params[name]
    dates = sorted(p.values)
    seen = []
    for i, day in enumerate(dates):
        nxt = dates[i + 1] if i + 1 < len(dates) else dt.date.max
        if day <= e and nxt > s and p.values[day].value not in seen:
            seen.append(p.values[day].value)
    return seen


def _own(params: ParameterSet, prefix: str, fips: list[str]) -> list[str]:
    """The counties among ``fips`` with their own cited figure of a burden parameter."""
    return [f for f in fips if f"{prefix}.{f}" in params.params]


def _figure(prefix: str, unit: str, ctx: dict) -> str:
    """The national figure, or the county's own, said as the reader should read it."""
    lang: Language = ctx["lang"]
    params, span, place = ctx["params"], ctx["span"], ctx["place"]
    cty = counties()
    national = " / ".join(lang.number(v, unit) for v in _values(params, f"{prefix}.national", span))
    if place.county is not None:
        name = str(cty.table["full_name"][cty.index_of(place.county)])
        if _own(params, prefix, [place.county]):
            own = _values(params, f"{prefix}.{place.county}", span)
            shown = " / ".join(lang.number(v, unit) for v in own)
            return lang.gettext("%(county)s's own cited figure, %(value)s") % {
                "county": name,
                "value": shown,
            }
        return lang.gettext("national average, %(value)s (no cited figure for %(county)s)") % {
            "value": national,
            "county": name,
        }
    in_place = [
        str(f) for f, st in zip(cty.fips, cty.state, strict=True) if place.state in (None, st)
    ]
    own = _own(params, prefix, in_place)
    text = lang.gettext("national average, %(value)s") % {"value": national}
    if own:
        names = ", ".join(str(cty.table["full_name"][cty.index_of(f)]) for f in own)
        text += "; " + lang.gettext("own cited figures for %(names)s") % {"names": names}
    return text


def _burden(ctx: dict) -> list[str]:
    lang: Language = ctx["lang"]
    scaap = " / ".join(
        lang.number(v, "share", digits=0) for v in _values(ctx["params"], SCAAP, ctx["span"])
    )
    return [
        lang.gettext("Extra jail days per honored detainer: %(figure)s.")
        % {"figure": _figure(EXTRA_DAYS, "days", ctx)},
        lang.gettext("Cost of a jail day: %(figure)s.") % {"figure": _figure(PER_DIEM, "usd", ctx)},
        lang.gettext(
            "SCAAP pays back %(share)s of the cost for unauthorized people with a Level 1 or 2 "
            "record, nothing for others. Nominal dollars, in the year of the booking."
        )
        % {"share": scaap},
    ]


def _trust(ctx: dict) -> list[str]:
    lang: Language = ctx["lang"]
    fear = _values(ctx["params"], TRUST_FEAR, ctx["span"])[0]
    cut = _values(ctx["params"], TRUST_REDUCTION, ctx["span"])[0]

    def pct(x: float) -> str:
        return lang.number(x, "share", digits=0)

    return [
        lang.gettext(
            "Latino residents less likely to contact the police for fear of immigration "
            "enforcement (Theodore 2013): %(us_born)s of the U.S.-born, %(lawful)s of lawful "
            "immigrants, %(unauthorized)s of the unauthorized."
        )
        % {
            "us_born": pct(fear["us_born"]),
            "lawful": pct(fear["lawful_foreign_born"]),
            "unauthorized": pct(fear["undocumented"]),
        },
        lang.gettext(
            "Assumption: they report %(cut)s fewer crimes; these numbers are proportional to it."
        )
        % {"cut": pct(cut)},
        lang.gettext(
            "National victimization and reporting rates (NCVS) apply to Latino residents; no "
            "random draw enters these numbers."
        ),
    ]


def _profiling(ctx: dict) -> list[str]:
    lang: Language = ctx["lang"]
    return [
        lang.gettext(
            "A low-level arrest is one for a misdemeanor or a traffic offense; comparable "
            "counties are the state's other counties of a similar size."
        ),
        lang.gettext(
            "Removable residents come from each county's foreign-born share and cited status "
            "shares; citizens are never removable."
        ),
    ]


def _due_process(ctx: dict) -> list[str]:
    lang: Language = ctx["lang"]
    return [
        lang.gettext(
            "ICE's DHS-wide shares of summary removals and of removed parents of U.S.-citizen "
            "children, and the national share of detained people with a lawyer, apply to "
            "S-Comm removals (ICE publishes none for S-Comm)."
        )
    ]


def _public_safety(ctx: dict) -> list[str]:
    lang: Language = ctx["lang"]
    return [
        lang.gettext(
            "ICE's offense levels follow the cited criminal-history shares of matched people; "
            "the four shares add up to 100 percent."
        )
    ]


_ASSUMPTIONS = {
    "burden": _burden,
    "trust": _trust,
    "profiling": _profiling,
    "due_process": _due_process,
    "public_safety": _public_safety,
}


def assumptions(group: str, ctx: dict) -> list[str]:
    """The assumptions behind a group's metrics, once for the group."""
    make = _ASSUMPTIONS.get(group)
    return make(ctx) if make else []


def changes(diff: dict, a: dict, b: dict, ctx: dict) -> list[MetricGroup]:
    """Each metric's change (B − A) by harm, with the interval of the paired change over
    replicate runs on the same seeds where there are replicates."""
    lang: Language = ctx["lang"]
    out: dict[str, MetricGroup] = {}
    for group, key, m in iter_metrics(diff):
        g = out.setdefault(group, _group(group, lang))
        row = metric_row(group, key, {**m, "sources": []}, {}, ctx)
        iv = ctx["paired"](group, key)
        g.rows.append(
            MetricRow(
                group,
                key,
                row.label,
                row.definition,
                m.get("value"),
                row.unit,
                iv,
                [],
                note=row.note,
            )
        )
    return list(out.values())
