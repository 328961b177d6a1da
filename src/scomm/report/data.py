"""What a brief shows, computed from runs: the place, the funnel, removals by ICE level over
time, county values for the maps, the policy eras, the metrics, an optional scenario
comparison, and the numbered sources behind each number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from scomm import periods
from scomm.api import RunResult
from scomm.compare import compare_runs, metric_difference
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties, state_names
from scomm.metrics import county_metrics
from scomm.report.numbers import format_value
from scomm.report.sources import GEOMETRY_SOURCE, Sources, data_refs, parameter_refs
from scomm.rules import pipeline
from scomm.summary import totals_by_state

FUNNEL = (
    ("bookings", "Jail bookings"),
    ("submissions", "Fingerprints checked against DHS IDENT"),
    ("ident_matches", "IDENT matches"),
    ("detainers", "ICE detainers lodged"),
    ("detainers_honored", "Detainers honored by the jail"),
    ("ice_book_ins", "Booked into ICE custody"),
    ("removals", "Removals completed in the period"),
)
EXTRA = (
    ("removals_convicted", "Removals of people with a criminal conviction"),
    ("us_citizens_detained", "U.S. citizens held on a detainer or in ICE custody"),
)
LEVELS = (
    ("level1", "Level 1"),
    ("level2", "Level 2"),
    ("level3", "Level 3"),
    ("noncriminal", "No conviction"),
)
# The pipeline stages (rules/pipeline.py) behind each count of the funnel: a row cites the
# parameters those stages read.
_REMOVAL = ("removal", "detention", "summary_removal", "representation")
FUNNEL_STAGES: dict[str, tuple[str, ...]] = {
    "bookings": ("booking",),
    "submissions": ("submission",),
    "ident_matches": ("booking", "composition", "submission", "match"),
    "detainers": ("level", "charge", "status_determination", "detainer"),
    "detainers_honored": ("compliance",),
    "ice_book_ins": ("transfer",),
    "removals": _REMOVAL,
    "removals_convicted": ("level", *_REMOVAL),
    "us_citizens_detained": ("match", "status_determination", "detainer", "compliance", "transfer"),
}
# Stages whose parameter changes mark a policy era on the time chart.
ERA_STAGES = ("submission", "detainer", "compliance", "transfer")


@dataclass(frozen=True)
class Place:
    """A state, or one county (whose state is simulated for the map)."""

    state: str
    county: str | None
    label: str

    @property
    def state_name(self) -> str:
        """The state's full name."""
        return state_names()[self.state]

    @property
    def slug(self) -> str:
        """A short name for files: the USPS code or the county FIPS."""
        return self.county or self.state


def resolve_place(state: str | None, county: str | None) -> Place:
    """Exactly one of --state / --county; unknown codes raise UserError."""
    if (state is None) == (county is None):
        raise UserError("--state/--county: give exactly one (e.g. --state NY or --county 36061)")
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
class Era:
    """A dated policy change inside the period."""

    date: str
    label: str
    refs: list[int]
    mark: str = ""  # the letter that marks it on the chart


@dataclass(frozen=True)
class MetricRow:
    """One metric of the summary's ``metrics`` section, ready to print."""

    group: str
    name: str
    value: str
    unit: str
    definition: str
    interval: str
    refs: list[int]
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageRow:
    """One funnel stage: its count, the sources behind it, and (when comparing) B and B − A."""

    key: str
    label: str
    value: int
    refs: list[int]
    other: int | None = None

    @property
    def change(self) -> int | None:
        """B − A, when comparing."""
        return None if self.other is None else self.other - self.value


@dataclass
class BriefData:
    """Everything a brief (or the dashboard's place page) shows."""

    place: Place
    scenario: str
    scenario_description: str
    compare_scenario: str | None
    compare_description: str | None
    period: dict[str, str]
    seed: int
    funnel: list[StageRow]
    extras: list[StageRow]
    levels: list[StageRow]
    monthly: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    eras: list[Era]
    metrics: list[MetricRow]
    metrics_note: str | None
    metrics_interval_note: str | None
    metric_changes: list[MetricRow]
    sources: Sources
    map_refs: list[int]
    scenario_hash: str
    compare_doc: dict | None = None


def _place_flows(result: RunResult, place: Place) -> pl.DataFrame:
    table = result.flows.filter(pl.col("state") == place.state)
    if place.county is not None:
        table = table.filter(pl.col("county_fips") == place.county)
    return table


def place_totals(result: RunResult, place: Place) -> dict:
    """The contract's totals for the place (a state's or one county's)."""
    return totals_by_state(_place_flows(result, place))[0]


def _flat(totals: dict) -> dict[str, int]:
    out = {k: v for k, v in totals.items() if not isinstance(v, dict)}
    out.update({k: v for k, v in totals["removals_by_level"].items()})
    return out


def _monthly(result: RunResult, place: Place) -> list[dict[str, Any]]:
    """Removals by ICE level and month for the place (long rows)."""
    labels = dict(LEVELS)
    stages = [f"removals_{k}" for k, _ in LEVELS]
    wide = (
        _place_flows(result, place)
        .filter(pl.col("stage").is_in(stages))
        .group_by("month", "stage")
        .agg(pl.col("count").sum())
        .sort("month", "stage")
    )
    return [
        {"month": m, "level": labels[s.removeprefix("removals_")], "removals": int(n)}
        for m, s, n in wide.iter_rows()
    ]


def _county_rows(result: RunResult, place: Place) -> list[dict[str, Any]]:
    """Per county of the state: name, activation date, population and the period's counts."""
    cty = counties().table.filter(pl.col("state") == place.state)
    wide = (
        result.flows.filter(pl.col("state") == place.state)
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


def _short(title: str, limit: int = 90) -> str:
    """A citation title cut at a word boundary."""
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + " …"


def _eras(result: RunResult, place: Place, sources: Sources) -> list[Era]:
    """Dated changes of the program and detainer rules, and the laws binding the place,
    that fall inside the period (from the parameter tree and the scenario's laws)."""
    s, e = _period_days(result)
    found: dict[dt.date, Era] = {}

    def note(day: dt.date, label: str, citation: dict[str, Any], what: str) -> None:
        n = sources.add_citation(citation, what)
        era = found.setdefault(day, Era(day.isoformat(), label, []))
        if n not in era.refs:
            era.refs.append(n)

    params = result.scenario.params
    era_parameters = pipeline.parameter_names(*ERA_STAGES, drawn=False)
    for name in params.names():
        if name not in era_parameters:
            continue
        for day, entry in sorted(params[name].values.items()):
            if s < day <= e:
                note(day, _short(entry.citation.title), entry.citation.model_dump(), name)
    fips = place.county or ""
    for law in result.scenario.laws:
        if s < law.effective <= e and law.scope.binds(place.state, fips):
            note(law.effective, _short(law.title), law.citation.model_dump(), f"law {law.id}")
    return [
        Era(found[d].date, found[d].label, found[d].refs, _letter(i))
        for i, d in enumerate(sorted(found))
    ]


def _letter(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    return _letter(i // 26 - 1) + chr(65 + i % 26) if i >= 26 else chr(65 + i)


def _period_days(result: RunResult) -> tuple[dt.date, dt.date]:
    months = result.simulation.inputs.months
    last = int(months[-1])
    return periods.first_day(int(months[0])), periods.first_day(last + 1) - dt.timedelta(days=1)


def _stage_rows(
    keys: tuple[tuple[str, str], ...], values: dict, other: dict | None, refs: dict
) -> list[StageRow]:
    return [
        StageRow(k, label, int(values[k]), refs.get(k, []), None if other is None else other[k])
        for k, label in keys
    ]


def _interval(m: dict) -> str:
    iv = m.get("interval")
    if iv is None:
        return "—"
    if isinstance(iv, list | tuple) and len(iv) == 2:
        return f"{format_value(iv[0], m.get('unit'))} – {format_value(iv[1], m.get('unit'))}"
    if isinstance(iv, dict):
        return "; ".join(f"{k}: {format_value(v, m.get('unit'))}" for k, v in iv.items())
    return str(iv)


def _iter_metrics(doc: Any, path: tuple[str, ...] = ()):
    """(group path, name, metric) for every mapping that carries a ``value``."""
    if not isinstance(doc, dict):
        return
    for key, item in doc.items():
        if isinstance(item, dict) and "value" in item:
            yield ".".join(path) or "metrics", key, item
        elif isinstance(item, dict):
            yield from _iter_metrics(item, (*path, key))


def _metric_sources(m: dict) -> list[Any]:
    src = m.get("sources", m.get("source", []))
    return src if isinstance(src, list) else [src]


def metric_rows(metrics: dict | None, sources: Sources) -> list[MetricRow]:
    """Flatten a summary's ``metrics`` section (whatever groups it holds) into rows."""
    rows = []
    for group, name, m in _iter_metrics(metrics or {}):
        refs = sorted({sources.add_any(s, f"metric {group}.{name}") for s in _metric_sources(m)})
        rows.append(
            MetricRow(
                group=group.replace("_", " "),
                name=name.replace("_", " "),
                value=format_value(m.get("value"), m.get("unit")),
                unit=str(m.get("unit") or ""),
                definition=str(m.get("definition") or ""),
                interval=_interval(m),
                refs=refs,
                assumptions=tuple(str(a) for a in m.get("assumptions") or ()),
            )
        )
    return rows


def _place_metrics(result: RunResult, place: Place) -> tuple[dict | None, str | None]:
    """The metrics section for the place: the county's own for a county brief."""
    summary = result.summary
    state_doc = summary.get("by_state", {}).get(place.state, {})
    metrics = state_doc.get("metrics") or summary.get("metrics")
    if not metrics:
        return None, (
            "This version of the model does not yet compute the oversight metrics (the "
            "summary document has no metrics section), so none are shown."
        )
    if place.county is not None:
        return county_metrics(result.simulation, result.scenario.params, place.county), None
    return metrics, None


def build(result: RunResult, place: Place, other: RunResult | None = None) -> BriefData:
    """The brief's content for ``place`` from a run (and a comparison run on the same
    random numbers, when given)."""
    sources = Sources()
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
    for key, _ in LEVELS:
        refs[key] = refs["removals_convicted"]
    totals = _flat(place_totals(result, place))
    other_totals = _flat(place_totals(other, place)) if other is not None else None
    map_refs = sorted(
        {
            *data_refs(sources, ("counties.csv",)),
            sources.add(**GEOMETRY_SOURCE, supports="maps"),
            *refs["detainers"],
        }
    )
    eras = _eras(result, place, sources)
    metrics, note = _place_metrics(result, place)
    rows = metric_rows(metrics, sources)
    compare_doc = compare_runs(result, other) if other is not None else None
    changes = []
    if compare_doc is not None and "metrics" in compare_doc["difference"]:
        diff = compare_doc["difference"]["metrics"]
        if place.county is not None and other is not None:
            diff = metric_difference(metrics, _place_metrics(other, place)[0])
        changes = metric_rows(diff, sources)
    for law in result.scenario.laws:
        scope = law.scope
        if scope.binds(place.state, place.county or "") and scope.overlaps(start, end):
            sources.add_citation(law.citation.model_dump(), f"law {law.id}")
    return BriefData(
        place=place,
        scenario=result.scenario.name,
        scenario_description=result.scenario.description,
        compare_scenario=other.scenario.name if other is not None else None,
        compare_description=other.scenario.description if other is not None else None,
        period=result.summary["period"],
        seed=result.summary["seed"],
        funnel=_stage_rows(FUNNEL, totals, other_totals, refs),
        extras=_stage_rows(EXTRA, totals, other_totals, refs),
        levels=_stage_rows(LEVELS, totals, other_totals, refs),
        monthly=_monthly(result, place),
        counties=_county_rows(result, place),
        eras=eras,
        metrics=rows,
        metrics_note=note,
        metrics_interval_note=(metrics or {}).get("interval_method"),
        metric_changes=changes,
        sources=sources,
        map_refs=map_refs,
        scenario_hash=result.summary["scenario_hash"],
        compare_doc=compare_doc,
    )
