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


def screen(sensitivity: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {"coordinate": list(sensitivity), "sensitivity": list(sensitivity.values())}
    )


def test_the_coordinates_drawn_are_held_assumptions_below_the_threshold(sim):
    below = np.nextafter(held.MAX_SENSITIVITY, 0)
    frame = screen({ASSUMED: below, CITED: 0.01, BOOKINGS: 0.3})
    assert held.chosen(sim, frame, inferred=[]) == [ASSUMED, BOOKINGS]
    at = screen({ASSUMED: held.MAX_SENSITIVITY, CITED: 0.01, BOOKINGS: 0.3})
    assert held.chosen(sim, at, inferred=[]) == [BOOKINGS]
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
    stage = held.draw(sim, result, [ASSUMED], budget(infer.MIN_DRAWS_FOR_K - 1), 7, serial)
    ratio = np.exp([f(p) - result.log_likelihood[0] for p in stage.particles])
    assert stage.weights == pytest.approx(ratio / ratio.sum(), rel=1e-12)
    assert stage.evaluations == len(stage.particles) == infer.MIN_DRAWS_FOR_K - 1
    assert stage.diagnostics["coordinates"] == [ASSUMED]


def test_the_draws_center_on_the_held_value_and_keep_the_particles_proportions(sim, monkeypatch):
    monkeypatch.setattr(held, "loglik", stand_in_loglik(0.0))
    stage = held.draw(sim, inference(sim), [ASSUMED], budget(2000), 7, serial)
    drawn = np.array([p[ASSUMED] for p in stage.particles])
    assert np.median(drawn) == pytest.approx(sim.anchor[ASSUMED], abs=0.15)
    assert np.mean([p["x"] for p in stage.particles]) == pytest.approx(0.75, abs=1e-3)
    w = stage.weights
    mean = float((w * drawn).sum())
    assert mean == pytest.approx(sim.anchor[ASSUMED], abs=0.1)  # the likelihood peaks there
    assert float((w * (drawn - mean) ** 2).sum()) < 0.9 * float(np.var(drawn))


def test_the_rounds_stop_once_the_weights_pass_or_the_budget_is_spent(sim, monkeypatch):
    monkeypatch.setattr(held, "loglik", stand_in_loglik(0.0))
    enough = held.draw(sim, inference(sim), [ASSUMED], budget(300, 3, 10.0), 7, serial)
    assert [r["draws"] for r in enough.diagnostics["rounds"]] == [100]
    never = held.draw(sim, inference(sim), [ASSUMED], budget(300, 3, 1e6), 7, serial)
    assert [r["draws"] for r in never.diagnostics["rounds"]] == [100, 200, 300]


def test_with_nothing_to_draw_the_inference_stands(sim):
    result = inference(sim)
    stage = held.draw(sim, result, [], budget(10), 7, serial)
    assert stage.particles == result.particles and stage.diagnostics is None
    assert stage.evaluations == 0 and stage.weights is result.weights
