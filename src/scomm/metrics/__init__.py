"""Oversight metrics: the four harms the Serrano letter names (racial profiling, burden on
local police, community trust, due process) and ICE's own public-safety claim, for the
whole run and for each state. Definitions, formulas and assumptions: docs/metrics.md.

Every metric carries its value, unit, a one-sentence definition and its sources. Where
chance enters, the interval is the 2.5-97.5 percentile of the metric over replicate runs
with seeds seed..seed+N-1, or their full range below 40 replicates (the value itself is
always the first seed's, so it does not change with N).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.metrics import burden, due_process, profiling, public_safety, trust
from scomm.metrics.base import Context, Metric, rounded
from scomm.params import ParameterSet

MODULES = (profiling, burden, trust, due_process, public_safety)

Results = dict[str | None, dict[str, dict[str, Metric]]]


def evaluate(sim: Simulation, ctx: Context, masks: dict[str | None, np.ndarray]) -> Results:
    """Every metric of every group for each place (None = the whole run)."""
    tallies = [m.tally(sim, ctx) for m in MODULES]
    return {
        place: {m.GROUP: m.compute(t, ctx, mask) for m, t in zip(MODULES, tallies, strict=True)}
        for place, mask in masks.items()
    }


PERCENTILE_MIN_REPLICATES = 40  # below this a 2.5-97.5 percentile is not estimable


def _interval(seen: list[float], n: int) -> list[float]:
    """2.5-97.5 percentile over replicates, or their full range when there are too few
    replicates for the tails (the range then always contains the reported value)."""
    if n >= PERCENTILE_MIN_REPLICATES:
        return list(np.percentile(seen, [2.5, 97.5]))
    return [min(seen), max(seen)]


def _render(m: Metric, values: list[Any], n: int) -> dict:
    out: dict[str, Any] = {
        "value": rounded(m.value, m.unit),
        "unit": m.unit,
        "definition": m.definition,
        "sources": m.sources,
    }
    if not m.stochastic:
        out["interval"] = None
        out["interval_note"] = "deterministic given the inputs: no random draw enters it"
    elif n < 2:
        out["interval"] = None
        out["interval_note"] = "one replicate: run with --replicates N (N >= 2) for an interval"
    else:
        seen = [float(v) for v in values if v is not None]
        bounds = _interval(seen, n) if seen else [None, None]
        out["interval"] = [rounded(b, m.unit) for b in bounds]
    if m.assumptions:
        out["assumptions"] = list(m.assumptions)
    out.update(m.extra)
    return out


def metric_sections(
    sim: Simulation,
    params: ParameterSet,
    masks: dict[str | None, np.ndarray],
    replicates: Iterable[Simulation] = (),
    collect: dict | None = None,
    basis: dict | None = None,
) -> dict[str | None, dict]:
    """The metrics section for each place (a county mask per key); ``replicates`` are the
    runs with seeds seed+1, seed+2, ..., or, with a ``basis`` (scomm.calibration.draws:
    its ``method`` and ``detail``), every replicate run of ``api.run`` (the point run among
    them only when the method is seeds). ``collect`` (when given) receives every metric's
    value in each run, by (place, group, name), for paired differences. The metrics are
    S-Comm's: they run on the people S-Comm identified (cohort channel ``scomm``), not those a
    287(g) officer did."""
    ctx = Context.build(sim.inputs, params)
    main = evaluate(sim.channel("scomm"), ctx, masks)
    values = {
        (place, group, name): [m.value]
        for place, groups in main.items()
        for group, metrics in groups.items()
        for name, m in metrics.items()
    }
    n = 1
    if basis is not None:  # the replicates are every run behind the intervals
        values = {k: [] for k in values}
        n = 0
    for rep in replicates:
        for place, groups in evaluate(rep.channel("scomm"), ctx, masks).items():
            for group, metrics in groups.items():
                for name, m in metrics.items():
                    values[(place, group, name)].append(m.value)
        n += 1
    note = _note(basis, sim.seed, n)

    if collect is not None:
        collect.update(values)

    def section(place: str | None) -> dict:
        out: dict[str, Any] = {"replicates": n, "interval_method": note}
        if n >= 2:  # what the intervals include, read by scomm.intervals
            out["interval_basis"] = _basis(basis, sim.seed, n)
        for group, metrics in main[place].items():
            out[group] = {
                name: _render(m, values[(place, group, name)], n) for name, m in metrics.items()
            }
        return out

    return {place: section(place) for place in masks}


def _note(basis: dict | None, seed: int, n: int) -> str:
    """How the metrics' intervals were made, in words."""
    spread = (
        "2.5-97.5 percentile"
        if n >= PERCENTILE_MIN_REPLICATES
        else f"range (min-max; {PERCENTILE_MIN_REPLICATES}+ replicates give a 95% percentile interval)"
    )
    over = f"{spread} over {n} replicate runs, seeds {seed}..{seed + n - 1}"
    if basis is not None:
        over = f"{spread}; {basis['detail']}"
    return f"{over}; null where no random draw enters a metric or with one replicate"


def _basis(basis: dict | None, seed: int, n: int) -> dict:
    return {
        "method": basis["method"] if basis else "seeds",
        "kind": "percentile" if n >= PERCENTILE_MIN_REPLICATES else "range",
        "runs": n,
        "seeds": [seed, seed + n - 1],
    }


def attach_metrics(
    doc: dict,
    sim: Simulation,
    params: ParameterSet,
    replicates: Iterable[Simulation] = (),
    county_list: Sequence[str] = (),
    only: bool = False,
    collect: dict | None = None,
    basis: dict | None = None,
) -> None:
    """Add the ``metrics`` section to a summary document, for the whole run, under each
    ``by_state`` entry and under each ``by_county`` entry of ``county_list``; ``only``: the
    run is those counties (its totals and each state's are theirs alone); ``basis``: how
    the replicates drew their parameters (see metric_sections)."""
    cty = counties()
    chosen = np.isin(cty.fips, list(county_list))
    run_mask = sim.inputs.county_mask & chosen if only else sim.inputs.county_mask
    masks: dict[str | None, np.ndarray] = {None: run_mask}
    masks.update({st: run_mask & (cty.state == st) for st in doc["by_state"]})
    masks.update({f: sim.inputs.county_mask & (cty.fips == f) for f in county_list})
    sections = metric_sections(sim, params, masks, replicates, collect, basis)
    doc["metrics"] = sections[None]
    for st in doc["by_state"]:
        doc["by_state"][st]["metrics"] = sections[st]
    for f in county_list:
        doc["by_county"][f]["metrics"] = sections[f]


def county_metrics(sim: Simulation, params: ParameterSet, fips: str) -> dict:
    """The metrics section for one county of a run."""
    mask = sim.inputs.county_mask & (counties().fips == fips)
    return metric_sections(sim, params, {fips: mask})[fips]
