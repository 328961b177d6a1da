"""Simulation-based inference with pyabc's ABC-SMC, on a Dask cluster.

The simulator (``Simulator``) returns each particle's log-likelihood under the stated error
models; a stochastic kernel hands it to pyabc's ``StochasticAcceptor``, and a ``Temperature``
schedule tempers it from the prior (high temperature) to the posterior (each generation at
most 0.35 of the last one's temperature, lower where the acceptance rate allows; the run stops
at temperature 1): exact inference under the error model, not an approximation by a distance
threshold. The sampler maps pyabc's "simulate until one particle is accepted" over the Dask
workers, one task per particle, each seeded from the run's seed: the posterior depends on the
seed alone, not on the number of workers or the order tasks finish in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
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


@dataclass(frozen=True)
class Budget:
    """How much inference to do."""

    population: int
    generations: int
    min_acceptance: float = 1e-4

    max_simulations: int | None = None

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
        return Budget(population=80, generations=15)


def model(parameters: dict) -> dict[str, float]:
    """pyabc's model: a particle's coordinates in, its log-likelihood out."""
    sim = Simulator.default()
    x = {c.label: float(parameters[c.label]) for c in sim.space.informed}
    return {LOGLIK: sim.loglik(x)}


def prior(sim: Simulator):
    """pyabc's prior over the informed coordinates (sampling scale)."""
    return pyabc.Distribution(
        **{c.label: pyabc.RV(c.scipy_name, 0.0, 1.0) for c in sim.space.informed}
    )


class Loglik(pyabc.StochasticKernel):
    """The stochastic kernel: the model's own log-likelihood (of the data under the stated
    error models), on the log scale; at most 0, each term being a probability or below."""

    def __init__(self) -> None:
        super().__init__(ret_scale=SCALE_LOG, keys=[LOGLIK], pdf_max=0.0)

    def __call__(self, x, x_0, t=None, par=None) -> float:
        return float(x[LOGLIK])


def simulate_until_accepted(simulate_one: bytes, task_seed: int):
    """One sampler task: simulate until one particle is accepted, with the task's seed."""
    simulate = pickle.loads(simulate_one)
    np.random.seed(int(task_seed) % 2**32)
    random.seed(int(task_seed))
    sample, n = pyabc.sampler.base.Sample(), 0
    while True:
        particle = simulate()
        n += 1
        sample.append(particle)
        if particle.accepted:
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
        job = functools.partial(simulate_until_accepted, pickle.dumps(simulate_one))
        seeds = self.rng.integers(0, 2**62, size=n).tolist()
        results = list(self.map_(job, seeds))
        self.nr_evaluations_ = sum(k for _, k in results)
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
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


def run(budget: Budget, seed: int, map_: Callable) -> Result:
    """ABC-SMC with the stochastic acceptor and a temperature schedule ending at 1."""
    sim = Simulator.default()
    logging.getLogger("ABC").setLevel(
        logging.INFO if budget.max_simulations is None else logging.WARNING
    )
    np.random.seed(seed % 2**32)
    random.seed(seed)
    abc = pyabc.ABCSMC(
        model,
        prior(sim),
        Loglik(),
        population_size=budget.population,
        sampler=SeededMappingSampler(map_, seed),
        eps=pyabc.Temperature(
            schemes=[
                pyabc.AcceptanceRateScheme(target_rate=0.3),
                pyabc.ExpDecayFixedRatioScheme(alpha=0.35),
            ],
            enforce_exact_final_temperature=False,
        ),
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
        )
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        pops = history.get_all_populations()
    wall = time.perf_counter() - started
    labels = [c.label for c in sim.space.informed]
    particles = [{k: float(row[k]) for k in labels} for _, row in frame.iterrows()]
    return Result(particles, np.asarray(weights, float), _generations(pops), wall,
                  int(pops["samples"].sum()))  # fmt: skip


def _generations(pops) -> list[dict[str, Any]]:
    rows = []
    for _, r in pops.iterrows():
        if int(r["t"]) < 0:
            continue
        rows.append({"t": int(r["t"]), "temperature": float(r["epsilon"]),
                     "simulations": int(r["samples"]), "particles": int(r["particles"]),
                     "acceptance": float(r["particles"]) / max(float(r["samples"]), 1.0)})  # fmt: skip
    return rows
