"""Simulation-based inference with pyabc's ABC-SMC, on a Dask cluster.

The simulator (``Simulator``) returns each particle's log-likelihood under the stated error
models, a deterministic function of the coordinates (the bookings model's county and state
effects are integrated in the likelihood, not drawn per particle: a per-particle draw made the
likelihood noisy by tens of log units, and a noisy likelihood collapses the population, see
tests/calibration/test_schedule.py); a stochastic kernel hands it to pyabc's
``StochasticAcceptor``, and a ``Temperature`` schedule tempers it from the prior (high
temperature) to the posterior (temperature 1): each generation at the lower of the temperature
an acceptance rate of ``TARGET_RATE`` allows and ``COOLING`` times the last one's. New
particles come from pyabc's multivariate normal kernel (the population's weighted covariance,
Silverman's bandwidth), which shrinks as the population contracts. pyabc's ESS-based scheme
and its local kernel were tried on the test's likelihood and kept fewer effective particles
(docs/calibration.md). The inference runs over the coordinates the likelihood is sensitive to
(``identify.screen``); the others are held at their prior median and drawn from their prior
afterwards. The sampler maps pyabc's "simulate until one particle is accepted" over the Dask
workers, one task per particle, each seeded from the run's seed: the posterior depends on the
seed alone, not on the number of workers or the order tasks finish in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import math
import pickle
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyabc
from pyabc.distance import SCALE_LOG

from scomm.calibration.simulator import Simulator
from scomm.errors import UserError

LOGLIK = "loglik"
TARGET_RATE = 0.3  # the acceptance rate a generation's temperature aims at
COOLING = 0.35  # and at least this cooling ratio per generation


@dataclass(frozen=True)
class Budget:
    """How much inference to do."""

    population: int
    generations: int
    min_acceptance: float = 1e-4

    max_simulations: int | None = None
    max_minutes: float | None = None  # wall-clock cap (pyabc's max_walltime)
    morris: bool = False  # a Morris analysis (SALib) of the inferred coordinates after the run

    @staticmethod
    def quick() -> Budget:
        """A small budget (the test-suite's): it exercises every part of the calibration in
        one generation, whose temperature is far above 1 (the provenance and every page and
        interval drawn from it say so): a tempered approximation, much wider than the
        posterior, with an effective sample size near its population."""
        return Budget(population=24, generations=1, min_acceptance=0.01, max_simulations=200)

    def with_population(self, population: int) -> Budget:
        """The same budget with ``population`` particles per generation and the simulation
        cap scaled in proportion."""
        if population < 2:
            raise UserError(f"--population: {population} must be at least 2")
        cap = self.max_simulations
        scaled = None if cap is None else max(population, round(cap * population / self.population))
        return dataclasses.replace(self, population=population, max_simulations=scaled)

    @staticmethod
    def full() -> Budget:
        """The full budget: 64 particles per generation, up to 40 generations, 6,000
        simulations or 40 minutes, whichever comes first, and a generation whose acceptance
        rate falls below 5% stops the run (on this 2-core machine; a larger
        cluster can raise them, and add the Morris analysis, 8 × (inferred + 1) more
        simulations; here the screening is the sensitivity analysis)."""
        return Budget(
            population=64,
            generations=40,
            min_acceptance=0.05,
            max_simulations=6000,
            max_minutes=40.0,
        )


def model(parameters: dict) -> dict[str, float]:
    """pyabc's model: a particle's inferred coordinates in (the other informed ones at their
    prior median, 0 on the sampling scale), its log-likelihood out."""
    sim = Simulator.default()
    x = {c.label: float(parameters.get(c.label, 0.0)) for c in sim.space.informed}
    return {LOGLIK: sim.loglik(x)}


def prior(coordinates) -> pyabc.Distribution:
    """pyabc's prior over the inferred coordinates (sampling scale)."""
    return pyabc.Distribution(**{c.label: pyabc.RV(c.scipy_name, 0.0, 1.0) for c in coordinates})


def temperature() -> pyabc.Temperature:
    """The schedule: the lower of an acceptance-rate step and a fixed cooling ratio."""
    return pyabc.Temperature(
        schemes=[pyabc.AcceptanceRateScheme(target_rate=TARGET_RATE),
                 pyabc.ExpDecayFixedRatioScheme(alpha=COOLING)],
        enforce_exact_final_temperature=False,
    )  # fmt: skip


def transition() -> pyabc.Transition:
    """The proposal kernel: a normal with the population's weighted covariance."""
    return pyabc.MultivariateNormalTransition()


class Loglik(pyabc.StochasticKernel):
    """The stochastic kernel: the model's own log-likelihood (of the data under the stated
    error models), on the log scale; at most 0, each term being a probability or below."""

    def __init__(self) -> None:
        super().__init__(ret_scale=SCALE_LOG, keys=[LOGLIK], pdf_max=0.0)

    def __call__(self, x, x_0, t=None, par=None) -> float:
        return float(x[LOGLIK])


def simulate_until_accepted(simulate_one: bytes, task_seed: int, max_tries: float = np.inf):
    """One sampler task: simulate until one particle is accepted, with the task's seed, or
    until ``max_tries`` simulations (the generation's share of pyabc's max_eval)."""
    simulate = pickle.loads(simulate_one)
    np.random.seed(int(task_seed) % 2**32)
    random.seed(int(task_seed))
    sample, n = pyabc.sampler.base.Sample(), 0
    while n < max_tries:
        particle = simulate()
        n += 1
        sample.append(particle)
        if particle.accepted:
            return sample, n
    return sample, n


class SeededMappingSampler(pyabc.sampler.MappingSampler):
    """pyabc's MappingSampler with tasks seeded from the run's seed (pyabc's own reseeds each
    task from the operating system, which no seed reproduces); results come back in task
    order whatever the workers."""

    def __init__(self, map_: Callable, seed: int) -> None:
        super().__init__(map_=map_, mapper_pickles=False)
        self.rng = np.random.default_rng(seed)

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):  # fmt: skip
        tries = math.ceil(max_eval / n) if np.isfinite(max_eval) else np.inf
        job = functools.partial(simulate_until_accepted, pickle.dumps(simulate_one),
                                max_tries=tries)  # fmt: skip
        seeds = self.rng.integers(0, 2**62, size=n).tolist()
        results = list(self.map_(job, seeds))
        self.nr_evaluations_ = sum(k for _, k in results)
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
        if sample.n_accepted < n:  # a task ran out of tries: the acceptance rate fell below
            sample.ok = False  # the budget's minimum, and pyabc stops at the last population
        return sample


@contextlib.contextmanager
def dask_map(workers: int, scheduler: str | None) -> Iterator[tuple[Callable, int]]:
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


@dataclass(frozen=True)
class Result:
    """What an inference produced: the last population, its history, timings."""

    particles: list[dict[str, float]]
    weights: np.ndarray
    generations: list[dict[str, Any]]
    wall_seconds: float
    evaluations: int


def run(budget: Budget, seed: int, map_: Callable, inferred: list[str] | None = None) -> Result:
    """ABC-SMC of the likelihood over the ``inferred`` coordinates (default: every informed
    one), the stochastic acceptor and the adaptive temperature schedule ending at 1."""
    sim = Simulator.default()
    chosen = [c for c in sim.space.informed if inferred is None or c.label in inferred]
    return smc(model, prior(chosen), budget, seed, map_)


def smc(model_: Callable, prior_: pyabc.Distribution, budget: Budget, seed: int,
        map_: Callable) -> Result:  # fmt: skip
    """The ABC-SMC itself, for any model returning ``{LOGLIK: value}``."""
    logging.getLogger("ABC").setLevel(
        logging.INFO if budget.max_simulations is None or budget.max_minutes else logging.WARNING
    )
    np.random.seed(seed % 2**32)
    random.seed(seed)
    abc = pyabc.ABCSMC(
        model_,
        prior_,
        Loglik(),
        population_size=budget.population,
        sampler=SeededMappingSampler(map_, seed),
        transitions=transition(),
        eps=temperature(),
        acceptor=pyabc.StochasticAcceptor(),
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        abc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", {LOGLIK: 0.0})
        history = abc.run(
            minimum_epsilon=1.0,  # stop once a generation is at temperature 1: the posterior
            max_nr_populations=budget.generations,
            min_acceptance_rate=budget.min_acceptance,
            max_total_nr_simulations=budget.max_simulations or np.inf,
            max_walltime=None
            if budget.max_minutes is None
            else dt.timedelta(minutes=budget.max_minutes),
        )
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        pops = history.get_all_populations()
        ess = [_ess(history.get_distribution(m=0, t=t)[1]) for t in range(history.max_t + 1)]
    wall = time.perf_counter() - started
    labels = list(prior_.keys())
    particles = [{k: float(row[k]) for k in labels} for _, row in frame.iterrows()]
    return Result(particles, np.asarray(weights, float), _generations(pops, ess), wall,
                  int(pops["samples"].sum()))  # fmt: skip


def _ess(w) -> float:
    w = np.asarray(w, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


def _generations(pops, ess: list[float]) -> list[dict[str, Any]]:
    rows = []
    for _, r in pops.iterrows():
        if int(r["t"]) < 0:
            continue
        rows.append({"t": int(r["t"]), "temperature": float(r["epsilon"]),
                     "simulations": int(r["samples"]), "particles": int(r["particles"]),
                     "acceptance": float(r["particles"]) / max(float(r["samples"]), 1.0),
                     "ess": round(ess[int(r["t"])], 2)})  # fmt: skip
    return rows
