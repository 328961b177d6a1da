"""The reference implementation: the same rules written the obvious way.

One Python object per jail booking walks through the stages (booking, submission, IDENT
match, status determination, detainer, jail compliance, transfer, removal), reading the
same compiled ``scomm.compile.Inputs`` as the engine, so both models use identical
parameters. It is deliberately naive: every booking is created, given its attributes and
walked one stage at a time with scalar Python arithmetic and Python's own random numbers
(``random.Random``), not the engine's counter-based generator.

It serves twice: as the baseline for the engine's speed ratio (benchmarks/run_benchmarks.py)
and as a statistical oracle (tests/benchmarks/): the engine draws the status of a match
from one uniform by Bayes' rule and carries only the matched cohort, while this model
draws every booking's status first and then matches it, so agreement of the two funnels
checks the engine's shortcuts against the plain reading of the rules.

Not shipped in the package.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import numpy as np

from scomm import api, periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.engine import PRETEXT_INDEX, Simulation, pretext_bookings
from scomm.rng import entity_keys
from scomm.rules.categories import Charge, Level, Status

_NONCRIMINAL, _FELONY, _TRAFFIC = int(Level.NONCRIMINAL), int(Charge.FELONY), int(Charge.TRAFFIC)
_MISDEMEANOR = int(Charge.MISDEMEANOR)
_UNDOCUMENTED = (int(Status.UNDOCUMENTED_PRIOR), int(Status.UNDOCUMENTED_NEW))


@dataclass(slots=True)
class Booking:
    """One jail booking and what happens to the person at each stage."""

    county: int
    month: int  # position in Inputs.months
    index: int  # order of the booking within its county-month
    status: int
    hispanic: bool
    male: bool
    level: int
    charge: int
    submitted: bool = False
    matched: bool = False
    removable: bool = False
    detainer: bool = False
    honored: bool = False
    book_in: bool = False
    removed: bool = False
    detention_days: float = 0.0
    summary: bool = False
    represented: bool = False


def _pick(cdf: list[float], u: float) -> int:
    """The category whose cumulative interval holds ``u``."""
    return min(bisect.bisect_right(cdf, u), len(cdf) - 1)


def _cumulative(shares) -> list[float]:
    total = float(sum(shares))
    out, acc = [], 0.0
    for s in shares:
        acc += float(s)
        out.append(acc / total)
    out[-1] = 1.0
    return out


class _Month:
    """The rules in force in one month, as plain Python numbers."""

    def __init__(self, inputs: Inputs, j: int, period_days: float, start_day: float) -> None:
        self.male = float(inputs.male[j])
        self.p_match = inputs.p_match[j].tolist()
        self.p_removable = inputs.p_removable[j].tolist()
        self.level_cdf = [inputs.level_cdf[j, g].tolist() for g in (0, 1)]
        self.charge_cdf = inputs.charge_cdf[j].tolist()
        self.p_detainer = inputs.p_detainer[j].tolist()
        self.traffic_deferred = bool(inputs.traffic_deferred[j])
        self.minor_factor = float(inputs.minor_factor[j])
        self.laken_riley = float(inputs.laken_riley[j])
        self.base_compliance = float(inputs.base_compliance[j])
        self.p_transfer = float(inputs.p_transfer[j])
        self.p_removal = inputs.p_removal[j].tolist()
        self.detention_mean = float(inputs.detention_mean[j])
        self.p_summary = float(inputs.p_summary[j])
        self.p_counsel = float(inputs.p_counsel[j])
        length = periods.days_in(int(inputs.months[j]))
        self.booked_day = start_day + length / 2  # bookings sit at the middle of the month
        self.period_days = period_days


def _walk(b: Booking, position: float, place: tuple, m: _Month, rnd: random.Random) -> None:
    """Take one booking through every stage, stopping where the person leaves the pipeline.

    ``position``: when in the month it was booked (0 = start, 1 = end; the county-month's
    bookings are evenly spread); ``place``: the month fraction from which the county's
    prints reach IDENT, and the (level, charge) table of detainers its jail may honor.
    """
    active_from, allows = place
    b.submitted = position >= active_from
    if not b.submitted:
        return
    b.matched = rnd.random() < m.p_match[b.status]
    if not b.matched:
        return
    b.removable = rnd.random() < m.p_removable[b.status]
    if not b.removable:
        return
    p = m.p_detainer[b.level]
    if b.level == _NONCRIMINAL and b.charge != _FELONY:
        p *= m.minor_factor
        if b.charge == _TRAFFIC and m.traffic_deferred:
            p = 0.0
    if b.status in _UNDOCUMENTED and b.charge != _TRAFFIC:  # Laken Riley Act (2025)
        p = m.laken_riley + (1.0 - m.laken_riley) * p
    b.detainer = rnd.random() < p
    if not b.detainer:
        return
    b.honored = bool(allows[b.level][b.charge]) and rnd.random() < m.base_compliance
    if not b.honored:
        return
    b.book_in = rnd.random() < m.p_transfer
    if not b.book_in:
        return
    eventually = rnd.random() < m.p_removal[b.level]
    b.detention_days = rnd.expovariate(1.0 / m.detention_mean)
    b.removed = eventually and m.booked_day + b.detention_days <= m.period_days
    b.summary = b.removed and rnd.random() < m.p_summary
    b.represented = not b.summary and rnd.random() < m.p_counsel


def simulate(
    inputs: Inputs, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> Simulation:
    """Walk every booking of the selected counties and months; same signature and result
    type as ``scomm.engine.simulate``.

    A scenario's pretextual arrests are walked too: each is a Hispanic resident booked on a
    misdemeanor or minor traffic charge. How many there are in a county-month is a scenario
    input rounded at random; that number is taken from the engine
    (``scomm.engine.pretext_bookings``), so both models walk the same bookings.
    """
    rnd = random.Random(seed)
    lengths = [periods.days_in(int(m)) for m in inputs.months]
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    months = [_Month(inputs, j, float(sum(lengths)), float(starts[j])) for j in range(len(lengths))]
    masks = inputs.policy_masks.tolist()
    extra = pretext_bookings(inputs, seed)
    submissions = np.zeros_like(inputs.bookings)
    cohort: list[Booking] = []
    chosen = np.flatnonzero(inputs.county_mask).tolist()
    for j, m in enumerate(months):
        for c in chosen:
            status_shares = inputs.composition.status[c, j]
            hispanic = inputs.composition.hispanic[c, j].tolist()
            place = (float(inputs.active_from[c, j]), masks[int(inputs.policy[c, j])])
            status_cdf = _cumulative(status_shares)
            n, n_pre, submitted = int(inputs.bookings[c, j]), int(extra[c, j]), 0
            for i in range(n):
                b = _booking(c, j, i, status_cdf, hispanic, m, rnd)
                _walk(b, (i + 0.5) / n, place, m, rnd)
                submitted += b.submitted
                if b.matched:
                    cohort.append(b)
            if n_pre:
                hispanic_mix = _cumulative(status_shares * np.array(hispanic))
            for i in range(n_pre):
                b = _pretextual(c, j, PRETEXT_INDEX + i, hispanic_mix, m, rnd)
                _walk(b, (i + 0.5) / n_pre, place, m, rnd)
                submitted += b.submitted
                if b.matched:
                    cohort.append(b)
            submissions[c, j] = submitted
        if progress is not None:
            progress(j + 1, len(months))
    return Simulation(
        inputs=inputs, submissions=submissions, cohort=_as_cohort(inputs, cohort), seed=seed
    )


def _booking(c: int, j: int, i: int, status_cdf, hispanic, m: _Month, rnd) -> Booking:
    """A booking with the attributes every booked person has."""
    status = _pick(status_cdf, rnd.random())
    return Booking(
        county=c,
        month=j,
        index=i,
        status=status,
        hispanic=rnd.random() < hispanic[status],
        male=rnd.random() < m.male,
        level=_pick(m.level_cdf[status in _UNDOCUMENTED], rnd.random()),
        charge=_pick(m.charge_cdf, rnd.random()),
    )


def _pretextual(c: int, j: int, i: int, status_cdf, m: _Month, rnd) -> Booking:
    """A pretextual booking: a Hispanic resident, a misdemeanor or minor traffic charge in
    proportion to those charges' shares of all arrests."""
    b = _booking(c, j, i, status_cdf, [1.0] * len(Status), m, rnd)
    misdemeanor = m.charge_cdf[_MISDEMEANOR] - m.charge_cdf[_FELONY]
    traffic = 1.0 - m.charge_cdf[_MISDEMEANOR]
    minor = rnd.random() * (misdemeanor + traffic) < misdemeanor
    b.charge = _MISDEMEANOR if minor else _TRAFFIC
    return b


def _as_cohort(inputs: Inputs, people: list[Booking]) -> Cohort:
    """The matched bookings as the engine's column arrays (for the shared summary code)."""

    def col(name: str, dtype) -> np.ndarray:
        return np.array([getattr(b, name) for b in people], dtype=dtype)

    county, month = col("county", np.int32), col("month", np.int32)
    key = entity_keys(inputs.months[month], county, col("index", np.int64))
    return Cohort.from_objects(people, county=county, month=month, key=key)


def run(**kwargs) -> api.RunResult:
    """``scomm.api.run`` with the engine swapped for this model, so that both go through
    the same scenario, compile, flows, summary and metrics code."""
    with mock.patch.object(api, "simulate", simulate):
        return api.run(**kwargs)
