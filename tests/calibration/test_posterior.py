"""A posterior says what it is: a quick run's and one whose importance weights fail their
Pareto k̂ diagnostic are marked on every page and interval; one that passes is not."""

from __future__ import annotations

import polars as pl
import pytest

from scomm.calibration import posterior as post
from scomm.intervals import INCLUDES


def posterior(quick: bool, k: float | None) -> post.Posterior:
    table = pl.DataFrame({post.WEIGHT: [0.5, 0.25, 0.25], post.SEED: [1, 2, 3], "x": [0.0] * 3})
    prov = {"version": "v", "budget": {"quick": quick}, "importance": {"pareto_k": k}}
    return post.Posterior(table, prov)


@pytest.mark.parametrize(
    ("quick", "k", "method"),
    [
        (False, 0.69, "posterior+seeds"),
        (False, post.K_RELIABLE, "posterior+seeds"),
        (False, 0.71, "unreliable-posterior+seeds"),
        (False, None, "unreliable-posterior+seeds"),
        (True, 0.2, "quick-posterior+seeds"),
    ],
)
def test_the_interval_method_follows_the_run_and_its_diagnostic(quick, k, method):
    p = posterior(quick, k)
    assert post.interval_method(p) == method
    assert method in INCLUDES
    assert bool(post.caveat(p)) == (method != "posterior+seeds")
    if method != "posterior+seeds":
        assert "NOT the fit" in post.caveat(p) and "not the fit" in INCLUDES[method]


def test_the_caveat_gives_the_diagnostic_and_the_effective_sample_size():
    text = post.caveat(posterior(False, 0.93))
    assert "Pareto k 0.93" in text and "effective sample size 2.7" in text
    assert "not estimable" in post.caveat(posterior(False, None))
