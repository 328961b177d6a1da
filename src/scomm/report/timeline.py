"""What changed for a place during the period, each event named by what it did: the place's
own S-Comm activation (for a state, the dates that brought S-Comm to a large part of its
residents), the laws that bind it (and only those), and the dated rule changes the model
applies there (ICE's detainer rates, jail compliance, ...), with the sources behind each."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from babel.lists import format_list

from scomm.i18n import Language
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import Law, all_laws
from scomm.params import Parameter
from scomm.report import labels
from scomm.report.sources import Sources
from scomm.rules import pipeline
from scomm.scenario import Scenario

# Stages whose parameter changes are events of the timeline.
ERA_STAGES = ("submission", "detainer", "compliance", "transfer")
#: A county-activation date is an event of a state's timeline when it brings S-Comm to at
#: least this share of the state's residents (the first and last dates always are).
ACTIVATION_SHARE = 0.10
#: The five counties of New York City, named as one place.
NEW_YORK_CITY = frozenset({"36005", "36047", "36061", "36081", "36085"})


@dataclass
class Event:
    """One dated change: what happened, in the reader's language, and its sources."""

    date: str
    when: str  # the date in words
    what: list[str] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    mark: str = ""  # the letter that marks it on the time chart
    local: list[str] = field(default_factory=list)  # what changed for this place alone


def letter(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    return letter(i // 26 - 1) + chr(65 + i % 26) if i >= 26 else chr(65 + i)


def _county_names(fips: list[str], lang: Language) -> str:
    """Up to three names (New York City's five counties as one), largest first."""
    cty = counties()
    city = set(fips) >= NEW_YORK_CITY
    rest = [f for f in fips if not (city and f in NEW_YORK_CITY)]
    room = 3 - city
    shown = [lang.gettext("New York City")] if city else []
    shown += [str(cty.table["full_name"][cty.index_of(f)]) for f in rest[:room]]
    more = len(rest) - room
    if more > 0:
        return lang.ngettext(
            "%(names)s and %(n)s more county", "%(names)s and %(n)s more counties", more
        ) % {"names": ", ".join(shown), "n": more}
    return ", ".join(shown)


def _activations(state: str | None, county: str | None, lang: Language) -> list[tuple]:
    """(date, text) of the place's activation events."""
    t = counties().table
    if county is not None:
        row = t.filter(pl.col("county_fips") == county).row(0, named=True)
        text = lang.gettext("S-Comm starts in %(place)s: its jails' fingerprints go to DHS")
        return [(dt.date.fromisoformat(row["activation_date"]), text % {"place": row["full_name"]})]
    part = t if state is None else t.filter(pl.col("state") == state)
    population = part["population"].cast(pl.Float64)
    by_day: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for f, day, pop in zip(part["county_fips"], part["activation_date"], population, strict=True):
        by_day[day].append((f, pop))
    days = sorted(by_day)
    total = float(population.sum())
    out = []
    for i, day in enumerate(days):
        share = sum(p for _, p in by_day[day]) / total
        if not (i == 0 or i == len(days) - 1 or share >= ACTIVATION_SHARE):
            continue
        fips = [f for f, _ in sorted(by_day[day], key=lambda x: -x[1])]
        out.append((dt.date.fromisoformat(day), _activation_text(i, days, fips, share, lang)))
    return out


def _activation_text(i: int, days: list[str], fips: list[str], share: float, lang) -> str:
    values = {
        "place": _county_names(fips, lang),
        "share": lang.number(share, "share", digits=0),
    }
    if i == len(days) - 1 and i > 0:
        return (
            lang.gettext("S-Comm reaches its last counties: %(place)s (%(share)s of residents)")
            % values
        )
    return lang.gettext("S-Comm starts in %(place)s (%(share)s of residents)") % values


def binds_place(law: Law, state: str | None, county: str | None) -> bool:
    """Whether a law binds the place (a state's brief: the state or any of its counties)."""
    b = law.binds
    if b.all_states:
        return True
    if state is None:
        return False
    if county is not None:
        return law.scope.binds(state, county)
    return state in b.states or any(c.startswith(_state_prefix(state)) for c in b.counties)


def _state_prefix(state: str) -> str:
    cty = counties()
    return str(cty.fips[cty.state == state][0])[:2]


def _law_text(law: Law, applied: bool, lang: Language) -> str:
    text = lang.gettext(labels.LAWS[law.id]) if law.id in labels.LAWS else law.title
    if not applied:
        text += " " + lang.gettext("(did not take effect: ICE kept S-Comm running)")
    return text


def _laws(scn: Scenario, state, county, span, lang, sources) -> list[tuple]:
    """(date, text, ref, local) of every law binding the place with a date in the period:
    those the scenario applies, and those that never took effect (overridden), marked so;
    ``local``: a state's or county's own law (not a federal one)."""
    s, e = span
    applied = {lw.id for lw in scn.laws}
    candidates = {lw.id: lw for lw in scn.laws}
    for lw in all_laws():
        if lw.overridden_by and lw.id not in candidates:
            candidates[lw.id] = lw
    out = []
    for law in candidates.values():
        if s < law.effective <= e and binds_place(law, state, county):
            n = sources.add_citation(law.citation.model_dump(), f"law {law.id}")
            text = _law_text(law, law.id in applied, lang)
            out.append((law.effective, text, n, not law.binds.all_states))
    return out


def _flag_text(name: str, after: bool, lang: Language) -> str:
    """A flag turned on or off, as a sentence ("ICE defers detainers after ...")."""
    on, off = labels.FLAGS[name]
    return lang.gettext(on if after else off)


def _groups_text(name: str, breakdown: str, before: dict, after: dict, lang: Language) -> str:
    """Groups switched on and off, as sentences ("ICE's priorities no longer include people
    charged with a felony and ...")."""
    names = labels.BREAKDOWNS[breakdown]
    added = [k for k, v in after.items() if v and not before.get(k)]
    dropped = [k for k, v in after.items() if not v and before.get(k)]
    if "removable" in added:  # everyone removable: every other group is inside it
        added = ["removable"]
    templates = labels.FLAG_GROUPS[name]
    parts = []
    for keys, template in ((added, templates[0]), (dropped, templates[1])):
        if keys:
            groups = format_list([lang.gettext(names[k]) for k in keys], locale=lang.locale)
            parts.append(lang.gettext(template) % {"groups": groups})
    return "; ".join(parts)


def _change_text(p: Parameter, before: Any, after: Any, lang: Language) -> str:
    """ "ICE's detainer rate: Level 1 61% → 95%, ..." (only the keys that changed); a flag as
    a sentence of what it switched on or off."""
    if isinstance(after, bool):
        return _flag_text(p.name, after, lang)
    if isinstance(after, dict) and p.unit == "flag":
        return _groups_text(p.name, p.breakdown or "", before, after, lang)
    label = lang.gettext(labels.PARAMETERS[p.name])
    if isinstance(after, dict):
        names = labels.BREAKDOWNS[p.breakdown or ""]
        parts = [
            f"{lang.gettext(names[key])} {_number(before.get(key), p.unit, lang)} → "
            f"{_number(new, p.unit, lang)}"
            for key, new in after.items()
            if before.get(key) != new
        ]
        return f"{label}: {', '.join(parts)}"
    return f"{label}: {_number(before, p.unit, lang)} → {_number(after, p.unit, lang)}"


def _number(value: Any, unit: str, lang: Language) -> str:
    return lang.number(value, unit, digits=0)


def _parameter_changes(scn: Scenario, span, lang, sources) -> list[tuple]:
    """(date, text, ref) of every dated change of a timeline parameter in the period."""
    s, e = span
    params = scn.params
    out = []
    for name in sorted(pipeline.parameter_names(*ERA_STAGES, drawn=False)):
        p = params[name]
        dates = sorted(p.values)
        for before, day in itertools.pairwise(dates):
            if s < day <= e and p.values[day].value != p.values[before].value:
                entry = p.values[day]
                n = sources.add_citation(entry.citation.model_dump(), f"parameter {name}")
                text = _change_text(p, p.values[before].value, entry.value, lang)
                out.append((day, text, n))
    return out


def events(
    scn: Scenario,
    state: str | None,
    county: str | None,
    span: tuple[dt.date, dt.date],
    lang: Language,
    sources: Sources,
) -> list[Event]:
    """The place's timeline in the period, one event per date, lettered in date order."""
    s, e = span
    found: dict[dt.date, Event] = {}

    def note(day: dt.date, text: str, ref: int | None = None, local: bool = False) -> None:
        ev = found.setdefault(day, Event(day.isoformat(), lang.date(day)))
        if text not in ev.what:
            ev.what.append(text)
            if local:
                ev.local.append(text)
        if ref is not None and ref not in ev.refs:
            ev.refs.append(ref)

    for day, text in _activations(state, county, lang):
        if s <= day <= e:
            note(day, text, sources.add_data("counties.csv"), local=state is not None)
    for day, text, ref, local in _laws(scn, state, county, span, lang, sources):
        note(day, text, ref, local)
    for day, text, ref in _parameter_changes(scn, span, lang, sources):
        note(day, text, ref)
    ordered = [found[d] for d in sorted(found)]
    for i, ev in enumerate(ordered):
        ev.mark = letter(i)
    return ordered
