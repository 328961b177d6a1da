"""Compile a scenario into arrays of the rules in force, month by month.

Rules in force on the first day of a month apply to the whole month; the one exception
is a county's S-Comm activation, prorated by day (a county activated on the 27th of a
31-day month submits the last 5/31 of that month's bookings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from scomm import periods
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import Law
from scomm.population import Composition, bookings, composition
from scomm.rules import pipeline, pretext
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS, Charge, Level
from scomm.scenario import Scenario

N_LEVELS, N_CHARGES = len(Level), len(Charge)


@dataclass(frozen=True)
class Inputs:
    """Everything the engine needs, as arrays over (county, month, ...)."""

    months: np.ndarray  # month indices of the simulated period
    county_mask: np.ndarray  # counties in the selected states
    bookings: np.ndarray  # (county, month) int64
    active_from: np.ndarray  # (county, month) month fraction when interoperability starts
    composition: Composition
    p_match: np.ndarray  # (month, status)
    p_removable: np.ndarray  # (month, status)
    level_cdf: np.ndarray  # (month, lawful/undocumented, level)
    charge_cdf: np.ndarray  # (month, charge)
    male: np.ndarray  # (month,)
    p_detainer: np.ndarray  # (month, level)
    traffic_deferred: np.ndarray  # (month,) bool
    minor_factor: np.ndarray  # (month,)
    laken_riley: np.ndarray  # (month,) theft-type share with a mandatory detainer (2025 Act)
    policy: np.ndarray  # (county, month) index into policy_masks
    policy_masks: np.ndarray  # (policy, level, charge) bool: may the jail honor?
    policy_laws: tuple[tuple[str, ...], ...]  # (policy,) ids of the laws in force it combines
    base_compliance: np.ndarray  # (month,)
    p_transfer: np.ndarray  # (month,)
    p_removal: np.ndarray  # (month, level)
    detention_mean: np.ndarray  # (month,)
    p_summary: np.ndarray  # (month,)
    p_counsel: np.ndarray  # (month,)
    pretext: np.ndarray  # (county, month) expected pretextual bookings (scenario ``pretext``)
    submissions_per_booking: np.ndarray  # (month,) prints reaching IDENT per booking


def _series(scn: Scenario, name: str, days: list[dt.date], keys: list[str] | None = None):
    p = scn.params[name]
    if keys is None:
        return np.array([float(p.at(d)) for d in days])
    return np.array([[float(p.at(d, k)) for k in keys] for d in days])


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


def law_mask(law: Law) -> np.ndarray:
    """(level, charge) → may a jail bound by this law honor a detainer?"""
    if law.effect == "decline_all" or (law.effect == "honor_only_if" and law.judicial_warrant):
        return np.zeros((N_LEVELS, N_CHARGES), dtype=bool)
    if law.effect != "honor_only_if":
        return np.ones((N_LEVELS, N_CHARGES), dtype=bool)
    lv = np.isin(LEVEL_KEYS, law.levels)
    ch = np.isin(CHARGE_KEYS, law.charges)
    return lv[:, None] | ch[None, :]


def _policies(scn: Scenario, days: list[dt.date]):
    """Per county-month policy index, the table of honor masks it points into, and the ids
    of the laws each policy combines."""
    cty = counties()
    masks = [np.ones((N_LEVELS, N_CHARGES), dtype=bool)]
    index: dict[tuple[str, ...], int] = {(): 0}
    policy = np.zeros((len(cty.fips), len(days)), dtype=np.int16)
    detainer_laws = [
        lw for lw in scn.laws if lw.effect in ("honor_only_if", "decline_all", "require_compliance")
    ]
    places = {lw.id: lw.scope.county_mask() for lw in detainer_laws}
    for j, d in enumerate(days):
        live = [lw for lw in detainer_laws if lw.scope.in_force(d)]
        if not live:
            continue
        member = np.stack([places[lw.id] for lw in live], axis=1)
        combos: dict[tuple[bool, ...], list[int]] = {}
        for i, row in enumerate(map(tuple, member)):
            if any(row):
                combos.setdefault(row, []).append(i)
        for row, rows in combos.items():
            laws = [lw for lw, on in zip(live, row, strict=True) if on]
            key = tuple(lw.id for lw in laws)
            if key not in index:
                index[key] = len(masks)
                masks.append(_combine(laws))
            policy[rows, j] = index[key]
    return policy, np.stack(masks), tuple(index)


def _combine(laws: list[Law]) -> np.ndarray:
    """A state law requiring compliance overrides local limits that took effect before it."""
    mandates = [lw.effective for lw in laws if lw.effect == "require_compliance"]
    latest_mandate = max(mandates) if mandates else None
    mask = np.ones((N_LEVELS, N_CHARGES), dtype=bool)
    for lw in laws:
        if latest_mandate is not None and lw.effective <= latest_mandate:
            continue
        mask &= law_mask(lw)
    return mask


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


def compile_inputs(scn: Scenario, start: int, end: int, states: list[str]) -> Inputs:
    """Arrays of the rules in force for each month of [start, end] in the given states."""
    months = np.arange(start, end + 1)
    days = [periods.first_day(int(m)) for m in months]
    cty = counties()
    policy, masks, policy_laws = _policies(scn, days)
    n = bookings(scn.params, months)
    comp = composition(scn.params, months)
    return Inputs(
        months=months,
        county_mask=np.isin(cty.state, states),
        bookings=n,
        active_from=_activation(scn, months, days),
        composition=comp,
        policy=policy,
        policy_masks=masks,
        policy_laws=policy_laws,
        pretext=_pretext(scn, days, comp, n),
        **declared_series(scn, days),
    )
