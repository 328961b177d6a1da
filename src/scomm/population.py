"""Jail bookings per county-month and their composition.

Bookings: California counties use their own monthly Jail Profile Survey counts; every
other county gets a share of the national BJS jail admissions of the year (less
California's) in proportion to population x its booking rate from the bookings model
(scomm.bookings, fitted on California; docs/bookings.md). Composition (status, Hispanic,
sex, criminal history, charge) comes from cited shares; see docs/model.md for each
assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from scomm import periods
from scomm.bookings import distribute, panel
from scomm.bookings.model import default_model
from scomm.jurisdictions.counties import Counties, counties
from scomm.params import ParameterSet
from scomm.rules.categories import Status

CA_LAST_MONTH = "2020-03"
_REF_MONTHS = np.arange(periods.parse_month("2019-01"), periods.parse_month("2019-12") + 1)


@cache
def _ca_bookings() -> pl.DataFrame:
    with resources.files("scomm.data").joinpath("ca_jail_bookings_monthly.csv").open("rb") as fh:
        return pl.read_csv(fh, schema_overrides={"county_fips": pl.String, "month": pl.String})


@cache
def _aor_population() -> pl.DataFrame:
    with resources.files("scomm.data").joinpath("aor_population.csv").open("rb") as fh:
        return pl.read_csv(fh)


def _ca_matrix(cty: Counties, months: np.ndarray) -> np.ndarray:
    """California bookings (county, month), NaN where not reported."""
    return _ca_matrix_of(tuple(int(m) for m in months)).copy()


@cache
def _ca_matrix_of(months: tuple[int, ...]) -> np.ndarray:
    cty = counties()
    out = np.full((len(cty.fips), len(months)), np.nan)
    labels = {periods.month_label(int(m)): j for j, m in enumerate(months)}
    pos = {f: i for i, f in enumerate(cty.fips)}
    for fips, month, n in _ca_bookings().select("county_fips", "month", "bookings").iter_rows():
        if month in labels and fips in pos and n is not None:
            out[pos[fips], labels[month]] = n
    return out


def bookings(
    params: ParameterSet, months: np.ndarray, rates: np.ndarray | None = None
) -> np.ndarray:
    """Bookings (county, month) as int64.

    California: the county's reported month (see ``_fill_ca`` for gaps). A county-year of
    the user's admissions panel (SCOMM_BOOKINGS, scomm.bookings.panel) replaces the
    county's figure. Elsewhere: national admissions / 12, less those fixed counties'
    bookings, shared in proportion to population x relative booking rate
    (scomm.bookings.distribute). ``rates`` defaults to the bookings model's estimates; a
    posterior draw passes ``BookingsModel.draw_rates`` (docs/bookings.md).
    """
    if rates is None:
        rates = default_model().mean_rates()
    cty = counties()
    pop = cty.column("population")
    is_ca = cty.state == "CA"
    national = _national_monthly(params, months)
    ref_national = _national_monthly(params, _REF_MONTHS).mean()
    fixed = np.full((len(cty.fips), len(months)), np.nan)
    fixed[is_ca] = _fill_ca(
        _ca_matrix(cty, months)[is_ca], pop[is_ca], months, national / ref_national
    )
    user = panel.from_env()
    if user is not None:
        given = user.monthly(cty.fips, months)
        fixed = np.where(np.isnan(given), fixed, given)
    out = distribute.county_bookings(national, fixed, pop * rates)
    return np.rint(out).astype(np.int64)


def _national_monthly(params: ParameterSet, months: np.ndarray) -> np.ndarray:
    """National jail admissions per month (a twelfth of the year in force)."""
    adm = [params.at("population.jail_admissions", periods.first_day(int(m))) for m in months]
    return np.array(adm, dtype=np.float64) / 12.0


def _fill_ca(ca: np.ndarray, pop: np.ndarray, months: np.ndarray, trend: np.ndarray):
    """Fill unreported California county-months.

    A county's missing month takes its mean reported month of the period; a county
    that never reports in the period takes California's bookings per resident that
    month. Months after the survey ends (March 2020) scale the county's 2019 mean by
    national admissions relative to 2019.
    """
    out = ca.copy()
    late = months > periods.parse_month(CA_LAST_MONTH)
    if late.any():
        ref = _ca_matrix(counties(), _REF_MONTHS)[counties().state == "CA"]
        seen = (~np.isnan(ref)).sum(axis=1)
        ref_mean = np.where(seen > 0, np.nansum(ref, axis=1) / np.maximum(seen, 1), np.nan)
        out[:, late] = ref_mean[:, None] * trend[late][None, :]
    missing = np.isnan(out)
    if missing.any():
        reported = ~missing
        counts = reported.sum(axis=1)
        means = np.where(counts > 0, np.nansum(out, axis=1) / np.maximum(counts, 1), np.nan)
        per_capita = np.nansum(out, axis=0) / pop[reported.any(axis=1)].sum()
        fill = np.where(
            np.isnan(means)[:, None], pop[:, None] * per_capita[None, :], means[:, None]
        )
        out = np.where(missing, fill, out)
    return out


@dataclass(frozen=True)
class Composition:
    """Shares describing bookings: status by county and year, Hispanic by county and status."""

    status: np.ndarray  # (county, month, status)
    hispanic: np.ndarray  # (county, month, status): P(Hispanic | status)


@cache
def _aor_ratios(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Noncitizen and undocumented shares of the foreign-born, by county (through its AOR)."""
    cty = counties()
    t = _aor_population()
    y = min(max(year, int(t["year"].min())), int(t["year"].max()))
    row = t.filter(pl.col("year") == y)
    nc = dict(zip(row["aor"], row["noncitizen_pop"] / row["forborn_pop"], strict=True))
    ud = dict(zip(row["aor"], row["undocu_pop"] / row["forborn_pop"], strict=True))
    aor = cty.table["aor"].to_list()
    return np.array([nc[a] for a in aor]), np.array([ud[a] for a in aor])


def composition(params: ParameterSet, months: np.ndarray) -> Composition:
    """Status and Hispanic composition of bookings for each county and month."""
    cty = counties()
    fb_res = cty.column("foreign_born_share")
    hisp_res = cty.column("hispanic_share")
    n_c, n_m = len(fb_res), len(months)
    status = np.zeros((n_c, n_m, len(Status)))
    hispanic = np.zeros((n_c, n_m, len(Status)))
    cache_year: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, m in enumerate(months):
        day = periods.first_day(int(m))
        year = day.year
        if year not in cache_year:
            cache_year[year] = _aor_ratios(year)
        nc, ud = cache_year[year]
        ratio = params.at("population.foreign_born_arrest_ratio", day)
        fb = np.clip(fb_res * ratio, 0.0, 1.0)
        lpr_share = params.at("population.lpr_share_of_lawful_noncitizens", day)
        prior = params.at("population.undocumented_prior_encounter_share", day)
        undoc = fb * ud
        lawful_nc = fb * np.clip(nc - ud, 0.0, 1.0)
        status[:, j, Status.US_BORN] = 1.0 - fb
        status[:, j, Status.NATURALIZED] = fb * (1.0 - nc)
        status[:, j, Status.LPR] = lawful_nc * lpr_share
        status[:, j, Status.OTHER_LAWFUL] = lawful_nc * (1.0 - lpr_share)
        status[:, j, Status.UNDOCUMENTED_PRIOR] = undoc * prior
        status[:, j, Status.UNDOCUMENTED_NEW] = undoc * (1.0 - prior)
        fbh = params["population.hispanic_share_foreign_born"]
        hispanic[:, j, Status.US_BORN] = np.clip(hisp_res, 0.0, 1.0)
        for s in Status:
            if s is Status.US_BORN:
                continue
            key = "undocumented" if s.name.startswith("UNDOCUMENTED") else s.name.lower()
            hispanic[:, j, s] = fbh.at(day, key)
    return Composition(status=status, hispanic=hispanic)
