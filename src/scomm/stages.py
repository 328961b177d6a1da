"""The stages after identification, run by the engine on the identified cohort block by
block: who the person is (ethnicity, sex, level, charge, record), ICE's status determination
and detainer, the jail's compliance, the transfer to ICE custody, removal and its route, the
days in detention and counsel. Each stage calls its rule (rules/) with the uniforms of its own
stream and records itself for a trace under the name rules/pipeline.py declares.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np

from scomm import periods
from scomm.cohort import Cohort, Found
from scomm.compile import Inputs
from scomm.jurisdictions.policy import cell_index
from scomm.rng import KeyedDraws, Stream, uniforms
from scomm.rules import custody, detainer, jail, level, person, pretext, record, removal, status
from scomm.rules.categories import Charge, Level, Status
from scomm.trace import OFF, Recorder

THREADS = 2
BLOCK = 1 << 16  # cohort rows per block (keeps the working set in cache)


def downstream(inputs: Inputs, seed: int, found: Found, pretextual: np.ndarray) -> Cohort:
    """Every stage after identification, on the identified cohort, block by block (the
    draws are keyed, so the blocking changes nothing)."""
    n = len(found.key)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        blocks = list(
            pool.map(
                lambda i: block(inputs, seed, found.rows(i, i + BLOCK), pretextual[i : i + BLOCK]),
                range(0, n, BLOCK),
            )
        )
    if not blocks:
        blocks = [block(inputs, seed, found, pretextual)]
    fields = Cohort.__dataclass_fields__
    return Cohort(**{f: np.concatenate([getattr(b, f) for b in blocks]) for f in fields})


@dataclass(frozen=True)
class _People:
    """The identified people of one block: where and when booked, their key and status."""

    county: np.ndarray
    month: np.ndarray
    key: np.ndarray
    status: np.ndarray
    unauthorized: np.ndarray
    via_287g: np.ndarray  # identified by a 287(g) officer (the laws that bind them apply)


def block(
    inputs: Inputs, seed: int, found: Found, pretextual: np.ndarray, rec: Recorder = OFF
) -> Cohort:
    """The stages after identification for one block of the cohort (``pretextual`` marks
    the rows of pretextual bookings: Hispanic, arrested on a minor charge); ``rec`` records
    each stage for a trace (``OFF`` in an ordinary run)."""
    u = KeyedDraws(seed, found.key).uniform
    st = found.status
    people = _People(
        found.county,
        found.month,
        found.key,
        st,
        st >= Status.UNDOCUMENTED_PRIOR,
        found.identified_287g,
    )
    who = _who(inputs, seed, u, people, pretextual, rec)
    rec_flags = _record(inputs, u, people, who["level"], who["charge"], rec)
    ice = _ice(inputs, u, people, {**who, **rec_flags}, rec)
    jailed = _jail(inputs, u, people, {**who, **rec_flags}, ice, rec)
    gone = _removal(inputs, u, people, {**who, **rec_flags}, jailed["book_in"], rec)
    return Cohort(
        county=found.county,
        month=found.month,
        key=found.key,
        status=st,
        identified_287g=found.identified_287g,
        matched=found.matched,
        **who,
        **rec_flags,
        **ice,
        **jailed,
        **gone,
    )


def _who(inputs: Inputs, seed: int, u, people: _People, pretextual, rec: Recorder):
    """Hispanic, sex, offense level and arrest charge."""
    month, st = people.month, people.status
    p_hisp, u_hisp = inputs.composition.hispanic[people.county, month, st], u(Stream.HISPANIC)
    hisp = person.hispanic(p_hisp, u_hisp, pretextual)
    rec.step(
        "hispanic",
        inputs={"status": st, "pretextual": pretextual},
        probability=p_hisp,
        draw=u_hisp,
        outcome={"hispanic": hisp},
    )
    p_male, u_male = inputs.male[month], u(Stream.SEX)
    male = person.male(p_male, u_male)
    rec.step("sex", inputs={}, probability=p_male, draw=u_male, outcome={"male": male})
    unauthorized = people.unauthorized
    lv_cdf, u_lvl = inputs.level_cdf[month, unauthorized.astype(np.intp)], u(Stream.LEVEL)
    lvl = level.offense_level(lv_cdf, u_lvl)
    rec.step(
        "level",
        inputs={"unauthorized": unauthorized, "cdf": lv_cdf},
        draw=u_lvl,
        outcome={"level": lvl},
    )
    ch_cdf, u_chg = inputs.charge_cdf[month], u(Stream.CHARGE)
    chg = level.arrest_charge(ch_cdf, u_chg)
    if pretextual.any():
        u_pre = uniforms(seed, Stream.PRETEXT, people.key[pretextual])
        chg[pretextual] = pretext.minor_charge(inputs.charge_cdf[month[pretextual]], u_pre)
        u_chg[pretextual] = u_pre  # the draw that decided these charges
    rec.step(
        "charge",
        inputs={"cdf": ch_cdf, "pretextual": pretextual},
        draw=u_chg,
        outcome={"charge": chg},
    )
    return {"hispanic": hisp, "male": male, "level": lvl, "charge": chg}


def _only(eligible: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The probability a trace records for a flag only some people can have: ``p`` where
    the person can have it, 0 elsewhere (what the rule's draw was compared with)."""
    return np.where(eligible, p, 0.0)


def _flag(rec: Recorder, stage: str, given: dict, p, draw, outcome: str, value) -> np.ndarray:
    rec.step(stage, inputs=given, probability=p, draw=draw, outcome={outcome: value})
    return value


def _record(inputs: Inputs, u, people: _People, lvl, chg, rec: Recorder) -> dict:
    """The record flags the laws, the priorities and the removal routes turn on."""
    m, st = people.month, people.status
    out = {}
    p = inputs.serious_charge_share[m, chg]
    d = u(Stream.SERIOUS_CHARGE)
    out["serious_charge"] = _flag(
        rec, "serious_charge", {"charge": chg}, p, d, "serious_charge", record.serious_charge(p, d)
    )
    p, d = inputs.magistrate_pc[m], u(Stream.MAGISTRATE_PC)
    value = record.magistrate_pc(chg, p, d)
    out["magistrate_pc"] = _flag(
        rec,
        "magistrate_pc",
        {"charge": chg},
        _only(chg == Charge.FELONY, p),
        d,
        "magistrate_pc",
        value,
    )
    p, d = inputs.serious_record_share[m, lvl], u(Stream.SERIOUS_RECORD)
    out["serious_record"] = _flag(
        rec, "serious_record", {"level": lvl}, p, d, "serious_record", record.serious_record(p, d)
    )
    p, d = inputs.aggravated_felony[m], u(Stream.AGGRAVATED_FELONY)
    value = record.aggravated_felony(lvl, p, d)
    p = _only(lvl == Level.LEVEL1, p)
    out["aggravated_felony"] = _flag(
        rec, "aggravated_felony", {"level": lvl}, p, d, "aggravated_felony", value
    )
    p, d = inputs.prior_removal[m], u(Stream.PRIOR_REMOVAL)
    value = record.prior_removal(st, p, d)
    p = _only(st == Status.UNDOCUMENTED_PRIOR, p)
    out["prior_removal"] = _flag(rec, "prior_removal", {"status": st}, p, d, "prior_removal", value)
    return out | _record_immigration(inputs, u, people, chg, rec)


def _record_immigration(inputs: Inputs, u, people: _People, chg, rec: Recorder) -> dict:
    """Entry without inspection and a Laken Riley Act offense."""
    m, unauthorized = people.month, people.unauthorized
    p, d = inputs.ewi[m], u(Stream.ENTRY_WITHOUT_INSPECTION)
    ewi = record.entered_without_inspection(unauthorized, p, d)
    rec.step(
        "entered_without_inspection",
        inputs={"unauthorized": unauthorized},
        probability=_only(unauthorized, p),
        draw=d,
        outcome={"entered_without_inspection": ewi},
    )
    p, d = inputs.laken_riley_offense[m], u(Stream.LAKEN_RILEY_OFFENSE)
    offense = record.laken_riley_offense(chg, p, d)
    rec.step(
        "laken_riley_offense",
        inputs={"charge": chg},
        probability=_only(chg != Charge.TRAFFIC, p),
        draw=d,
        outcome={"laken_riley_offense": offense},
    )
    return {"entered_without_inspection": ewi, "laken_riley_offense": offense}


def _ice(inputs: Inputs, u, people: _People, who: dict, rec: Recorder) -> dict:
    """ICE's status determination and detainer."""
    m, st, lvl, chg = people.month, people.status, who["level"], who["charge"]
    lpr = st == Status.LPR
    p_rem, u_rem = inputs.p_removable[m, st, lvl], u(Stream.STATUS_DETERMINATION)
    removable = status.deemed_removable(p_rem, u_rem)
    rec.step(
        "status_determination",
        inputs={
            "status": st,
            "level": lvl,
            "lpr": lpr,
            "status_except_lpr": st - (st > Status.LPR),
        },
        probability=p_rem,
        draw=u_rem,
        outcome={"removable": removable},
    )
    member = detainer.priority_membership(
        lvl,
        chg,
        who["serious_charge"],
        who["serious_record"],
        who["aggravated_felony"],
        who["prior_removal"],
    )
    in_priorities = detainer.prioritized(member, inputs.priority[m])
    mandated = detainer.laken_riley_mandated(
        who["entered_without_inspection"], who["laken_riley_offense"], inputs.laken_riley_mandate[m]
    )
    given = {
        "level": lvl,
        "charge": chg,
        "in_priorities": in_priorities,
        "p_level": inputs.p_detainer[m, lvl],
        "outside_factor": inputs.outside_factor[m],
        "traffic_deferred": inputs.traffic_deferred[m],
        "mandated": mandated,
        "area_intensity": inputs.area_odds[m, inputs.county_area[people.county]],
        "via_287g": people.via_287g,
        "p_287g": inputs.p_detainer_287g[m],
    }
    p_det, u_det = detainer.detainer_probability(**given), u(Stream.DETAINER)
    lodged = detainer.lodged(removable, p_det, u_det)
    asks_notice = detainer.notification_request(lodged, p_det, inputs.notification_share[m], u_det)
    rec.step(
        "detainer",
        inputs={
            "removable": removable,
            "aor": inputs.county_area[people.county],
            **given,
            "notification_share": inputs.notification_share[m],
        },
        probability=p_det,
        draw=u_det,
        outcome={"detainer": lodged, "notification_request": asks_notice},
    )
    return {"removable": removable, "detainer": lodged, "notification_request": asks_notice}


def _jail(inputs: Inputs, u, people: _People, who: dict, ice: dict, rec: Recorder) -> dict:
    """The jail's compliance under the laws in force, and the transfer to ICE custody."""
    m = people.month
    own = inputs.policy_287g[people.county, m]
    policy = np.where(people.via_287g, own, inputs.policy[people.county, m])
    cell = cell_index(
        who["level"],
        who["charge"],
        who["serious_charge"],
        who["serious_record"],
        who["magistrate_pc"],
        who["prior_removal"],
    )
    hold, notify = inputs.hold_masks[policy, cell], inputs.notify_masks[policy, cell]
    p_comply, u_comply = inputs.base_compliance[m], u(Stream.COMPLIANCE)
    sentenced = inputs.notice_sentenced[policy]
    p_notice = jail.notice_rate(p_comply, sentenced, inputs.sentenced_share[m])
    lodged, asks_notice = ice["detainer"], ice["notification_request"]
    held = jail.honored(lodged, asks_notice, hold, p_comply, u_comply)
    told = jail.notified(lodged, held, notify, p_notice, u_comply)
    rec.step(
        "compliance",
        inputs={
            "detainer": lodged,
            "notification_request": asks_notice,
            "hold_allowed": hold,
            "notify_allowed": notify,
            "notice_sentenced_only": sentenced,
            "notice_rate": p_notice,
            "policy": policy,
        },
        probability=p_comply,
        draw=u_comply,
        outcome={"honored": held, "notified": told},
    )
    p_tr, p_pick, u_tr = inputs.p_transfer[m], inputs.p_pickup[m], u(Stream.TRANSFER)
    book_in = custody.booked_into_ice(held, told, p_tr, p_pick, u_tr)
    rec.step(
        "transfer",
        inputs={"detainer": lodged, "honored": held, "notified": told, "p_pickup": p_pick},
        probability=np.where(held, p_tr, np.where(told, p_pick, 0.0)),
        draw=u_tr,
        outcome={"book_in": book_in},
    )
    return {"honored": held, "notified": told, "book_in": book_in}


def _removal(inputs: Inputs, u, people: _People, who: dict, book_in, rec: Recorder) -> dict:
    """Removal, its route (summary or a hearing), the days in detention and counsel."""
    m, lvl = people.month, who["level"]
    p_rm, u_rm = inputs.p_removal[m, lvl], u(Stream.REMOVAL)
    eventually = removal.removed(book_in, p_rm, u_rm)
    rec.step(
        "removal",
        inputs={"book_in": book_in, "level": lvl},
        probability=p_rm,
        draw=u_rm,
        outcome={"eventually_removed": eventually},
    )
    summary = _summary(inputs, u, people, who, (book_in, eventually), rec)
    heard = book_in & ~summary
    days, removed = _detention(inputs, u, m, book_in, eventually, summary, rec)
    p_cn, u_cn = inputs.p_counsel[m], u(Stream.REPRESENTATION)
    counsel = removal.represented(heard, p_cn, u_cn)
    rec.step(
        "representation",
        inputs={"heard": heard},
        probability=p_cn,
        draw=u_cn,
        outcome={"represented": counsel},
    )
    return {
        "eventually_removed": eventually,
        "removed": removed,
        "detention_days": days,
        "summary": summary,
        "represented": counsel,
    }


def _summary(inputs: Inputs, u, people: _People, who: dict, fate, rec: Recorder):
    """Whether the removal bypasses a hearing, by the routes the person's history opens
    (``fate``: booked into ICE custody, eventually removed)."""
    m, (book_in, eventually) = people.month, fate
    history = (who["prior_removal"], who["aggravated_felony"], who["entered_without_inspection"])
    routes = (
        inputs.p_reinstate[m],
        inputs.p_administrative[m],
        inputs.p_recent_entrant[m],
        inputs.p_stipulated[m],
        inputs.expedited_interior[m],
    )
    p_sum = removal.summary_probability(people.status, who["level"], history, routes)
    u_sum = u(Stream.SUMMARY_REMOVAL)
    summary = removal.summary_removal(eventually, p_sum, u_sum)
    rec.step(
        "summary_removal",
        inputs={
            "eventually_removed": eventually,
            "status": people.status,
            "level": who["level"],
            "prior_removal": history[0],
            "aggravated_felony": history[1],
            "entered_without_inspection": history[2],
            "expedited_interior": routes[4],
        },
        probability=p_sum,
        draw=u_sum,
        outcome={"summary": summary, "heard": book_in & ~summary},
    )
    return summary


def _detention(inputs: Inputs, u, m, book_in, eventually, summary, rec: Recorder):
    """Days from the ICE book-in to removal or release, and whether a removal is completed
    by the end of the period."""
    route = removal.route(eventually, summary)
    median, log_sd = inputs.days_median[m, route], inputs.days_log_sd[m, route]
    u_days = u(Stream.DETENTION_DAYS)
    days = np.where(book_in, removal.detention_days(median, log_sd, u_days), 0.0)
    completed = _completed_in_period(inputs, m, days)
    removed = eventually & completed
    rec.step(
        "detention",
        inputs={
            "book_in": book_in,
            "eventually_removed": eventually,
            "route": route,
            "median_days": median,
            "log_sd": log_sd,
            "completed_in_period": completed,
        },
        draw=u_days,
        outcome={"detention_days": days, "removed": removed},
    )
    return days, removed


@cache
def _month_lengths(months: tuple[int, ...]) -> np.ndarray:
    return np.array([periods.days_in(m) for m in months], dtype=np.float64)


def _completed_in_period(inputs: Inputs, month: np.ndarray, days: np.ndarray) -> np.ndarray:
    """True where release from ICE detention falls before the end of the period.

    A booking sits at the middle of its month (a uniform spread would need the
    county-month size); detention starts then and lasts ``days``.
    """
    lengths = _month_lengths(tuple(int(m) for m in inputs.months))
    start_day = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    t = start_day[month] + lengths[month] / 2 + days
    return t <= lengths.sum()
