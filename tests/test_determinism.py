"""Determinism (../shared/CONTRACT.md): the same inputs and seed give byte-identical
outputs, whatever the process, the hash seed, the number of workers or the places run
alongside."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scomm import api, sweep

NY_2011 = {"states": ["NY"], "start": "2011-01", "end": "2011-12"}


def test_case_run_twice_in_fresh_processes_writes_byte_identical_outputs(cli, tmp_path):
    args = ["run", "--states", "RI", "--start", "2011-01", "--end", "2012-06", "--seed", "3"]
    for i, hash_seed in enumerate(("1", "2")):
        res = cli(*args, "--out", str(tmp_path / f"r{i}"), env={"PYTHONHASHSEED": hash_seed})
        assert res.returncode == 0, res.stderr
    for name in ("summary.json", "flows.parquet"):
        assert (tmp_path / "r0" / name).read_bytes() == (tmp_path / "r1" / name).read_bytes()


def test_case_a_state_comes_out_the_same_whatever_other_states_run_beside_it():
    alone = api.run(seed=5, **NY_2011)
    beside = api.run(seed=5, **{**NY_2011, "states": ["NJ", "NY", "PA"]})
    assert alone.summary["by_state"]["NY"] == beside.summary["by_state"]["NY"]
    ny = beside.flows.filter(pl.col("state") == "NY")
    assert alone.flows.sort("stage", "county_fips", "month").equals(
        ny.sort("stage", "county_fips", "month")
    )


def test_case_a_different_seed_gives_different_draws():
    a, b = api.run(seed=0, **NY_2011), api.run(seed=1, **NY_2011)
    assert a.summary["totals"]["bookings"] == b.summary["totals"]["bookings"]
    assert not np.array_equal(a.simulation.cohort.key, b.simulation.cohort.key)


@pytest.mark.cluster
@pytest.mark.xdist_group("dask")
def test_case_a_sweep_on_one_worker_and_on_two_writes_byte_identical_results(cli, tmp_path):
    args = ["sweep", "--scenarios", "baseline", "--states", "DE", "--start", "2011-01"]
    args += ["--end", "2011-12", "--replicates", "4", "--seed", "11"]
    for workers in ("1", "2"):
        res = cli(*args, "--workers", workers, "--out", str(tmp_path / f"w{workers}"))
        assert res.returncode == 0, res.stderr
    for name in ("summary.json", "results.parquet"):
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / "w2" / name).read_bytes()
    # Replicate r of the sweep is exactly the run with seed 11 + r and the posterior particle
    # that seed draws.
    table = pl.read_parquet(tmp_path / "w2" / "results.parquet")
    rep2 = table.filter(pl.col("replicate") == 2)
    run = api.run(scenario="baseline", states=["DE"], start="2011-01", end="2011-12", seed=13,
                  draw=True)  # fmt: skip
    assert dict(zip(rep2["measure"], rep2["value"], strict=True)) == sweep.measures(run.summary)
