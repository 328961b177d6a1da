"""Simulated staggered panels with known effects, shaped like the S-Comm rollout (every county
eventually treated, the last cohort the comparison, states as clusters)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl

from scomm.study.design import Sample, build_sample
from scomm.study.panel import Panel

FIRST, LAST = 2006, 2011
COHORTS = (2008, 2009, 2010, 2011)  # 2011 activates last: the comparison cohort


def effect(g: np.ndarray, t: np.ndarray, kind: str) -> np.ndarray:
    """Treatment effect of cohort g in year t (zero before activation)."""
    e = t - g
    on = e >= 0
    if kind == "constant":
        return np.where(on, 2.0, 0.0)
    # heterogeneous and dynamic: early cohorts gain more, and effects grow with exposure
    return np.where(on, (1.0 + 1.0 * e) * (1.0 + (2010 - g) * 0.5), 0.0)


def panel(seed: int, kind: str, states: int = 24, per_state: int = 5) -> tuple[Panel, float]:
    """A balanced county-year panel and the true ATT over treated county-years in the window."""
    rng = np.random.default_rng(seed)
    n = states * per_state
    state = np.repeat(np.arange(states), per_state)
    # cohort assignment is correlated within state (S-Comm rolled out by state and ICE area)
    state_cohort = rng.choice(COHORTS, size=states)
    g = np.where(rng.random(n) < 0.7, state_cohort[state], rng.choice(COHORTS, size=n))
    years = np.arange(FIRST, LAST + 1)
    gg, tt = np.repeat(g, len(years)), np.tile(years, n)
    ss = np.repeat(state, len(years))
    unit_fe = np.repeat(rng.normal(0, 2, n) + rng.normal(0, 1, states)[state], len(years))
    year_fe = (tt - FIRST) * 0.3 + rng.normal(0, 0.3, len(years))[tt - FIRST]
    state_shock = rng.normal(0, 0.5, (states, len(years)))[ss, tt - FIRST]
    tau = effect(gg, tt, kind)
    y = unit_fe + year_fe + state_shock + tau + rng.normal(0, 1, n * len(years))
    fips = [f"{10000 + i:05d}" for i in range(n)]
    frame = pl.DataFrame(
        {
            "county_fips": np.repeat(fips, len(years)),
            "state": [f"S{s:02d}" for s in ss],
            "period": tt,
            "y": y,
            "w": np.ones(len(y)),
            "activation_date": [dt.date(int(v), 3, 1) for v in gg],
        }
    )
    treated = (gg < LAST) & (tt >= gg) & (tt <= LAST - 1)
    truth = float(tau[treated].mean())
    return Panel(frame, "y", "units", "year", f"dgp {kind} {seed}"), truth


def sample(seed: int, kind: str) -> tuple[Sample, float]:
    p, truth = panel(seed, kind)
    return build_sample(p, None, "half", min_comparison=5), truth


def to_pandas(s: Sample) -> pd.DataFrame:
    return s.frame
