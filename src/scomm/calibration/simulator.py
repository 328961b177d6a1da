"""The calibration's simulator: a parameter point in, the log-likelihood of every observation
out, through the aggregate mode (the engine's exact expectation).

Built once per process (``Simulator.default()``): the baseline scenario's frame over every
month an observation covers, the cells the observations need, the likelihood terms and the
parameter space of the tree's priors. ``evaluate`` then compiles the parameter set (and the
particle's bookings-model draw), takes the expectation and sums the terms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np

from scomm import aggregate, periods
from scomm.bookings.model import default_model
from scomm.calibration import observations as obs
from scomm.calibration import space as sp
from scomm.compile import Frame, Inputs, compile_parameters, frame
from scomm.jurisdictions.counties import counties
from scomm.params import ParameterSet
from scomm.scenario import Scenario, resolve

FIRST_MONTH = "2008-10"  # S-Comm's first activation (Harris County, 27 Oct 2008)
STATE_SD = "population.bookings_state_sd"


def _last_month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Simulator:
    """Everything a likelihood evaluation needs that does not depend on the parameters."""

    scenario: Scenario
    frame: Frame
    cells: obs.Cells
    terms: tuple[obs.Term, ...]
    space: sp.Space
    anchor: dict[str, float]  # the baseline's point on the sampling scale (Space.anchor)

    @staticmethod
    @cache
    def default(scenario: str = "baseline") -> Simulator:
        scn = resolve(scenario)
        last = obs.last_day()
        start, end = periods.parse_month(FIRST_MONTH), periods.parse_month(_last_month(last))
        fr = frame(scn, start, end, counties().states())
        c = obs.cells()
        space = sp.build(scn.params, last, set(aggregate.STAGES_USED))
        terms = tuple(obs.terms(c, fr.months))
        return Simulator(scn, fr, c, terms, space, space.anchor(scn.params))

    def parameters(self, x: dict[str, float]) -> ParameterSet:
        return self.space.parameters(self.scenario.params, x)

    def rates(self, params: ParameterSet, x: dict[str, float], seed: int) -> np.ndarray | None:
        """The counties' booking rates under the particle's bookings-model coefficients, at the
        county and state effects' mean (1: the likelihood integrates them, ``spreads``; a
        per-particle draw of them made the likelihood a noisy function of the coordinates);
        None: the point estimates, when ``x`` has no bookings coordinates."""
        z = self.space.bookings_z(x)
        if z is None:
            return None
        model = default_model()
        d = model.draw(sp.particle_seed(seed, x), 0.0, z)
        mean = dataclasses.replace(d, county_effect=np.ones_like(d.county_effect),
                                   state_effect=np.ones_like(d.state_effect))  # fmt: skip
        return model.draw_rates(mean)

    def spreads(self, x: dict[str, float]) -> obs.Spreads:
        """The shared factors' spreads at ``x``: the state effect's sd, the county effect's
        (√α of the particle's bookings-model draw)."""
        params = self.parameters(x)
        z = self.space.bookings_z(x)
        model = default_model()
        alpha = model.draw(0, 0.0, z).alpha if z is not None else float(np.exp(model.log_alpha))
        return obs.Spreads(float(params.at(STATE_SD, self.frame.days[0])), float(np.sqrt(alpha)))

    def inputs(self, x: dict[str, float], seed: int = 0) -> Inputs:
        params = self.parameters(x)
        return compile_parameters(self.frame, self.scenario, params, self.rates(params, x, seed))

    def expectation(self, x: dict[str, float], seed: int = 0) -> aggregate.Expectation:
        return aggregate.expect(self.inputs(x, seed), self.cells.of_county)

    def loglik_terms(self, x: dict[str, float], seed: int = 0) -> dict[str, float]:
        return obs.loglik(list(self.terms), self.expectation(x, seed), self.spreads(x))

    def loglik(self, x: dict[str, float], seed: int = 0) -> float:
        values = self.loglik_terms(x, seed)
        total = float(sum(values.values()))
        return total if np.isfinite(total) else -1e300
