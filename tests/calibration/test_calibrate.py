"""`scomm calibrate --quick` runs the whole inference on a real Dask LocalCluster and writes a
posterior with its provenance; the result depends on the seed alone, not on the order in which
workers finish (tests/calibration/test_infer.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from scomm.calibration import posterior as post

SCOMM = str(Path(sys.executable).parent / "scomm")
PROVENANCE = ("created", "git_commit", "scomm_version", "parameter_digest", "data_digest",
              "scipy_version", "arviz_stats_version", "version", "command", "seed", "budget",
              "workers", "wall_seconds", "simulations", "method", "mode", "laplace",
              "importance", "ess")  # fmt: skip


@pytest.mark.cluster
@pytest.mark.slow
def test_calibrate_quick_on_a_local_cluster_writes_a_posterior_and_its_provenance(tmp_path):
    """The machinery, not the fit: the quick budget cut to 6 draws (a few minutes here)."""
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
    assert meta["method"] == "laplace-psis" and meta["importance"]["draws"] == 6
    assert meta["importance"]["pareto_k"] is None  # too few draws to judge the weights
    assert meta["coordinates"]["informed"] + meta["coordinates"]["silent"] + 2 == table.width


def test_refuses_workers_and_a_scheduler_together(tmp_path):
    done = subprocess.run([SCOMM, "calibrate", "--quick", "--workers", "1", "--scheduler",
                           "tcp://127.0.0.1:1", "--out", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("scomm: error: --workers")
