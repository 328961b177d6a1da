"""``scomm calibrate``: run the inference, then store the posterior with its provenance."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from scomm.calibration import held, identify, infer
from scomm.calibration import posterior as post
from scomm.calibration import space as sp
from scomm.errors import UserError

DEFAULT_SEED = 20081027  # S-Comm's first activation day


def _table(sim, stage: held.Stage, seed: int) -> pl.DataFrame:
    """The posterior table: weight, bookings seed and every coordinate. The inferred and the
    drawn held coordinates come from the stage's particles; the other screened-out informed
    ones sit at the baseline's values, where the inference held them (the posterior is
    conditional on them: prior draws of them, centered on their priors' midpoints rather than
    on those values, moved the 2 Dec 2026 validation's medians off the targets by up to
    2.8x); the silent ones are drawn around the baseline's values (space.around, keyed by the
    seed)."""
    n = len(stage.particles)
    rng = np.random.default_rng([seed, 1])
    silent = sp.around(sim.space.silent, sim.space.anchor(sim.scenario.params, "silent"), n, rng)
    informed = {c.label: [p.get(c.label, sim.anchor[c.label]) for p in stage.particles]
                for c in sim.space.informed}  # fmt: skip
    seeds = [sp.particle_seed(0, p) for p in stage.particles]
    return pl.DataFrame({post.WEIGHT: stage.weights, post.SEED: seeds, **informed,
                         **{k: v.tolist() for k, v in silent.items()}})  # fmt: skip


def screening(sim, mapped, compute: bool = True) -> pl.DataFrame | None:
    """The likelihood's local sensitivity to each informed coordinate (identify.screen),
    stored in the posterior folder under a key of the parameter tree and the likelihood's
    terms, so a calibration of the same model reuses it; None when it is not stored and
    ``compute`` is False (the quick budget then runs over every informed coordinate)."""
    path = post.folder() / f"screen-{screen_key(sim)}.parquet"
    if path.exists():
        return pl.read_parquet(path)
    if not compute:
        return None
    frame = identify.screen(sim, mapped)
    frame.write_parquet(path, compression="zstd")
    return frame


def screen_key(sim) -> str:
    text = repr((sim.scenario.params.digest(), [c.label for c in sim.space.informed],
                 [t.obs_id for t in sim.terms], identify.SCREEN_STEP, "two-sided, anchored at the baseline"))  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def version_name(params_digest: str, quick: bool) -> str:
    stamp = dt.date.today().strftime("%Y%m%d")
    return f"{stamp}-{params_digest[:8]}" + ("-quick" if quick else "")


def calibrate(
    quick: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    out: Path | None = None,
    seed: int = DEFAULT_SEED,
    population: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Run the inference (calibration.infer) and write ``<version>.parquet`` and ``.yaml`` into
    ``out`` (default: the package's posterior folder); ``population``: importance draws
    instead of the budget's (the test-suite's smaller quick run); ``progress`` is told each
    batch."""
    from scomm.calibration.simulator import Simulator

    if workers is not None and scheduler is not None:
        raise UserError("--workers: give either --workers or --scheduler, not both")
    if workers is not None and workers < 1:
        raise UserError(f"--workers: {workers} must be at least 1")
    budget = infer.Budget.quick() if quick else infer.Budget.full()
    if population is not None:
        budget = budget.with_population(population)
    sim = Simulator.default()
    with infer.dask_map(workers or 2, scheduler) as (mapped, n_workers):
        screen = screening(sim, mapped, compute=not quick)
        inferred = (
            [c.label for c in sim.space.informed] if screen is None else identify.chosen(screen)
        )
        result = infer.run(budget, seed, mapped, inferred, progress)
        started = time.perf_counter()
        sensitivity = identify.morris(sim, mapped, seed, inferred) if budget.morris else None
        morris_seconds = time.perf_counter() - started
        drawn = held.chosen(sim, screen, inferred)
        stage = held.draw(sim, result, screen, drawn, budget, seed, mapped, progress)
    table = _table(sim, stage, seed)
    version = version_name(sim.scenario.params.digest(), quick)
    w = table[post.WEIGHT].to_numpy()
    settings = {
        "version": version,
        "command": " ".join(["scomm", "calibrate", *sys.argv[2:]]) if sys.argv else "",
        "seed": seed,
        "budget": {"population": budget.draws, "iterations": budget.iterations,
                   "hessian": budget.hessian, "rounds": budget.rounds,
                   "target_ess": budget.target_ess, "quick": quick},
        "workers": n_workers,
        "wall_seconds": round(result.wall_seconds, 1),
        "simulations": result.evaluations + stage.evaluations,
        "method": "laplace-psis",
        **result.diagnostics,
        "ess": float(w.sum() ** 2 / (w**2).sum()),
        "coordinates": {"informed": len(sim.space.informed), "silent": len(sim.space.silent),
                        "inferred": len(inferred)},
        "screening": {"step": identify.SCREEN_STEP, "min_spread": identify.SCREEN_MIN,
                      "max_inferred": identify.SCREEN_MAX, "key": screen_key(sim),
                      "inferred": inferred, "drawn": drawn,
                      "screened_out": [c.label for c in sim.space.informed
                                       if c.label not in inferred]},
        "likelihood_terms": len(sim.terms),
        "morris": None if sensitivity is None else {
            "trajectories": identify.MORRIS_TRAJECTORIES, "levels": identify.MORRIS_LEVELS,
            "evaluations": identify.MORRIS_TRAJECTORIES * (len(inferred) + 1),
            "wall_seconds": round(morris_seconds, 1)},
        "held": stage.diagnostics,
    }  # fmt: skip
    provenance = post.provenance(sim.scenario.params, settings)
    root = out or post.folder()
    paths = post.write(root, version, post.Posterior(table, provenance))
    if sensitivity is not None:
        target = root / f"{version}.morris.parquet"
        sensitivity.write_parquet(target, compression="zstd")
        paths.append(target)
    post.latest.cache_clear()
    return paths
