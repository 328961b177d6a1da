"""Replicates draw parameter sets from the posterior as well as seeds: `scomm run
--replicates 20 --json` gives every count an interval whose method names the posterior, and
the interval of U.S. citizens held (whose parameter no data pin) is wider than seeds alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scomm.calibration import posterior as post

SCOMM = str(Path(sys.executable).parent / "scomm")
RUN = ["run", "--states", "AZ", "--start", "2010-01", "--end", "2010-12", "--replicates", "20",
       "--json"]  # fmt: skip


def leaves(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, f"{path}.{k}")
    else:
        yield path, node


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
    assert post.latest() is not None
    iv = doc["intervals"]
    assert iv["method"].startswith("posterior parameter draws and simulation seeds")
    assert post.latest().provenance["version"] in iv["method"]
    assert ("not the fit" in iv["method"]) == bool(post.caveat(post.latest()))
    for path, _ in leaves(doc["totals"]):
        lo, hi = _at(iv["totals"], path)
        assert lo <= hi, path
    assert set(iv["by_state"]) == set(doc["by_state"])
    assert "posterior" in doc["metrics"]["interval_method"]


@pytest.mark.slow
def test_parameter_uncertainty_widens_the_citizens_interval(runs):
    def width(doc):
        lo, hi = doc["intervals"]["totals"]["us_citizens_detained"]
        return hi - lo

    assert runs["seeds"]["intervals"]["method"].startswith("simulation seeds only")
    assert width(runs["posterior"]) > width(runs["seeds"])


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


def _at(node, path):
    for part in path.strip(".").split("."):
        node = node[part]
    return node
