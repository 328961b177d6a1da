"""Tiny hand-built simulations for the metric cases: a few people in named counties and
months, every other county empty, so each metric can be computed by hand."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np

from scomm import periods
from scomm.cohort import Cohort
from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.metrics.base import Context
from scomm.params import default_parameters
from scomm.population import Composition
from scomm.rng import entity_keys
from scomm.rules.categories import Charge, Level, Status

N_STATUS = len(Status)
N_LEVEL = len(Level)
US_BORN_MIX = np.array([1.0, 0, 0, 0, 0, 0])
REMOVABLE = np.array([0.1, 0.03, 0.3, 0.5, 1.0, 1.0])  # P(deemed removable) by status


@dataclasses.dataclass
class Person:
    """One matched person and how far S-Comm took them."""

    fips: str
    month: str = "2011-01"
    status: int = Status.UNDOCUMENTED_PRIOR
    hispanic: bool = True
    level: int = Level.NONCRIMINAL
    charge: int = Charge.MISDEMEANOR
    identified_287g: bool = False
    matched: bool = True
    serious_charge: bool = False
    magistrate_pc: bool = False
    serious_record: bool = False
    aggravated_felony: bool = False
    prior_removal: bool = False
    entered_without_inspection: bool = False
    laken_riley_offense: bool = False
    removable: bool = True
    detainer: bool = False
    notification_request: bool = False
    honored: bool = False
    notified: bool = False
    book_in: bool = False
    eventually_removed: bool = False
    removed: bool = False
    detention_days: float = 0.0
    summary: bool = False
    represented: bool = False


def tiny_sim(
    people: list[Person],
    months: tuple[str, str] = ("2011-01", "2011-12"),
    states: tuple[str, ...] = ("NY",),
    status_mix: np.ndarray = US_BORN_MIX,
    hispanic_by_status: np.ndarray | None = None,
    active: float = 1.0,
    seed: int = 0,
) -> Simulation:
    """A simulation whose cohort is exactly ``people``; every county of ``states`` has the
    given status mix of bookings and P(Hispanic | status), and S-Comm active for the
    ``active`` share of every month."""
    cty = counties()
    start, end = (periods.parse_month(m) for m in months)
    month_idx = np.arange(start, end + 1)
    n_c, n_m = len(cty.fips), len(month_idx)
    hisp = np.zeros(N_STATUS) if hispanic_by_status is None else hispanic_by_status
    inputs = SimpleNamespace(
        months=month_idx,
        county_mask=np.isin(cty.state, states),
        bookings=np.zeros((n_c, n_m), dtype=np.int64),
        active_from=np.full((n_c, n_m), 1.0 - active),
        composition=Composition(
            status=np.broadcast_to(status_mix, (n_c, n_m, N_STATUS)).copy(),
            hispanic=np.broadcast_to(hisp, (n_c, n_m, N_STATUS)).copy(),
        ),
        # by status, the same for every ICE level (an LPR's is by level in the model)
        p_removable=np.tile(REMOVABLE[:, None], (n_m, 1, N_LEVEL)),
        level_cdf=np.tile(np.linspace(1 / N_LEVEL, 1.0, N_LEVEL), (n_m, 2, 1)),
        pretext=np.zeros((n_c, n_m)),
    )
    county = np.array([cty.index_of(p.fips) for p in people], dtype=np.int32)
    month = np.array([periods.parse_month(p.month) - start for p in people], dtype=np.int32)
    index = np.arange(len(people), dtype=np.int64)

    cohort = Cohort.from_objects(
        people,
        county=county,
        month=month,
        key=entity_keys(month_idx[month], county, index),
        male=np.ones(len(people), dtype=bool),
    )
    return Simulation(inputs=inputs, submissions=inputs.bookings, cohort=cohort, seed=seed)


def context(sim: Simulation) -> Context:
    """The metrics context of a hand-built simulation under the packaged parameters."""
    return Context.build(sim.inputs, default_parameters())


def mask_of(sim: Simulation, state: str | None = None) -> np.ndarray:
    """The selected counties, or those of one state."""
    if state is None:
        return sim.inputs.county_mask
    return sim.inputs.county_mask & (counties().state == state)


def held(**kw) -> dict:
    """Flags of a person held on an honored detainer (and further, with ``book_in``...)."""
    return {"detainer": True, "honored": True, **kw}
