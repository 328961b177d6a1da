"""What every metric module shares: the metric record, the run's context (period, places,
parameters in force) and the citations of the parameters a metric uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.params import ParameterSet

# Decimal places a value is reported with, by unit (no false precision).
DIGITS = {
    "share": 4,
    "ratio": 3,
    "days": 1,
    "usd": 0,
    "bed_days": 0,
    "people": 0,
    "residents": 0,
    "counties": 0,
    "victimizations_per_year": 0,
}
METHOD_DATE = "2026-11-30"


@dataclass(frozen=True)
class Metric:
    """One metric for one place: its value and everything a reader needs to judge it."""

    value: float | None
    unit: str
    definition: str
    sources: list[dict]
    stochastic: bool = True
    assumptions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def method_source(anchor: str) -> dict:
    """The citation of a definition written down in docs/metrics.md."""
    return {
        "title": "scomm oversight metrics: definitions and assumptions",
        "url": f"docs/metrics.md#{anchor}",
        "date": METHOD_DATE,
    }


def ratio(num: float, den: float) -> float | None:
    """num / den, or None when the denominator is zero."""
    return float(num) / float(den) if den else None


def rounded(value: Any, unit: str) -> Any:
    """A value rounded to its unit's precision (integers for counts and dollars)."""
    if value is None:
        return None
    digits = DIGITS.get(unit, 4)
    return round(float(value)) if digits == 0 else round(float(value), digits)


@dataclass
class Memo:
    """What a run's metrics compute once and share through the Context."""

    # a parameter's value at the start of each month of the period, by (name, key)
    series: dict[tuple[str, str | None], np.ndarray] = field(default_factory=dict)
    # the county files of a parameter (``prefix.<FIPS>``) and each county's position, by prefix
    own_figures: dict[str, list[tuple[str, np.ndarray]]] = field(default_factory=dict)
    # the stage rows of the cohort last asked for, with that cohort
    rows: tuple[Cohort, Rows] | None = None


@dataclass(frozen=True)
class Context:
    """What stays fixed across replicates: inputs, parameters, period and places."""

    inputs: Inputs
    params: ParameterSet
    days: list[dt.date]  # first day of each month of the period
    years: list[int]  # the calendar years the period touches
    year_index: np.ndarray  # (month,) position of the month's year in ``years``
    fips: np.ndarray  # (county,) FIPS codes
    state_id: np.ndarray  # (county,) index of the county's state
    peer_group: np.ndarray  # (county,) comparable-county group: state x population band
    memo: Memo = field(default_factory=Memo, compare=False)

    @classmethod
    def build(cls, inputs: Inputs, params: ParameterSet) -> Context:
        """The context of a simulation's inputs under a parameter set."""
        days = [periods.first_day(int(m)) for m in inputs.months]
        years = sorted({d.year for d in days})
        year_index = np.array([years.index(d.year) for d in days], dtype=np.int64)
        cty = counties()
        _, state_id = np.unique(cty.state, return_inverse=True)
        groups = peer_groups(params, days[0], state_id)
        return cls(inputs, params, days, years, year_index, cty.fips, state_id, groups)

    @property
    def n_counties(self) -> int:
        """Number of counties (all of them, selected or not)."""
        return len(self.inputs.county_mask)

    @property
    def end_day(self) -> dt.date:
        """The last day of the period."""
        return periods.first_day(int(self.inputs.months[-1]) + 1) - dt.timedelta(days=1)

    def series(self, name: str, key: str | None = None) -> np.ndarray:
        """A parameter's value in force at the start of each month of the period."""
        found = self.memo.series
        if (name, key) not in found:
            found[(name, key)] = np.array([float(self.params.at(name, d, key)) for d in self.days])
        return found[(name, key)]

    def cite(self, *names: str) -> list[dict]:
        """The citations of every value of these parameters in force during the period."""
        out: list[dict] = []
        for name in names:
            values = self.params[name].values
            starts = sorted(values)
            for i, start in enumerate(starts):
                ends = starts[i + 1] if i + 1 < len(starts) else None
                if start > self.end_day or (ends is not None and ends <= self.days[0]):
                    continue
                c = values[start].citation.model_dump(mode="json", exclude_none=True)
                if c not in out:
                    out.append(c)
        return out


def peer_groups(params: ParameterSet, day: dt.date, state_id: np.ndarray) -> np.ndarray:
    """Comparable-county group of each county: its state and population band."""
    bands = params.at("metrics.monitor.population_bands", day)
    edges = np.array(sorted(float(v) for v in bands.values()))
    band = np.searchsorted(edges, counties().column("population"), side="right") - 1
    return state_id * len(edges) + band


@dataclass(frozen=True)
class Rows:
    """Row numbers of the identified cohort at each later stage (each within the detainer
    rows; a book-in follows a hold or, without one, a notification of the release), so that
    counts by county run over the rows that reach a stage, not the whole cohort."""

    county: np.ndarray  # (row,) county index of every matched person
    detainer: np.ndarray  # rows with a detainer lodged
    held: np.ndarray  # rows held on an honored detainer
    book_in: np.ndarray  # rows booked into ICE custody
    removed: np.ndarray  # rows removed by the end of the period

    def count(self, n: int, rows: np.ndarray | None = None, weights=None) -> np.ndarray:
        """Per county (of ``n``): rows counted, or the sum of ``weights`` over them."""
        county = self.county if rows is None else self.county[rows]
        return np.bincount(county, weights=weights, minlength=n).astype(np.float64)


def rows_of(sim: Simulation, ctx: Context) -> Rows:
    """The stage rows of a simulation's cohort (kept while the same cohort is asked for)."""
    cached = ctx.memo.rows
    if cached is not None and cached[0] is sim.cohort:
        return cached[1]
    c = sim.cohort
    det = np.flatnonzero(c.detainer)
    held = det[c.honored[det]]
    book_in = det[c.book_in[det]]
    rows = Rows(c.county.astype(np.intp), det, held, book_in, book_in[c.removed[book_in]])
    ctx.memo.rows = (sim.cohort, rows)
    return rows


def sum_peers(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per county (first axis), the total of ``values`` over the other counties of its group."""
    totals = np.zeros((int(group.max()) + 1, *values.shape[1:]))
    np.add.at(totals, group, values)
    return totals[group] - values
