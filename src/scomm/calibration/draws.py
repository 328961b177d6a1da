"""Parameter sets drawn from the posterior for a run's replicates, so its intervals carry
parameter uncertainty as well as simulation noise.

Replicate r of a run with seed S uses seed S + r for the simulation and the posterior
particle that seed draws (``Posterior.draw``): reproducible, and the same particle for the
same seed in every command. A parameter the scenario itself sets (its value differs from the
packaged tree's) keeps the scenario's value: the posterior says nothing about a value the user
chose, and the interval's method names those parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scomm.calibration import posterior as post
from scomm.calibration import space as sp
from scomm.compile import Frame, Inputs, compile_parameters
from scomm.params import default_parameters
from scomm.scenario import Scenario

SEEDS_ONLY = "simulation seeds only (parameters at their point values)"


@dataclass(frozen=True)
class Draws:
    """How a scenario's replicates draw their parameters."""

    posterior: post.Posterior | None
    space: sp.Space | None
    kept: tuple[str, ...]  # calibrated parameters the scenario sets itself

    @property
    def active(self) -> bool:
        return self.posterior is not None

    def method(self, first_seed: int, n: int) -> str:
        """The interval's method, in words."""
        seeds = f"seeds {first_seed}..{first_seed + n - 1}"
        if not self.active:
            return f"{SEEDS_ONLY}, {n} replicate runs, {seeds}"
        assert self.posterior is not None
        version = self.posterior.provenance.get("version", "?")
        text = (
            f"posterior parameter draws and simulation seeds: {n} replicate runs, {seeds}, "
            f"each with the posterior particle its seed draws (posterior {version})"
        )
        if post.caveat(self.posterior):
            text += " (a quick or unfinished calibration run, not the fit: see docs/calibration.md)"
        if self.kept:
            text += f"; the scenario's own values for {', '.join(self.kept)} (not drawn)"
        return text

    @property
    def interval_method(self) -> str:
        """The key of scomm.intervals.INCLUDES that says what the intervals include."""
        if self.posterior is None:
            return "seeds"
        return post.interval_method(self.posterior)

    def basis(self, first_seed: int, n: int) -> dict:
        """What a run's intervals include (``interval_basis``, read by scomm.intervals)."""
        return {"method": self.interval_method, "detail": self.method(first_seed, n)}

    def parameters_for(self, scn: Scenario, seed: int):
        """The scenario's parameters with the particle drawn by ``seed`` (and its bookings
        rates; None for the point estimates)."""
        if not self.active:
            return scn.params, None
        assert self.posterior is not None and self.space is not None
        i = self.posterior.draw(seed)
        x = self.posterior.particle(i)
        x = {k: v for k, v in x.items() if _parameter(self.space, k) not in self.kept}
        params = self.space.parameters(scn.params, x)
        return params, _rates(self.space, params, x, int(self.posterior.table["bookings_seed"][i]))

    def inputs(self, scn: Scenario, fr: Frame, seed: int) -> Inputs:
        params, rates = self.parameters_for(scn, seed)
        return compile_parameters(fr, scn, params, rates)


def _parameter(space: sp.Space, label: str) -> str:
    return next(c.parameter for c in space.coordinates if c.label == label)


def _rates(space: sp.Space, params, x: dict, seed: int) -> np.ndarray | None:
    from scomm.bookings.model import default_model

    z = space.bookings_z(x)
    if z is None:
        return None
    model = default_model()
    first = min(params["population.bookings_state_sd"].values)
    sd = float(params["population.bookings_state_sd"].values[first].value)
    return model.draw_rates(model.draw(seed, sd, z))


def for_scenario(scn: Scenario, use_posterior: bool = True) -> Draws:
    """The draws for ``scn``: the packaged posterior where there is one and it is asked for."""
    found = post.latest() if use_posterior else None
    if found is None:
        return Draws(None, None, ())
    space = _space_of(found)
    base = default_parameters()
    names = sorted({c.parameter for c in space.coordinates if c.parameter != sp.BOOKINGS})
    kept = tuple(n for n in names if scn.params[n].model_dump() != base[n].model_dump())
    return Draws(found, space, kept)


def _space_of(found: post.Posterior) -> sp.Space:
    """The packaged space, restricted to the posterior's coordinates."""
    from scomm import aggregate
    from scomm.calibration import observations

    full = sp.build(default_parameters(), observations.last_day(), set(aggregate.STAGES_USED))
    have = set(found.labels)
    keep = tuple(c for c in full.coordinates if c.label in have)
    return sp.Space(keep, ())
