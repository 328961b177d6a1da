"""The aggregate mode: the exact expectation of the engine, for calibration.

``engine.simulate`` draws every matched person's fate; ``expect`` computes, from the same
compiled ``Inputs`` and the same rule functions, the *expected* count of every stage,
integrating over the categorical attributes instead of drawing them:

- submissions are the engine's own whole numbers (``biometrics.submissions_count``: no draw
  enters them);
- expected matches by county, month and status are submissions × the status share × the
  status's match probability (the engine draws a match and its status from one uniform by
  Bayes' rule, which has exactly these joint probabilities);
- every later stage is a product of conditional probabilities given (month, status, level,
  charge) and the place's *regime*: its law table (``Inputs.policy``) and its ICE area (the
  detainer intensity). The detainer probability is the rule itself
  (``rules.detainer.detainer_probability``) evaluated on the whole (area, month, status,
  level, charge) grid;
- a removal counts when completed by the end of the window asked for: the exponential
  detention's distribution (``rules.removal.completed_probability``) from the middle of the
  booking month, as the engine times it.

The work is small because counties only enter through their expected matches: these are
summed within *cells* (groups of counties that the caller wants apart: states, a few counties,
ICE areas) and regimes, so a query is a sum over (regime, month, status) of matches × a
probability table. Deterministic: the likelihood surface of a calibration is smooth in the
parameters. Scenarios with pretextual arrests (a random whole number of extra bookings,
rounded at random) are refused: their expectation is not this one.

tests/test_aggregate.py holds the stochastic engine's means over seeds to this expectation
within Monte Carlo error for every quantity the calibration uses, across eras and places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.errors import UserError
from scomm.rules import biometrics, detainer, removal
from scomm.rules.categories import CITIZEN_STATUSES, Level, Status

N_STATUS, N_LEVEL = len(Status), len(Level)
# the pipeline stages (rules/pipeline.py) whose rules the expectation integrates; the others
# (ethnicity, sex, hearing, counsel) decide nothing that it counts
STAGES_USED = ("booking", "composition", "submission", "match", "level", "charge",
               "status_determination", "detainer", "compliance", "transfer", "removal",
               "detention")  # fmt: skip
# the stages of the matched cohort whose expected counts ``Expectation.count`` gives
STAGES = ("ident_matches", "removable", "detainers", "detainers_honored", "ice_book_ins",
          "eventually_removed", "removals")  # fmt: skip


@dataclass(frozen=True)
class Expectation:
    """Expected counts of every stage, by cell (a group of counties), regime and month."""

    inputs: Inputs
    cells: np.ndarray  # (county,) cell of each county, -1 outside the simulated states
    n_cells: int
    bookings: np.ndarray  # (cell, month)
    submissions: np.ndarray  # (cell, month) people checked against IDENT
    matched: np.ndarray  # (cell, regime, month, status) expected matches
    regime_area: np.ndarray  # (regime,) ICE area index
    regime_policy: np.ndarray  # (regime,) index into Inputs.policy_masks
    attributes: np.ndarray  # (month, status, level, charge) P(level, charge | month, status)
    reach: dict[str, np.ndarray]  # stage -> (regime, month, status, level, charge)
    _weights: dict = field(default_factory=dict, repr=False, compare=False)

    def month_index(self, start: str, end: str) -> np.ndarray:
        """Boolean mask of the simulated months from ``start`` to ``end`` (YYYY-MM)."""
        m = self.inputs.months
        return (m >= periods.parse_month(start)) & (m <= periods.parse_month(end))

    def count(
        self,
        stage: str,
        cells: np.ndarray | list[int] | None = None,
        months: np.ndarray | None = None,
        *,
        status: tuple[int, ...] | None = None,
        level: tuple[int, ...] | None = None,
        charge: tuple[int, ...] | None = None,
        completed_by: int | None = None,
    ) -> float:
        """Expected count of ``stage`` in ``cells`` (default: all) over ``months`` (a boolean
        mask or per-month weights; default: all), for people of the given status, level and
        charge codes (default: any). ``removals`` counts removals completed by the end of the
        month ``completed_by`` (default: the last simulated month), as the engine does."""
        w = self._weight(stage, status, level, charge)
        mw = self._month_weights(months)
        if stage == "removals":
            mw = mw * self.completion(completed_by)
        return float(np.einsum("rjs,rjs,j->", self._matched_in(cells), w, mw))

    def _matched_in(self, cells) -> np.ndarray:
        """(regime, month, status) expected matches summed over ``cells`` (cached)."""
        key = None if cells is None else tuple(int(c) for c in np.atleast_1d(cells))
        if ("cells", key) not in self._weights:
            m = self.matched if key is None else self.matched[list(key)]
            self._weights[("cells", key)] = m.sum(axis=0)
        return self._weights[("cells", key)]

    def by_cell(self, stage: str, months: np.ndarray | None = None, **kw) -> np.ndarray:
        """(cell,) expected counts of ``stage`` (same filters as ``count``)."""
        return np.array([self.count(stage, [c], months, **kw) for c in range(self.n_cells)])

    def completion(self, completed_by: int | None = None) -> np.ndarray:
        """(month,) probability that a removal of a person booked into ICE custody that
        month is completed by the end of month ``completed_by`` (an absolute month index;
        default: the last simulated month)."""
        months = self.inputs.months
        end = int(months[-1]) if completed_by is None else int(completed_by)
        lengths = np.array([periods.days_in(int(m)) for m in months], dtype=np.float64)
        start = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
        horizon = start[0] + sum(periods.days_in(m) for m in range(int(months[0]), end + 1))
        remaining = horizon - (start + lengths / 2)
        done = removal.completed_probability(self.inputs.detention_mean, remaining)
        return np.where(months <= end, done, 0.0)

    def _month_weights(self, months: np.ndarray | None) -> np.ndarray:
        if months is None:
            return np.ones(len(self.inputs.months))
        return np.asarray(months, dtype=np.float64)

    def _weight(self, stage, status, level, charge) -> np.ndarray:
        """(regime, month, status) probability of reaching ``stage`` for a matched person,
        summed over the chosen levels and charges (cached per query shape)."""
        key = (stage, status, level, charge)
        if key not in self._weights:
            base = "eventually_removed" if stage == "removals" else stage
            if base not in self.reach:
                raise KeyError(f"no stage {stage!r}; stages: {', '.join(STAGES)}")
            p = _keep(self.attributes[None] * self.reach[base], status, level, charge)
            self._weights[key] = p.sum(axis=(3, 4))
        return self._weights[key]


def _keep(p: np.ndarray, status, level, charge) -> np.ndarray:
    """``p`` (regime, month, status, level, charge) with the unchosen codes zeroed."""
    out = p
    for axis, codes in ((2, status), (3, level), (4, charge)):
        if codes is not None:
            mask = np.zeros(p.shape[axis], dtype=bool)
            mask[list(codes)] = True
            shape = [1] * p.ndim
            shape[axis] = -1
            out = out * mask.reshape(shape)
    return out


def _regimes(inputs: Inputs, chosen: np.ndarray):
    """(county, month) regime index of the chosen counties, and each regime's ICE area and
    policy: counties in one regime share every rule after the match."""
    n_area = int(inputs.area_odds.shape[1])
    code = inputs.policy[chosen].astype(np.int64) * n_area + inputs.county_area[chosen, None]
    present = np.bincount(code.reshape(-1), minlength=len(inputs.policy_masks) * n_area) > 0
    codes = np.flatnonzero(present)
    which = np.cumsum(present) - 1  # code -> position among the codes present
    return which[code], codes % n_area, codes // n_area


def _attributes(inputs: Inputs) -> np.ndarray:
    """(month, status, level, charge): P(level | month, status group) × P(charge | month),
    from the cumulative tables the engine draws from."""
    level_p = np.diff(inputs.level_cdf, axis=-1, prepend=0.0)  # (month, group, level)
    charge_p = np.diff(inputs.charge_cdf, axis=-1, prepend=0.0)  # (month, charge)
    group = (np.arange(N_STATUS) >= Status.UNDOCUMENTED_PRIOR).astype(np.intp)
    return level_p[:, group, :, None] * charge_p[:, None, None, :]


def _reach(inputs: Inputs, area: np.ndarray, policy: np.ndarray) -> dict[str, np.ndarray]:
    """Probability of reaching each stage after the match, on the (regime, month, status,
    level, charge) grid, through the engine's rules."""
    n_m = len(inputs.months)
    lv = np.arange(N_LEVEL).reshape(1, 1, 1, -1, 1)
    ch = np.arange(inputs.charge_cdf.shape[1]).reshape(1, 1, 1, 1, -1)
    st = np.arange(N_STATUS).reshape(1, 1, -1, 1, 1)

    def monthly(a: np.ndarray) -> np.ndarray:
        return a.reshape(1, n_m, 1, 1, 1)

    p_det = detainer.detainer_probability(
        level=lv,
        charge=ch,
        p_level=inputs.p_detainer[None, :, None, :, None],
        traffic_deferred=monthly(inputs.traffic_deferred),
        minor_factor=monthly(inputs.minor_factor),
        unauthorized=st >= Status.UNDOCUMENTED_PRIOR,
        laken_riley_share=monthly(inputs.laken_riley),
        area_intensity=inputs.area_odds[:, area].T.reshape(len(area), n_m, 1, 1, 1),
    )
    removable = inputs.p_removable[None, :, :, None, None]
    out = {"ident_matches": np.ones((1, 1, 1, 1, 1)), "removable": removable}
    out["detainers"] = removable * p_det
    allows = inputs.policy_masks[policy][:, None, None, :, :]
    out["detainers_honored"] = out["detainers"] * allows * monthly(inputs.base_compliance)
    out["ice_book_ins"] = out["detainers_honored"] * monthly(inputs.p_transfer)
    p_rm = inputs.p_removal[None, :, None, :, None]
    out["eventually_removed"] = out["ice_book_ins"] * p_rm
    shape = (len(area), n_m, N_STATUS, N_LEVEL, inputs.charge_cdf.shape[1])
    return {k: np.broadcast_to(v, shape) for k, v in out.items()}


def expect(inputs: Inputs, cells: np.ndarray | None = None) -> Expectation:
    """The expectation of ``engine.simulate(inputs, seed)`` over seeds, with counties grouped
    into ``cells`` ((county,) non-negative cell ids; default: one cell per county)."""
    if inputs.pretext.any():
        raise UserError(
            "aggregate mode: this scenario adds pretextual arrests, whose count is drawn at "
            "random; run the engine (scomm run) for it"
        )
    chosen = np.flatnonzero(inputs.county_mask)
    cell_of = _cells(inputs, cells)
    n_cells = int(cell_of[chosen].max()) + 1 if len(chosen) else 0
    n = inputs.bookings[chosen]
    subs = biometrics.submissions_count(
        n, inputs.active_from[chosen], inputs.submissions_per_booking[None, :]
    )
    regime, area, policy = _regimes(inputs, chosen)
    joint = inputs.composition.status[chosen] * inputs.p_match[None]  # (county, month, status)
    matched = _grouped(cell_of[chosen], regime, subs[..., None] * joint, n_cells, len(area))
    return Expectation(
        inputs=inputs,
        cells=cell_of,
        n_cells=n_cells,
        bookings=_by_cell(cell_of[chosen], n, n_cells),
        submissions=_by_cell(cell_of[chosen], subs, n_cells),
        matched=matched,
        regime_area=area,
        regime_policy=policy,
        attributes=_attributes(inputs),
        reach=_reach(inputs, area, policy),
    )


def _cells(inputs: Inputs, cells: np.ndarray | None) -> np.ndarray:
    n_county = len(inputs.county_mask)
    if cells is None:
        out = np.full(n_county, -1, dtype=np.intp)
        chosen = np.flatnonzero(inputs.county_mask)
        out[chosen] = np.arange(len(chosen))
        return out
    out = np.asarray(cells, dtype=np.intp)
    if out.shape != (n_county,) or (out[inputs.county_mask] < 0).any():
        raise ValueError("cells: one non-negative cell id per county of the simulated states")
    return np.where(inputs.county_mask, out, -1)


def _by_cell(cell: np.ndarray, values: np.ndarray, n_cells: int) -> np.ndarray:
    """(cell, month) sums of (county, month) values."""
    n_m = values.shape[1]
    idx = (cell[:, None] * n_m + np.arange(n_m)).reshape(-1)
    sums = np.bincount(idx, weights=values.reshape(-1).astype(np.float64), minlength=n_cells * n_m)
    return sums.reshape(n_cells, n_m)


def _grouped(cell, regime, values, n_cells: int, n_regimes: int) -> np.ndarray:
    """(cell, regime, month, status) sums of (county, month, status) values."""
    n_c, n_m, n_s = values.shape
    j = np.broadcast_to(np.arange(n_m), (n_c, n_m))
    flat = (cell[:, None] * n_regimes + regime) * n_m + j
    idx = (flat[..., None] * n_s + np.arange(n_s)).reshape(-1)
    total = np.bincount(idx, weights=values.reshape(-1), minlength=n_cells * n_regimes * n_m * n_s)
    return total.reshape(n_cells, n_regimes, n_m, n_s)


@dataclass(frozen=True)
class Realized:
    """The same counts as ``Expectation.count``, read off one stochastic run: the engine's
    cohort, with counties grouped into the same cells (the oracle test sets the two side
    by side; posterior predictive checks use it on full runs)."""

    inputs: Inputs
    cohort: Cohort
    cells: np.ndarray
    n_cells: int
    bookings: np.ndarray  # (cell, month)
    submissions: np.ndarray  # (cell, month)

    def month_index(self, start: str, end: str) -> np.ndarray:
        m = self.inputs.months
        return (m >= periods.parse_month(start)) & (m <= periods.parse_month(end))

    def count(self, stage, cells=None, months=None, *, status=None, level=None, charge=None,
              completed_by=None) -> float:  # fmt: skip
        """The run's count of ``stage`` (arguments as ``Expectation.count``)."""
        c = self.cohort
        take = self._reached(stage, completed_by)
        for codes, column in ((status, c.status), (level, c.level), (charge, c.charge)):
            if codes is not None:
                take &= np.isin(column, list(codes))
        if cells is not None:
            take &= np.isin(self.cells[c.county], list(np.atleast_1d(cells)))
        w = np.ones(len(self.inputs.months)) if months is None else np.asarray(months, float)
        return float(w[c.month[take]].sum())

    def by_cell(self, stage: str, months: np.ndarray | None = None, **kw) -> np.ndarray:
        return np.array([self.count(stage, [k], months, **kw) for k in range(self.n_cells)])

    def _reached(self, stage: str, completed_by: int | None) -> np.ndarray:
        c = self.cohort
        columns = {"ident_matches": np.ones(len(c.key), dtype=bool), "removable": c.removable,
                   "detainers": c.detainer, "detainers_honored": c.honored,
                   "ice_book_ins": c.book_in, "removals": c.removed}  # fmt: skip
        if stage not in columns:
            raise KeyError(f"no stage {stage!r} in a run's cohort; stages: {', '.join(columns)}")
        out = columns[stage].copy()
        if stage == "removals" and completed_by is not None:
            out &= _released_by(self.inputs, c, int(completed_by))
        return out


def _released_by(inputs: Inputs, c: Cohort, end: int) -> np.ndarray:
    """Whether each person's detention ends by the end of month ``end`` (the engine's timing:
    booked at the middle of the month, released ``detention_days`` later)."""
    lengths = np.array([periods.days_in(int(m)) for m in inputs.months], dtype=np.float64)
    start = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    horizon = sum(periods.days_in(m) for m in range(int(inputs.months[0]), end + 1))
    return start[c.month] + lengths[c.month] / 2 + c.detention_days <= horizon


def realized(sim, cells: np.ndarray | None = None) -> Realized:
    """A run's counts in the cells of ``expect(sim.inputs, cells)``."""
    cell_of = _cells(sim.inputs, cells)
    chosen = sim.inputs.county_mask
    n_cells = int(cell_of[chosen].max()) + 1 if chosen.any() else 0
    where = np.flatnonzero(chosen)
    booked = _by_cell(cell_of[where], sim.inputs.bookings[where], n_cells)
    checked = _by_cell(cell_of[where], sim.submissions[where], n_cells)
    return Realized(sim.inputs, sim.cohort, cell_of, n_cells, booked, checked)


def totals(e: Expectation, cells: np.ndarray | list[int] | None = None) -> dict[str, float]:
    """Expected contract totals (the summary's ``totals`` keys, removals by level flattened
    as ``removals_<level>``) in ``cells`` over the whole period."""
    sel = list(range(e.n_cells)) if cells is None else list(cells)
    out = {
        "bookings": float(e.bookings[sel].sum()),
        "submissions": float(e.submissions[sel].sum()),
    }
    for stage in ("ident_matches", "detainers", "detainers_honored", "ice_book_ins", "removals"):
        out[stage] = e.count(stage, sel)
    convicted = tuple(lv for lv in Level if lv is not Level.NONCRIMINAL)
    out["removals_convicted"] = e.count("removals", sel, level=convicted)
    for lv in Level:
        out[f"removals_{lv.name.lower()}"] = e.count("removals", sel, level=(lv,))
    out["us_citizens_detained"] = e.count("detainers_honored", sel, status=CITIZEN_STATUSES)
    return out
