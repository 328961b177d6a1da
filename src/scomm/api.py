"""The library's front door: run a scenario (optionally reformed) for states or counties,
with seed intervals from replicate runs, on common random numbers.

    from scomm import api
    r = api.run("baseline", states=["NY"], replicates=5,
                reform={"detainer.probability": {"2011-08-01": {...}}})
    r.flows            # state, county_fips, county_name, month, stage (ordered), count
    r.summary          # the contract's summary document
    r.metrics_frame()  # one row per place, metric (and year): value, unit, interval

See docs/library.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from scomm import names, periods
from scomm.bookings import panel as bookings_panel
from scomm.calibration import draws
from scomm.compile import Frame, compile_parameters, frame
from scomm.engine import Simulation, simulate
from scomm.errors import UserError
from scomm.intervals import Interval
from scomm.jurisdictions.counties import counties as county_table
from scomm.jurisdictions.counties import parse_states
from scomm.metrics import attach_metrics
from scomm.reform import Reform, apply
from scomm.rng import MAX_SEED
from scomm.scenario import Scenario, resolve
from scomm.summary import STAGES, flows, summary_document, totals_by_state

__all__ = ["STAGES", "RunResult", "metrics_frame", "paired_interval", "run"]

#: A place of a run: None (the whole run), a USPS code, or a county FIPS code.
Place = str | None


@dataclass(frozen=True)
class RunResult:
    """A simulation, its flows table and its summary document; with replicates, each
    replicate's totals and metric values by place (for intervals and paired differences)."""

    simulation: Simulation
    scenario: Scenario
    flows: pl.DataFrame
    summary: dict
    replicate_totals: tuple[dict[Place, dict[str, int]], ...] = field(default=(), repr=False)
    replicate_metrics: dict[tuple[Place, str, str], list[Any]] = field(
        default_factory=dict, repr=False
    )
    interval_method: str = "seeds"  # a key of scomm.intervals.INCLUDES

    @property
    def seeds(self) -> tuple[int, int]:
        """The first and last seed of the runs behind the intervals."""
        return self.summary["seed"], self.summary["seed"] + max(len(self.replicate_totals), 1) - 1

    def place_summary(self, place: Place = None) -> dict:
        """The summary section of a place: the run, ``by_state[ST]`` or ``by_county[FIPS]``."""
        if place is None:
            return self.summary
        section = self.summary["by_county" if place.isdigit() else "by_state"].get(place)
        if section is None:
            raise UserError(f"place {place!r}: not a state or county of this run")
        return section

    def metric(self, name: str, place: Place = None) -> dict:
        """One metric (by its name or an alias, e.g. ``us_citizens_held``) of a place."""
        return names.lookup(self.place_summary(place)["metrics"], name)

    def metrics_frame(self) -> pl.DataFrame:
        """The metrics of every place as a tidy table: one row per place, metric and year
        (``year`` null: the whole period), with value, unit, interval and definition."""
        return metrics_frame(self.summary)


def _check(seed: int, replicates: int) -> None:
    if replicates < 1:
        raise UserError(f"--replicates: {replicates} must be a positive integer")
    if not 0 <= seed <= MAX_SEED - (replicates - 1):
        raise UserError(f"--seed: {seed} must be an integer from 0 to 2**64-1 (less replicates)")


def parse_counties(given: Sequence[str] | str | None) -> list[str]:
    """'36081,36047' or a list → FIPS codes (sorted, unique); unknown codes raise UserError."""
    if given is None:
        return []
    items = given.split(",") if isinstance(given, str) else list(given)
    wanted = sorted({str(f).strip().zfill(5) for f in items if str(f).strip()})
    if not wanted:
        raise UserError("--county: expected 5-digit county FIPS codes, e.g. 36081")
    cty = county_table()
    for fips in wanted:
        if not (fips.isdigit() and len(fips) == 5):
            raise UserError(f"--county: {fips!r} is not a 5-digit county FIPS code (e.g. 36081)")
        cty.index_of(fips)
    return wanted


def _states_to_run(states: list[str] | str | None, chosen: list[str]) -> list[str]:
    """The states simulated: those asked for, or (for counties alone) the counties' states."""
    if states is None and chosen:
        cty = county_table()
        return sorted({str(cty.state[cty.index_of(f)]) for f in chosen})
    given = parse_states(",".join(states) if isinstance(states, list) else states)
    if chosen:
        given = sorted({*given, *_states_to_run(None, chosen)})
    return given


def place_totals(table: pl.DataFrame, places: Iterable[Place]) -> dict[Place, dict[str, int]]:
    """Flat totals (every stage, levels included) of each place in a flows table."""
    out: dict[Place, dict[str, int]] = {}
    for place in places:
        part = table
        if place is not None:
            column = "county_fips" if place.isdigit() else "state"
            part = table.filter(pl.col(column) == place)
        out[place] = names.flat_totals(totals_by_state(part)[0])
    return out


def _county_sections(doc: dict, table: pl.DataFrame, chosen: list[str]) -> None:
    """``by_county``: each chosen county's name, state and totals (contract keys)."""
    cty = county_table()
    doc["counties"] = chosen
    doc["by_county"] = {}
    for fips in chosen:
        i = cty.index_of(fips)
        part = table.filter(pl.col("county_fips") == fips)
        doc["by_county"][fips] = {
            "name": str(cty.table["full_name"][i]),
            "state": str(cty.state[i]),
            **totals_by_state(part)[0],
        }


def _attach_intervals(result: RunResult) -> None:
    """Each place's ``intervals``: every total's interval over the replicates."""
    reps = result.replicate_totals
    if len(reps) < 2:
        return
    for place in reps[0]:
        section = result.place_summary(place)
        section["intervals"] = {
            key: iv.as_dict()
            for key in reps[0][place]
            if (
                iv := Interval.from_values(
                    [r[place][key] for r in reps], result.seeds, result.interval_method
                )
            )
        }


def run(
    scenario: str = "baseline",
    start: str | None = None,
    end: str | None = None,
    states: list[str] | str | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    replicates: int = 1,
    counties: Sequence[str] | str | None = None,
    reform: Reform | None = None,
    posterior: bool = True,
    draw: bool = False,
) -> RunResult:
    """Simulate a scenario (a packaged name or a YAML file, with an optional ``reform``:
    see scomm.reform) for the period (inclusive months) and states or counties, at its point
    values.

    ``counties`` adds a ``by_county`` section for each county; given without ``states``,
    the run's totals, flows and metrics are those counties' (their states are simulated
    so that peer comparisons have peers). With ``replicates`` N >= 2, N replicate runs
    (seeds seed..seed+N-1) give every total and metric an interval: each replicate uses the
    posterior parameter set its seed draws (scomm.calibration.draws), so the interval holds
    parameter uncertainty and simulation noise; with ``posterior=False`` or no packaged
    posterior, the replicates are the point run and seeds seed+1.. (simulation noise only).
    Every interval's method says which. ``draw``: this run itself uses the posterior
    parameter set its seed draws (a sweep's replicates), and says so under ``parameters``."""
    _check(seed, replicates)
    s, e = periods.parse_period(start, end)
    chosen = parse_counties(counties)
    simulated = _states_to_run(states, chosen)
    scn = apply(resolve(scenario), reform)
    fr = frame(scn, s, e, simulated)
    drawn = draws.for_scenario(scn, posterior) if draw else None
    inputs = compile_parameters(fr, scn) if drawn is None else drawn.inputs(scn, fr, seed)
    sim = simulate(inputs, seed, progress)
    table = flows(sim)
    if chosen and states is None:
        table = table.filter(pl.col("county_fips").is_in(chosen))
    doc = summary_document(sim, scn.name, scn.digest(), sorted(set(table["state"])), table)
    user_bookings = bookings_panel.from_env()
    if user_bookings is not None:
        doc["bookings_panel"] = user_bookings.provenance()
    if drawn is not None:
        doc["parameters"] = drawn.method(seed, 1)
    if chosen:
        _county_sections(doc, table, chosen)
        doc["totals_of"] = "counties" if states is None else "states"
    places: list[Place] = [None, *doc["by_state"], *chosen]
    how = draws.for_scenario(scn, posterior and replicates > 1)
    reps = _replicates(sim, how, scn, fr, replicates)
    basis = how.basis(seed, replicates) if replicates > 1 else None
    collected: dict[tuple[Place, str, str], list[Any]] = {}
    only = bool(chosen) and states is None
    attach_metrics(doc, sim, scn.params, reps, chosen, only, collected, basis)
    totals = [place_totals(_restrict(flows(r), table), places) for r in reps]
    method = basis["method"] if basis else "seeds"
    result = RunResult(sim, scn, table, doc, tuple(totals), collected, method)
    _attach_intervals(result)
    return result


def _replicates(
    sim: Simulation, how: draws.Draws, scn: Scenario, fr: Frame, n: int
) -> list[Simulation]:
    """The replicate runs behind the intervals (none for one run): with a posterior, N runs
    each with its seed's particle; seeds only, the point run and seeds seed+1..seed+N-1."""
    if n < 2:
        return []
    if how.active:
        return [simulate(how.inputs(scn, fr, sim.seed + k), sim.seed + k) for k in range(n)]
    return [sim, *(simulate(sim.inputs, sim.seed + k) for k in range(1, n))]


def _restrict(table: pl.DataFrame, like: pl.DataFrame) -> pl.DataFrame:
    """A replicate's flows restricted to the counties of the main run's table."""
    return table.filter(pl.col("county_fips").is_in(like["county_fips"].unique().to_list()))


def metrics_frame(summary: dict) -> pl.DataFrame:
    """A summary document's metrics as a tidy table (see RunResult.metrics_frame)."""
    rows: list[dict[str, Any]] = []
    sections: list[tuple[str, str | None, dict]] = [("run", None, summary)]
    sections += [("state", st, d) for st, d in summary.get("by_state", {}).items()]
    sections += [("county", f, d) for f, d in summary.get("by_county", {}).items()]
    for level, place, section in sections:
        for group, name, m in names.iter_metrics(section.get("metrics") or {}):
            rows.extend(_metric_rows(level, place, group, name, m))
    schema = {
        "level": pl.String,
        "place": pl.String,
        "group": pl.String,
        "metric": pl.String,
        "year": pl.Int32,
        "value": pl.Float64,
        "unit": pl.String,
        "interval_low": pl.Float64,
        "interval_high": pl.Float64,
        "definition": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _metric_rows(level: str, place: str | None, group: str, name: str, m: dict) -> list[dict]:
    iv = m.get("interval")
    low, high = (iv[0], iv[1]) if isinstance(iv, list) and len(iv) == 2 else (None, None)
    value = m.get("value")
    base = {
        "level": level,
        "place": place,
        "group": group,
        "metric": name,
        "unit": m.get("unit"),
        "definition": m.get("definition"),
    }
    out = [
        {**base, "year": None, "value": _number(value), "interval_low": low, "interval_high": high}
    ]
    for year, v in (m.get("by_year") or {}).items():
        out.append(
            {
                **base,
                "year": int(year),
                "value": _number(v),
                "interval_low": None,
                "interval_high": None,
            }
        )
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def replicate_values(result: RunResult, place: Place, key: str) -> list[float]:
    """A total's value in each replicate (the main run first)."""
    return [float(r[place][key]) for r in result.replicate_totals]


def paired_interval(a: RunResult, b: RunResult, place: Place, key: str) -> Interval | None:
    """The interval of B − A of a total over replicate pairs run on the same seeds."""
    if len(a.replicate_totals) < 2 or len(a.replicate_totals) != len(b.replicate_totals):
        return None
    diffs = np.array(replicate_values(b, place, key)) - np.array(replicate_values(a, place, key))
    return Interval.from_values(diffs.tolist(), a.seeds, a.interval_method)
