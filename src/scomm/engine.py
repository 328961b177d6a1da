"""The engine: runs the rules stage after stage over the cohort that reaches each stage,
and owns the random numbers (counter-based, keyed by seed, stream and entity).

Bookings only enter as counts until the IDENT match; the match is drawn per submitted
booking (one uniform each); every later stage runs on the matched cohort alone.
An entity is a booking, keyed by (absolute month, county, index in the county-month),
so a person's draws are the same in every scenario, period and chunking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np

from scomm import periods
from scomm.compile import Inputs
from scomm.rng import KeyedDraws, Stream, entity_keys, uniforms
from scomm.rules import biometrics, custody, detainer, jail, level, match, pretext, removal, status
from scomm.rules.categories import Status

THREADS = 2


@dataclass(frozen=True)
class Cohort:
    """One row per matched submission, with every stage's outcome."""

    county: np.ndarray  # county index
    month: np.ndarray  # position in Inputs.months
    key: np.ndarray  # entity key (uint64)
    status: np.ndarray
    hispanic: np.ndarray
    male: np.ndarray
    level: np.ndarray
    charge: np.ndarray
    removable: np.ndarray
    detainer: np.ndarray
    honored: np.ndarray
    book_in: np.ndarray
    removed: np.ndarray  # removal completed by the end of the period
    detention_days: np.ndarray  # days in ICE custody (0 where not booked in)
    summary: np.ndarray  # removed without a hearing before an immigration judge
    represented: np.ndarray  # had counsel before an immigration judge

    @classmethod
    def from_objects(cls, people: Sequence[object], **given: np.ndarray) -> Cohort:
        """A cohort from per-person objects with attributes named like the fields (as a
        reference model or a hand-built test keeps them); ``given`` columns take precedence."""
        columns = {
            name: given[name]
            if name in given
            else np.array([getattr(p, name) for p in people], dtype=dtype)
            for name, dtype in COHORT_DTYPES.items()
        }
        return cls(**columns)


COHORT_DTYPES = {
    "county": np.int32,
    "month": np.int32,
    "key": np.uint64,
    "status": np.int8,
    "hispanic": bool,
    "male": bool,
    "level": np.int8,
    "charge": np.int8,
    "removable": bool,
    "detainer": bool,
    "honored": bool,
    "book_in": bool,
    "removed": bool,
    "detention_days": np.float64,
    "summary": bool,
    "represented": bool,
}


@dataclass(frozen=True)
class Simulation:
    """Counts by county-month for the first stages, and the matched cohort."""

    inputs: Inputs
    submissions: np.ndarray  # (county, month)
    cohort: Cohort
    seed: int


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
    u = uniforms(seed, stream, keys)
    p_pair = match.match_probability(shares, inputs.p_match[j])
    row = np.repeat(np.arange(len(c), dtype=np.int32), subs)
    hit = np.flatnonzero(u < p_pair[row])
    row = row[hit]
    cdf = match.matched_status_cdf(shares, inputs.p_match[j])
    st = match.draw_category(u[hit] / p_pair[row], cdf[row])
    return c[row], j[row], keys[hit], st


def _match_chunk(inputs: Inputs, seed: int, c: np.ndarray, j: np.ndarray):
    """IDENT matches among the real submissions of county-months (c, j)."""
    n = inputs.bookings[c, j]
    subs = biometrics.submissions_count(n, inputs.active_from[c, j])
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
        inputs.bookings[chosen], inputs.active_from[chosen]
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
        np.concatenate([a, b]) for a, b in zip((county, month, key, st), pre_rows, strict=True)
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
    subs = biometrics.submissions_count(n, inputs.active_from)
    c, j = np.nonzero(subs)
    comp = inputs.composition
    shares = pretext.hispanic_status_shares(comp.status[c, j], comp.hispanic[c, j])
    first = n[c, j] - subs[c, j] + PRETEXT_INDEX
    rows = _match_pairs(inputs, seed, Stream.PRETEXT_MATCH, c, j, subs[c, j], first, shares)
    return subs, *rows


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


def _downstream_block(inputs: Inputs, seed: int, county, month, key, st, pretextual) -> Cohort:
    """The stages after the match for one block of the cohort (``pretextual`` marks the rows
    of pretextual bookings: Hispanic, arrested on a minor charge)."""
    u = KeyedDraws(seed, key).uniform
    hispanic = (u(Stream.HISPANIC) < inputs.composition.hispanic[county, month, st]) | pretextual
    male = u(Stream.SEX) < inputs.male[month]
    group = (st >= Status.UNDOCUMENTED_PRIOR).astype(np.intp)
    lvl = level.offense_level(inputs.level_cdf[month, group], u(Stream.LEVEL))
    chg = level.arrest_charge(inputs.charge_cdf[month], u(Stream.CHARGE))
    if pretextual.any():
        u_pre = uniforms(seed, Stream.PRETEXT, key[pretextual])
        chg[pretextual] = pretext.minor_charge(inputs.charge_cdf[month[pretextual]], u_pre)
    removable = status.deemed_removable(
        inputs.p_removable[month, st], u(Stream.STATUS_DETERMINATION)
    )
    p_det = detainer.detainer_probability(
        lvl,
        chg,
        inputs.p_detainer[month, lvl],
        inputs.traffic_deferred[month],
        inputs.minor_factor[month],
        unauthorized=group.astype(bool),
        laken_riley_share=inputs.laken_riley[month],
    )
    lodged = detainer.lodged(removable, p_det, u(Stream.DETAINER))
    allows = inputs.policy_masks[inputs.policy[county, month], lvl, chg]
    held = jail.honored(lodged, allows, inputs.base_compliance[month], u(Stream.COMPLIANCE))
    book_in = custody.booked_into_ice(held, inputs.p_transfer[month], u(Stream.TRANSFER))
    eventually = removal.removed(book_in, inputs.p_removal[month, lvl], u(Stream.REMOVAL))
    days = np.where(
        book_in, removal.detention_days(inputs.detention_mean[month], u(Stream.DETENTION_DAYS)), 0.0
    )
    removed = eventually & _completed_in_period(inputs, month, days)
    summary = removal.summary_removal(removed, inputs.p_summary[month], u(Stream.SUMMARY_REMOVAL))
    heard = book_in & ~summary
    counsel = removal.represented(heard, inputs.p_counsel[month], u(Stream.REPRESENTATION))
    return Cohort(
        county=county,
        month=month,
        key=key,
        status=st,
        hispanic=hispanic,
        male=male,
        level=lvl,
        charge=chg,
        removable=removable,
        detainer=lodged,
        honored=held,
        book_in=book_in,
        removed=removed,
        detention_days=days,
        summary=summary,
        represented=counsel,
    )


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
