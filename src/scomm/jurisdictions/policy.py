"""The laws in force, compiled into what a jail may do with a detainer: hold the person past
release, or tell ICE the release time. Pure functions of the law files; ``compile`` builds the
engine's county-month policy table from them, and the law cases of tests/laws/ run through
them.

What a law allows depends on the person: their ICE level, the arrest charge and four record
flags (``rules/record.py``: serious charge, serious record, a magistrate's probable-cause
finding, a prior removal). Those six make a *cell*; a law's answer is a boolean per cell, for
holding and for notifying. Several laws binding one jail combine: the jail does only what
every law in force allows, after dropping local limits that took effect before a state mandate
(``require_compliance``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scomm.jurisdictions.laws import Condition, Law
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS, Charge, Level

FLAGS = ("serious_charge", "serious_record", "magistrate_pc", "prior_removal")
CELL_SHAPE = (len(Level), len(Charge), *(2 for _ in FLAGS))
N_CELLS = int(np.prod(CELL_SHAPE))
_GRID = np.indices(CELL_SHAPE).reshape(len(CELL_SHAPE), -1)  # each cell's coordinates
ALL = np.ones(N_CELLS, dtype=bool)
NONE = np.zeros(N_CELLS, dtype=bool)
LIMITS = ("honor_only_if", "notification_only", "decline_all", "require_compliance")


def cell_index(level, charge, serious_charge, serious_record, magistrate_pc, prior_removal):
    """The cell of each person (arrays of equal length), an index into a policy's masks."""
    coords = (level, charge, serious_charge, serious_record, magistrate_pc, prior_removal)
    return np.ravel_multi_index(tuple(np.asarray(c, dtype=np.intp) for c in coords), CELL_SHAPE)


def condition_mask(cond: Condition) -> np.ndarray:
    """(cell,) True where the condition holds."""
    level, charge, *flags = _GRID
    mask = ALL.copy()
    if cond.levels:
        mask &= np.isin(level, [LEVEL_KEYS.index(lv) for lv in cond.levels])
    if cond.charges:
        mask &= np.isin(charge, [CHARGE_KEYS.index(ch) for ch in cond.charges])
    for name, coord in zip(FLAGS, flags, strict=True):
        wanted = getattr(cond, name)
        if wanted is not None:
            mask &= coord == int(wanted)
    return mask


def qualifies(law: Law) -> np.ndarray:
    """(cell,) True where the person meets one of the law's conditions."""
    mask = NONE.copy()
    for cond in law.routes():
        mask |= condition_mask(cond)
    return mask


def law_masks(law: Law, reimbursed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(hold, notify): may a jail bound by ``law`` alone hold the person, and tell ICE of the
    release? ``reimbursed``: federal reimbursement is offered (lifts a reimbursement
    condition)."""
    if law.effect not in LIMITS or law.effect == "require_compliance":
        return ALL, ALL
    who = qualifies(law)
    if law.effect == "notification_only":
        return NONE, who
    if law.effect == "decline_all" and not (law.requires_reimbursement and reimbursed):
        return NONE, NONE if law.blocks_notification else ALL
    hold = NONE if law.judicial_warrant else who
    return hold, hold if law.blocks_notification else ALL


def _effective(laws: Sequence[Law]) -> list[Law]:
    """The laws that bind a jail together: a state law requiring compliance drops the local
    limits that took effect before it (on or before its date)."""
    mandates = [lw.effective for lw in laws if lw.effect == "require_compliance"]
    latest = max(mandates) if mandates else None
    return [lw for lw in laws if latest is None or lw.effective > latest]


def combine(laws: Sequence[Law], reimbursed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(hold, notify) for a jail bound by all of ``laws`` at once: a state law requiring
    compliance overrides local limits that took effect before it (on or before its date)."""
    hold, notify = ALL.copy(), ALL.copy()
    for lw in _effective(laws):
        h, n = law_masks(lw, reimbursed)
        hold &= h
        notify &= n
    return hold, notify


def sentenced_only(laws: Sequence[Law]) -> bool:
    """Whether a jail bound by all of ``laws`` tells ICE of a release only at the end of a
    sentence (one law in force that says so, not overridden by a state mandate)."""
    return any(lw.notifies_sentenced_only for lw in _effective(laws))


@dataclass(frozen=True)
class PolicyTable:
    """Which combination of laws binds each county on each day, and what each allows."""

    index: np.ndarray  # (county, day) int16 position in the masks below
    hold: np.ndarray  # (policy, cell) bool
    notify: np.ndarray  # (policy, cell) bool
    sentenced: np.ndarray  # (policy,) bool: release notice only at the end of a sentence
    laws: tuple[tuple[str, ...], ...]  # (policy,) ids of the laws it combines


def policy_table(
    laws: Sequence[Law], days: Sequence[dt.date], reimbursed: Sequence[bool], n_counties: int
) -> PolicyTable:
    """The policy of every county on every day (``reimbursed``: per day, whether federal
    reimbursement is offered). Policy 0 is "no law": everything allowed."""
    limits = [lw for lw in laws if lw.effect in LIMITS]
    places = {lw.id: lw.scope.county_mask() for lw in limits}
    found: dict[tuple[tuple[str, ...], bool], int] = {((), False): 0}
    holds, notifies, sentenced, ids = [ALL], [ALL], [False], [()]
    index = np.zeros((n_counties, len(days)), dtype=np.int16)
    grouped: dict[tuple[str, ...], list] = {}
    for j, day in enumerate(days):
        live = [lw for lw in limits if lw.scope.in_force(day)]
        ids_live = tuple(lw.id for lw in live)
        if ids_live not in grouped:
            grouped[ids_live] = _groups(live, places)
        for rows, bound in grouped[ids_live]:
            key = (tuple(lw.id for lw in bound), bool(reimbursed[j]) and _pays(bound))
            if key not in found:
                found[key] = len(holds)
                h, n = combine(bound, key[1])
                holds.append(h)
                notifies.append(n)
                sentenced.append(sentenced_only(bound))
                ids.append(key[0])
            index[rows, j] = found[key]
    return PolicyTable(
        index, np.stack(holds), np.stack(notifies), np.array(sentenced, dtype=bool), tuple(ids)
    )


def channel_tables(
    laws: Sequence[Law], days: Sequence[dt.date], reimbursed: Sequence[bool], n_counties: int
) -> tuple[PolicyTable, np.ndarray]:
    """The policy table of the S-Comm channel (every law) with the 287(g) channel's appended
    (only laws that bind a jail's 287(g) officers, ``binds_287g``), and the 287(g) channel's
    (county, day) index into the joint masks."""
    scomm = policy_table(laws, days, reimbursed, n_counties)
    own = policy_table([lw for lw in laws if lw.binds_287g], days, reimbursed, n_counties)
    joint = PolicyTable(
        scomm.index,
        np.concatenate([scomm.hold, own.hold]),
        np.concatenate([scomm.notify, own.notify]),
        np.concatenate([scomm.sentenced, own.sentenced]),
        scomm.laws + own.laws,
    )
    return joint, (own.index + len(scomm.hold)).astype(np.int16)


def _pays(laws: Sequence[Law]) -> bool:
    """Whether reimbursement changes anything for these laws."""
    return any(lw.requires_reimbursement for lw in laws)


def _groups(live: list[Law], places: dict[str, np.ndarray]):
    """Counties bound by the same laws among ``live``: (county rows, those laws)."""
    if not live:
        return []
    member = np.stack([places[lw.id] for lw in live], axis=1)
    bound = np.flatnonzero(member.any(axis=1))
    keys, inverse = np.unique(member[bound], axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return [
        (bound[inverse == g], [lw for lw, on in zip(live, key, strict=True) if on])
        for g, key in enumerate(keys)
    ]
