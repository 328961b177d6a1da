"""`scomm calibrate --quick` runs the whole inference on a real Dask LocalCluster and writes a
posterior with its provenance; the result depends on the seed alone, not on the order in which
workers finish."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from scomm.calibration import abc
from scomm.calibration import posterior as post
from scomm.errors import UserError

SCOMM = str(Path(sys.executable).parent / "scomm")
PROVENANCE = ("created", "git_commit", "scomm_version", "parameter_digest", "data_digest",
              "pyabc_version", "version", "command", "seed", "budget", "workers",
              "wall_seconds", "simulations", "generations", "ess")  # fmt: skip


@pytest.mark.cluster
@pytest.mark.slow
def test_calibrate_quick_on_a_local_cluster_writes_a_posterior_and_its_provenance(tmp_path):
    """The machinery, not the fit: the quick budget cut to 6 particles (a few minutes here)."""
    done = subprocess.run([SCOMM, "calibrate", "--quick", "--population", "6", "--workers", "2",
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    (parquet,) = tmp_path.glob("*.parquet")
    table = pl.read_parquet(parquet)
    meta = yaml.safe_load(parquet.with_suffix(".yaml").read_text())
    assert set(PROVENANCE) <= set(meta)
    assert meta["budget"]["quick"] and meta["workers"] == 2
    assert meta["budget"]["population"] == 6 and meta["command"].endswith("--out " + str(tmp_path))
    assert table.height == meta["budget"]["population"]
    assert {post.WEIGHT, post.SEED} <= set(table.columns)
    w = table[post.WEIGHT].to_numpy()
    assert np.isfinite(w).all() and w.sum() > 0
    assert meta["coordinates"]["informed"] + meta["coordinates"]["silent"] + 2 == table.width


def shuffled_map(fn, items):
    """A map that computes in a random order (as workers finish) and returns in order."""
    items = list(items)
    order = list(range(len(items)))
    random.Random(99).shuffle(order)
    out = {i: fn(items[i]) for i in order}
    return [out[i] for i in range(len(items))]


@pytest.mark.slow
def test_the_posterior_depends_on_the_seed_not_on_the_order_tasks_finish():
    budget = abc.Budget(population=6, generations=1, min_acceptance=0.01, max_simulations=40)
    a = abc.run(budget, 5, map)
    b = abc.run(budget, 5, shuffled_map)
    assert a.particles == b.particles
    assert np.array_equal(a.weights, b.weights)


def test_refuses_workers_and_a_scheduler_together(tmp_path):
    done = subprocess.run([SCOMM, "calibrate", "--quick", "--workers", "1", "--scheduler",
                           "tcp://127.0.0.1:1", "--out", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("scomm: error: --workers")


def test_a_smaller_population_scales_the_simulation_cap_and_refuses_fewer_than_two():
    quick = abc.Budget.quick()
    small = quick.with_population(6)
    assert (small.population, small.generations) == (6, quick.generations)
    assert small.max_simulations == round(quick.max_simulations * 6 / quick.population)
    with pytest.raises(UserError, match="--population: 1 must be at least 2"):
        quick.with_population(1)
