"""The second stage: the uncertainty of the assumptions the inference held.

The inference (calibration.infer) runs over the coordinates the data see most
(identify.screen) and holds the others at the baseline's values. Among those held, every
*assumption* (an entry whose citation kind is ``assumption``: no source gives the number) and
every bookings-model coefficient (its spread is the county fit's own) whose screening
``spread`` (the predicted variance of the log-likelihood ratio when it alone is drawn from its
prior's spread) is at most ``MAX_SPREAD`` is drawn here, so the intervals carry it:

1. the inference's particles are resampled by weight (systematic resampling);
2. each gets a draw of the held coordinates, each from a Student t (``DF`` degrees of
   freedom) at its conditional Laplace approximation from the screening's slope and
   curvature, its prior being its sampling scale's standard logistic or normal shifted to the
   baseline's value (a documented assumption is the center of the belief, its prior range the
   spread), the t's variance ``WIDEN`` times the approximation's;
3. each draw is weighted by its likelihood over the likelihood at the held values, times its
   prior over its proposal, Pareto-smoothed (PSIS); rounds of draws continue until the
   weights pass their diagnostic with the budget's effective sample size, or the budget's
   last round.

The result is the posterior of the inferred and the drawn coordinates together, the rest
held. Why the threshold: on 3 Dec 2026, at the baseline written back from the 2 Dec
posterior, drawing all 28 held assumptions this way gave weights of Pareto k̂ 0.74 (effective
sample size 9 of 200), the 19 of spread up to 5 k̂ 0.63 (13 of 200); each held assumption
the threshold leaves out is one the data see on its own by more than about a unit, so the
posterior stays conditional on it, and the intervals do not carry its uncertainty
(docs/calibration.md lists them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from scomm.calibration import infer
from scomm.calibration import space as sp
from scomm.calibration.identify import PRIOR_VARIANCE
from scomm.calibration.simulator import Simulator

MAX_SPREAD = 1.0  # the screening's predicted log-likelihood-ratio variance (identify.screen)
DF = infer.DF
WIDEN = infer.WIDEN


def _assumed(sim: Simulator, c: sp.Coordinate) -> bool:
    """Whether no source gives the coordinate's value (or it is a bookings coefficient)."""
    if c.parameter == sp.BOOKINGS:
        return True
    entry = sim.scenario.params[c.parameter].values[c.date]  # type: ignore[index]
    return entry.citation.kind == "assumption"


def chosen(sim: Simulator, screen: pl.DataFrame | None, inferred: list[str]) -> list[str]:
    """The held coordinates to draw: assumptions and bookings coefficients not inferred whose
    screening spread is at most ``MAX_SPREAD`` (none without a screening)."""
    if screen is None:
        return []
    spread = dict(zip(screen["coordinate"], screen["spread"], strict=True))
    return [c.label for c in sim.space.informed
            if c.label not in inferred and c.label in spread
            and spread[c.label] <= MAX_SPREAD and _assumed(sim, c)]  # fmt: skip


@dataclass(frozen=True)
class Proposal:
    """One held coordinate's prior (around the held value) and its proposal."""

    label: str
    prior: Any  # a frozen scipy distribution on the sampling scale
    proposal: Any


def proposals(sim: Simulator, screen: pl.DataFrame, labels: list[str]) -> list[Proposal]:
    """Each label's prior around its held value and its t proposal at the conditional Laplace
    approximation: precision P = max(−curvature, 0) + 1/V (V the prior's variance), mean the
    held value + slope / P."""
    rows = {r["coordinate"]: r for r in screen.iter_rows(named=True)}
    out = []
    for c in (c for c in sim.space.informed if c.label in labels):
        center, row = sim.anchor[c.label], rows[c.label]
        precision = max(-row["curvature"], 0.0) + 1.0 / PRIOR_VARIANCE[c.kind]
        prior = (stats.norm if c.kind == "normal" else stats.logistic)(loc=center)
        t = stats.t(df=DF, loc=center + row["slope"] / precision,
                    scale=np.sqrt(WIDEN / precision))  # fmt: skip
        out.append(Proposal(c.label, prior, t))
    return out


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


def _round(result: infer.Result, q: list[Proposal], per: int, rng: np.random.Generator,
           map_: infer.Map) -> tuple[list[dict], np.ndarray]:  # fmt: skip
    """One round: resampled particles with drawn held coordinates, and their log ratios."""
    idx = resample(result.weights, per, rng)
    drawn = {p.label: p.proposal.rvs(size=per, random_state=rng) for p in q}
    log_density = sum(p.prior.logpdf(drawn[p.label]) - p.proposal.logpdf(drawn[p.label]) for p in q)
    points = [result.particles[i] | {k: float(v[j]) for k, v in drawn.items()}
              for j, i in enumerate(idx)]  # fmt: skip
    values = np.asarray(map_(loglik, points), dtype=float)
    return points, values - result.log_likelihood[idx] + log_density


def draw(sim: Simulator, result: infer.Result, screen: pl.DataFrame | None, labels: list[str],
         budget: infer.Budget, seed: int, map_: infer.Map,
         progress: Callable[[str], None] | None = None) -> Stage:  # fmt: skip
    """The inference's posterior with ``labels`` drawn (module docstring)."""
    if not labels or screen is None:
        return Stage(result.particles, result.weights, None, 0)
    started = time.perf_counter()
    rng = np.random.default_rng([seed, 2])
    q = proposals(sim, screen, labels)
    per = budget.draws // budget.rounds
    points: list[dict] = []
    ratios = np.empty(0)
    rounds = []
    while True:
        new, log_ratio = _round(result, q, per, rng, map_)
        points, ratios = points + new, np.concatenate([ratios, log_ratio])
        w, diag = infer.weighed(ratios)
        rounds.append({"pareto_k": diag["pareto_k"], "ess": diag["ess"], "draws": len(w)})
        if progress is not None:
            progress(f"held assumptions: {len(w)} draws, effective sample size {diag['ess']:.1f}")
        if len(rounds) == budget.rounds or infer.enough(diag, budget):
            break
    diagnostics = {**diag, "rounds": rounds, "coordinates": labels, "max_spread": MAX_SPREAD,
                   "wall_seconds": round(time.perf_counter() - started, 1),
                   "proposal": f"the inference's particles resampled by weight; each held "
                   f"coordinate from a t ({DF} df, {WIDEN} x the variance) at its conditional "
                   "Laplace approximation from the screening, its prior around the baseline's "
                   "value"}  # fmt: skip
    return Stage(points, w, diagnostics, len(points))
