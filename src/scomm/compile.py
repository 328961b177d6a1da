"""Compile a scenario into arrays of the rules in force, month by month.

Rules in force on the first day of a month apply to the whole month; the one exception
is a county's S-Comm activation, prorated by day (a county activated on the 27th of a
31-day month submits the last 5/31 of that month's bookings).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from scomm import periods
from scomm.jurisdictions import agreements_287g
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.policy import channel_tables
from scomm.params import ParameterSet
from scomm.population import Composition, bookings, composition
from scomm.rules import pipeline, pretext
from scomm.rules.categories import LEVEL_KEYS, Level, Status
from scomm.scenario import Scenario


@dataclass(frozen=True)
class Inputs:
    """Everything the engine needs, as arrays over (county, month, ...)."""

    months: np.ndarray  # month indices of the simulated period
    county_mask: np.ndarray  # counties in the selected states
    bookings: np.ndarray  # (county, month) int64
    active_from: np.ndarray  # (county, month) month fraction when interoperability starts
    agreement_287g: np.ndarray  # (county, month) bool: a 287(g) jail agreement is in force
    composition: Composition
    p_identify: np.ndarray  # (month, status) 287(g) identification probability
    p_match: np.ndarray  # (month, status)
    level_cdf: np.ndarray  # (month, lawful/undocumented, level)
    charge_cdf: np.ndarray  # (month, charge)
    male: np.ndarray  # (month,)
    serious_charge_share: np.ndarray  # (month, charge)
    magistrate_pc: np.ndarray  # (month,)
    serious_record_share: np.ndarray  # (month, level)
    aggravated_felony: np.ndarray  # (month,)
    prior_removal: np.ndarray  # (month,)
    ewi: np.ndarray  # (month,) share of unauthorized inadmissible under 212(a)(6)(A), (6)(C), (7)
    laken_riley_offense: np.ndarray  # (month,)
    p_removable: np.ndarray  # (month, status, level)
    p_detainer: np.ndarray  # (month, level)
    priority: np.ndarray  # (month, priority group) bool: groups in the priorities in force
    outside_factor: np.ndarray  # (month,)
    traffic_deferred: np.ndarray  # (month,) bool
    laken_riley_mandate: np.ndarray  # (month,) bool
    notification_share: np.ndarray  # (month,)
    reimbursed: np.ndarray  # (month,) bool: federal reimbursement of detainer costs offered
    policy: np.ndarray  # (county, month) index into the policy masks (the S-Comm channel)
    policy_287g: np.ndarray  # (county, month) the same for the 287(g) channel (binds_287g laws)
    hold_masks: np.ndarray  # (policy, cell) bool: may the jail hold? (jurisdictions.policy)
    notify_masks: np.ndarray  # (policy, cell) bool: may the jail tell ICE of the release?
    notice_sentenced: np.ndarray  # (policy,) bool: only of releases that end a sentence
    policy_laws: tuple[tuple[str, ...], ...]  # (policy,) ids of the laws in force it combines
    base_compliance: np.ndarray  # (month,)
    sentenced_share: np.ndarray  # (month,) share of releases that end a sentence
    p_transfer: np.ndarray  # (month,)
    p_pickup: np.ndarray  # (month,)
    p_removal: np.ndarray  # (month, level)
    p_reinstate: np.ndarray  # (month,)
    p_administrative: np.ndarray  # (month,)
    p_recent_entrant: np.ndarray  # (month,)
    p_stipulated: np.ndarray  # (month,)
    expedited_interior: np.ndarray  # (month,) bool
    days_median: np.ndarray  # (month, route)
    days_log_sd: np.ndarray  # (month, route)
    p_counsel: np.ndarray  # (month,)
    pretext: np.ndarray  # (county, month) expected pretextual bookings (scenario ``pretext``)
    submissions_per_booking: np.ndarray  # (month,) prints reaching IDENT per booking
    area_odds: np.ndarray  # (month, ICE area) odds multiplier on the detainer rate
    p_detainer_287g: np.ndarray  # (month,) a 287(g) officer's detainer rate (its channel)
    county_area: np.ndarray  # (county,) index of the county's ICE area in pipeline.AORS


def _series(scn: Scenario, name: str, days: list[dt.date], keys: list[str] | None = None):
    """The parameter's value (or its keys' values) on each of ``days``, read once per dated
    entry in force: the first day of each entry's run of days stands for the run."""
    p = scn.params[name]
    starts = sorted(p.values)
    entry = np.array([bisect.bisect_right(starts, d) for d in days])
    first = np.flatnonzero(np.diff(entry, prepend=-1) != 0)  # where the entry in force changes
    if keys is None:
        rows = np.array([float(p.at(days[j])) for j in first])
    else:
        rows = np.array([[float(p.at(days[j], k)) for k in keys] for j in first])
    return rows[np.cumsum(np.diff(entry, prepend=-1) != 0) - 1]


def _cdf(shares: np.ndarray) -> np.ndarray:
    total = shares.sum(axis=-1, keepdims=True)
    cdf = np.cumsum(shares, axis=-1) / total
    cdf[..., -1] = 1.0
    return cdf


def activation(scn: Scenario, days: list[dt.date], lengths: np.ndarray) -> np.ndarray:
    """(county, period) fraction of each period, starting on ``days`` and lasting ``lengths``
    days, before the county submits prints (0 = all of it submitted, 1 = none): its S-Comm
    activation date, ``program.interoperability``, the scenario's place overrides and any
    law withdrawing interoperability. Periods are months for the engine and single days for
    ``scomm params``, so both read the same logic."""
    cty = counties()
    act = np.array([(a - dt.date(2000, 1, 1)).days for a in cty.activation])
    starts = np.array([(d - dt.date(2000, 1, 1)).days for d in days])
    frac = np.clip((act[:, None] - starts[None, :]) / lengths[None, :], 0.0, 1.0)
    on = np.array([bool(scn.params.at("program.interoperability", d)) for d in days])
    frac = np.where(on[None, :], frac, 1.0)
    for ov in scn.place_overrides:
        if ov.name == "program.interoperability":
            forced = 1.0 if not ov.value else frac
            frac = np.where(ov.scope.mask(days), forced, frac)
    for law in scn.laws:
        if law.effect == "withdraw_interoperability":
            frac = np.where(law.scope.mask(days), 1.0, frac)
    return frac


def submitting(scn: Scenario, day: dt.date) -> np.ndarray:
    """(county,) True where prints taken on ``day`` are checked against IDENT."""
    return activation(scn, [day], np.ones(1))[:, 0] < 1.0


def _activation(scn: Scenario, months: np.ndarray, days: list[dt.date]) -> np.ndarray:
    """Month fraction from which each county submits prints (1.0 = not at all)."""
    lengths = np.array([periods.days_in(int(m)) for m in months])
    return activation(scn, days, lengths)


def jail_287g(scn: Scenario, days: list[dt.date]) -> np.ndarray:
    """(county, day) True where a 287(g) jail-enforcement agreement is in force
    (``jurisdictions.agreements_287g``) and ``program.agreements_287g`` lets agreements
    operate."""
    on = np.array([bool(scn.params.at("program.agreements_287g", d)) for d in days])
    return agreements_287g.active(days) & on[None, :]


def removable_table(scn: Scenario, days: list[dt.date]) -> np.ndarray:
    """(day, status, level) probability that ICE deems a matched person removable: by status,
    except a lawful permanent resident's, which is by level."""
    other = _series(scn, "status.deemed_removable", days, list(pipeline.NOT_LPR))
    lpr = _series(scn, "status.lpr_removable", days, list(LEVEL_KEYS))
    out = np.empty((len(days), len(Status), len(Level)))
    out[:, [s for s in Status if s != Status.LPR], :] = other[:, :, None]
    out[:, Status.LPR, :] = lpr
    return out


def _pretext(scn: Scenario, days: list[dt.date], comp: Composition, n: np.ndarray) -> np.ndarray:
    """Expected pretextual bookings per county-month: each scenario ``pretext`` entry adds
    ``rate`` × the county-month's Hispanic bookings in its places and months."""
    out = np.zeros(n.shape)
    for p in scn.pretext:
        h = pretext.hispanic_share(comp.status, comp.hispanic)
        out += np.where(p.scope.mask(days), p.rate * h * n, 0.0)
    return out


_TRANSFORMS = {
    "value": lambda a: a,
    "flag": lambda a: a.astype(bool),
    "cdf": _cdf,
}


def declared_series(scn: Scenario, days: list[dt.date]) -> dict[str, np.ndarray]:
    """Every ``Inputs`` field the pipeline declaration compiles from monthly parameter
    values (rules/pipeline.py), by field name."""
    grouped: dict[str, list[pipeline.Param]] = {}
    for p in pipeline.parameters(drawn=False):
        if p.field not in pipeline.BUILT_FIELDS:
            grouped.setdefault(p.field, []).append(p)
    out = {}
    for name, params in grouped.items():
        arrays = [_series(scn, p.name, days, list(p.keys) if p.keys else None) for p in params]
        stacked = arrays[0] if len(arrays) == 1 else np.stack(arrays, axis=1)
        out[name] = _TRANSFORMS[params[0].transform](stacked)
    return out


@cache
def county_areas() -> np.ndarray:
    """(county,) position of each county's ICE area in ``pipeline.AORS``."""
    pos = {a: i for i, a in enumerate(pipeline.AORS)}
    return np.array([pos[a] for a in counties().table["aor"].to_list()], dtype=np.intp)


@dataclass(frozen=True)
class Frame:
    """The parts of ``Inputs`` that a scenario's places, laws, flags and period fix, whatever
    the values of the calibrated parameters: compiled once, then combined with each parameter
    set (``compile_parameters``; the calibration compiles thousands)."""

    months: np.ndarray
    days: tuple[dt.date, ...]
    county_mask: np.ndarray
    active_from: np.ndarray
    agreement_287g: np.ndarray
    policy: np.ndarray
    policy_287g: np.ndarray
    hold_masks: np.ndarray
    notify_masks: np.ndarray
    notice_sentenced: np.ndarray
    policy_laws: tuple[tuple[str, ...], ...]


def frame(scn: Scenario, start: int, end: int, states: list[str]) -> Frame:
    """The scenario's places, activation, 287(g) agreements and law tables for each month of
    [start, end]."""
    months = np.arange(start, end + 1)
    days = [periods.first_day(int(m)) for m in months]
    cty = counties()
    reimbursed = _series(scn, "jail.detainer_reimbursement_offered", days, None).astype(bool)
    table, policy_287g = channel_tables(scn.laws, days, reimbursed, len(cty.fips))
    return Frame(
        months=months,
        days=tuple(days),
        county_mask=np.isin(cty.state, states),
        active_from=_activation(scn, months, days),
        agreement_287g=jail_287g(scn, days),
        policy=table.index,
        policy_287g=policy_287g,
        hold_masks=table.hold,
        notify_masks=table.notify,
        notice_sentenced=table.sentenced,
        policy_laws=table.laws,
    )


def compile_parameters(
    fr: Frame, scn: Scenario, params: ParameterSet | None = None, rates: np.ndarray | None = None
) -> Inputs:
    """``Inputs`` from a frame and a parameter set (default: the scenario's); ``rates``: the
    counties' relative booking rates (default: the bookings model's estimates)."""
    params = scn.params if params is None else params
    days = list(fr.days)
    n = bookings(params, fr.months, rates)
    comp = composition(params, fr.months)
    sub = scn if params is scn.params else replace(scn, params=params)
    return Inputs(
        months=fr.months,
        county_mask=fr.county_mask,
        bookings=n,
        active_from=fr.active_from,
        agreement_287g=fr.agreement_287g,
        composition=comp,
        p_removable=removable_table(sub, days),
        policy=fr.policy,
        policy_287g=fr.policy_287g,
        hold_masks=fr.hold_masks,
        notify_masks=fr.notify_masks,
        notice_sentenced=fr.notice_sentenced,
        policy_laws=fr.policy_laws,
        pretext=_pretext(scn, days, comp, n),
        county_area=county_areas(),
        **declared_series(sub, days),
    )


def compile_inputs(
    scn: Scenario, start: int, end: int, states: list[str], rates: np.ndarray | None = None
) -> Inputs:
    """Arrays of the rules in force for each month of [start, end] in the given states."""
    return compile_parameters(frame(scn, start, end, states), scn, rates=rates)
