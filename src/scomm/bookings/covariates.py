"""County covariates of the bookings model and the design matrix built from them.

The covariates come from the packaged ``county_covariates.csv`` (Census QuickFacts and the
287(g) reconstruction; see MANIFEST.yaml). A term is a named transform of that table. Terms
are clipped to the range seen in the fitting counties, so a county outside California's range
(denser than San Francisco, poorer than the poorest California county) gets the edge value
instead of an extrapolated one.

Hook for further covariates: ``register(name, fn)`` adds a term computed from the joined county
table (for example offenses known to sheriffs per resident, once ``scomm.study`` parses FBI
CIUS Table 10; see docs/bookings.md). A registered term can then be named in a specification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from scomm.jurisdictions.counties import counties

INTERCEPT = "intercept"
Term = Callable[[pl.DataFrame], np.ndarray]


def _col(name: str) -> Term:
    return lambda t: t[name].cast(pl.Float64).to_numpy()


TERMS: dict[str, Term] = {
    "log_density": lambda t: np.log(np.maximum(t["density_2010"].cast(pl.Float64).to_numpy(), 0.1)),
    "poverty_share": _col("poverty_share"),
    "log_income": lambda t: np.log(t["median_household_income"].cast(pl.Float64).to_numpy()),
    "black_share": _col("black_share"),
    "hispanic_share": _col("hispanic_share"),
    "white_non_hispanic_share": _col("white_non_hispanic_share"),
    "under_18_share": _col("under_18_share"),
    "age_65_plus_share": _col("age_65_plus_share"),
    "bachelors_share": _col("bachelors_share"),
    "homeownership_share": _col("homeownership_share"),
    "jail_287g": _col("jail_287g"),
}


def register(name: str, term: Term) -> None:
    """Add a covariate term (a function of the county table, one value per county)."""
    if name in TERMS or name == INTERCEPT:
        raise ValueError(f"covariate term {name!r} is already defined")
    TERMS[name] = term


@cache
def county_table() -> pl.DataFrame:
    """counties.csv joined with county_covariates.csv, in the model's county order."""
    with resources.files("scomm.data").joinpath("county_covariates.csv").open("rb") as fh:
        cov = pl.read_csv(fh, schema_overrides={"county_fips": pl.String})
    base = counties().table
    out = base.join(cov, on="county_fips", how="left", maintain_order="left")
    if out["density_2010"].null_count():
        raise ValueError("county_covariates.csv does not cover every model county")
    return out


def raw_terms(table: pl.DataFrame, terms: Sequence[str]) -> np.ndarray:
    """(county, term) values of the named terms, unclipped, without an intercept."""
    cols = [np.asarray(TERMS[t](table), dtype=np.float64) for t in terms]
    if not cols:
        return np.zeros((table.height, 0))
    out = np.column_stack(cols)
    if not np.isfinite(out).all():
        raise ValueError(f"non-finite covariate among {list(terms)}")
    return out


def design(
    table: pl.DataFrame, terms: Sequence[str], bounds: np.ndarray | None = None
) -> np.ndarray:
    """Design matrix [1, terms...]; with ``bounds`` (term, 2) each term is clipped to it."""
    x = raw_terms(table, terms)
    if bounds is not None and x.shape[1]:
        x = np.clip(x, bounds[:, 0], bounds[:, 1])
    return np.column_stack([np.ones(table.height), x])
