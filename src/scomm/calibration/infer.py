"""The inference: the posterior of the inferred coordinates at temperature 1, by importance
sampling from a Laplace approximation, on Dask.

1. **Mode** (``mode``): the log posterior (the likelihood of every observation under its
   stated error model, plus the coordinates' log prior on the sampling scale) is maximized by
   scipy's L-BFGS-B, its gradient by forward differences, the d + 1
   evaluations of each gradient mapped over the workers; it starts from the baseline's values,
   and every coordinate it does not infer stays at the baseline's value (``Simulator.anchor``).
2. **Laplace** (``curvature``): the Hessian at the mode by central differences (2d² evaluations,
   mapped; the quick budget takes its diagonal), made positive definite by clipping its
   eigenvalues; its inverse is the Laplace covariance.
3. **Importance sampling** (``importance``): points from a multivariate t (``DF`` degrees of
   freedom) centered at the mode with the Laplace covariance widened by ``WIDEN``; then, round
   by round (adaptive importance sampling), as many from a t with the weighted mean of every
   draw so far and their weighted covariance shrunk towards the Laplace one (``adapted``),
   every point weighted by posterior over the mixture of all the rounds' proposals (the balance
   heuristic), the weights Pareto-smoothed (PSIS, arviz-stats). The rounds stop when the
   weights pass their diagnostic with the budget's effective sample size, or at the budget's
   last round. The Pareto k̂ of the raw weights says whether the weights can be trusted (below
   ``K_RELIABLE`` = 0.7, Vehtari et al. 2024); the effective sample size how many draws they
   are worth. A k̂ above 0.7 marks the posterior as unreliable wherever it is used
   (``posterior.caveat``).

The likelihood is a deterministic function of the coordinates (the bookings model's county and
state effects are integrated, not drawn), so the mode and curvature are well defined; the
draws depend on the run's seed alone, not on the number of workers or the order tasks finish.

Why not ABC-SMC (pyabc's stochastic acceptor, which the earlier runs used): it accepts a
particle with probability exp((ℓ − ℓ_max)/T); at T = 1 on a posterior that constrains d
coordinates, even a perfect proposal is accepted at rate E[exp(−χ²_d / 2)] = 2^(−d/2), 1 in 256
for the 16 inferred coordinates, which a 2-core budget cannot pay (the full run of 1 Dec 2026
stopped at temperature 169; docs/calibration.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from arviz_stats.base import array_stats
from scipy import optimize, special, stats

from scomm.calibration.posterior import K_RELIABLE
from scomm.calibration.simulator import Simulator
from scomm.errors import UserError

Map = Callable[[Callable, list], list]
GRADIENT_STEP = 1e-4  # forward-difference step of the gradient, sampling scale
HESSIAN_STEP = 1e-3  # central-difference step of the curvature, sampling scale
FTOL = 1e-10  # not the stopping rule (an improvement of 3e-7 log units at -2,700) ...
GTOL = 0.05  # ... this is: every coordinate's gradient below 0.05 log units per sampling unit
# (the 2 Dec 2026 run stopped on a relative improvement of 3e-6 with a gradient of norm 1.5,
# up to a posterior sd from the mode, and the proposal centered there failed its diagnostic)
MIN_PRECISION = 1e-2  # eigenvalue floor of the negative Hessian (a prior-sd-10 direction)
DF = 5  # the t proposal's degrees of freedom: heavier tails than the Laplace normal
WIDEN = 1.5  # proposal covariance = WIDEN × the Laplace covariance
MIN_DRAWS_FOR_K = 50  # fewer draws give no usable tail for k̂
START_LIMIT = 4.0  # the mode search starts within the logistic prior's central 96%


@dataclass(frozen=True)
class Budget:
    """How much inference to do."""

    draws: int  # importance draws at most (the posterior's particles), in ``rounds`` equal rounds
    iterations: int  # L-BFGS-B iterations at most
    hessian: Literal["full", "diagonal"]
    rounds: int = 1  # importance-sampling rounds at most (later ones adapt the proposal)
    target_ess: float | None = None  # stop once k̂ passes with this effective sample size
    morris: bool = False  # a Morris analysis (SALib) of the inferred coordinates after the run

    @staticmethod
    def quick() -> Budget:
        """The test-suite's budget: three iterations towards the mode, the curvature's diagonal,
        24 draws: every part of the calibration runs, the result is not the fit (every page and
        interval drawn from it says so)."""
        return Budget(draws=24, iterations=3, hessian="diagonal")

    @staticmethod
    def full() -> Budget:
        """The full budget: the mode to convergence (at most 200 iterations), the full
        Hessian, then rounds of 750 draws, each adapted to the ones before, until the weights
        pass their diagnostic with an effective sample size of 250 (at most six rounds, 4,500
        draws): 2,100 to 5,100 evaluations, 12 to 30 minutes on this 2-core machine."""
        return Budget(draws=4500, iterations=200, hessian="full", rounds=6, target_ess=250.0)

    def with_population(self, population: int) -> Budget:
        """The same budget with ``population`` importance draws at most (two or more a round)."""
        least = 2 * self.rounds
        if population < least:
            rounds = f" (2 in each of {self.rounds} rounds)" if self.rounds > 1 else ""
            raise UserError(f"--population: {population} must be at least {least}{rounds}")
        return dataclasses.replace(self, draws=population)


@dataclass(frozen=True)
class Result:
    """What an inference produced: weighted draws and the diagnostics of each step."""

    labels: list[str]
    particles: list[dict[str, float]]
    weights: np.ndarray
    log_likelihood: np.ndarray  # each particle's, the coordinates not inferred at the anchor
    diagnostics: dict[str, Any]
    wall_seconds: float
    evaluations: int


# ------------------------------------------------------------------ the log posterior


def log_prior(kinds: Sequence[str], x: np.ndarray) -> float:
    """The coordinates' log prior density on the sampling scale: a standard normal's z, a
    bounded prior's standard logistic logit."""
    return float(sum(stats.norm.logpdf(v) if k == "normal" else stats.logistic.logpdf(v)
                     for k, v in zip(kinds, x, strict=True)))  # fmt: skip


def log_posterior(labels: tuple[str, ...], x: np.ndarray) -> float:
    """The calibration's unnormalized log posterior at ``x`` (the ``labels`` coordinates; the
    other informed ones at the baseline's values, ``Simulator.anchor``)."""
    sim = Simulator.default()
    point = sim.anchor | dict(zip(labels, map(float, x), strict=True))
    kinds = {c.label: c.kind for c in sim.space.informed}
    return sim.loglik(point) + log_prior([kinds[k] for k in labels], np.asarray(x))


# ------------------------------------------------------------------ the steps


@dataclass
class Counted:
    """A log density evaluated in batches over a map, counting its evaluations."""

    f: Callable[[np.ndarray], float]
    map_: Map
    progress: Callable[[str], None] | None = None  # told each batch's step and best value
    evaluations: int = 0
    step: str = "mode"

    def batch(self, points: Sequence[np.ndarray]) -> np.ndarray:
        self.evaluations += len(points)
        values = np.asarray(self.map_(self.f, list(points)), dtype=float)
        if self.progress is not None:
            self.progress(f"{self.step}: {self.evaluations} evaluations, highest log posterior "
                          f"in the batch {values.max():.3f}")  # fmt: skip
        return values


def _value_and_gradient(lp: Counted, x: np.ndarray) -> tuple[float, np.ndarray]:
    steps = [x] + [x + GRADIENT_STEP * e for e in np.eye(len(x))]
    values = lp.batch(steps)
    return -values[0], -(values[1:] - values[0]) / GRADIENT_STEP


def mode(lp: Counted, start: np.ndarray, iterations: int) -> optimize.OptimizeResult:
    """The log posterior's maximum by L-BFGS-B from ``start``."""
    return optimize.minimize(functools.partial(_value_and_gradient, lp), start, jac=True,
                             method="L-BFGS-B", options={"maxiter": iterations, "ftol": FTOL, "gtol": GTOL})  # fmt: skip


def _second_differences(lp: Counted, x: np.ndarray, full: bool) -> np.ndarray:
    d, h = len(x), HESSIAN_STEP
    e = np.eye(d) * h
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)] if full else []
    points = [x] + [x + s * e[i] for i in range(d) for s in (1, -1)]
    points += [
        x + a * e[i] + b * e[j] for i, j in pairs for a, b in ((1, 1), (1, -1), (-1, 1), (-1, -1))
    ]
    v = lp.batch(points)
    hess = np.zeros((d, d))
    for i in range(d):
        hess[i, i] = (v[1 + 2 * i] - 2 * v[0] + v[2 + 2 * i]) / h**2
    for n, (i, j) in enumerate(pairs):
        pp, pm, mp, mm = v[1 + 2 * d + 4 * n : 5 + 2 * d + 4 * n]
        hess[i, j] = hess[j, i] = (pp - pm - mp + mm) / (4 * h**2)
    return hess


def curvature(lp: Counted, x: np.ndarray, full: bool) -> tuple[np.ndarray, dict[str, Any]]:
    """The Laplace covariance at ``x``: the inverse of the negative Hessian, its eigenvalues
    floored at ``MIN_PRECISION`` (a direction the data do not curve keeps a wide proposal)."""
    values, vectors = np.linalg.eigh(-_second_differences(lp, x, full))
    floored = int((values < MIN_PRECISION).sum())
    values = np.maximum(values, MIN_PRECISION)
    cov = (vectors / values) @ vectors.T
    return cov, {"floored_eigenvalues": floored, "condition": float(values.max() / values.min())}


def _proposal(center: np.ndarray, cov: np.ndarray):
    return stats.multivariate_t(loc=center, shape=WIDEN * cov, df=DF)


def psis(log_ratio: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Normalized importance weights from log ratios, Pareto-smoothed (PSIS, arviz-stats), and
    their Pareto k̂; with fewer than ``MIN_DRAWS_FOR_K`` finite ratios, or a tail of equal
    ratios no Pareto fits, the raw weights and no k̂. A non-finite ratio weighs 0."""
    finite = np.isfinite(log_ratio)
    log_ratio = np.where(finite, log_ratio, -np.inf)
    top = log_ratio[finite].max()
    k: float | None = None
    if finite.sum() >= MIN_DRAWS_FOR_K:
        with contextlib.suppress(ValueError):  # the tail's ratios all equal
            # arviz-stats' psislw takes negated log ratios (PSIS-LOO's log-likelihoods)
            smoothed, k_hat = array_stats.psislw(top - log_ratio)
            log_ratio, k = smoothed, float(k_hat) if np.isfinite(k_hat) else None
    w = np.exp(log_ratio - log_ratio[finite].max())
    return w / w.sum(), k


def weighed(log_ratio: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """``psis`` weights and their diagnostics (Pareto k̂, effective sample size)."""
    w, k = psis(log_ratio)
    return w, {"pareto_k": k, "ess": float(1.0 / (w**2).sum()),
               "non_finite": int((~np.isfinite(log_ratio)).sum()), "draws": len(w)}  # fmt: skip


def _mixture_logpdf(proposals: list, x: np.ndarray) -> np.ndarray:
    """The log density of the equal mixture of ``proposals`` (each drew as many points): the
    balance heuristic of multiple importance sampling."""
    logs = np.stack([q.logpdf(x) for q in proposals])
    return special.logsumexp(logs, axis=0) - math.log(len(proposals))


def adapted(x: np.ndarray, w: np.ndarray, ess: float, laplace: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The next round's center and covariance: the draws' weighted mean, and their weighted
    covariance shrunk towards the ``laplace`` one by d / (ess + d) (a covariance estimated from
    few effective draws in d dimensions is nearly singular)."""
    mean = (w[:, None] * x).sum(axis=0)
    empirical = ((x - mean).T * w) @ (x - mean)
    d = len(mean)
    return mean, (ess * empirical + d * laplace) / (ess + d)


def enough(diag: dict[str, Any], budget: Budget) -> bool:
    """Whether the weights pass their diagnostic with the budget's effective sample size."""
    k = diag["pareto_k"]
    return (budget.target_ess is not None and k is not None and k <= K_RELIABLE
            and diag["ess"] >= budget.target_ess)  # fmt: skip


def importance(lp: Counted, center: np.ndarray, cov: np.ndarray, budget: Budget,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:  # fmt: skip
    """Weighted draws (points, weights, log posterior values, diagnostics) in at most ``budget.rounds`` rounds of ``draws / rounds`` each: the first
    from the t proposal at the mode; each later one from a t ``adapted`` to every draw so far
    (adaptive importance sampling); every draw weighted against the mixture of all the rounds'
    proposals, the weights Pareto-smoothed; the rounds stop once they are ``enough``."""
    per = budget.draws // budget.rounds
    proposals, x, lpost, rounds = [_proposal(center, cov)], np.empty((0, len(center))), [], []
    while True:
        new = np.atleast_2d(proposals[-1].rvs(size=per, random_state=rng)).reshape(per, -1)
        x, lpost = np.vstack([x, new]), np.concatenate([lpost, lp.batch(list(new))])
        w, diag = weighed(lpost - _mixture_logpdf(proposals, x))
        rounds.append({"pareto_k": diag["pareto_k"], "ess": diag["ess"], "draws": len(w)})
        if len(proposals) == budget.rounds or enough(diag, budget):
            return x, w, lpost, {**diag, "rounds": rounds}
        proposals.append(_proposal(*adapted(x, w, diag["ess"], cov)))


def infer(f: Callable[[np.ndarray], float], start: np.ndarray, budget: Budget, seed: int,
          map_: Map, progress: Callable[[str], None] | None = None,
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any], int]:  # fmt: skip
    """Mode, Laplace covariance and weighted draws of any log density ``f`` of a vector: the
    draws, their weights, their values of ``f``, the diagnostics and the evaluations."""
    lp = Counted(f, map_, progress)
    found = mode(lp, np.asarray(start, dtype=float), budget.iterations)
    lp.step = "curvature"
    cov, curv = curvature(lp, found.x, budget.hessian == "full")
    lp.step = "importance draws"
    x, w, values, weights = importance(lp, found.x, cov, budget, np.random.default_rng(seed))
    diagnostics = {
        "mode": {"log_posterior": float(-found.fun), "iterations": int(found.nit),
                 "evaluations": int(found.nfev),
                 "x": found.x.round(6).tolist(),
                 "converged": bool(found.success), "message": str(found.message),
                 "gradient_norm": float(np.linalg.norm(found.jac))},
        "laplace": {"hessian": budget.hessian, **curv,
                    "sd": np.sqrt(np.diag(cov)).round(6).tolist()},
        "importance": {**weights, "proposal": f"multivariate t, {DF} df, covariance "
                       f"{WIDEN} x Laplace, then {WIDEN} x the weighted draws' shrunk "
                       "towards Laplace by d / (ESS + d) (mixture)",
                       "k_reliable": K_RELIABLE},
    }  # fmt: skip
    return x, w, values, diagnostics, lp.evaluations


def start(sim: Simulator, labels: list[str]) -> np.ndarray:
    """Where the mode search starts: the baseline's values (``Simulator.anchor``), each kept
    within ``START_LIMIT`` of the prior median on the sampling scale (a value at its prior's
    bound sits at a logit of -28, where the log prior's gradient vanishes)."""
    return np.clip([sim.anchor[k] for k in labels], -START_LIMIT, START_LIMIT)


def run(budget: Budget, seed: int, map_: Map, inferred: list[str] | None = None,
        progress: Callable[[str], None] | None = None) -> Result:  # fmt: skip
    """The posterior over the ``inferred`` coordinates (default: every informed one);
    ``progress`` is told each batch of evaluations."""
    sim = Simulator.default()
    labels = [c.label for c in sim.space.informed if inferred is None or c.label in inferred]
    started = time.perf_counter()
    f = functools.partial(log_posterior, tuple(labels))
    x, w, lpost, diagnostics, n = infer(f, start(sim, labels), budget, seed, map_, progress)
    diagnostics["mode"]["x"] = dict(zip(labels, diagnostics["mode"]["x"], strict=True))
    particles = [dict(zip(labels, map(float, row), strict=True)) for row in x]
    kinds = {c.label: c.kind for c in sim.space.informed}
    loglik = lpost - np.array([log_prior([kinds[k] for k in labels], row) for row in x])
    return Result(labels, particles, w, loglik, diagnostics, time.perf_counter() - started, n)


# ------------------------------------------------------------------ Dask


@contextlib.contextmanager
def dask_map(workers: int, scheduler: str | None) -> Iterator[tuple[Map, int]]:
    """A map over Dask workers (a new LocalCluster or a running scheduler), in order, and the
    number of workers."""
    from scomm.sweep import _client

    with _client(workers, scheduler) as client:
        n = len(client.scheduler_info().get("workers", {})) or workers

        def mapped(fn, items):
            futures = client.map(fn, items, pure=False)
            return client.gather(futures)

        client.run(_warm)  # every worker builds its simulator once, before the clock starts
        yield mapped, n


def _warm() -> None:
    Simulator.default()
