"""What a brief shows, computed from runs, in the reader's language: the summary page (the
place, period and scenario in a sentence; four key figures with their intervals; the bottom
line of the comparison in words; the letter's harms with a headline figure each; how sure
the numbers are), the funnel, removals by ICE level over time with the place's timeline,
county values for the maps, the metrics by harm, the comparison, and the numbered sources
behind every number.

Numbers stay numbers here (the templates format them for the language); sentences are
written here, from the numbers, through the message catalog.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from scomm import periods
from scomm.api import RunResult, paired_interval, place_totals
from scomm.compare import compare_runs, metric_difference
from scomm.errors import UserError
from scomm.i18n import Language, language
from scomm.intervals import Interval
from scomm.jurisdictions import agreements_287g
from scomm.jurisdictions.counties import counties, state_names
from scomm.metrics import county_metrics
from scomm.report import labels, measures, timeline
from scomm.report.measures import MetricGroup
from scomm.report.sources import GEOMETRY_SOURCE, Sources, data_refs, parameter_refs
from scomm.rules import pipeline

FUNNEL = tuple(labels.STAGES.items())
#: The channels table: removals by the channel that identified the person, then the 287(g)
#: channel's own funnel.
CHANNEL_ROWS = (
    *labels.BY_CHANNEL.items(),
    *(
        (k, labels.CHANNELS[k])
        for k in (
            "identified_287g",
            "detainers_287g",
            "detainers_honored_287g",
            "ice_book_ins_287g",
        )
    ),
)
EXTRA = tuple(labels.EXTRAS.items())
LEVELS = tuple(labels.LEVELS.items())
# The pipeline stages (rules/pipeline.py) behind each count of the funnel: a row cites the
# parameters those stages read.
_REMOVAL = ("removal", "summary_removal", "detention", "representation")
_RECORD = (
    "serious_charge",
    "serious_record",
    "aggravated_felony",
    "prior_removal",
    "entered_without_inspection",
    "laken_riley_offense",
)
FUNNEL_STAGES: dict[str, tuple[str, ...]] = {
    "bookings": ("booking",),
    "submissions": ("submission",),
    "ident_matches": ("booking", "composition", "submission", "match"),
    "detainers": ("level", "charge", *_RECORD, "status_determination", "detainer"),
    "detainers_honored": ("serious_charge", "serious_record", "magistrate_pc", "compliance"),
    "ice_book_ins": ("transfer",),
    "removals": _REMOVAL,
    "removals_convicted": ("level", *_REMOVAL),
    "us_citizens_detained": ("match", "status_determination", "detainer", "compliance", "transfer"),
}
#: At most this many of the place's own dated changes on the summary page.
KEY_DATES = 6
#: The headline figure of each harm on the summary page.
HEADLINES = (
    ("profiling", "low_level_share_matches"),
    ("burden", "detainer_net_cost_usd"),
    ("trust", "unreported_violent_victimizations_per_year"),
    ("due_process", "removals_without_hearing"),
    ("due_process", "us_citizens_detained"),
    ("public_safety", "top_priority_share"),
)


@dataclass(frozen=True)
class Place:
    """A state, one county (whose state is simulated for the map), or the whole country."""

    state: str | None
    county: str | None
    label: str

    @property
    def national(self) -> bool:
        """The whole country."""
        return self.state is None

    @property
    def state_name(self) -> str:
        """The state's full name ("" for the country)."""
        return state_names()[self.state] if self.state else ""

    @property
    def slug(self) -> str:
        """A short name for files: the USPS code, the county FIPS or US."""
        return self.county or self.state or "US"

    @property
    def key(self) -> str | None:
        """The place's key in a run's summary (None: the whole run)."""
        return self.county or self.state


def resolve_place(state: str | None, county: str | None, national: bool = False) -> Place:
    """Exactly one of --state / --county / --national; unknown codes raise UserError."""
    if (state is not None) + (county is not None) + bool(national) != 1:
        raise UserError(
            "--state/--county/--national: give exactly one (e.g. --state NY, --county 36061 "
            "or --national)"
        )
    if national:
        return Place(None, None, "the United States")
    cty = counties()
    if county is not None:
        i = cty.index_of(county)
        st = str(cty.state[i])
        return Place(st, county, f"{cty.table['full_name'][i]}, {state_names()[st]}")
    st = (state or "").strip().upper()
    if st not in cty.states():
        raise UserError(f"--state: {state!r} is not a USPS state code (e.g. NY, CA, DC)")
    return Place(st, None, state_names()[st])


@dataclass(frozen=True)
class StageRow:
    """One funnel stage: its count and interval, its sources, and (when comparing) B, B − A
    and the interval of that change over paired runs."""

    key: str
    label: str
    value: int
    refs: list[int]
    interval: Interval | None = None
    other: int | None = None
    change_interval: Interval | None = None

    @property
    def change(self) -> int | None:
        """B − A, when comparing."""
        return None if self.other is None else self.other - self.value

    @property
    def change_share(self) -> float | None:
        """(B − A) / A, when comparing and A is not zero."""
        return None if self.other is None or not self.value else self.change / self.value


@dataclass(frozen=True)
class Figure:
    """A number on the summary page: what it is, its value, interval and sources."""

    key: str
    label: str
    value: Any
    unit: str
    interval: Interval | None
    refs: list[int]
    note: str | None = None
    group: str | None = None


@dataclass
class BriefData:
    """Everything a brief (or the dashboard's place page) shows, in one language."""

    place: Place
    place_label: str
    state_label: str
    lang: str
    locale: str
    scenario: str
    scenario_label: str
    scenario_description: str
    compare_scenario: str | None
    compare_label: str | None
    compare_description: str | None
    period: dict[str, str]
    period_words: str
    seed: int
    runs: int
    interval_label: str | None
    sentence: str
    started: str | None
    key_figures: list[Figure]
    bottom_line: list[str]
    harms: list[Figure]
    certainty: list[str]
    funnel: list[StageRow]
    extras: list[StageRow]
    levels: list[StageRow]
    monthly: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    events: list[timeline.Event]
    channels: list[StageRow]
    channel_note: list[str]
    key_dates: list[timeline.Event]
    metric_groups: list[MetricGroup]
    metrics_note: str | None
    change_groups: list[MetricGroup]
    sources: Sources
    map_refs: list[int]
    scenario_hash: str
    command: str
    states: list[dict[str, Any]] = field(default_factory=list)
    compare_doc: dict | None = None


# ---- totals and their intervals, for a place ------------------------------------------------


def _section(result: RunResult, place: Place) -> dict | None:
    """The place's summary section, when the run has one (a county needs ``counties=``)."""
    if place.national:
        return result.summary
    if place.county is not None:
        return result.summary.get("by_county", {}).get(place.county)
    return result.summary["by_state"].get(place.state)


def _place_flows(result: RunResult, place: Place) -> pl.DataFrame:
    table = result.flows
    if place.state is not None:
        table = table.filter(pl.col("state") == place.state)
    if place.county is not None:
        table = table.filter(pl.col("county_fips") == place.county)
    return table


def place_totals_of(result: RunResult, place: Place) -> dict[str, int]:
    """The place's totals, flat (levels as ``level1`` ... and ``removals_level1`` ...)."""
    flat = place_totals(_place_flows(result, place), [None])[None]
    flat.update({k: flat[f"removals_{k}"] for k in labels.LEVELS})
    flat["removals_both"] = _both(flat)
    return flat


def _both(totals: dict[str, int]) -> int:
    """Removals through either channel: S-Comm's and the 287(g) officers'."""
    return totals["removals"] + totals["removals_287g"]


def _intervals(result: RunResult, place: Place) -> dict[str, Interval]:
    section = _section(result, place) or {}
    found = {k: Interval.from_dict(v) for k, v in (section.get("intervals") or {}).items()}
    found.update({k: found[f"removals_{k}"] for k in labels.LEVELS if f"removals_{k}" in found})
    reps = result.replicate_totals
    if len(reps) >= 2 and place.key in reps[0]:
        found["removals_both"] = Interval.from_values(
            [_both(r[place.key]) for r in reps], result.seeds
        )
    return {k: v for k, v in found.items() if v is not None}


def _share_interval(result: RunResult, place: Place, part: str, whole: str) -> Interval | None:
    reps = result.replicate_totals
    if len(reps) < 2 or place.key not in reps[0]:
        return None
    values = [r[place.key][part] / r[place.key][whole] for r in reps if r[place.key][whole]]
    return Interval.from_values(values, result.seeds)


# ---- the pieces ------------------------------------------------------------------------------


def _monthly(result: RunResult, place: Place, lang: Language) -> list[dict[str, Any]]:
    """Removals by ICE level and month for the place (long rows)."""
    stages = [f"removals_{k}" for k in labels.LEVELS]
    wide = (
        _place_flows(result, place)
        .filter(pl.col("stage").is_in(stages))
        .group_by("month", "stage")
        .agg(pl.col("count").sum())
        .sort("month", "stage")
    )
    return [
        {
            "month": m,
            "level": lang.gettext(labels.LEVELS[str(s).removeprefix("removals_")]),
            "removals": int(n),
        }
        for m, s, n in wide.iter_rows()
    ]


def _county_rows(result: RunResult, place: Place) -> list[dict[str, Any]]:
    """Per county of the state (every county for the country): name, activation date,
    population and the period's counts."""
    cty = counties().table
    flows = result.flows
    if place.state is not None:
        cty = cty.filter(pl.col("state") == place.state)
        flows = flows.filter(pl.col("state") == place.state)
    wide = (
        flows.with_columns(pl.col("stage").cast(pl.String))
        .group_by("county_fips", "stage")
        .agg(pl.col("count").sum())
        .pivot(on="stage", index="county_fips", values="count")
    )
    rows = []
    for r in cty.join(wide, on="county_fips", how="left").iter_rows(named=True):
        pop = int(r["population"])
        det = int(r.get("detainers") or 0)
        rows.append(
            {
                "fips": r["county_fips"],
                "name": r["full_name"],
                "state": r["state"],
                "activation": r["activation_date"],
                "population": pop,
                "bookings": int(r.get("bookings") or 0),
                "detainers": det,
                "removals": int(r.get("removals") or 0),
                "detainers_per_100k": round(det / pop * 1e5, 1) if pop else 0.0,
                "selected": r["county_fips"] == place.county,
            }
        )
    return rows


def _state_rows(county_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The national brief's appendix: totals by state."""
    out: dict[str, dict[str, Any]] = {}
    for r in county_rows:
        s = out.setdefault(
            r["state"],
            {
                "state": r["state"],
                "name": state_names()[r["state"]],
                "population": 0,
                "bookings": 0,
                "detainers": 0,
                "removals": 0,
            },
        )
        for k in ("population", "bookings", "detainers", "removals"):
            s[k] += r[k]
    for s in out.values():
        s["detainers_per_100k"] = round(s["detainers"] / s["population"] * 1e5, 1)
    return sorted(out.values(), key=lambda s: s["name"])


def _period_days(result: RunResult) -> tuple[dt.date, dt.date]:
    months = result.simulation.inputs.months
    last = int(months[-1])
    return periods.first_day(int(months[0])), periods.first_day(last + 1) - dt.timedelta(days=1)


def _funnel_refs(result: RunResult, place: Place, sources: Sources) -> dict[str, list[int]]:
    start, end = _period_days(result)
    params = result.scenario.params
    refs: dict[str, list[int]] = {}
    for key, stages in FUNNEL_STAGES.items():
        names = pipeline.parameter_names(*stages, drawn=False)
        found = parameter_refs(sources, params, names, start, end)
        if key == "bookings":
            # California's counts: a California county's own bookings, and elsewhere the
            # bookings model fitted on them (docs/bookings.md)
            found += data_refs(sources, ("counties.csv", "ca_jail_bookings_monthly.csv"))
        if key == "submissions":
            found += data_refs(sources, ("counties.csv",))
        refs[key] = sorted(set(found))
    for key in labels.LEVELS:
        refs[key] = refs["removals_convicted"]
    return refs


def _stage_rows(keys, values, intervals, refs, lang, other=None) -> list[StageRow]:
    """Rows of the funnel (or extras, or levels); ``other``: (B's totals, change intervals)."""
    return [
        StageRow(
            k,
            lang.gettext(label),
            int(values[k]),
            refs.get(k, []),
            intervals.get(k),
            None if other is None else int(other[0][k]),
            None if other is None else other[1].get(k),
        )
        for k, label in keys
    ]


def _change_intervals(a: RunResult, b: RunResult, place: Place) -> dict[str, Interval]:
    keys = [k for k, _ in FUNNEL + EXTRA] + [f"removals_{k}" for k in labels.LEVELS]
    keys += [k for k, _ in CHANNEL_ROWS if k != "removals_both"]
    found = {k: paired_interval(a, b, place.key, k) for k in keys}
    found.update({k: found[f"removals_{k}"] for k in labels.LEVELS})
    pairs = len(a.replicate_totals)
    if pairs >= 2 and pairs == len(b.replicate_totals) and place.key in a.replicate_totals[0]:
        diffs = [
            _both(rb[place.key]) - _both(ra[place.key])
            for ra, rb in zip(a.replicate_totals, b.replicate_totals, strict=True)
        ]
        found["removals_both"] = Interval.from_values(diffs, a.seeds)
    return {k: v for k, v in found.items() if v is not None}


def _place_metrics(result: RunResult, place: Place) -> tuple[dict | None, str | None]:
    """The metrics section for the place: the county's own for a county brief."""
    section = _section(result, place)
    if section is not None and section.get("metrics"):
        return section["metrics"], None
    state_doc = result.summary.get("by_state", {}).get(place.state or "", {})
    if not (state_doc.get("metrics") or result.summary.get("metrics")):
        return None, (
            "This version of the model does not yet compute the oversight metrics (the "
            "summary document has no metrics section), so none are shown."
        )
    if place.county is not None:
        return county_metrics(result.simulation, result.scenario.params, place.county), None
    return state_doc.get("metrics") or result.summary.get("metrics"), None


# ---- the 287(g) channel ------------------------------------------------------------------------

#: The parameters of the 287(g) screen (rules/pipeline.py stage ``screen_287g``).
_CHANNEL_PARAMETERS = ("program.agreements_287g", "program.identification_287g")
#: Each row of the channels table cites the funnel row it mirrors.
_CHANNEL_REFS = {
    "removals": "removals",
    "removals_287g": "removals",
    "removals_both": "removals",
    "detainers_287g": "detainers",
    "detainers_honored_287g": "detainers_honored",
    "ice_book_ins_287g": "ice_book_ins",
}


def place_agreements(place: Place, span: tuple[dt.date, dt.date]) -> list:
    """The 287(g) jail agreements of the place's counties in force at some day of the period."""
    cty = counties()

    def here(fips: str) -> bool:
        if place.county is not None:
            return fips == place.county
        return place.national or str(cty.state[cty.index_of(fips)]) == place.state

    return [a for a in agreements_287g.agreements() if here(a.county) and a.scope.overlaps(*span)]


def _channel_refs(result: RunResult, span, refs: dict, sources: Sources) -> dict[str, list[int]]:
    """Each channels row's sources: the funnel row it mirrors, and for the 287(g) rows the
    agreements' roster and the screen's parameters."""
    own = parameter_refs(sources, result.scenario.params, _CHANNEL_PARAMETERS, *span)
    own.append(sources.add_citation(agreements_287g.SOURCE, "287(g) jail agreements"))
    out = {}
    for key, _ in CHANNEL_ROWS:
        found = set(refs.get(_CHANNEL_REFS.get(key, ""), []))
        if key != "removals":
            found |= set(own)
        out[key] = sorted(found)
    return out


def _agency_names(found: list, lang: Language) -> tuple[str, int]:
    """Up to three agencies by name (the rest counted), and how many there are."""
    names = sorted({a.agency for a in found})
    shown = ", ".join(names[:3])
    if len(names) > 3:
        more = len(names) - 3
        shown = lang.ngettext(
            "%(names)s and %(n)s more agency", "%(names)s and %(n)s more agencies", more
        ) % {"names": shown, "n": more}
    return shown, len(names)


def _channel_note(rows: list[StageRow], found: list, b_label: str | None, lang) -> list[str]:
    """The channels in words: who held an agreement, and removals by channel (and, when
    comparing, each channel's removals in both scenarios)."""
    by = {r.key: r for r in rows}
    lines = []
    if found:
        names, n = _agency_names(found, lang)
        lines.append(
            lang.ngettext(
                "%(agencies)s held a 287(g) jail agreement in this period: officers ICE trained "
                "and deputized identify people at booking whether or not S-Comm runs.",
                "%(agencies)s held 287(g) jail agreements in this period: officers ICE trained "
                "and deputized identify people at booking whether or not S-Comm runs.",
                n,
            )
            % {"agencies": names}
        )
    lines.append(
        lang.gettext(
            "Of %(both)s removals, %(scomm)s came through S-Comm and %(g287)s through 287(g) "
            "jail officers; the other counts of this brief are S-Comm's alone."
        )
        % {
            "both": lang.number(by["removals_both"].value, None),
            "scomm": lang.number(by["removals"].value, None),
            "g287": lang.number(by["removals_287g"].value, None),
        }
    )
    if b_label is not None:
        lines.append(
            lang.gettext(
                "%(scenario)s: removals through 287(g) jail officers %(a)s → %(b)s; through "
                "S-Comm %(c)s → %(d)s."
            )
            % {
                "scenario": _capital(b_label),
                "a": lang.number(by["removals_287g"].value, None),
                "b": lang.number(by["removals_287g"].other, None),
                "c": lang.number(by["removals"].value, None),
                "d": lang.number(by["removals"].other, None),
            }
        )
    return lines


def _channels(result, place, span, pieces, lang) -> tuple[list[StageRow], list[str]]:
    """The channels table and its sentences, where 287(g) officers identified anyone in the
    place during the period (in either scenario); nothing elsewhere. ``pieces``: (totals,
    intervals, (B's totals, change intervals) or None, funnel refs, sources, B's label)."""
    totals, intervals, b_pair, refs, sources, b_label = pieces
    if not (totals["identified_287g"] or (b_pair and b_pair[0]["identified_287g"])):
        return [], []
    found = place_agreements(place, span)
    own = _channel_refs(result, span, refs, sources)
    rows = _stage_rows(CHANNEL_ROWS, totals, intervals, own, lang, b_pair)
    return rows, _channel_note(rows, found, b_label, lang)


# ---- sentences ------------------------------------------------------------------------------


def scenario_label(name: str, lang: Language) -> str:
    """What a reader calls a scenario ("ending S-Comm in August 2011")."""
    text = labels.SCENARIOS.get(name)
    return lang.gettext(text) if text else name


def scenario_description(name: str, given: str, lang: Language) -> str:
    """A packaged scenario's description in the reader's language (a file's as written)."""
    text = labels.SCENARIO_DESCRIPTIONS.get(name)
    return lang.gettext(text) if text else given


def about(n: float) -> float:
    """A count rounded for prose: two significant figures ("about 22,000")."""
    if abs(n) < 100:
        return round(n)
    digits = 1 - math.floor(math.log10(abs(n)))
    return round(n, digits)


def _bottom_removals(row: StageRow, place_label: str, b_label: str, lang: Language) -> str:
    if not row.change:
        return lang.gettext("%(scenario)s: no change in removals in %(place)s.") % {
            "scenario": b_label,
            "place": place_label,
        }
    fewer = row.change < 0
    values = {
        "scenario": b_label,
        "n": lang.number(abs(about(row.change)), None),
        "place": place_label,
        "pct": lang.number(row.change_share, "share", digits=0, signed=True),
    }
    text = (
        lang.gettext("%(scenario)s: about %(n)s fewer removals in %(place)s (%(pct)s).")
        if fewer
        else lang.gettext("%(scenario)s: about %(n)s more removals in %(place)s (%(pct)s).")
    ) % values
    iv = row.change_interval
    if iv is not None:
        low, high = sorted((abs(iv.low), abs(iv.high)))
        between = (
            lang.gettext("Between %(low)s and %(high)s fewer over %(runs)s runs.")
            if fewer
            else lang.gettext("Between %(low)s and %(high)s more over %(runs)s runs.")
        )
        text += " " + between % {
            "low": lang.number(low, None),
            "high": lang.number(high, None),
            "runs": iv.runs,
        }
    return text


def _bottom_more(funnel: list[StageRow], changes: list[MetricGroup], lang: Language) -> str | None:
    det = next(r for r in funnel if r.key == "detainers")
    cost = next((r for g in changes for r in g.rows if r.key == "detainer_net_cost_usd"), None)
    parts = []
    if det.change:
        parts.append(
            lang.gettext("Detainers: %(n)s (%(pct)s).")
            % {
                "n": lang.number(det.change, None, signed=True),
                "pct": lang.number(det.change_share, "share", digits=0, signed=True),
            }
        )
    if cost is not None and cost.value:
        parts.append(
            lang.gettext("Net cost to county jails of holding people for ICE: %(cost)s.")
            % {"cost": lang.number(cost.value, "usd", signed=True)}
        )
    return " ".join(parts) or None


def _sentence(place: Place, a_label: str, b_label: str | None, words: str, lang) -> str:
    values = {"place": _place_words(place, lang), "period": words, "scenario": a_label}
    if b_label is None:
        return lang.gettext("%(place)s, %(period)s: %(scenario)s.") % values
    return lang.gettext("%(place)s, %(period)s: %(scenario)s, compared with %(other)s.") % {
        **values,
        "other": b_label,
    }


def state_label(state: str | None, lang: Language) -> str:
    """A state's name in the reader's language."""
    if state is None:
        return ""
    known = labels.STATE_NAMES.get(state)
    return lang.gettext(known) if known else state_names()[state]


def _place_words(place: Place, lang: Language) -> str:
    """The place in the reader's language ("Queens County, Nueva York")."""
    if place.national:
        return lang.gettext("the United States")
    if place.county is not None:
        return f"{place.label.rsplit(', ', 1)[0]}, {state_label(place.state, lang)}"
    return state_label(place.state, lang)


def _started(place: Place, lang: Language) -> str | None:
    """When S-Comm started in the place."""
    t = counties().table
    if place.county is not None:
        day = t.filter(pl.col("county_fips") == place.county)["activation_date"][0]
        return lang.gettext("S-Comm started in %(place)s on %(date)s.") % {
            "place": place.label.split(",")[0],
            "date": lang.date(day),
        }
    part = t if place.national else t.filter(pl.col("state") == place.state)
    first, last = part["activation_date"].min(), part["activation_date"].max()
    return lang.gettext(
        "S-Comm started in %(place)s on %(first)s and reached all its counties on %(last)s."
    ) % {"place": _place_words(place, lang), "first": lang.date(first), "last": lang.date(last)}


def _certainty(interval: Interval | None, lang: Language) -> list[str]:
    lines = [
        lang.gettext(
            "These are model estimates, not ICE records: an open simulation of the S-Comm "
            "pipeline built from cited sources and stated assumptions."
        )
    ]
    if interval is not None:
        lines.append(
            lang.gettext("How sure: each interval is the %(label)s.")
            % {"label": interval.label(lang.gettext)}
        )
    else:
        lines.append(lang.gettext("No interval: this run had a single seed."))
    lines.append(
        lang.gettext(
            "Results move with the cited rates and stated assumptions behind them (listed with "
            "each measure); the model counts 287(g) jail agreements as their own channel and "
            "leaves out arrests outside county jails, 287(g) task forces and other ICE programs."
        )
    )
    return lines


# ---- assembling ------------------------------------------------------------------------------


def _figures(result, place, totals, intervals, refs, lang) -> list[Figure]:
    share = totals["noncriminal"] / totals["removals"] if totals["removals"] else None
    return [
        Figure(
            "submissions",
            lang.gettext("jail bookings checked against DHS's IDENT database"),
            totals["submissions"],
            "people",
            intervals.get("submissions"),
            refs["submissions"],
        ),
        Figure(
            "detainers",
            lang.gettext("ICE detainers lodged after an S-Comm match"),
            totals["detainers"],
            "people",
            intervals.get("detainers"),
            refs["detainers"],
        ),
        Figure(
            "removals",
            lang.gettext("removals completed in the period"),
            totals["removals"],
            "people",
            intervals.get("removals"),
            refs["removals"],
        ),
        Figure(
            "noncriminal_share",
            lang.gettext("of those removals had no criminal conviction"),
            share,
            "share",
            _share_interval(result, place, "removals_noncriminal", "removals"),
            refs["noncriminal"],
        ),
    ]


def _harms(groups: list[MetricGroup]) -> list[Figure]:
    by_key = {(g.key, r.key): (g, r) for g in groups for r in g.rows}
    out = []
    for group, key in HEADLINES:
        if (group, key) not in by_key:
            continue
        g, r = by_key[(group, key)]
        out.append(Figure(key, r.label, r.value, r.unit, r.interval, r.refs, r.note, g.label))
    return out


def _command(place: Place, data: dict) -> str:
    where = (
        "--national"
        if place.national
        else (f"--county {place.county}" if place.county else f"--state {place.state}")
    )
    parts = [f"scomm brief {where} --scenario {data['scenario']}"]
    if data["compare"]:
        parts.append(f"--compare {data['compare']}")
    parts.append(f"--start {data['start']} --end {data['end']} --seed {data['seed']}")
    parts.append(
        f"--replicates {data['runs']}" + (f" --lang {data['lang']}" if data["lang"] != "en" else "")
    )
    return " ".join(parts)


def _paired_metric(a: RunResult, b: RunResult, place: Place):
    def find(group: str, key: str) -> Interval | None:
        va = a.replicate_metrics.get((place.key, group, key))
        vb = b.replicate_metrics.get((place.key, group, key))
        if not va or not vb or len(va) != len(vb) or len(va) < 2:
            return None
        diffs = [y - x for x, y in zip(va, vb, strict=True) if x is not None and y is not None]
        return Interval.from_values(diffs, a.seeds)

    return find


def build(
    result: RunResult, place: Place, other: RunResult | None = None, lang: Language | None = None
) -> BriefData:
    """The brief's content for ``place`` from a run (and a comparison run on the same
    random numbers, when given), in ``lang`` (default English)."""
    lang = lang or language()
    sources = Sources()
    span = _period_days(result)
    refs = _funnel_refs(result, place, sources)
    totals = place_totals_of(result, place)
    intervals = _intervals(result, place)
    b_totals = place_totals_of(other, place) if other is not None else None
    changes = _change_intervals(result, other, place) if other is not None else {}
    b_pair = None if b_totals is None else (b_totals, changes)
    funnel = _stage_rows(FUNNEL, totals, intervals, refs, lang, b_pair)
    map_refs = sorted(
        {
            *data_refs(sources, ("counties.csv",)),
            sources.add(**GEOMETRY_SOURCE, supports="maps"),
            *refs["detainers"],
        }
    )
    events = timeline.events(result.scenario, place.state, place.county, span, lang, sources)
    metrics, note = _place_metrics(result, place)
    ctx = {
        "lang": lang,
        "sources": sources,
        "params": result.scenario.params,
        "span": span,
        "place": place,
        "pretext": bool(result.scenario.pretext),
        "paired": _paired_metric(result, other, place) if other is not None else None,
    }
    groups = measures.groups(metrics, ctx)
    compare_doc = compare_runs(result, other) if other is not None else None
    change_groups: list[MetricGroup] = []
    if other is not None and metrics:
        diff = metric_difference(metrics, _place_metrics(other, place)[0] or {})
        change_groups = measures.changes(diff, metrics, {}, ctx)
    _law_sources(result, place, span, sources)
    p = result.summary["period"]
    a_label = scenario_label(result.scenario.name, lang)
    b_label = scenario_label(other.scenario.name, lang) if other is not None else None
    words = lang.gettext("%(start)s to %(end)s") % {
        "start": lang.date(p["start"], "month"),
        "end": lang.date(p["end"], "month"),
    }
    first_iv = next((iv for iv in intervals.values()), None)
    bottom = []
    if other is not None:
        removals = next(r for r in funnel if r.key == "removals")
        place_words = _place_words(place, lang)
        bottom = [_bottom_removals(removals, place_words, _capital(b_label or ""), lang)]
        more = _bottom_more(funnel, change_groups, lang)
        bottom += [more] if more else []
    county_rows = _county_rows(result, place)
    channels, channel_note = _channels(
        result, place, span, (totals, intervals, b_pair, refs, sources, b_label), lang
    )
    return BriefData(
        place=place,
        place_label=_place_words(place, lang),
        state_label=state_label(place.state, lang),
        lang=lang.code,
        locale=str(lang.locale),
        scenario=result.scenario.name,
        scenario_label=a_label,
        scenario_description=scenario_description(
            result.scenario.name, result.scenario.description, lang
        ),
        compare_scenario=other.scenario.name if other is not None else None,
        compare_label=b_label,
        compare_description=scenario_description(
            other.scenario.name, other.scenario.description, lang
        )
        if other is not None
        else None,
        period=p,
        period_words=words,
        seed=result.summary["seed"],
        runs=max(len(result.replicate_totals), 1),
        interval_label=first_iv.label(lang.gettext) if first_iv else None,
        sentence=_sentence(place, a_label, b_label, words, lang),
        started=_started(place, lang),
        key_figures=_figures(result, place, totals, intervals, refs, lang),
        bottom_line=bottom,
        harms=_harms(groups),
        certainty=_certainty(first_iv, lang),
        funnel=funnel,
        extras=_stage_rows(EXTRA, totals, intervals, refs, lang, b_pair),
        levels=_stage_rows(LEVELS, totals, intervals, refs, lang, b_pair),
        monthly=_monthly(result, place, lang),
        counties=county_rows,
        events=events,
        channels=channels,
        channel_note=channel_note,
        key_dates=[e for e in events if e.local][:KEY_DATES],
        metric_groups=groups,
        metrics_note=note,
        change_groups=change_groups,
        sources=sources,
        map_refs=map_refs,
        scenario_hash=result.summary["scenario_hash"],
        command=_command(
            place,
            {
                "scenario": result.scenario.name,
                "compare": other.scenario.name if other is not None else None,
                "start": p["start"],
                "end": p["end"],
                "seed": result.summary["seed"],
                "runs": max(len(result.replicate_totals), 1),
                "lang": lang.code,
            },
        ),
        states=_state_rows(county_rows) if place.national else [],
        compare_doc=compare_doc,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _law_sources(result: RunResult, place: Place, span, sources: Sources) -> None:
    """Cite every law in force in the place during the period."""
    start, end = span
    for law in result.scenario.laws:
        scope = law.scope
        if timeline.binds_place(law, place.state, place.county) and scope.overlaps(start, end):
            sources.add_citation(law.citation.model_dump(), f"law {law.id}")
