"""The second stage draws the held assumptions the data barely see and weighs each draw by its
likelihood over the likelihood at the held values: which coordinates it draws, how it
resamples, and that its weights are the likelihood ratio."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scomm.calibration import held, infer
from scomm.calibration.simulator import Simulator

ASSUMED = "status.deemed_removable@2005-01-01:us_born"  # no source: citation kind assumption
CITED = "detainer.area_intensity@2005-01-01:BAL#z"  # the ICE records' area intensity
BOOKINGS = "bookings_model:poverty_share#z"


@pytest.fixture(scope="module")
def sim() -> Simulator:
    return Simulator.default()


def screen(spread: dict[str, float], slope: float = 0.0, curvature: float = 0.0) -> pl.DataFrame:
    n = len(spread)
    return pl.DataFrame({"coordinate": list(spread), "spread": list(spread.values()),
                         "slope": [slope] * n, "curvature": [curvature] * n})  # fmt: skip


def test_the_coordinates_drawn_are_held_assumptions_the_data_barely_see(sim):
    above = np.nextafter(held.MAX_SPREAD, 2)
    frame = screen({ASSUMED: held.MAX_SPREAD, CITED: 0.01, BOOKINGS: 0.3})
    assert held.chosen(sim, frame, inferred=[]) == [ASSUMED, BOOKINGS]
    over = screen({ASSUMED: above, CITED: 0.01, BOOKINGS: 0.3})
    assert held.chosen(sim, over, inferred=[]) == [BOOKINGS]
    assert held.chosen(sim, frame, inferred=[ASSUMED]) == [BOOKINGS]


def test_without_a_screening_nothing_is_drawn(sim):
    assert held.chosen(sim, None, inferred=[]) == []


def test_systematic_resampling_keeps_each_particle_in_proportion_to_its_weight():
    rng = np.random.default_rng(4)
    idx = held.resample(np.array([0.5, 0.0, 0.25, 0.25]), 8, rng)
    assert np.bincount(idx, minlength=4).tolist() == [4, 0, 2, 2]
    assert set(held.resample(np.array([0.0, 1.0, 0.0]), 5, rng).tolist()) == {1}


def serial(fn, items):
    return [fn(i) for i in items]


def stand_in_loglik(center: float):
    """A likelihood of the drawn coordinate alone, peaked ``center`` away from the anchor."""

    def f(point: dict[str, float]) -> float:
        anchor = Simulator.default().anchor[ASSUMED]
        return -0.5 * (point[ASSUMED] - anchor - center) ** 2

    return f


def inference(sim: Simulator) -> infer.Result:
    """Two particles of an inferred coordinate, each with its likelihood at the held values."""
    f = stand_in_loglik(1.0)
    at_anchor = f({ASSUMED: sim.anchor[ASSUMED]})
    return infer.Result(["x"], [{"x": 0.0}, {"x": 1.0}], np.array([0.25, 0.75]),
                        np.array([at_anchor, at_anchor]), {}, 0.0, 0)  # fmt: skip


def budget(draws: int, rounds: int = 1, target_ess: float | None = None) -> infer.Budget:
    return infer.Budget(draws=draws, iterations=1, hessian="diagonal", rounds=rounds,
                        target_ess=target_ess)  # fmt: skip


def test_each_draw_weighs_its_likelihood_over_the_likelihood_at_the_held_values(sim, monkeypatch):
    f = stand_in_loglik(1.0)
    monkeypatch.setattr(held, "loglik", f)
    result = inference(sim)
    frame = screen({ASSUMED: 0.5}, slope=1.0, curvature=-1.0)
    stage = held.draw(sim, result, frame, [ASSUMED], budget(infer.MIN_DRAWS_FOR_K - 1), 7, serial)
    (q,) = held.proposals(sim, frame, [ASSUMED])
    x = np.array([p[ASSUMED] for p in stage.particles])
    log_ratio = [f(p) - result.log_likelihood[0] for p in stage.particles]
    ratio = np.exp(log_ratio + q.prior.logpdf(x) - q.proposal.logpdf(x))
    assert stage.weights == pytest.approx(ratio / ratio.sum(), rel=1e-12)
    assert stage.evaluations == len(stage.particles) == infer.MIN_DRAWS_FOR_K - 1
    assert stage.diagnostics["coordinates"] == [ASSUMED]


def test_the_proposal_sits_at_the_conditional_laplace_approximation(sim):
    (q,) = held.proposals(sim, screen({ASSUMED: 0.5}, slope=2.0, curvature=-3.0), [ASSUMED])
    precision = 3.0 + 1.0 / (np.pi**2 / 3)  # the likelihood's and the logistic prior's
    assert q.proposal.mean() == pytest.approx(sim.anchor[ASSUMED] + 2.0 / precision)
    assert q.proposal.var() == pytest.approx(held.WIDEN / precision * held.DF / (held.DF - 2))
    assert q.prior.median() == sim.anchor[ASSUMED]
    (flat,) = held.proposals(sim, screen({ASSUMED: 0.5}, curvature=2.0), [ASSUMED])
    assert flat.proposal.var() == pytest.approx(held.WIDEN * np.pi**2 / 3 * 5 / 3)


def test_the_weighted_draws_recover_the_posterior_of_prior_and_likelihood(sim, monkeypatch):
    monkeypatch.setattr(held, "loglik", stand_in_loglik(0.0))
    frame = screen({ASSUMED: 0.5}, curvature=-1.0)
    stage = held.draw(sim, inference(sim), frame, [ASSUMED], budget(4000), 7, serial)
    drawn = np.array([p[ASSUMED] for p in stage.particles])
    assert np.mean([p["x"] for p in stage.particles]) == pytest.approx(0.75, abs=1e-3)
    w = stage.weights
    mean = float((w * drawn).sum())
    exact = np.linspace(-12, 12, 20001)  # logistic prior × unit normal likelihood, both there
    density = np.exp(-0.5 * exact**2) / np.cosh(exact / 2) ** 2
    variance = float((density * exact**2).sum() / density.sum())
    assert mean == pytest.approx(sim.anchor[ASSUMED], abs=0.05)
    assert float((w * (drawn - mean) ** 2).sum()) == pytest.approx(variance, rel=0.08)


def test_the_rounds_stop_once_the_weights_pass_or_the_budget_is_spent(sim, monkeypatch):
    monkeypatch.setattr(held, "loglik", stand_in_loglik(0.0))
    frame = screen({ASSUMED: 0.5}, curvature=-1.0)
    enough = held.draw(sim, inference(sim), frame, [ASSUMED], budget(300, 3, 10.0), 7, serial)
    assert [r["draws"] for r in enough.diagnostics["rounds"]] == [100]
    never = held.draw(sim, inference(sim), frame, [ASSUMED], budget(300, 3, 1e6), 7, serial)
    assert [r["draws"] for r in never.diagnostics["rounds"]] == [100, 200, 300]


def test_with_nothing_to_draw_the_inference_stands(sim):
    result = inference(sim)
    stage = held.draw(sim, result, screen({ASSUMED: 0.5}), [], budget(10), 7, serial)
    assert stage.particles == result.particles and stage.diagnostics is None
    assert stage.evaluations == 0 and stage.weights is result.weights
