"""The bookings-model fit: it recovers known coefficients, and the leave-one-county-out check
compares the model with the population-share rule as documented."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scomm.bookings import fit as F

pytest.importorskip("statsmodels")


def synthetic(n: int, beta: tuple[float, float], alpha: float, seed: int = 7) -> F.Sample:
    """Counties with a known NB2 booking process: rate exp(b0 + b1 * log density)."""
    rng = np.random.default_rng(seed)
    density = np.exp(rng.uniform(0.0, 9.0, n))
    pop = rng.integers(5_000, 2_000_000, n).astype(float)
    months = np.full(n, 84.0)
    exposure = pop * months / 12
    mu = exposure * np.exp(beta[0] + beta[1] * np.log(density))
    y = rng.poisson(mu * rng.gamma(1 / alpha, alpha, n)).astype(float)
    table = pl.DataFrame(
        {
            "county_fips": [f"{i:05d}" for i in range(n)],
            "density_2010": density,
            "population_2010": pop,
        }
    )
    return F.Sample(table["county_fips"].to_numpy(), y, months, exposure, table)


def test_fit_recovers_known_coefficients_and_dispersion():
    s = synthetic(400, (-3.0, -0.12), alpha=0.08)
    fit = F.fit_spec(s, ("log_density",))
    se = np.sqrt(np.diag(fit.cov))
    assert abs(fit.beta[0] + 3.0) < 4 * se[0]
    assert abs(fit.beta[1] + 0.12) < 4 * se[1]
    assert abs(fit.log_alpha - np.log(0.08)) < 4 * se[2]
    assert np.all(np.linalg.eigvalsh(fit.cov) > 0)


def test_fit_bounds_are_the_fitting_counties_range():
    s = synthetic(60, (-3.0, -0.12), alpha=0.08)
    fit = F.fit_spec(s, ("log_density",))
    logd = np.log(s.table["density_2010"].to_numpy())
    assert fit.bounds.tolist() == [[logd.min(), logd.max()]]


def test_leave_one_out_baseline_is_the_other_counties_pooled_rate():
    s = synthetic(30, (-3.0, -0.12), alpha=0.08)
    held = F.leave_one_out(s, ("log_density",))
    i = 4
    others = np.arange(30) != i
    rate = s.bookings[others].sum() / s.exposure[others].sum()
    assert held[i].baseline == pytest.approx(s.exposure[i] * rate, rel=1e-12)
    assert held[i].observed == s.bookings[i]


def test_model_beats_population_share_when_rates_follow_the_covariate():
    s = synthetic(60, (-2.5, -0.3), alpha=0.02)
    held = F.leave_one_out(s, ("log_density",))
    model, base = F.loco_scores(held, "model"), F.loco_scores(held, "baseline")
    assert model["rms_log_error"] < 0.5 * base["rms_log_error"]


def test_predictive_interval_widens_with_dispersion():
    s = synthetic(60, (-3.0, -0.12), alpha=0.08)
    fit = F.fit_spec(s, ("log_density",))
    x = np.array([1.0, 5.0])
    narrow = F.predictive_interval(fit, x, 1e6, seed=1)
    wide_fit = F.Fit(fit.terms, fit.beta, np.log(0.5), fit.cov, 0.0, fit.bounds)
    wide = F.predictive_interval(wide_fit, x, 1e6, seed=1)
    assert wide[1] - wide[0] > 2 * (narrow[1] - narrow[0])


def test_packaged_loco_results_favour_the_model_over_population_share():
    from importlib.resources import files

    with files("scomm.data").joinpath("bookings_specs.csv").open("rb") as fh:
        specs = pl.read_csv(fh)
    base = specs.row(0, named=True)
    chosen = specs.filter(pl.col("chosen") == "yes").row(0, named=True)
    assert base["specification"].startswith("population share")
    assert chosen["specification"] == F.CHOSEN
    for k in ("median_abs_log_error", "rms_log_error", "weighted_abs_log_error"):
        assert chosen[k] < base[k], k
