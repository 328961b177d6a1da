"""The second stage: the uncertainty of the assumptions the inference held.

The inference (calibration.infer) runs over the coordinates the data see most
(identify.screen) and holds the others at the baseline's values. Among those held, every
*assumption* (an entry whose citation kind is ``assumption``: no source gives the number) and
every bookings-model coefficient (its spread is the county fit's own) whose screening
sensitivity is below ``MAX_SENSITIVITY`` is drawn here, so the intervals carry it:

1. the inference's particles are resampled by weight (systematic resampling);
2. each gets a draw of the held coordinates from their prior's spread around the baseline's
   value (the sampling scale's standard logistic or normal, shifted to that value: a
   documented assumption is the center of the belief, its prior range the spread);
3. each draw is weighted by its likelihood over the likelihood at the held values (the
   proposal is that prior, so the weight is the likelihood ratio), Pareto-smoothed (PSIS);
   rounds of draws continue until the weights pass their diagnostic with the budget's
   effective sample size, or the budget's last round.

The result is the posterior of the inferred and the drawn coordinates together, the rest
held. Why the threshold: on 2 Dec 2026 prior draws of all 161 held coordinates fitted the
data a median 105 log-likelihood units worse than the held values (Pareto k̂ 4.9, unusable),
of the 25 held assumptions 34 units worse (k̂ 2.9), and of the 13 below 0.5 units 1.6 worse
(k̂ 0.44, effective sample size 22 of 200). The data see the others jointly; their values
stay held and the intervals do not carry their uncertainty (docs/calibration.md lists them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from scomm.calibration import infer
from scomm.calibration import space as sp
from scomm.calibration.simulator import Simulator

MAX_SENSITIVITY = 0.5  # log-likelihood units at the screening step (identify.SCREEN_STEP)


def _assumed(sim: Simulator, c: sp.Coordinate) -> bool:
    """Whether no source gives the coordinate's value (or it is a bookings coefficient)."""
    if c.parameter == sp.BOOKINGS:
        return True
    entry = sim.scenario.params[c.parameter].values[c.date]  # type: ignore[index]
    return entry.citation.kind == "assumption"


def chosen(sim: Simulator, screen: pl.DataFrame | None, inferred: list[str]) -> list[str]:
    """The held coordinates to draw: assumptions and bookings coefficients not inferred whose
    screening sensitivity is below ``MAX_SENSITIVITY`` (none without a screening)."""
    if screen is None:
        return []
    sensitivity = dict(zip(screen["coordinate"], screen["sensitivity"], strict=True))
    return [c.label for c in sim.space.informed
            if c.label not in inferred and c.label in sensitivity
            and sensitivity[c.label] < MAX_SENSITIVITY and _assumed(sim, c)]  # fmt: skip


def resample(w: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices drawn by systematic resampling on the weights ``w``."""
    positions = (rng.random() + np.arange(n)) / n
    cum = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cum, positions, side="right"), len(w) - 1)


def loglik(point: dict[str, float]) -> float:
    """The log-likelihood at ``point``, every informed coordinate not in it at the anchor."""
    sim = Simulator.default()
    return sim.loglik(sim.anchor | point)


@dataclass(frozen=True)
class Stage:
    """The joint posterior's weighted particles (inferred and drawn coordinates)."""

    particles: list[dict[str, float]]
    weights: np.ndarray
    diagnostics: dict[str, Any] | None  # None: nothing was drawn
    evaluations: int


def _round(sim: Simulator, result: infer.Result, labels: list[str], per: int,
           rng: np.random.Generator, map_: infer.Map) -> tuple[list[dict], np.ndarray]:  # fmt: skip
    """One round: resampled particles with drawn held coordinates, and their log ratios."""
    idx = resample(result.weights, per, rng)
    coords = [c for c in sim.space.informed if c.label in labels]
    drawn = sp.around(coords, sim.anchor, per, rng)
    points = [result.particles[i] | {k: float(v[j]) for k, v in drawn.items()}
              for j, i in enumerate(idx)]  # fmt: skip
    values = np.asarray(map_(loglik, points), dtype=float)
    return points, values - result.log_likelihood[idx]


def draw(sim: Simulator, result: infer.Result, labels: list[str], budget: infer.Budget,
         seed: int, map_: infer.Map, progress: Callable[[str], None] | None = None,
         ) -> Stage:  # fmt: skip
    """The inference's posterior with ``labels`` drawn (module docstring)."""
    if not labels:
        return Stage(result.particles, result.weights, None, 0)
    started = time.perf_counter()
    rng = np.random.default_rng([seed, 2])
    per = budget.draws // budget.rounds
    points: list[dict] = []
    ratios = np.empty(0)
    rounds = []
    while True:
        new, log_ratio = _round(sim, result, labels, per, rng, map_)
        points, ratios = points + new, np.concatenate([ratios, log_ratio])
        w, diag = infer.weighed(ratios)
        rounds.append({"pareto_k": diag["pareto_k"], "ess": diag["ess"], "draws": len(w)})
        if progress is not None:
            progress(f"held assumptions: {len(w)} draws, effective sample size {diag['ess']:.1f}")
        if len(rounds) == budget.rounds or infer.enough(diag, budget):
            break
    diagnostics = {**diag, "rounds": rounds, "coordinates": labels,
                   "max_sensitivity": MAX_SENSITIVITY,
                   "median_log_ratio": float(np.median(ratios[np.isfinite(ratios)])),
                   "wall_seconds": round(time.perf_counter() - started, 1),
                   "proposal": "the inference's particles resampled by weight, the held "
                   "coordinates from their prior's spread around the baseline's values"}  # fmt: skip
    return Stage(points, w, diagnostics, len(points))
