"""The library's front door: run a scenario, compare two, on common random numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from scomm import periods
from scomm.bookings import panel as bookings_panel
from scomm.compile import compile_inputs
from scomm.engine import Simulation, simulate
from scomm.errors import UserError
from scomm.jurisdictions.counties import parse_states
from scomm.metrics import attach_metrics
from scomm.rng import MAX_SEED
from scomm.scenario import Scenario, resolve
from scomm.summary import flows, summary_document


@dataclass(frozen=True)
class RunResult:
    """A simulation, its flows table and its summary document."""

    simulation: Simulation
    scenario: Scenario
    flows: pl.DataFrame
    summary: dict


def run(
    scenario: str = "baseline",
    start: str | None = None,
    end: str | None = None,
    states: list[str] | str | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    replicates: int = 1,
) -> RunResult:
    """Simulate a scenario for the period (inclusive months) and states; metric intervals
    come from ``replicates`` runs with seeds seed..seed+replicates-1."""
    if not 0 <= seed <= MAX_SEED - max(replicates - 1, 0):
        raise UserError(f"--seed: {seed} must be an integer from 0 to 2**64-1 (less replicates)")
    if replicates < 1:
        raise UserError(f"--replicates: {replicates} must be a positive integer")
    s, e = periods.parse_period(start, end)
    chosen = parse_states(",".join(states) if isinstance(states, list) else states)
    scn = resolve(scenario)
    inputs = compile_inputs(scn, s, e, chosen)
    sim = simulate(inputs, seed, progress)
    table = flows(sim)
    doc = summary_document(sim, scn.name, scn.digest(), chosen, table)
    user_bookings = bookings_panel.from_env()
    if user_bookings is not None:
        doc["bookings_panel"] = user_bookings.provenance()
    others = (simulate(inputs, seed + k) for k in range(1, replicates))
    attach_metrics(doc, sim, scn.params, others)
    return RunResult(simulation=sim, scenario=scn, flows=table, summary=doc)
