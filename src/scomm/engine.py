"""The engine: runs the rules stage after stage over the cohort that reaches each stage,
and owns the random numbers (counter-based, keyed by seed, stream and entity).

Bookings only enter as counts until the IDENT match; the match is drawn per submitted
booking (one uniform each); every later stage runs on the matched cohort alone.
An entity is a booking, keyed by (absolute month, county, index in the county-month),
so a person's draws are the same in every scenario, period and chunking.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.errors import UserError
from scomm.rng import KeyedDraws, Stream, entity_keys, split_keys, uniforms
from scomm.rules import (
    biometrics,
    custody,
    detainer,
    jail,
    level,
    match,
    person,
    pretext,
    removal,
    status,
)
from scomm.rules.categories import Status
from scomm.trace import OFF, Recorder, Trace

THREADS = 2


@dataclass(frozen=True)
class Simulation:
    """Counts by county-month for the first stages, and the matched cohort."""

    inputs: Inputs
    submissions: np.ndarray  # (county, month)
    cohort: Cohort
    seed: int

    def trace(self, rows: np.ndarray) -> Trace:
        """The trace (every stage, recorded) of the people at cohort ``rows``."""
        return trace(self.inputs, self.seed, self.cohort.key[np.asarray(rows, dtype=np.intp)])


def _draw_matches(inputs: Inputs, seed: int, stream: Stream, keys, row, j, shares):
    """The IDENT match of each submission ``keys`` (in ``stream``), whose county-month is
    ``row`` into the pairs' month positions ``j`` and status mixes ``shares``: the uniforms,
    each pair's match probability, the positions of the matches and their status (drawn from
    the same uniform by Bayes' rule)."""
    u = uniforms(seed, stream, keys)
    p_pair = match.match_probability(shares, inputs.p_match[j])
    hit = np.flatnonzero(u < p_pair[row])
    cdf = match.matched_status_cdf(shares, inputs.p_match[j])
    st = match.draw_category(u[hit] / p_pair[row[hit]], cdf[row[hit]])
    return u, p_pair, hit, st


def _match_pairs(inputs: Inputs, seed: int, stream: Stream, c, j, subs, first, shares):
    """Draw IDENT matches among ``subs`` submissions of each county-month (c, j), numbered
    from ``first``, whose status mix is ``shares``; return the matched rows
    (county, month position, key, status)."""
    # keys of a county-month's submitted bookings run from key(month, county, first) upwards
    base = entity_keys(inputs.months[j], c, first)
    offset = np.arange(int(subs.sum()), dtype=np.uint64)
    offset -= np.repeat((np.cumsum(subs) - subs).astype(np.uint64), subs)
    keys = np.repeat(base, subs)
    keys += offset
    row = np.repeat(np.arange(len(c), dtype=np.int32), subs)
    _, _, hit, st = _draw_matches(inputs, seed, stream, keys, row, j, shares)
    row = row[hit]
    return c[row], j[row], keys[hit], st


def _match_chunk(inputs: Inputs, seed: int, c: np.ndarray, j: np.ndarray):
    """IDENT matches among the real submissions of county-months (c, j)."""
    n = inputs.bookings[c, j]
    subs = biometrics.submissions_count(
        n, inputs.active_from[c, j], inputs.submissions_per_booking[j]
    )
    take = subs > 0
    c, j, n, subs = c[take], j[take], n[take], subs[take]
    shares = inputs.composition.status[c, j]
    return _match_pairs(inputs, seed, Stream.MATCH, c, j, subs, n - subs, shares)


CHUNK = 1 << 18  # submissions drawn together: small enough for both threads to share a state


def _chunks(chosen: np.ndarray, submissions: np.ndarray):
    """County-month pairs with submissions, in month order, cut into chunks of about CHUNK
    submissions; each chunk is (counties, month positions, months done)."""
    per_month = submissions[chosen].sum(axis=0)
    bounds, acc, start = [], 0, 0
    for j, n in enumerate(per_month):
        acc += int(n)
        if acc >= CHUNK or j == len(per_month) - 1:
            bounds.append((start, j + 1))
            start, acc = j + 1, 0
    for a, b in bounds:
        block = submissions[chosen, a:b] > 0
        ci, jj = np.nonzero(block.T)[::-1]
        order = np.lexsort((ci, jj))
        yield chosen[ci[order]], (jj[order] + a).astype(np.intp), b


def simulate(
    inputs: Inputs, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> Simulation:
    """Run every stage for the period and places in ``inputs``; ``progress(done, total)``
    is called as months are done. Chunks of months are matched on two threads (NumPy
    releases the GIL); the result does not depend on it, since every draw is keyed."""
    chosen = np.flatnonzero(inputs.county_mask)
    n_months = len(inputs.months)
    submissions = np.zeros_like(inputs.bookings)
    submissions[chosen] = biometrics.submissions_count(
        inputs.bookings[chosen], inputs.active_from[chosen], inputs.submissions_per_booking[None, :]
    )
    parts = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        chunks = list(_chunks(chosen, submissions))
        results = pool.map(lambda ch: _match_chunk(inputs, seed, ch[0], ch[1]), chunks)
        for (_, _, done), part in zip(chunks, results, strict=True):
            parts.append(part)
            if progress is not None:
                progress(done, n_months)
    if progress is not None:
        progress(n_months, n_months)
    empty = (
        np.zeros(0, np.int64),
        np.zeros(0, np.intp),
        np.zeros(0, np.uint64),
        np.zeros(0, np.int8),
    )
    parts = parts or [empty]
    county = np.concatenate([p[0] for p in parts], dtype=np.int32, casting="same_kind")
    month = np.concatenate([p[1] for p in parts], dtype=np.int32, casting="same_kind")
    key = np.concatenate([p[2] for p in parts], dtype=np.uint64, casting="no")
    st = np.concatenate([p[3] for p in parts], dtype=np.int8, casting="same_kind")
    pre_subs, *pre_rows = _pretext_matches(inputs, seed)
    submissions += pre_subs
    pretextual = np.repeat([False, True], [len(county), len(pre_rows[0])])
    county, month, key, st = (
        np.concatenate([a, b]).astype(a.dtype, copy=False)
        for a, b in zip((county, month, key, st), pre_rows, strict=True)
    )
    cohort = _downstream(inputs, seed, county, month, key, st, pretextual)
    return Simulation(inputs=inputs, submissions=submissions, cohort=cohort, seed=seed)


# Pretextual bookings are numbered from here within their county-month, so their keys
# never meet a real booking's and every real booking keeps its draws.
PRETEXT_INDEX = 1 << 39


def pretext_bookings(inputs: Inputs, seed: int) -> np.ndarray:
    """Pretextual bookings (county, month) in the selected counties: a whole number drawn
    from each county-month's expected count (``Stream.PRETEXT``, keyed by county-month)."""
    out = np.zeros_like(inputs.bookings)
    c, j = np.nonzero(inputs.county_mask[:, None] & (inputs.pretext > 0))
    if len(c):
        keys = entity_keys(inputs.months[j], c, np.zeros(len(c), dtype=np.int64))
        u = uniforms(seed, Stream.PRETEXT, keys)
        out[c, j] = pretext.extra_bookings(inputs.pretext[c, j], u)
    return out


def _pretext_matches(inputs: Inputs, seed: int):
    """Submissions (county, month) and IDENT matches (county, month, key, status) among
    pretextual bookings, drawn on ``Stream.PRETEXT_MATCH``: each is a Hispanic resident,
    so the status mix is that of the county-month's Hispanic bookings."""
    n = pretext_bookings(inputs, seed)
    if not n.any():
        none = np.zeros(0, np.int32)
        return n, none, none, np.zeros(0, np.uint64), np.zeros(0, np.int8)
    subs = biometrics.submissions_count(
        n, inputs.active_from, inputs.submissions_per_booking[None, :]
    )
    c, j = np.nonzero(subs)
    comp = inputs.composition
    shares = pretext.hispanic_status_shares(comp.status[c, j], comp.hispanic[c, j])
    first = n[c, j] - subs[c, j] + PRETEXT_INDEX
    rows = _match_pairs(inputs, seed, Stream.PRETEXT_MATCH, c, j, subs[c, j], first, shares)
    return subs, *rows


def trace(inputs: Inputs, seed: int, keys: np.ndarray) -> Trace:
    """Every stage, recorded (scomm.trace), for the bookings with entity ``keys``: the engine
    run on these people alone. Every draw is keyed by (seed, stream, entity), so each is
    decided exactly as in a full run of the same inputs and seed; people never submitted or
    never matched stop at that stage."""
    keys = np.asarray(keys, dtype=np.uint64).reshape(-1)
    c, j, i, pretextual = _locate(inputs, keys)
    rec = Recorder(np.arange(len(keys)))
    n = np.where(pretextual, pretext_bookings(inputs, seed)[c, j], inputs.bookings[c, j])
    booked = i < n
    rec.step(
        "booking",
        inputs={"index": i, "bookings": n, "pretextual": pretextual},
        outcome={"booked": booked},
    )
    shares = _status_shares(inputs, c, j, pretextual)
    rec.step("composition", inputs={}, outcome={"status_shares": shares})
    active_from, per_booking = inputs.active_from[c, j], inputs.submissions_per_booking[j]
    submitted = biometrics.submitted(i, n, active_from, per_booking)
    rec.step(
        "submission",
        inputs={
            "booked": booked,
            "index": i,
            "bookings": n,
            "active_from": active_from,
            "submissions_per_booking": per_booking,
        },
        outcome={"submitted": submitted},
    )
    u, p, hit, st = _match_people(inputs, seed, keys, j, shares, pretextual)
    matched = submitted & hit
    st = np.where(matched, st, -1).astype(np.int8)
    rec.step(
        "match",
        inputs={"submitted": submitted, "status_shares": shares},
        probability=p,
        draw=u,
        outcome={"matched": matched, "status": st},
    )
    rows = np.flatnonzero(matched)
    down = Recorder(rows)
    where = (c[rows].astype(np.int32), j[rows].astype(np.int32), keys[rows], st[rows])
    cohort = _downstream_block(inputs, seed, *where, pretextual[rows], down)
    return Trace(keys, (*rec.records, *down.records), cohort, seed)


def _locate(inputs: Inputs, keys: np.ndarray):
    """County index, month position, booking index in the county-month (pretextual bookings
    counted from 0) and the pretextual flag of each entity key; a key outside the simulated
    period or states raises UserError."""
    month, c, index = split_keys(keys)
    j = month - int(inputs.months[0])
    outside = (j < 0) | (j >= len(inputs.months))
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        raise UserError(
            f"entity key {int(keys[k])}: month {periods.month_label(int(month[k]))} is outside "
            f"the simulated period {periods.month_label(int(inputs.months[0]))}.."
            f"{periods.month_label(int(inputs.months[-1]))}"
        )
    known = c < len(inputs.county_mask)
    elsewhere = ~known | ~inputs.county_mask[np.where(known, c, 0)]
    if elsewhere.any():
        k = int(np.flatnonzero(elsewhere)[0])
        raise UserError(f"entity key {int(keys[k])}: its county is not among the simulated states")
    pretextual = index >= PRETEXT_INDEX
    return c, j, np.where(pretextual, index - PRETEXT_INDEX, index), pretextual


def _status_shares(inputs: Inputs, c, j, pretextual) -> np.ndarray:
    """Status mix of each person's county-month bookings (of its Hispanic bookings for a
    pretextual arrest), as the match draws from it."""
    comp = inputs.composition
    shares = comp.status[c, j]
    pre = np.flatnonzero(pretextual)
    if len(pre):
        cp, jp = c[pre], j[pre]
        shares[pre] = pretext.hispanic_status_shares(comp.status[cp, jp], comp.hispanic[cp, jp])
    return shares


def _match_people(inputs: Inputs, seed: int, keys, j, shares, pretextual):
    """Each person's match uniform and probability, whether the uniform is below it, and the
    status it draws (ordinary bookings in ``Stream.MATCH``, pretextual ones in
    ``Stream.PRETEXT_MATCH``, as in a full run)."""
    u, p = np.zeros(len(keys)), np.zeros(len(keys))
    hit, st = np.zeros(len(keys), dtype=bool), np.full(len(keys), -1, dtype=np.int8)
    for flag, stream in ((False, Stream.MATCH), (True, Stream.PRETEXT_MATCH)):
        sel = np.flatnonzero(pretextual == flag)
        row = np.arange(len(sel))
        drawn = _draw_matches(inputs, seed, stream, keys[sel], row, j[sel], shares[sel])
        u[sel], p[sel] = drawn[0], drawn[1]
        hit[sel[drawn[2]]] = True
        st[sel[drawn[2]]] = drawn[3]
    return u, p, hit, st


BLOCK = 1 << 16  # cohort rows per block after the match (keeps the working set in cache)


def _downstream(inputs: Inputs, seed: int, county, month, key, st, pretextual) -> Cohort:
    """Every stage after the match, on the matched cohort, block by block (the draws are
    keyed, so the blocking changes nothing)."""
    columns = (county, month, key, st, pretextual)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        blocks = list(
            pool.map(
                lambda i: _downstream_block(inputs, seed, *(a[i : i + BLOCK] for a in columns)),
                range(0, len(key), BLOCK),
            )
        )
    if not blocks:
        blocks = [_downstream_block(inputs, seed, county, month, key, st, pretextual)]
    fields = Cohort.__dataclass_fields__
    return Cohort(**{f: np.concatenate([getattr(b, f) for b in blocks]) for f in fields})


def _downstream_block(
    inputs: Inputs, seed: int, county, month, key, st, pretextual, rec: Recorder = OFF
) -> Cohort:
    """The stages after the match for one block of the cohort (``pretextual`` marks the rows
    of pretextual bookings: Hispanic, arrested on a minor charge); ``rec`` records each
    stage for a trace (``OFF`` in an ordinary run)."""
    u = KeyedDraws(seed, key).uniform
    unauthorized = st >= Status.UNDOCUMENTED_PRIOR
    who = _who(inputs, seed, u, (county, month, key, st, unauthorized), pretextual, rec)
    ice = _ice(inputs, u, (county, month, st, unauthorized), who["level"], who["charge"], rec)
    gone = _removal(inputs, u, month, who["level"], ice["book_in"], rec)
    return Cohort(county=county, month=month, key=key, status=st, **who, **ice, **gone)


def _who(inputs: Inputs, seed: int, u, people, pretextual, rec: Recorder):
    """Hispanic, sex, offense level and arrest charge of matched ``people`` (their
    county, month, key, status and whether they are unauthorized)."""
    county, month, key, st, unauthorized = people
    p_hisp, u_hisp = inputs.composition.hispanic[county, month, st], u(Stream.HISPANIC)
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
        u_pre = uniforms(seed, Stream.PRETEXT, key[pretextual])
        chg[pretextual] = pretext.minor_charge(inputs.charge_cdf[month[pretextual]], u_pre)
        u_chg[pretextual] = u_pre  # the draw that decided these charges
    rec.step(
        "charge",
        inputs={"cdf": ch_cdf, "pretextual": pretextual},
        draw=u_chg,
        outcome={"charge": chg},
    )
    return {"hispanic": hisp, "male": male, "level": lvl, "charge": chg}


def _ice(inputs: Inputs, u, people, lvl, chg, rec: Recorder):
    """ICE's status determination and detainer, the jail's compliance and the transfer
    (``people``: county, month, status and whether unauthorized)."""
    county, month, st, unauthorized = people
    p_rem, u_rem = inputs.p_removable[month, st], u(Stream.STATUS_DETERMINATION)
    removable = status.deemed_removable(p_rem, u_rem)
    rec.step(
        "status_determination",
        inputs={"status": st},
        probability=p_rem,
        draw=u_rem,
        outcome={"removable": removable},
    )
    given = {
        "level": lvl,
        "charge": chg,
        "p_level": inputs.p_detainer[month, lvl],
        "traffic_deferred": inputs.traffic_deferred[month],
        "minor_factor": inputs.minor_factor[month],
        "unauthorized": unauthorized,
        "laken_riley_share": inputs.laken_riley[month],
    }
    p_det, u_det = detainer.detainer_probability(**given), u(Stream.DETAINER)
    lodged = detainer.lodged(removable, p_det, u_det)
    rec.step(
        "detainer",
        inputs={"removable": removable, **given},
        probability=p_det,
        draw=u_det,
        outcome={"detainer": lodged},
    )
    policy = inputs.policy[county, month]
    allows = inputs.policy_masks[policy, lvl, chg]
    p_comply, u_comply = inputs.base_compliance[month], u(Stream.COMPLIANCE)
    held = jail.honored(lodged, allows, p_comply, u_comply)
    rec.step(
        "compliance",
        inputs={"detainer": lodged, "law_allows": allows, "policy": policy},
        probability=p_comply,
        draw=u_comply,
        outcome={"honored": held},
    )
    p_tr, u_tr = inputs.p_transfer[month], u(Stream.TRANSFER)
    book_in = custody.booked_into_ice(held, p_tr, u_tr)
    rec.step(
        "transfer",
        inputs={"honored": held},
        probability=p_tr,
        draw=u_tr,
        outcome={"book_in": book_in},
    )
    return {"removable": removable, "detainer": lodged, "honored": held, "book_in": book_in}


def _removal(inputs: Inputs, u, month, lvl, book_in, rec: Recorder):
    """Removal, days in detention, summary removal and representation."""
    p_rm, u_rm = inputs.p_removal[month, lvl], u(Stream.REMOVAL)
    eventually = removal.removed(book_in, p_rm, u_rm)
    rec.step(
        "removal",
        inputs={"book_in": book_in, "level": lvl},
        probability=p_rm,
        draw=u_rm,
        outcome={"eventually_removed": eventually},
    )
    mean, u_days = inputs.detention_mean[month], u(Stream.DETENTION_DAYS)
    days = np.where(book_in, removal.detention_days(mean, u_days), 0.0)
    completed = _completed_in_period(inputs, month, days)
    removed = eventually & completed
    rec.step(
        "detention",
        inputs={
            "book_in": book_in,
            "eventually_removed": eventually,
            "mean_days": mean,
            "completed_in_period": completed,
        },
        draw=u_days,
        outcome={"detention_days": days, "removed": removed},
    )
    p_sum, u_sum = inputs.p_summary[month], u(Stream.SUMMARY_REMOVAL)
    summary = removal.summary_removal(removed, p_sum, u_sum)
    heard = book_in & ~summary
    rec.step(
        "summary_removal",
        inputs={"removed": removed},
        probability=p_sum,
        draw=u_sum,
        outcome={"summary": summary, "heard": heard},
    )
    p_cn, u_cn = inputs.p_counsel[month], u(Stream.REPRESENTATION)
    counsel = removal.represented(heard, p_cn, u_cn)
    rec.step(
        "representation",
        inputs={"heard": heard},
        probability=p_cn,
        draw=u_cn,
        outcome={"represented": counsel},
    )
    return {"removed": removed, "detention_days": days, "summary": summary, "represented": counsel}


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
