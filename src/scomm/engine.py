"""The engine: runs the rules stage after stage over the cohort that reaches each stage,
and owns the random numbers (counter-based, keyed by seed, stream and entity).

Bookings only enter as counts until the identification: the IDENT match is drawn per
submitted booking (one uniform each) and, where a county's jail holds a 287(g) agreement,
the 287(g) screen per booking; every later stage runs on the identified cohort alone
(``scomm.stages``). An entity is a booking, keyed by (absolute month, county, index in the
county-month), so a person's draws are the same in every scenario, period and chunking.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from scomm import periods, stages
from scomm.cohort import Cohort, Found
from scomm.compile import Inputs
from scomm.errors import UserError
from scomm.rng import Stream, entity_keys, split_keys, uniforms
from scomm.rules import biometrics, match, pretext, screening
from scomm.trace import Recorder, Trace

THREADS = 2


@dataclass(frozen=True)
class Simulation:
    """Counts by county-month for the first stages, and the identified cohort."""

    inputs: Inputs
    submissions: np.ndarray  # (county, month)
    cohort: Cohort
    seed: int

    def trace(self, rows: np.ndarray) -> Trace:
        """The trace (every stage, recorded) of the people at cohort ``rows``."""
        return trace(self.inputs, self.seed, self.cohort.key[np.asarray(rows, dtype=np.intp)])

    def channel(self, name: str) -> Simulation:
        """The same run with only the cohort rows of one identification channel
        (``scomm`` or ``287g``, ``cohort.CHANNELS``)."""
        return Simulation(self.inputs, self.submissions, self.cohort.of_channel(name), self.seed)


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


def _pair_keys(inputs: Inputs, c, j, count, first):
    """Keys of ``count`` consecutive bookings of each county-month (c, j), numbered from
    ``first``, and each key's row into the pairs."""
    base = entity_keys(inputs.months[j], c, first)
    offset = np.arange(int(count.sum()), dtype=np.uint64)
    offset -= np.repeat((np.cumsum(count) - count).astype(np.uint64), count)
    keys = np.repeat(base, count)
    keys += offset
    return keys, np.repeat(np.arange(len(c), dtype=np.int32), count)


def _match_pairs(inputs: Inputs, seed: int, stream: Stream, c, j, subs, first, shares) -> Found:
    """Draw IDENT matches among ``subs`` submissions of each county-month (c, j), numbered
    from ``first``, whose status mix is ``shares``."""
    keys, row = _pair_keys(inputs, c, j, subs, first)
    _, _, hit, st = _draw_matches(inputs, seed, stream, keys, row, j, shares)
    row = row[hit]
    no = np.zeros(len(hit), dtype=bool)
    return Found(c[row], j[row], keys[hit], st, no, ~no)


@dataclass(frozen=True)
class Identification:
    """The 287(g) screen and the IDENT match of some bookings, with what decided them."""

    u_screen: np.ndarray
    p_screen: np.ndarray  # per person
    identified: np.ndarray
    u_match: np.ndarray
    p_match: np.ndarray  # per person: given the status for the identified, else the rest's
    match_shares: np.ndarray  # per person: the status mix the match drew from
    matched: np.ndarray
    status: np.ndarray  # -1 where neither identified nor matched


def identify(inputs: Inputs, seed: int, keys, row, j, shares, submitted) -> Identification:
    """The 287(g) screen of bookings ``keys`` (group ``row`` of county-months at month
    positions ``j`` with status mixes ``shares``), then the IDENT match of those
    ``submitted``: an identified person's status comes from the screen's uniform, and their
    match probability is their status's; the others match from the status mix of the
    bookings the screen left (rules/screening.py)."""
    q, pm = inputs.p_identify[j], inputs.p_match[j]
    u1 = uniforms(seed, Stream.SCREEN_287G, keys)
    p_id = screening.identification_probability(shares, q)
    ident = u1 < p_id[row]
    st = np.full(len(keys), -1, dtype=np.int8)
    hit = np.flatnonzero(ident)
    cdf = match.matched_status_cdf(shares, q)
    st[hit] = match.draw_category(u1[hit] / p_id[row[hit]], cdf[row[hit]])
    rest = screening.unidentified_shares(shares, q)
    p_rest = match.match_probability(rest, pm)
    um = np.ones(len(keys))  # no match draw for bookings whose prints were not checked
    sub = np.flatnonzero(submitted)
    um[sub] = uniforms(seed, Stream.MATCH, keys[sub])
    p_person = np.where(ident, pm[row, np.maximum(st, 0)], p_rest[row])
    matched = submitted & (um < p_person)
    found = np.flatnonzero(matched & ~ident)
    cdf_rest = match.matched_status_cdf(rest, pm)
    st[found] = match.draw_category(um[found] / p_rest[row[found]], cdf_rest[row[found]])
    return Identification(u1, p_id[row], ident, um, p_person, rest[row], matched, st)


def _screen_pairs(inputs: Inputs, seed: int, c, j, n, subs) -> Found:
    """The 287(g) screen of every booking of county-months (c, j) with an agreement in force,
    and the IDENT match of the ``subs`` last of them (the submitted ones)."""
    keys, row = _pair_keys(inputs, c, j, n, np.zeros(len(c), dtype=np.int64))
    index = keys - np.repeat(entity_keys(inputs.months[j], c, 0), n)
    submitted = index >= (n - subs)[row].astype(np.uint64)
    got = identify(inputs, seed, keys, row, j, inputs.composition.status[c, j], submitted)
    keep = got.identified | got.matched
    r = row[keep]
    return Found(c[r], j[r], keys[keep], got.status[keep], got.identified[keep], got.matched[keep])


def _match_chunk(inputs: Inputs, seed: int, c: np.ndarray, j: np.ndarray) -> Found:
    """Identifications among the bookings of county-months (c, j): IDENT matches of the
    submissions, and the 287(g) screen where an agreement is in force."""
    n = inputs.bookings[c, j]
    subs = biometrics.submissions_count(
        n, inputs.active_from[c, j], inputs.submissions_per_booking[j]
    )
    screened = inputs.agreement_287g[c, j]
    plain = ~screened & (subs > 0)
    cp, jp, n_p, s_p = c[plain], j[plain], n[plain], subs[plain]
    shares = inputs.composition.status[cp, jp]
    parts = [_match_pairs(inputs, seed, Stream.MATCH, cp, jp, s_p, n_p - s_p, shares)]
    work = screened & (n > 0)
    if work.any():
        parts.append(_screen_pairs(inputs, seed, c[work], j[work], n[work], subs[work]))
    return Found.concat(parts).sorted()


CHUNK = 1 << 18  # bookings drawn together: small enough for both threads to share a state


def _chunks(chosen: np.ndarray, work: np.ndarray):
    """County-month pairs with work (submissions, or bookings a 287(g) screen sees), in
    month order, cut into chunks of about CHUNK draws; each chunk is (counties, month
    positions, months done)."""
    per_month = work[chosen].sum(axis=0)
    bounds, acc, start = [], 0, 0
    for j, n in enumerate(per_month):
        acc += int(n)
        if acc >= CHUNK or j == len(per_month) - 1:
            bounds.append((start, j + 1))
            start, acc = j + 1, 0
    for a, b in bounds:
        block = work[chosen, a:b] > 0
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
    work = submissions + np.where(inputs.agreement_287g, inputs.bookings, 0)
    parts = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        chunks = list(_chunks(chosen, work))
        results = pool.map(lambda ch: _match_chunk(inputs, seed, ch[0], ch[1]), chunks)
        for (_, _, done), part in zip(chunks, results, strict=True):
            parts.append(part)
            if progress is not None:
                progress(done, n_months)
    if progress is not None:
        progress(n_months, n_months)
    found = Found.concat(parts)
    pre_subs, pre_found = _pretext_matches(inputs, seed)
    submissions += pre_subs
    pretextual = np.repeat([False, True], [len(found.key), len(pre_found.key)])
    cohort = stages.downstream(inputs, seed, Found.concat([found, pre_found]), pretextual)
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


def _pretext_matches(inputs: Inputs, seed: int) -> tuple[np.ndarray, Found]:
    """Submissions (county, month) and IDENT matches among pretextual bookings, drawn on
    ``Stream.PRETEXT_MATCH``: each is a Hispanic resident, so the status mix is that of the
    county-month's Hispanic bookings. A scenario's pretextual arrests meet S-Comm only (no
    287(g) screen: the mechanism is the fingerprint check)."""
    n = pretext_bookings(inputs, seed)
    if not n.any():
        return n, Found.concat([])
    subs = biometrics.submissions_count(
        n, inputs.active_from, inputs.submissions_per_booking[None, :]
    )
    c, j = np.nonzero(subs)
    comp = inputs.composition
    shares = pretext.hispanic_status_shares(comp.status[c, j], comp.hispanic[c, j])
    first = n[c, j] - subs[c, j] + PRETEXT_INDEX
    return subs, _match_pairs(inputs, seed, Stream.PRETEXT_MATCH, c, j, subs[c, j], first, shares)


def trace(inputs: Inputs, seed: int, keys: np.ndarray) -> Trace:
    """Every stage, recorded (scomm.trace), for the bookings with entity ``keys``: the engine
    run on these people alone. Every draw is keyed by (seed, stream, entity), so each is
    decided exactly as in a full run of the same inputs and seed; people neither identified
    by a 287(g) officer nor matched stop at the match."""
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
    got = _identify_people(inputs, seed, keys, (c, j), shares, submitted, pretextual)
    agreement = inputs.agreement_287g[c, j] & ~pretextual
    rec.step(
        "screen_287g",
        inputs={"booked": booked, "agreement_287g": agreement, "status_shares": shares},
        probability=got.p_screen,
        draw=got.u_screen,
        outcome={"identified_287g": got.identified},
    )
    rec.step(
        "match",
        inputs={
            "submitted": submitted,
            "identified_287g": got.identified,
            "status_shares": got.match_shares,
        },
        probability=got.p_match,
        draw=got.u_match,
        outcome={"matched": got.matched, "status": got.status},
    )
    rows = np.flatnonzero(got.identified | got.matched)
    found = Found(
        c[rows].astype(np.int32),
        j[rows].astype(np.int32),
        keys[rows],
        got.status[rows],
        got.identified[rows],
        got.matched[rows],
    )
    down = Recorder(rows)
    cohort = stages.block(inputs, seed, found, pretextual[rows], down)
    return Trace(keys, (*rec.records, *down.records), cohort, seed)


def _identify_people(inputs: Inputs, seed: int, keys, where, shares, submitted, pretextual):
    """Each traced person's 287(g) screen and IDENT match, as the full run draws them: the
    screen only where an agreement is in force (elsewhere its probability is 0, so no
    uniform can identify anyone), the match of the rest from the county-month's mix."""
    c, j = where
    row = np.arange(len(keys))
    got = identify(inputs, seed, keys, row, j, shares, submitted)
    agreement = inputs.agreement_287g[c, j] & ~pretextual
    u, p, hit, st = _match_people(inputs, seed, keys, j, shares, pretextual)
    matched = np.where(agreement, got.matched, submitted & hit)
    status = np.where(agreement, got.status, np.where(matched, st, -1)).astype(np.int8)
    return Identification(
        u_screen=got.u_screen,
        p_screen=np.where(agreement, got.p_screen, 0.0),
        identified=agreement & got.identified,
        u_match=np.where(agreement, got.u_match, u),
        p_match=np.where(agreement, got.p_match, p),
        match_shares=np.where(agreement[:, None], got.match_shares, shares),
        matched=matched,
        status=status,
    )


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
    pretextual arrest), as the screen and the match draw from it."""
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
    ``Stream.PRETEXT_MATCH``, as in a full run without a 287(g) screen)."""
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
