"""The real-panel estimates (violent and property crime, every estimator) match the pinned
baselines. Regenerate with `python -m scomm.study.golden --write` and say why in the commit."""

from __future__ import annotations

import json

import pytest

from scomm.study.golden import OUTCOMES, path_of, pinned

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_real_panel_estimates_match_the_golden(outcome):
    expected = json.loads(path_of(outcome).read_text(encoding="utf-8"))
    got = json.loads(json.dumps(pinned(outcome), sort_keys=True))
    assert got["n_counties"] == expected["n_counties"]
    assert got["cohorts"] == expected["cohorts"]
    assert _close(got, expected)


def _close(a, b, path="") -> bool:
    """Equal structure; floats equal to 1e-7 relative (BLAS builds differ in the last bits)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        return all(_close(a[k], b[k], f"{path}.{k}") for k in a)
    if isinstance(a, list):
        assert len(a) == len(b), path
        return all(_close(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True)))
    if isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-7, abs=1e-9), path
        return True
    assert a == b, path
    return True
