"""Posterior draws of the bookings model are reproducible, centered on the fit, and carry
the stated county and state dispersion."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scomm.bookings.covariates import county_table
from scomm.bookings.model import default_model, from_rows


def test_packaged_model_has_the_documented_terms():
    m = default_model()
    assert m.terms == ("intercept", "log_density", "poverty_share")
    assert m.cov.shape == (4, 4)
    assert m.bounds.shape == (2, 2) and np.all(m.bounds[:, 0] < m.bounds[:, 1])


def test_draws_are_pure_functions_of_the_seed():
    m = default_model()
    a, b, c = m.draw(11, 0.3), m.draw(11, 0.3), m.draw(12, 0.3)
    assert np.array_equal(a.beta, b.beta) and np.array_equal(a.county_effect, b.county_effect)
    assert np.array_equal(a.state_effect, b.state_effect)
    assert not np.array_equal(a.beta, c.beta)
    assert not np.array_equal(a.county_effect, c.county_effect)


def test_county_effects_have_mean_one_and_variance_alpha():
    m = default_model()
    d = m.draw(3)
    effect = d.county_effect
    assert np.all(effect > 0) and np.isfinite(effect).all()
    # 3,142 gamma draws: the mean's standard error is sqrt(alpha / 3142) ~ 0.005.
    assert effect.mean() == pytest.approx(1.0, abs=0.03)
    assert effect.var() == pytest.approx(d.alpha, rel=0.2)


def test_state_effects_are_shared_within_a_state_and_off_at_zero_sd():
    m = default_model()
    states = county_table()["state"].to_numpy()
    d = m.draw(5, state_sd=0.4)
    for st in ("TX", "NY", "WA"):
        assert np.unique(d.state_effect[states == st]).size == 1
    assert np.unique(d.state_effect).size == len(set(states))
    assert np.all(m.draw(5, state_sd=0.0).state_effect == 1.0)
    with pytest.raises(ValueError):
        m.draw(5, state_sd=float("nan"))


def test_coefficient_draws_follow_the_estimated_covariance():
    m = default_model()
    draws = np.array([np.append(m.draw(s).beta, np.log(m.draw(s).alpha)) for s in range(600)])
    center = np.append(m.beta, m.log_alpha)
    se = np.sqrt(np.diag(m.cov))
    assert np.all(np.abs(draws.mean(axis=0) - center) < 4 * se / np.sqrt(600))
    assert np.allclose(draws.std(axis=0), se, rtol=0.15)


def test_terms_outside_the_california_range_take_the_edge_value():
    m = default_model()
    t = county_table()
    ny = t.filter(pl.col("county_fips") == "36061")  # Manhattan: denser than San Francisco
    edge = ny.with_columns(pl.lit(np.exp(m.bounds[0, 1])).alias("density_2010"))
    assert m.mean_rates(ny)[0] == pytest.approx(m.mean_rates(edge)[0], rel=1e-12)


def test_a_covariance_that_is_not_positive_definite_is_refused():
    rows = pl.DataFrame(
        {
            "term": ["intercept", "log_alpha"],
            "estimate": [-3.0, -2.0],
            "std_error": [0.1, 0.1],
            "fit_min": [None, None],
            "fit_max": [None, None],
            "cov_intercept": [1.0, 2.0],
            "cov_log_alpha": [2.0, 1.0],
        }
    )
    with pytest.raises(ValueError, match="positive definite"):
        from_rows(rows)
