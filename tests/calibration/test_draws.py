"""Replicates draw parameter sets from the posterior as well as seeds: `scomm run
--replicates 20 --json` gives every count an interval whose method names the posterior, and
the interval of U.S. citizens held (whose parameter no data pin) is wider than seeds alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scomm import names
from scomm.calibration import posterior as post
from scomm.intervals import Interval

SCOMM = str(Path(sys.executable).parent / "scomm")
RUN = ["run", "--states", "AZ", "--start", "2010-01", "--end", "2010-12", "--replicates", "20",
       "--json"]  # fmt: skip


@pytest.fixture(scope="module")
def runs():
    out = {}
    for name, extra in (("posterior", []), ("seeds", ["--seeds-only"])):
        done = subprocess.run([SCOMM, *RUN, *extra], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        out[name] = json.loads(done.stdout)
    return out


@pytest.mark.slow
def test_every_count_has_an_interval_whose_method_names_the_posterior(runs):
    doc = runs["posterior"]
    found = post.latest()
    assert found is not None
    method = post.interval_method(found)
    label = Interval.from_dict(doc["intervals"]["removals"]).label()
    assert label.startswith("range over 20 runs: posterior parameter draws and simulation seeds")
    assert ("not the fit" in label) == bool(post.caveat(found))
    for section in (doc, *doc["by_state"].values()):
        assert set(section["intervals"]) == set(names.flat_totals(totals_of(section)))
        for key, iv in section["intervals"].items():
            assert iv["method"] == method and iv["low"] <= iv["high"], key
            assert (iv["runs"], iv["seeds"]) == (20, [0, 19]), key
    metrics = doc["metrics"]
    assert metrics["interval_basis"]["method"] == method
    assert found.provenance["version"] in metrics["interval_method"]


@pytest.mark.slow
def test_parameter_uncertainty_widens_the_citizens_interval(runs):
    def width(doc):
        iv = doc["intervals"]["us_citizens_detained"]
        return iv["high"] - iv["low"]

    seeds = Interval.from_dict(runs["seeds"]["intervals"]["us_citizens_detained"])
    assert seeds.method == "seeds" and "simulation seeds only" in seeds.label()
    assert width(runs["posterior"]) > width(runs["seeds"])


def totals_of(section: dict) -> dict:
    """A summary section's totals (the run's under ``totals``, a state's at its top level)."""
    return section.get("totals", section)


@pytest.mark.slow
def test_the_same_seed_draws_the_same_parameters(runs):
    done = subprocess.run([SCOMM, *RUN], capture_output=True, text=True, timeout=600)
    assert json.loads(done.stdout)["intervals"] == runs["posterior"]["intervals"]


def test_a_seed_draws_a_particle_by_its_weight():
    p = post.latest()
    if p is None:
        pytest.skip("no packaged posterior")
    picks = [p.draw(s) for s in range(400)]
    assert picks == [p.draw(s) for s in range(400)]
    heavy = int(p.weights().argmax())
    assert picks.count(heavy) >= 1 or p.weights().max() < 0.01
