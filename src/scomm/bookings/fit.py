"""Fit the bookings model on California's county jail bookings, and check it by leaving
counties out.

Data: the Jail Profile Survey county-months of ``ca_jail_bookings_monthly.csv`` in the fit
window, complete months only (every reporting jurisdiction of the county has a value). The
covariates do not vary by month, so the information is the 57 reporting counties' booking
rates: each county's bookings over the window are one observation, with exposure = Census 2010
population × months / 12 (person-years).

Model: negative binomial (NB2) regression with a log link,
``E[bookings_c] = exposure_c · exp(x_c β)`` and ``Var = μ + α μ²``: a gamma-distributed
county effect with mean 1 and variance α multiplies each county's rate. Fitted by maximum
likelihood with statsmodels (a build-time dependency; the package reads the stored fit).

Check: for each county, refit without it and predict its bookings; compare with the
population-share baseline (the pooled rate of the other counties). Errors are on the log scale.

Nothing here runs when the model runs: ``data/build/build_package_data.py`` calls
``fit_tables`` and stores the results as packaged CSV files.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

from scomm.bookings.covariates import INTERCEPT, design, raw_terms

FIT_WINDOW = ("2008-01", "2014-12")
MIN_MONTHS = 12
PI_DRAWS = 4000
PI_LEVEL = 0.90
LOG_ALPHA = "log_alpha"

# Specifications compared by leaving counties out; CHOSEN is stored and used.
SPECS: dict[str, tuple[str, ...]] = {
    "log density": ("log_density",),
    "log density + poverty": ("log_density", "poverty_share"),
    "log density + log income": ("log_density", "log_income"),
    "log density + poverty + age 65+": ("log_density", "poverty_share", "age_65_plus_share"),
    "log density + poverty + 287(g) jail": ("log_density", "poverty_share", "jail_287g"),
    "log density + poverty + Black + Hispanic": (
        "log_density",
        "poverty_share",
        "black_share",
        "hispanic_share",
    ),
    "intercept only": (),
}
CHOSEN = "log density + poverty"


@dataclass(frozen=True)
class Sample:
    """The fitting data: one row per California county with enough complete months."""

    fips: np.ndarray
    bookings: np.ndarray  # total over the window's complete months
    months: np.ndarray
    exposure: np.ndarray  # person-years
    table: pl.DataFrame  # the counties' covariate rows, same order


@dataclass(frozen=True)
class Fit:
    """A fitted NB2 model: coefficients, log α and their joint covariance."""

    terms: tuple[str, ...]
    beta: np.ndarray
    log_alpha: float
    cov: np.ndarray  # over (beta..., log_alpha)
    log_likelihood: float
    bounds: np.ndarray  # (term, 2): the fitting counties' range of each term

    @property
    def alpha(self) -> float:
        return float(np.exp(self.log_alpha))


def sample(ca_monthly: pl.DataFrame, table: pl.DataFrame, window=FIT_WINDOW) -> Sample:
    """Counties' bookings and exposure over the window (complete months only)."""
    months = ca_monthly.filter(
        pl.col("bookings").is_not_null()
        & (pl.col("n_missing") == 0)
        & pl.col("month").is_between(pl.lit(window[0]), pl.lit(window[1]))
    )
    per = months.group_by("county_fips").agg(
        pl.col("bookings").sum().alias("bookings"), pl.len().alias("months")
    )
    joined = (
        table.join(per, on="county_fips", how="inner")
        .filter(pl.col("months") >= MIN_MONTHS)
        .sort("county_fips")
    )
    m = joined["months"].to_numpy().astype(np.float64)
    pop = joined["population_2010"].cast(pl.Float64).to_numpy()
    return Sample(
        fips=joined["county_fips"].to_numpy(),
        bookings=joined["bookings"].to_numpy().astype(np.float64),
        months=m,
        exposure=pop * m / 12.0,
        table=joined,
    )


def fit_nb(y: np.ndarray, x: np.ndarray, exposure: np.ndarray, terms, bounds) -> Fit:
    """Maximum-likelihood NB2 fit: BFGS from statsmodels' default start, then Newton steps
    from there (Newton alone can step to a negative dispersion from a poor start)."""
    import statsmodels.api as sm

    offset = np.log(exposure)
    model = sm.NegativeBinomial(y, x, offset=offset, loglike_method="nb2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rough = model.fit(method="bfgs", maxiter=2000, disp=0)
        res = model.fit(start_params=rough.params, method="newton", maxiter=100, disp=0)
    if not (res.mle_retvals["converged"] and np.isfinite(res.params).all()):
        raise RuntimeError(f"NB2 fit of {terms} did not converge")
    params = np.asarray(res.params, dtype=np.float64)
    cov = np.asarray(res.cov_params(), dtype=np.float64)
    alpha = params[-1]
    jac = np.eye(len(params))
    jac[-1, -1] = 1.0 / alpha  # d log(alpha) / d alpha
    return Fit(
        terms=(INTERCEPT, *terms),
        beta=params[:-1],
        log_alpha=float(np.log(alpha)),
        cov=jac @ cov @ jac.T,
        log_likelihood=float(res.llf),
        bounds=bounds,
    )


def _bounds(table: pl.DataFrame, terms) -> np.ndarray:
    x = raw_terms(table, terms)
    if not x.shape[1]:
        return np.zeros((0, 2))
    return np.column_stack([x.min(axis=0), x.max(axis=0)])


def fit_spec(s: Sample, terms, keep: np.ndarray | None = None) -> Fit:
    """Fit a specification on the sample (or on the rows ``keep``)."""
    keep = np.ones(len(s.fips), dtype=bool) if keep is None else keep
    table = s.table.filter(pl.Series(keep))
    bounds = _bounds(table, terms)
    x = design(table, terms)
    return fit_nb(s.bookings[keep], x, s.exposure[keep], tuple(terms), bounds)


def predictive_interval(fit: Fit, x: np.ndarray, exposure: float, seed: int) -> np.ndarray:
    """The (5%, 95%) predictive interval of a county's bookings: coefficients and log α from
    their estimated normal distribution, then the gamma county effect and Poisson noise."""
    rng = np.random.Generator(np.random.PCG64(seed))
    theta = rng.multivariate_normal(np.append(fit.beta, fit.log_alpha), fit.cov, PI_DRAWS)
    alpha = np.exp(theta[:, -1])
    mu = exposure * np.exp(theta[:, :-1] @ x)
    effect = rng.gamma(1.0 / alpha, alpha)
    y = rng.poisson(mu * effect)
    tail = (1.0 - PI_LEVEL) / 2.0
    return np.quantile(y, [tail, 1.0 - tail])


@dataclass(frozen=True)
class Held:
    """One county left out: observed, model and baseline bookings over its months."""

    fips: str
    months: float
    observed: float
    model: float
    baseline: float
    interval: np.ndarray | None


def leave_one_out(s: Sample, terms, with_interval: bool = False) -> list[Held]:
    """Refit without each county in turn and predict it (model and population share)."""
    out = []
    for i, fips in enumerate(s.fips):
        keep = np.arange(len(s.fips)) != i
        fit = fit_spec(s, terms, keep)
        row = s.table[i]
        x = design(row, terms, fit.bounds)[0]
        model = s.exposure[i] * float(np.exp(x @ fit.beta))
        baseline = s.exposure[i] * s.bookings[keep].sum() / s.exposure[keep].sum()
        interval = predictive_interval(fit, x, s.exposure[i], i) if with_interval else None
        out.append(Held(str(fips), s.months[i], s.bookings[i], model, baseline, interval))
    return out


def loco_scores(held: list[Held], which: str) -> dict[str, float]:
    """Median and RMS absolute log error, and its mean weighted by observed bookings."""
    obs = np.array([h.observed for h in held])
    pred = np.array([getattr(h, which) for h in held])
    err = np.log(pred / obs)
    return {
        "median_abs_log_error": float(np.median(np.abs(err))),
        "rms_log_error": float(np.sqrt(np.mean(err**2))),
        "weighted_abs_log_error": float(np.sum(obs * np.abs(err)) / obs.sum()),
    }


def _g(x: float, digits: int = 8) -> str:
    return f"{x:.{digits}g}"


def model_rows(fit: Fit) -> list[dict]:
    """bookings_model.csv: one row per coefficient and log α, with the covariance."""
    names = (*fit.terms, LOG_ALPHA)
    est = np.append(fit.beta, fit.log_alpha)
    se = np.sqrt(np.diag(fit.cov))
    out = []
    for i, name in enumerate(names):
        is_term = 0 < i < len(fit.terms)
        row = {
            "term": name,
            "estimate": _g(est[i]),
            "std_error": _g(se[i]),
            "fit_min": _g(fit.bounds[i - 1, 0]) if is_term else "",
            "fit_max": _g(fit.bounds[i - 1, 1]) if is_term else "",
        }
        row.update({f"cov_{n}": _g(fit.cov[i, j]) for j, n in enumerate(names)})
        out.append(row)
    return out


def loco_rows(held: list[Held]) -> list[dict]:
    """bookings_loco.csv: each California county left out, per year of its months."""
    out = []
    for h in held:
        per_year = 12.0 / h.months
        lo, hi = h.interval * per_year
        obs = h.observed * per_year
        out.append(
            {
                "county_fips": h.fips,
                "months": int(h.months),
                "observed_per_year": round(obs),
                "model_per_year": round(h.model * per_year),
                "baseline_per_year": round(h.baseline * per_year),
                "model_log_error": f"{np.log(h.model / h.observed):.4f}",
                "baseline_log_error": f"{np.log(h.baseline / h.observed):.4f}",
                "interval_05_per_year": round(lo),
                "interval_95_per_year": round(hi),
                "inside_interval": "yes" if lo <= obs <= hi else "no",
            }
        )
    return out


def spec_rows(s: Sample) -> list[dict]:
    """bookings_specs.csv: every specification's fit and leave-one-out scores, with the
    population-share baseline as the first row."""
    first = leave_one_out(s, SPECS[CHOSEN])
    base = loco_scores(first, "baseline")
    out = [
        {
            "specification": "population share (baseline)",
            "terms": "",
            "log_likelihood": "",
            "alpha": "",
            **{k: f"{v:.4f}" for k, v in base.items()},
            "chosen": "no",
        }
    ]
    for name, terms in SPECS.items():
        fit = fit_spec(s, terms)
        held = first if name == CHOSEN else leave_one_out(s, terms)
        scores = loco_scores(held, "model")
        out.append(
            {
                "specification": name,
                "terms": " ".join(terms),
                "log_likelihood": f"{fit.log_likelihood:.2f}",
                "alpha": f"{fit.alpha:.4f}",
                **{k: f"{v:.4f}" for k, v in scores.items()},
                "chosen": "yes" if name == CHOSEN else "no",
            }
        )
    return out


def fit_tables(ca_monthly: pl.DataFrame, table: pl.DataFrame) -> dict[str, list[dict]]:
    """The three packaged tables of the bookings model: the fit, leave-one-out results of the
    chosen specification, and the comparison of specifications."""
    s = sample(ca_monthly, table)
    return {
        "bookings_model.csv": model_rows(fit_spec(s, SPECS[CHOSEN])),
        "bookings_loco.csv": loco_rows(leave_one_out(s, SPECS[CHOSEN], with_interval=True)),
        "bookings_specs.csv": spec_rows(s),
    }
