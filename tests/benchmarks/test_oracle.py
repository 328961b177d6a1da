"""The statistical oracle: the engine agrees with the object-per-booking reference model
(benchmarks/reference_model.py) in distribution.

Both models read the same compiled inputs and feed the same summary and metrics code;
they differ in how they draw: the engine carries only matched bookings and draws a match's
status from one counter-based uniform by Bayes' rule, the reference gives every booking a
status first and walks it through the stages with Python's own generator. So agreement
checks the engine's shortcuts against the plain reading of the rules.

Tolerance: for every measure (every total and every numeric metric value), the means over
R replicates of each model must not differ by a two-sided Welch t-test at a family-wise
false-alarm rate of 0.1% (Bonferroni over the measures); the stages without chance
(bookings, submissions) must agree exactly. Two workloads:

* Rhode Island from its activation month (22 Mar 2011, so that month's submissions are
  prorated) to Feb 2013 (the traffic and minor-offense restrictions of 2012), with a test
  law limiting detainers in Providence County, pretextual arrests there, and
  interoperability switched off in Washington County from July 2012;
* Delaware in the first half of 2025 (the Laken Riley Act's mandatory detainers);
* Utah in 2010, where Weber County's 287(g) jail agreement (from 22 Sep 2008) runs beside
  S-Comm's rollout, so both channels and their split (``totals.by_channel``) are compared.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from unittest import mock

import numpy as np
import pytest
from scipy import stats

from scomm import api, engine
from scomm.sweep import measures

ROOT = Path(__file__).resolve().parents[2]
R = 16
FAMILY_ALPHA = 0.001
SCENARIO = """\
name: oracle-ri
description: Rhode Island with a county detainer limit and a county leaving S-Comm (test).
base: baseline
parameters:
  - name: program.interoperability
    from: 2012-07-01
    counties: ["44009"]
    value: false
laws:
  add:
    - id: oracle-providence-limit
      title: Test limit on detainers in Providence County
      summary: Honor detainers only for ICE Level 1 and Level 2 (a test law).
      binds: {counties: ["44007"]}
      agency: county jail
      effective: 2012-01-01
      effect: honor_only_if
      levels: [level1, level2]
      citation: {title: "oracle test law", url: "docs/performance.md", date: 2012-01-01, kind: assumption}
pretext:
  - {counties: ["44007"], from: 2012-01-01, rate: 0.5}
"""
EXACT = ("totals.bookings", "totals.submissions")
WORKLOADS = {
    "ri-2011-2013": (SCENARIO, {"states": ["RI"], "start": "2011-03", "end": "2013-02"}),
    "de-2025": (None, {"states": ["DE"], "start": "2025-01", "end": "2025-06"}),
    "ut-2010": (None, {"states": ["UT"], "start": "2010-01", "end": "2010-12"}),
}


def _reference_model() -> ModuleType:
    path = ROOT / "benchmarks" / "reference_model.py"
    spec = importlib.util.spec_from_file_location("reference_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=sorted(WORKLOADS))
def workload(request, tmp_path_factory) -> dict:
    """api.run keyword arguments: the scenario (a file or baseline) and the place and period."""
    text, where = WORKLOADS[request.param]
    if text is None:
        return {"scenario": "baseline", **where}
    path = tmp_path_factory.mktemp("oracle") / "oracle-ri.yaml"
    path.write_text(text)
    return {"scenario": str(path), **where}


@pytest.fixture(scope="module")
def engine_runs(workload) -> list[dict[str, float]]:
    return [measures(api.run(seed=s, **workload).summary) for s in range(R)]


@pytest.fixture(scope="module")
def reference_runs(workload) -> list[dict[str, float]]:
    ref = _reference_model()
    return [measures(ref.run(seed=s, **workload).summary) for s in range(R)]


def _values(runs: list[dict[str, float]], name: str) -> np.ndarray:
    return np.array([r[name] for r in runs if name in r])


def disagreements(a: list[dict], b: list[dict]) -> dict[str, float]:
    """Measures whose means differ at the family-wise level: name → Welch p-value."""
    names = sorted(set().union(*a, *b))
    threshold = FAMILY_ALPHA / len(names)
    out = {}
    for name in names:
        x, y = _values(a, name), _values(b, name)
        assert len(x) >= 2 and len(y) >= 2, f"{name}: reported by too few replicates"
        if np.ptp(x) == 0 and np.ptp(y) == 0:
            p = 1.0 if x[0] == y[0] else 0.0
        else:
            p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        if p < threshold:
            out[name] = p
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("oracle")
def test_case_stages_without_chance_agree_exactly(engine_runs, reference_runs):
    for name in EXACT:
        assert _values(engine_runs, name).tolist() == _values(reference_runs, name).tolist()


@pytest.mark.slow
@pytest.mark.xdist_group("oracle")
def test_case_both_models_report_the_same_measures(engine_runs, reference_runs):
    assert set().union(*engine_runs) == set().union(*reference_runs)


@pytest.mark.slow
@pytest.mark.xdist_group("oracle")
def test_case_every_total_and_metric_agrees_with_the_reference(engine_runs, reference_runs):
    assert len(engine_runs[0]) >= 13  # the totals at least
    assert any(name.startswith("totals.by_channel.287g.") for name in engine_runs[0])
    assert disagreements(engine_runs, reference_runs) == {}


@pytest.mark.slow
@pytest.mark.xdist_group("oracle")
@pytest.mark.parametrize("workload", ["ri-2011-2013"], indirect=True)
def test_case_the_oracle_catches_a_ten_percent_error_in_the_detainer_rate(workload, reference_runs):
    def biased(inputs, seed=0, progress=None):
        wrong = dataclasses.replace(inputs, p_detainer=inputs.p_detainer * 0.9)
        return engine.simulate(wrong, seed, progress)

    with mock.patch.object(api, "simulate", biased):
        runs = [measures(api.run(seed=s, **workload).summary) for s in range(R)]
    assert "totals.detainers" in disagreements(runs, reference_runs)
