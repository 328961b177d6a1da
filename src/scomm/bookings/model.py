"""The fitted bookings model: county booking rates, their uncertainty, and posterior draws.

A county's jail bookings per resident are ``exp(x_c β) · u_c · s_state``:

- ``x_c``: the county's covariates (scomm.bookings.covariates), clipped to the range seen in
  the California fit;
- ``β``: the coefficients, estimated with covariance ``V`` (``bookings_model.csv``);
- ``u_c``: a county effect, gamma with mean 1 and variance α (the NB2 dispersion fitted on
  California: how far a county's rate strays from what its covariates predict);
- ``s_state``: a state effect, lognormal with mean 1 and log-scale standard deviation σ
  (parameter ``population.bookings_state_sd``). One state's data cannot estimate it; its prior
  range is an assumption.

Only relative rates matter: national admissions are pinned to BJS by year and shared out in
proportion to ``population × rate`` (scomm.bookings.distribute). The point estimate
(``mean_rates``) sets ``u = s = 1``. A posterior draw (``draw``) is a pure function of a seed:
``(β, log α) = (β̂, log α̂) + L z`` with ``L`` the Cholesky factor of ``V`` and ``z`` standard
normals, then one ``u_c`` per county and one ``s`` per state, every normal and gamma variate an
inverse-CDF transform of a keyed uniform (scomm.rng), so a draw is reproducible from its seed
and independent of the order counties are visited.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl
from scipy import special, stats

from scomm.bookings.covariates import INTERCEPT, county_table, design
from scomm.rng import Stream, uniforms

LOG_ALPHA = "log_alpha"
_HALF_ULP = 2.0**-54  # keeps keyed uniforms strictly inside (0, 1) for inverse CDFs


@dataclass(frozen=True)
class Draw:
    """One draw of the bookings model's uncertain quantities."""

    beta: np.ndarray
    alpha: float
    state_sd: float
    county_effect: np.ndarray  # (county,) mean 1
    state_effect: np.ndarray  # (county,) the county's state's effect, mean 1


@dataclass(frozen=True)
class BookingsModel:
    """Coefficients, dispersion, their covariance and the clipping range of each term."""

    terms: tuple[str, ...]  # intercept first
    beta: np.ndarray
    log_alpha: float
    cov: np.ndarray  # over (beta..., log_alpha)
    bounds: np.ndarray  # (term without intercept, 2)

    @property
    def alpha(self) -> float:
        return float(np.exp(self.log_alpha))

    def design(self, table: pl.DataFrame | None = None) -> np.ndarray:
        """The clipped design matrix of ``table`` (default: every model county)."""
        table = county_table() if table is None else table
        return design(table, self.terms[1:], self.bounds)

    def mean_rates(self, table: pl.DataFrame | None = None) -> np.ndarray:
        """Relative booking rate of each county at the estimates (county effects = 1)."""
        return np.exp(self.design(table) @ self.beta)

    def draw(self, seed: int, state_sd: float = 0.0, z: np.ndarray | None = None) -> Draw:
        """A reproducible draw of coefficients, dispersion, county and state effects; ``z``
        (one standard normal per coefficient and log α) replaces the seed's own, where a
        calibration samples them as parameters."""
        if not (np.isfinite(state_sd) and state_sd >= 0):
            raise ValueError(f"state_sd must be finite and >= 0, got {state_sd}")
        k = len(self.beta) + 1
        if z is None:
            z = _normals(seed, Stream.BOOKINGS_COEFFICIENTS, np.arange(k))
        z = np.asarray(z, dtype=np.float64)
        if z.shape != (k,) or not np.isfinite(z).all():
            raise ValueError(f"z must be {k} finite standard normals")
        theta = np.append(self.beta, self.log_alpha) + np.linalg.cholesky(self.cov) @ z
        alpha = float(np.exp(theta[-1]))
        table = county_table()
        n = table.height
        u = _unit(seed, Stream.BOOKINGS_COUNTY, np.arange(n))
        county = stats.gamma.ppf(u, a=1.0 / alpha, scale=alpha)
        state_code = table["state_fips"].cast(pl.Int64).to_numpy()
        zs = _normals(seed, Stream.BOOKINGS_STATE, state_code)
        state = np.exp(state_sd * zs - 0.5 * state_sd**2)
        return Draw(theta[:-1], alpha, state_sd, county, state)

    def draw_rates(self, draw: Draw, table: pl.DataFrame | None = None) -> np.ndarray:
        """Relative booking rate of each county under a draw."""
        return np.exp(self.design(table) @ draw.beta) * draw.county_effect * draw.state_effect


def _unit(seed: int, stream: int, keys: np.ndarray) -> np.ndarray:
    return uniforms(seed, stream, np.asarray(keys, dtype=np.uint64)) + _HALF_ULP


def _normals(seed: int, stream: int, keys: np.ndarray) -> np.ndarray:
    return special.ndtri(_unit(seed, stream, keys))


def from_rows(rows: pl.DataFrame) -> BookingsModel:
    """The model from the rows of ``bookings_model.csv``."""
    names = rows["term"].to_list()
    if names[0] != INTERCEPT or names[-1] != LOG_ALPHA:
        raise ValueError(f"bookings_model.csv: terms {names} must run intercept .. log_alpha")
    est = rows["estimate"].cast(pl.Float64).to_numpy()
    cov = rows.select(f"cov_{n}" for n in names).cast(pl.Float64).to_numpy()
    terms = rows.filter(~pl.col("term").is_in([INTERCEPT, LOG_ALPHA]))
    bounds = terms.select("fit_min", "fit_max").cast(pl.Float64).to_numpy()
    if not (np.allclose(cov, cov.T) and np.all(np.linalg.eigvalsh(cov) > 0)):
        raise ValueError("bookings_model.csv: the covariance is not symmetric positive definite")
    return BookingsModel(tuple(names[:-1]), est[:-1], float(est[-1]), cov, bounds)


@cache
def default_model() -> BookingsModel:
    """The packaged fit (src/scomm/data/bookings_model.csv)."""
    with resources.files("scomm.data").joinpath("bookings_model.csv").open("rb") as fh:
        return from_rows(pl.read_csv(fh))
