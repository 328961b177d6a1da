"""The reference implementation: the same rules written the obvious way.

One Python object per jail booking walks through the stages (booking, the 287(g) screen,
submission, IDENT match, the record flags, status determination, detainer, jail compliance,
transfer, removal and its route, detention), reading the
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
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import numpy as np

from scomm import api, periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.engine import PRETEXT_INDEX, Simulation, pretext_bookings
from scomm.jurisdictions.policy import cell_index
from scomm.rng import entity_keys
from scomm.rules.categories import Charge, Level, Priority, Route, Status

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
    identified_287g: bool = False
    matched: bool = False
    serious_charge: bool = False
    magistrate_pc: bool = False
    serious_record: bool = False
    aggravated_felony: bool = False
    prior_removal: bool = False
    entered_without_inspection: bool = False
    laken_riley_offense: bool = False
    removable: bool = False
    detainer: bool = False
    notification_request: bool = False
    honored: bool = False
    notified: bool = False
    book_in: bool = False
    eventually_removed: bool = False
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
        self.p_identify = inputs.p_identify[j].tolist()
        self.p_match = inputs.p_match[j].tolist()
        self.p_removable = inputs.p_removable[j].tolist()
        self.level_cdf = [inputs.level_cdf[j, g].tolist() for g in (0, 1)]
        self.charge_cdf = inputs.charge_cdf[j].tolist()
        self.record = {
            "serious_charge": inputs.serious_charge_share[j].tolist(),
            "magistrate_pc": float(inputs.magistrate_pc[j]),
            "serious_record": inputs.serious_record_share[j].tolist(),
            "aggravated_felony": float(inputs.aggravated_felony[j]),
            "prior_removal": float(inputs.prior_removal[j]),
            "ewi": float(inputs.ewi[j]),
            "laken_riley_offense": float(inputs.laken_riley_offense[j]),
        }
        self.p_detainer = inputs.p_detainer[j].tolist()
        self.area_odds = inputs.area_odds[j][inputs.county_area].tolist()  # by county
        self.p_287g = float(inputs.p_detainer_287g[j])  # a 287(g) officer's own rate
        self.priority = inputs.priority[j].tolist()
        self.outside_factor = float(inputs.outside_factor[j])
        self.traffic_deferred = bool(inputs.traffic_deferred[j])
        self.laken_riley = bool(inputs.laken_riley_mandate[j])
        self.notification_share = float(inputs.notification_share[j])
        self.base_compliance = float(inputs.base_compliance[j])
        self.p_transfer = float(inputs.p_transfer[j])
        self.p_pickup = float(inputs.p_pickup[j])
        self.p_removal = inputs.p_removal[j].tolist()
        self.routes = (
            float(inputs.p_reinstate[j]),
            float(inputs.p_administrative[j]),
            float(inputs.p_recent_entrant[j]),
            float(inputs.p_stipulated[j]),
            bool(inputs.expedited_interior[j]),
        )
        self.days_median = inputs.days_median[j].tolist()
        self.days_log_sd = inputs.days_log_sd[j].tolist()
        self.p_counsel = float(inputs.p_counsel[j])
        length = periods.days_in(int(inputs.months[j]))
        self.booked_day = start_day + length / 2  # bookings sit at the middle of the month
        self.period_days = period_days


def _record(b: Booking, m: _Month, rnd: random.Random) -> None:
    """The record flags: a coin for each, for the people it can describe."""
    r = m.record
    unauthorized = b.status in _UNDOCUMENTED
    b.serious_charge = rnd.random() < r["serious_charge"][b.charge]
    b.magistrate_pc = b.charge == _FELONY and rnd.random() < r["magistrate_pc"]
    b.serious_record = rnd.random() < r["serious_record"][b.level]
    b.aggravated_felony = b.level == int(Level.LEVEL1) and rnd.random() < r["aggravated_felony"]
    prior = b.status == int(Status.UNDOCUMENTED_PRIOR)
    b.prior_removal = prior and rnd.random() < r["prior_removal"]
    b.entered_without_inspection = unauthorized and rnd.random() < r["ewi"]
    b.laken_riley_offense = b.charge != _TRAFFIC and rnd.random() < r["laken_riley_offense"]


def _prioritized(b: Booking, m: _Month) -> bool:
    """Whether the person belongs to a priority group in force, read group by group."""
    groups = {
        Priority.REMOVABLE: True,
        Priority.LEVEL1: b.level == int(Level.LEVEL1),
        Priority.LEVEL1_AGGRAVATED: b.level == int(Level.LEVEL1) and b.aggravated_felony,
        Priority.LEVEL2: b.level == int(Level.LEVEL2),
        Priority.LEVEL3_SERIOUS: b.level == int(Level.LEVEL3) and b.serious_record,
        Priority.FELONY_CHARGE: b.charge == _FELONY,
        Priority.SERIOUS_MISDEMEANOR_CHARGE: b.charge == _MISDEMEANOR and b.serious_charge,
        Priority.PRIOR_REMOVAL: b.prior_removal,
    }
    return any(on and m.priority[int(g)] for g, on in groups.items())


def _detainer_p(b: Booking, m: _Month) -> float:
    if b.identified_287g:  # the officer who identified the person lodges it, at their own rate
        p = m.p_287g
    else:
        p = m.p_detainer[b.level]
        odds = m.area_odds[b.county]
        if odds != 1.0:  # the ICE area's intensity, on the odds scale
            p = p * odds / (1.0 - p + p * odds)
    if not _prioritized(b, m):
        p *= m.outside_factor
    if b.level == _NONCRIMINAL and b.charge == _TRAFFIC and m.traffic_deferred:
        p = 0.0
    if m.laken_riley and b.entered_without_inspection and b.laken_riley_offense:
        p = 1.0  # the Laken Riley Act (2025)
    return p


def _summary_p(b: Booking, m: _Month) -> float:
    reinstate, admin, recent, stipulated, interior = m.routes
    stay = 1.0 - stipulated
    if b.prior_removal:
        stay *= 1.0 - reinstate
    if b.level == int(Level.LEVEL1) and b.aggravated_felony and b.status != int(Status.LPR):
        stay *= 1.0 - admin
    if (
        interior
        and b.status in _UNDOCUMENTED
        and b.entered_without_inspection
        and not b.prior_removal
    ):
        stay *= 1.0 - recent
    return 1.0 - stay


def _checked_from(n: int, active_from: float, per_booking: float) -> int:
    """The index from which a county-month's ``n`` bookings reach IDENT: of the bookings at or
    after the activation (booking i sits at (i + 0.5) / n), the last min(r, 1) of them, the
    count rounded half up, at ``per_booking`` = r submissions per booking."""
    active = sum(1 for i in range(n) if (i + 0.5) / n >= active_from)
    checked = active if per_booking >= 1.0 else math.floor(active * per_booking + 0.5)
    return n - checked


def _identify(b: Booking, submitted: bool, place: tuple, m: _Month, rnd: random.Random) -> bool:
    """The 287(g) screen, then the fingerprint check and match; True if either found them."""
    agreement = place[3]
    b.identified_287g = agreement and rnd.random() < m.p_identify[b.status]
    b.submitted = submitted
    b.matched = b.submitted and rnd.random() < m.p_match[b.status]
    return b.identified_287g or b.matched


def _jail(b: Booking, place: tuple, m: _Month, rnd: random.Random) -> None:
    """The detainer, the jail's answer under its laws, and the transfer."""
    _, hold, notify, _ = place
    p = _detainer_p(b, m)
    u = rnd.random()
    b.detainer = u < p
    b.notification_request = u < p * m.notification_share
    if not b.detainer:
        return
    cell = int(
        cell_index(
            [b.level], [b.charge], [b.serious_charge], [b.serious_record], [b.magistrate_pc],
            [b.prior_removal],
        )[0]
    )  # fmt: skip
    table = 1 if b.identified_287g else 0
    complies = rnd.random() < m.base_compliance
    b.honored = complies and not b.notification_request and hold[table][cell]
    b.notified = complies and not b.honored and notify[table][cell]
    u = rnd.random()
    b.book_in = (b.honored and u < m.p_transfer) or (b.notified and u < m.p_pickup)


def _removal(b: Booking, m: _Month, rnd: random.Random) -> None:
    b.eventually_removed = rnd.random() < m.p_removal[b.level]
    b.summary = b.eventually_removed and rnd.random() < _summary_p(b, m)
    if b.summary:
        route = int(Route.SUMMARY)
    else:
        route = int(Route.HEARING) if b.eventually_removed else int(Route.RELEASED)
    b.detention_days = rnd.lognormvariate(math.log(m.days_median[route]), m.days_log_sd[route])
    b.removed = b.eventually_removed and m.booked_day + b.detention_days <= m.period_days
    b.represented = not b.summary and rnd.random() < m.p_counsel


def _walk(b: Booking, submitted: bool, place: tuple, m: _Month, rnd: random.Random) -> None:
    """Take one booking through every stage, stopping where the person leaves the pipeline.

    ``submitted``: whether its prints reach IDENT (``_checked_from``); ``place``: the month
    fraction from which the county's prints reach IDENT, the hold and notify tables of the laws binding its jail (S-Comm's and
    the 287(g) officers'), and whether a 287(g) jail agreement is in force.
    """
    if not _identify(b, submitted, place, m, rnd):
        return
    _record(b, m, rnd)
    b.removable = rnd.random() < m.p_removable[b.status][b.level]
    if not b.removable:
        return
    _jail(b, place, m, rnd)
    if b.book_in:
        _removal(b, m, rnd)


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
    hold, notify = inputs.hold_masks.tolist(), inputs.notify_masks.tolist()
    extra = pretext_bookings(inputs, seed)
    submissions = np.zeros_like(inputs.bookings)
    cohort: list[Booking] = []
    chosen = np.flatnonzero(inputs.county_mask).tolist()
    for j, m in enumerate(months):
        for c in chosen:
            status_shares = inputs.composition.status[c, j]
            hispanic = inputs.composition.hispanic[c, j].tolist()
            policies = (int(inputs.policy[c, j]), int(inputs.policy_287g[c, j]))
            place = (
                float(inputs.active_from[c, j]),
                [hold[k] for k in policies],
                [notify[k] for k in policies],
                bool(inputs.agreement_287g[c, j]),
            )
            status_cdf = _cumulative(status_shares)
            n, n_pre, submitted = int(inputs.bookings[c, j]), int(extra[c, j]), 0
            r = float(inputs.submissions_per_booking[j])
            first = _checked_from(n, place[0], r)
            for i in range(n):
                b = _booking(c, j, i, status_cdf, hispanic, m, rnd)
                _walk(b, i >= first, place, m, rnd)
                submitted += b.submitted
                if b.matched or b.identified_287g:
                    cohort.append(b)
            if n_pre:
                hispanic_mix = _cumulative(status_shares * np.array(hispanic))
            first = _checked_from(n_pre, place[0], r)
            for i in range(n_pre):
                b = _pretextual(c, j, PRETEXT_INDEX + i, hispanic_mix, m, rnd)
                _walk(b, i >= first, (*place[:3], False), m, rnd)
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
    """The identified bookings as the engine's column arrays (for the shared summary code)."""

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
