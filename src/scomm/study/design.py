"""The staggered-rollout design: activation cohorts, the estimation window, the balanced sample.

S-Comm reached every county by 22 January 2013, so no county is never treated. The last cohort
to activate is the comparison group: the window ends the period before it activates, and every
estimator compares earlier cohorts with counties not yet activated (Callaway–Sant'Anna), with the
last cohort (Sun–Abraham), or with untreated county-periods (TWFE, two-stage DiD).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from scomm.errors import UserError
from scomm.study.panel import Panel, period_label

TIMINGS = ("half", "calendar")
NEVER = 0  # cohort code of the comparison group inside the window


@dataclass(frozen=True)
class Sample:
    """The estimation sample (pandas, as the estimators want it) and what it is made of.

    ``frame`` columns: unit (int), county_fips, state, t (int), y, w, g (first treated period;
    0 = comparison cohort), treat (0/1), rel (t - g; -1 for the comparison cohort) and cluster
    (the state, or the county when the sample has fewer than 10 states)."""

    frame: pd.DataFrame
    frequency: str
    timing: str
    first: int
    last: int
    comparison: int
    cohorts: list[dict]
    dropped: list[dict]

    @property
    def n_counties(self) -> int:
        return int(self.frame["unit"].nunique())

    @property
    def n_states(self) -> int:
        return int(self.frame["state"].nunique())

    @property
    def clustered_by(self) -> str:
        return "state" if self.n_states >= MIN_STATE_CLUSTERS else "county"

    def label(self, period: int) -> str:
        return period_label(period, self.frequency)


def cohort_of(activation: dt.date, frequency: str, timing: str) -> int:
    """First period counted as treated.

    ``half``: the first year with at least six months of activation (activated by 30 June), or
    the first month with at least half of it (activated by the 15th). ``calendar``: the period
    in which activation fell, however late in it."""
    if timing not in TIMINGS:
        raise UserError(f"--timing: {timing!r} is not one of {', '.join(TIMINGS)}")
    if frequency == "year":
        late = timing == "half" and activation.month > 6
        return activation.year + int(late)
    index = activation.year * 12 + activation.month - 1
    return index + int(timing == "half" and activation.day > 15)


MIN_COMPARISON = 30
MIN_STATE_CLUSTERS = 10  # fewer states: cluster by county (state clusters would be too few)


def build_sample(
    panel: Panel,
    states: list[str] | None,
    timing: str = "half",
    min_comparison: int = MIN_COMPARISON,
) -> Sample:
    """Cohorts, window and balanced sample; every county or period left out is in ``dropped``.

    The comparison cohort is the last to activate with at least ``min_comparison`` counties in
    the balanced sample; later, smaller cohorts are dropped (a comparison of a handful of
    counties would decide every late-period estimate)."""
    if min_comparison < 1:
        raise UserError(f"--min-comparison: {min_comparison} must be a positive integer")
    data = panel.data
    if states is not None:
        data = data.filter(pl.col("state").is_in(states))
        if data.height == 0:
            raise UserError(f"--states: the panel has no county in {','.join(states)}")
    cohort = pl.Series([cohort_of(d, panel.frequency, timing) for d in _activation(data)])
    data = data.with_columns(g=cohort)
    dropped = list(panel.dropped)
    first = int(data["period"].min())
    early = data.filter(pl.col("g") <= first)
    data = data.filter(pl.col("g") > first)
    _record(dropped, "activated in or before the panel's first period (no pre-period)", early)
    while data.height:
        comparison = int(data["g"].max())
        trial: list[dict] = []
        kept = _window(data, first, comparison, panel.frequency, trial)
        size = kept.filter(pl.col("g") == comparison)["county_fips"].n_unique()
        if size >= min_comparison:
            return _sample(kept, panel.frequency, timing, first, comparison, dropped + trial)
        small = data.filter(pl.col("g") == comparison)
        _record(
            dropped,
            f"cohort {period_label(comparison, panel.frequency)}: only {size} balanced "
            f"counties, fewer than --min-comparison {min_comparison} to serve as comparison",
            small,
        )
        data = data.filter(pl.col("g") < comparison)
    raise UserError(
        f"no activation cohort has {min_comparison} or more counties observed in every period "
        "to serve as comparison group (see --min-comparison)"
    )


def _window(
    data: pl.DataFrame, first: int, comparison: int, frequency: str, dropped: list[dict]
) -> pl.DataFrame:
    """Periods before the comparison cohort activates, balanced."""
    late = data.filter(pl.col("period") >= comparison)
    _record(
        dropped,
        f"periods from {period_label(comparison, frequency)} on: the comparison cohort has "
        "S-Comm, no untreated county is left to compare with",
        late,
        periods=True,
    )
    return _balance(data.filter(pl.col("period") < comparison), first, comparison, dropped)


def _activation(data: pl.DataFrame) -> list[dt.date]:
    return data["activation_date"].to_list() if "activation_date" in data.columns else _dates(data)


def _dates(data: pl.DataFrame) -> list[dt.date]:
    from scomm.study.panel import county_frame

    joined = data.select("county_fips").join(county_frame(), on="county_fips", how="left")
    return joined["activation_date"].to_list()


def _record(dropped: list[dict], reason: str, rows: pl.DataFrame, periods: bool = False) -> None:
    if rows.height:
        entry = {"reason": reason, "rows": rows.height, "counties": rows["county_fips"].n_unique()}
        if periods:
            entry = {"reason": reason, "rows": rows.height, "periods": rows["period"].n_unique()}
        dropped.append(entry)


def _balance(data: pl.DataFrame, first: int, comparison: int, dropped: list[dict]) -> pl.DataFrame:
    """Keep counties seen in every period of the window (and, for the crime panel, reported by
    the same agencies throughout)."""
    width = comparison - first
    counts = data.group_by("county_fips").agg(
        n=pl.col("period").n_unique(),
        agencies=pl.col("agencies").n_unique() if "agencies" in data.columns else pl.lit(1),
    )
    gaps = counts.filter(pl.col("n") < width)["county_fips"]
    changed = counts.filter((pl.col("n") == width) & (pl.col("agencies") > 1))["county_fips"]
    _record(
        dropped,
        "not observed in every period of the window (absent, blank or footnoted)",
        data.filter(pl.col("county_fips").is_in(gaps.implode())),
    )
    _record(
        dropped,
        "reporting agencies changed within the window (e.g. a county police department appears)",
        data.filter(pl.col("county_fips").is_in(changed.implode())),
    )
    bad = pl.concat([gaps, changed])
    return data.filter(~pl.col("county_fips").is_in(bad.implode()))


def _sample(
    data: pl.DataFrame, frequency: str, timing: str, first: int, comparison: int, dropped: list
) -> Sample:
    if data.height == 0:
        raise UserError("no county is observed in every period of the window")
    g = data["g"].to_numpy()
    frame = pd.DataFrame(
        {
            "unit": data["county_fips"].cast(pl.Int64).to_numpy(),
            "county_fips": data["county_fips"].to_numpy(),
            "state": data["state"].to_numpy(),
            "t": data["period"].to_numpy().astype(np.int64),
            "y": data["y"].to_numpy().astype(np.float64),
            "w": data["w"].to_numpy().astype(np.float64),
            "g": np.where(g == comparison, NEVER, g).astype(np.int64),
        }
    ).sort_values(["unit", "t"], ignore_index=True)
    frame["treat"] = ((frame["g"] != NEVER) & (frame["t"] >= frame["g"])).astype(np.int64)
    frame["rel"] = np.where(frame["g"] != NEVER, frame["t"] - frame["g"], -1).astype(np.float64)
    few = frame["state"].nunique() < MIN_STATE_CLUSTERS
    frame["cluster"] = frame["unit"] if few else pd.factorize(frame["state"])[0]
    cohorts = _cohorts(frame, frequency, comparison)
    if len(cohorts) < 2:
        raise UserError("the sample has a single activation cohort: no staggered comparison")
    return Sample(frame, frequency, timing, first, comparison - 1, comparison, cohorts, dropped)


def _cohorts(frame: pd.DataFrame, frequency: str, comparison: int) -> list[dict]:
    per = frame.groupby("g")["unit"].nunique()
    out = []
    for g, n in per.items():
        code = comparison if g == NEVER else int(g)
        role = "comparison (last to activate)" if g == NEVER else "treated in window"
        out.append({"cohort": period_label(code, frequency), "counties": int(n), "role": role})
    return sorted(out, key=lambda c: c["cohort"])
