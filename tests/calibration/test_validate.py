"""Leave-one-out reweights an equally weighted resample of the posterior and says, through the
Pareto k̂ of the weights, whether the reweighting can be trusted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from scomm.calibration import posterior as post
from scomm.calibration import validate


def posterior(weights: list[float]) -> post.Posterior:
    n = len(weights)
    table = pl.DataFrame({post.WEIGHT: weights, post.SEED: list(range(n)),
                          "x": [float(i) for i in range(n)]})  # fmt: skip
    return post.Posterior(table, {"version": "v", "screening": {"screened_out": []}})


def test_leave_one_out_reweights_the_heaviest_particles_that_carry_the_weight():
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 3, mass=0.85) == [1, 2]
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 3, mass=0.95) == [1, 2, 0]
    assert validate.heaviest(posterior([0.1, 0.6, 0.3]), 1, mass=0.95) == [1]
    assert validate.heaviest(posterior([0.0, 1.0, 0.0]), 3) == [1]


def test_a_term_equal_at_every_particle_gives_no_pareto_k_and_is_not_called_reliable():
    @dataclass
    class Flat:
        def loglik_terms(self, x: dict[str, float]) -> dict[str, float]:
            return {"flat": -3.0}

    out = validate.leave_one_out(Flat(), posterior([1.0] * 100), n=100)
    assert out["flat"]["pareto_k"] is None and not out["flat"]["reliable"]
    assert out["flat"]["ess"] == pytest.approx(100)


@dataclass
class TwoTerms:
    """A stand-in simulator: one term every particle fits about as well, one that a single
    particle fits far worse than the rest (leaving it out rests on that particle)."""

    def loglik_terms(self, x: dict[str, float]) -> dict[str, float]:
        i = int(x["x"])
        rng = np.random.default_rng(i)
        return {"calm": float(rng.normal(0, 0.1)), "wild": -40.0 if i == 3 else float(rng.normal())}


def test_a_term_one_particle_carries_is_flagged_and_a_calm_one_is_not():
    out = validate.leave_one_out(TwoTerms(), posterior([1.0] * 300), n=300)
    assert out["calm"]["reliable"] and out["calm"]["pareto_k"] < 0.5
    assert not out["wild"]["reliable"] and out["wild"]["pareto_k"] > post.K_RELIABLE
    assert out["calm"]["ess"] == pytest.approx(300, rel=0.05)
