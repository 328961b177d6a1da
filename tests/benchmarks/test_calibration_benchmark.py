"""benchmarks/calibration.py still runs against the package: its in-process parts once (the
batch on Dask workers is left to the benchmark), so an API change fails here, not on the day
the figures are wanted (obs.loglik gained an argument and the benchmark crashed unseen)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "calibration_bench", ROOT / "benchmarks" / "calibration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_calibration_benchmark_measures_the_likelihood_and_its_parts():
    out = _benchmark().likelihood(1)
    assert out["terms"] > 400 and out["coordinates"] > 0
    assert math.isfinite(out["loglik_s"]) and out["loglik_s"] > 0
    assert set(out["parts"]) == {"compile", "expectation", "terms"}
    assert all(p["wall_s"] > 0 and p["cpu_s"] > 0 for p in out["parts"].values())
