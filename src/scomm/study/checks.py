"""The post-period check against the Urban Institute all-agency rates (2015, 2017).

Table 10 counts only what sheriffs and county police record. For 2015, the one year both
sources cover, this says how much of each sample county's crime (all agencies: city police
too) its county agencies record, and whether the county-agency and all-agency rates move
together across counties. It also shows, descriptively, whether counties activated earlier
(longer exposure by 2015/2017) have different all-agency crime within their state: a
cross-section, not a causal estimate.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from scomm.study.design import NEVER, Sample
from scomm.study.panel import PER, _package_csv, all_agency_rates, county_frame

CHECK_YEAR = 2015


def post_period_check(sample: Sample, outcome: str) -> dict:
    """Coverage of county agencies in 2015 and the descriptive exposure gradient."""
    rates = all_agency_rates().select("county_fips", "year", pl.col(outcome).alias("all"))
    fips = sample.frame["county_fips"].unique().tolist()
    agency = (
        _package_csv("county_agency_crime.csv")
        .filter((pl.col("year") == CHECK_YEAR) & (pl.col("footnoted") == 0))
        .join(county_frame(), on="county_fips")
        .select("county_fips", (pl.col(outcome) / pl.col("population_2010") * PER).alias("agency"))
    )
    both = (
        agency.join(rates.filter(pl.col("year") == CHECK_YEAR), on="county_fips")
        .filter(pl.col("county_fips").is_in(fips) & pl.col("all").is_not_null())
        .filter(pl.col("agency").is_not_null() & (pl.col("all") > 0))
    )
    share = (both["agency"] / both["all"]).to_numpy()
    return {
        "source": "Urban Institute county crime rates (all agencies, Kaplan's UCR file), "
        "src/scomm/data/county_crime_all_agencies.csv",
        "year": CHECK_YEAR,
        "counties_compared": both.height,
        "county_agency_share_median": float(np.median(share)) if len(share) else None,
        "county_agency_share_iqr": [float(np.quantile(share, q)) for q in (0.25, 0.75)]
        if len(share)
        else None,
        "correlation": float(np.corrcoef(both["agency"], both["all"])[0, 1])
        if both.height > 2
        else None,
        "exposure_gradient": _exposure_gradient(sample, rates),
    }


def _exposure_gradient(sample: Sample, rates: pl.DataFrame) -> dict:
    """All-agency rate on years since activation, state-by-year effects, clustered by state."""
    import pyfixest as pf

    units = sample.frame.drop_duplicates("county_fips")[["county_fips", "state", "g"]]
    act = county_frame().select("county_fips", "activation_date").to_pandas()
    df = (
        rates.drop_nulls("all")
        .to_pandas()
        .merge(units, on="county_fips")
        .merge(act, on="county_fips")
    )
    start = df["activation_date"].map(lambda d: d.year + (d.month - 1) / 12)
    df["years_active"] = df["year"] + 0.5 - start
    df["state_year"] = df["state"] + df["year"].astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols("all ~ years_active | state_year", data=df, vcov={"CRV1": "state"})
    b, se = float(fit.coef()["years_active"]), float(fit.se()["years_active"])
    return {
        "estimate": b,
        "se": se,
        "ci": [b - 1.96 * se, b + 1.96 * se],
        "unit": "all-agency crimes per 100,000 per extra year of S-Comm exposure",
        "observations": len(df),
        "reading": "descriptive cross-section within state and year; counties activated early "
        "differ in many ways (ICE prioritized border and high foreign-born counties), so this "
        "is not a causal estimate",
        "uses_comparison_cohort": bool((units["g"] == NEVER).any()),
    }
