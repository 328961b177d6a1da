"""The aggregate mode: the exact expectation of the engine, for calibration.

``engine.simulate`` draws every identified person's fate; ``expect`` computes, from the same
compiled ``Inputs`` and the same rule functions, the *expected* count of every stage,
integrating over the person's attributes instead of drawing them:

- submissions are the engine's own whole numbers (``biometrics.submissions_count``: no draw
  enters them);
- identification by county, month and status: where a 287(g) jail agreement is in force, a
  booking is identified by an officer with the status's probability (``rules.screening``),
  and the submitted bookings the officer did not identify match IDENT with the status's
  probability (``rules.match``); elsewhere only the match. The engine draws both from
  uniforms by Bayes' rule, which has exactly these joint probabilities;
- every later stage is a product of conditional probabilities given the person's month and
  attributes (``Profiles``: status, level, charge and the record flags of ``rules.record``, each
  flag's share and whom it can apply to read off its rule) and the place's *regime*: the law
  table the person's channel answers to (S-Comm's or the 287(g) officers', ``Inputs.policy``
  and ``policy_287g``) and the ICE area (its detainer intensity). The probabilities come from
  the rules themselves: ``detainer.priority_membership``, ``prioritized``,
  ``laken_riley_mandated`` and ``detainer_probability``; the jail's hold and notification from
  ``jail.honored`` and ``jail.notified`` evaluated where the compliance draw succeeds (one draw
  decides both, so that is exact); ``removal.summary_probability``;
- a removal counts when completed by the end of the window asked for: the route's lognormal
  time from book-in (``rules.removal.completed_probability``, the distribution
  ``detention_days`` draws from) from the middle of the booking month, as the engine times it.

Counties only enter through their expected identifications, summed within *cells* (groups of
counties the caller wants apart: states, a few counties, ICE areas) and regimes, so a query is
a sum over (regime, month, status) of identifications × a probability table. Deterministic: the
likelihood surface of a calibration is smooth in the parameters. For speed (a calibration takes
thousands of expectations) the identifications are kept only for the (cell, regime) *pairs*
that hold anyone, the probability tables by the (status, level, charge) bins a profile can
fall in, and every sum over counties or profiles is one sparse product; tests/test_aggregate.py
also holds the tables to a profile-by-profile sum straight from the rules. Scenarios with pretextual
arrests (a random whole number of extra bookings, rounded at random) are refused.

Counts follow the contract (summary.py): ``ident_matches`` counts every IDENT match, the later
stages S-Comm's channel only (people no 287(g) officer identified); ``channel`` asks for one
channel or both. tests/test_aggregate.py holds the stochastic engine's means over seeds to
this expectation within Monte Carlo error for every quantity the calibration uses, in every
era and both channels.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import Inputs
from scomm.errors import UserError
from scomm.rules import biometrics, detainer, jail, record, removal
from scomm.rules.categories import CITIZEN_STATUSES, Charge, Level, Route, Status

N_STATUS, N_LEVEL, N_CHARGE = len(Status), len(Level), len(Charge)
N_BINS = N_STATUS * N_LEVEL * N_CHARGE
# the pipeline stages (rules/pipeline.py) whose rules the expectation integrates; the others
# (ethnicity, sex, counsel) decide nothing that it counts
STAGES_USED = ("booking", "composition", "submission", "screen_287g", "match", "level",
               "charge", "serious_charge", "magistrate_pc", "serious_record",
               "aggravated_felony", "prior_removal", "entered_without_inspection",
               "laken_riley_offense", "status_determination", "detainer", "compliance",
               "transfer", "removal", "summary_removal", "detention")  # fmt: skip
# the stages of the identified cohort whose expected counts ``Expectation.count`` gives
STAGES = ("ident_matches", "identified_287g", "removable", "detainers",
          "release_notifications", "detainers_honored", "ice_book_ins", "held_or_booked",
          "eventually_removed", "removals")  # fmt: skip
CONTRACT = "contract"  # ident_matches: every match; later stages: S-Comm's channel
CHANNEL_CODES = {"scomm": 0, "287g": 1}


# The record flags (rules/record.py): the flag, its stage's rule called with the attributes it
# needs and (p, u), and where its share comes from. A flag holds with probability
# share × rule(p=1, u=0): the rule says whom it can apply to.
FLAGS = ("serious_charge", "magistrate_pc", "serious_record", "aggravated_felony",
         "prior_removal", "entered_without_inspection", "laken_riley_offense")  # fmt: skip


def _applies(flag: str, st, lv, ch) -> np.ndarray:
    """Whom a record flag can apply to, from its own rule (share 1, a draw of 0)."""
    one, zero = np.ones(np.shape(st)), np.zeros(np.shape(st))
    rules = {
        "serious_charge": lambda: record.serious_charge(one, zero),
        "magistrate_pc": lambda: record.magistrate_pc(ch, one, zero),
        "serious_record": lambda: record.serious_record(one, zero),
        "aggravated_felony": lambda: record.aggravated_felony(lv, one, zero),
        "prior_removal": lambda: record.prior_removal(st, one, zero),
        "entered_without_inspection": lambda: record.entered_without_inspection(
            st >= Status.UNDOCUMENTED_PRIOR, one, zero),
        "laken_riley_offense": lambda: record.laken_riley_offense(ch, one, zero),
    }  # fmt: skip
    return np.asarray(rules[flag](), dtype=bool)


def _share(inputs: Inputs, flag: str, lv, ch) -> np.ndarray:
    """(month, profile) share of a record flag among the people it can apply to."""
    if flag == "serious_charge":
        return inputs.serious_charge_share[:, ch]
    if flag == "serious_record":
        return inputs.serious_record_share[:, lv]
    field_of = {"magistrate_pc": "magistrate_pc", "aggravated_felony": "aggravated_felony",
                "prior_removal": "prior_removal", "entered_without_inspection": "ewi",
                "laken_riley_offense": "laken_riley_offense"}  # fmt: skip
    return np.broadcast_to(getattr(inputs, field_of[flag])[:, None], (len(inputs.months), len(lv)))


@dataclass(frozen=True)
class Profiles:
    """Every combination of status, level, charge and record flags a person can have (those
    no rule rules out), each with its bin (status, level, charge)."""

    status: np.ndarray
    level: np.ndarray
    charge: np.ndarray
    flags: dict[str, np.ndarray]
    bin: np.ndarray  # (profile,) (status × level × charge) bin, profiles sorted by it
    starts: np.ndarray  # first profile of each bin present (np.add.reduceat)
    bins: np.ndarray  # the bins present

    @staticmethod
    def build() -> Profiles:
        grid = np.array(list(itertools.product(range(N_STATUS), range(N_LEVEL),
                                               range(N_CHARGE), *([0, 1],) * len(FLAGS))))  # fmt: skip
        st, lv, ch = grid[:, 0], grid[:, 1], grid[:, 2]
        ok = np.ones(len(grid), dtype=bool)
        for k, flag in enumerate(FLAGS):
            ok &= (grid[:, 3 + k] == 0) | _applies(flag, st, lv, ch)
        grid = grid[ok]
        b = (grid[:, 0] * N_LEVEL + grid[:, 1]) * N_CHARGE + grid[:, 2]
        order = np.argsort(b, kind="stable")
        grid, b = grid[order], b[order]
        bins, starts = np.unique(b, return_index=True)
        flags = {f: grid[:, 3 + k].astype(bool) for k, f in enumerate(FLAGS)}
        return Profiles(grid[:, 0], grid[:, 1], grid[:, 2], flags, b, starts, bins)

    def probability(self, inputs: Inputs) -> np.ndarray:
        """(month, profile) P(level, charge, flags | month, status), from the tables the
        engine draws from."""
        level_p = np.diff(inputs.level_cdf, axis=-1, prepend=0.0)  # (month, group, level)
        charge_p = np.diff(inputs.charge_cdf, axis=-1, prepend=0.0)  # (month, charge)
        group = (self.status >= Status.UNDOCUMENTED_PRIOR).astype(np.intp)
        p = level_p[:, group, self.level] * charge_p[:, self.charge]
        for flag in FLAGS:
            applies = _applies(flag, self.status, self.level, self.charge)
            s = np.where(applies, _share(inputs, flag, self.level, self.charge), 0.0)
            p = p * np.where(self.flags[flag], s, 1.0 - s)
        return p

    def to_bins(self, values: np.ndarray) -> np.ndarray:
        """(..., profile) values summed into (..., status, level, charge)."""
        summed = np.add.reduceat(values, self.starts, axis=-1)
        out = np.zeros((*values.shape[:-1], N_BINS))
        out[..., self.bins] = summed
        return out.reshape(*values.shape[:-1], N_STATUS, N_LEVEL, N_CHARGE)


_PROFILES: list[Profiles] = []


def profiles() -> Profiles:
    if not _PROFILES:
        _PROFILES.append(Profiles.build())
    return _PROFILES[0]


@dataclass(frozen=True)
class Expectation:
    """Expected counts of every stage, by cell (a group of counties), regime and month."""

    inputs: Inputs
    cells: np.ndarray  # (county,) cell of each county, -1 outside the simulated states
    n_cells: int
    bookings: np.ndarray  # (cell, month)
    submissions: np.ndarray  # (cell, month) people checked against IDENT
    pair_cell: np.ndarray  # (pair,) cell of each (cell, regime) pair with people in it
    pair_regime: np.ndarray  # (pair,) regime of the pair
    identified: np.ndarray  # (pair, month, status) expected cohort rows
    matched: np.ndarray  # (pair, month, status) expected IDENT matches among them
    regime_channel: np.ndarray  # (regime,) 0 S-Comm, 1 287(g)
    regime_area: np.ndarray  # (regime,) ICE area index
    regime_policy: np.ndarray  # (regime,) index into Inputs.hold_masks
    bins: np.ndarray  # (bin,) the (status × level × charge) bins a profile can fall in
    reach: dict[str, np.ndarray]  # stage -> (regime or 1, month, bin)
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
        channel: str | None = CONTRACT,
    ) -> float:
        """Expected count of ``stage`` in ``cells`` (default: all) over ``months`` (a boolean
        mask or per-month weights; default: all), for people of the given status, level and
        charge codes (default: any) found by ``channel`` (``scomm``, ``287g``, None for both;
        default: the contract's). ``removals`` counts removals completed by the end of the
        month ``completed_by`` (default: the last simulated month), as the engine does."""
        mw = _month_weights(self.inputs, months)
        base, regimes = self._identified_in(cells, stage, channel)
        if stage != "removals":
            w = self._weight(stage, status, level, charge)[regimes]
            return float(np.einsum("kjs,kjs,j->", base, w, mw))
        total = 0.0
        for route in (Route.SUMMARY, Route.HEARING):
            w = self._weight(f"removed_{route.name.lower()}", status, level, charge)[regimes]
            done = mw * self._completion(route, completed_by)
            total += float(np.einsum("kjs,kjs,j->", base, w, done))
        return total

    def _identified_in(self, cells, stage: str, channel: str | None):
        """(pair, month, status) expected people of ``stage``'s base (IDENT matches for
        ``ident_matches``, the cohort otherwise) in the (cell, regime) pairs of ``cells`` and
        ``channel``, and each pair's regime (cached)."""
        base, chan = _base_and_channel(stage, channel)
        where = None if cells is None else tuple(int(c) for c in np.atleast_1d(cells))
        key = ("cells", where, base, chan)
        if key not in self._weights:
            take = _channel_mask(self.regime_channel, chan)[self.pair_regime] > 0
            if where is not None:
                take &= np.isin(self.pair_cell, where)
            pairs = np.flatnonzero(take)
            source = self.matched if base == "matched" else self.identified
            self._weights[key] = (source[pairs], self.pair_regime[pairs])
        return self._weights[key]

    def counts(self, stage: str, cells: list, months: np.ndarray, completed_by: list,
               channel: str | None = CONTRACT) -> np.ndarray:  # fmt: skip
        """``count(stage, cells[t], months[t], completed_by=completed_by[t], channel=channel)``
        for every t at once (``months``: (t, month) weights; no status, level or charge
        filter): each pair's monthly count, then each query's sum over its pairs."""
        base, chan = _base_and_channel(stage, channel)
        pairs = np.flatnonzero(_channel_mask(self.regime_channel, chan)[self.pair_regime] > 0)
        source = (self.matched if base == "matched" else self.identified)[pairs]
        member = np.stack([np.isin(self.pair_cell[pairs], np.atleast_1d(c)) for c in cells])
        routes = ((stage, None),) if stage != "removals" else tuple(
            (f"removed_{r.name.lower()}", r) for r in (Route.SUMMARY, Route.HEARING))  # fmt: skip
        total = np.zeros(len(cells))
        for weight_stage, route in routes:
            w = self._weight(weight_stage, None, None, None)[self.pair_regime[pairs]]
            monthly = member.astype(np.float64) @ np.einsum("kjs,kjs->kj", source, w)
            mw = np.asarray(months, dtype=np.float64)
            if route is not None:
                mw = mw * np.stack([self._completion(route, c) for c in completed_by])
            total += (monthly * mw).sum(axis=1)
        return total

    def _completion(self, route: Route, completed_by: int | None) -> np.ndarray:
        """``completion`` (cached)."""
        key = ("completion", route, completed_by)
        if key not in self._weights:
            self._weights[key] = completion(self.inputs, route, completed_by)
        return self._weights[key]

    def by_cell(self, stage: str, months: np.ndarray | None = None, **kw) -> np.ndarray:
        """(cell,) expected counts of ``stage`` (same filters as ``count``)."""
        return np.array([self.count(stage, [c], months, **kw) for c in range(self.n_cells)])

    def _weight(self, stage, status, level, charge) -> np.ndarray:
        """(regime, month, status) probability of reaching ``stage`` for an identified
        person, summed over the chosen levels and charges (cached per query shape)."""
        key = (stage, status, level, charge)
        if key not in self._weights:
            base = "identified" if stage in ("ident_matches", "identified_287g") else stage
            if base not in self.reach:
                raise KeyError(f"no stage {stage!r}; stages: {', '.join(STAGES)}")
            w = _by_status(self.reach[base], self.bins, status, level, charge)
            self._weights[key] = np.broadcast_to(w, (len(self.regime_channel), *w.shape[1:]))
        return self._weights[key]


def _by_status(p: np.ndarray, bins: np.ndarray, status, level, charge) -> np.ndarray:
    """(..., bin) values summed into (..., status) over the bins of the chosen status,
    level and charge codes (None: any)."""
    st, lv, ch = np.unravel_index(bins, (N_STATUS, N_LEVEL, N_CHARGE))
    keep = {}
    for name, codes, column in (("status", status, st), ("level", level, lv),
                                ("charge", charge, ch)):  # fmt: skip
        keep[name] = np.ones(len(bins), dtype=bool) if codes is None else np.isin(column, codes)
    if len(bins) == N_BINS:  # every bin, in order: (..., status, level × charge)
        per_status = (keep["level"] & keep["charge"])[: N_LEVEL * N_CHARGE].astype(np.float64)
        w = p.reshape(-1, N_LEVEL * N_CHARGE) @ per_status
        return w.reshape(*p.shape[:-1], N_STATUS) * keep["status"][:: N_LEVEL * N_CHARGE]
    chosen = np.flatnonzero(keep["status"] & keep["level"] & keep["charge"])
    out = np.zeros((*p.shape[:-1], N_STATUS))
    if len(chosen):  # bins are sorted, so by status
        present, starts = np.unique(st[chosen], return_index=True)
        out[..., present] = np.add.reduceat(p[..., chosen], starts, axis=-1)
    return out


def _base_and_channel(stage: str, channel: str | None) -> tuple[str, str | None]:
    """What a stage counts (IDENT matches or cohort rows) and in which channel (the
    contract's: every IDENT match, S-Comm's channel for the later stages)."""
    base = "matched" if stage == "ident_matches" else "identified"
    if stage == "identified_287g":
        return base, "287g"
    if channel == CONTRACT:
        return base, (None if stage == "ident_matches" else "scomm")
    if channel is not None and channel not in CHANNEL_CODES:
        raise ValueError(f"channel {channel!r}: expected scomm, 287g or None")
    return base, channel


def _channel_mask(regime_channel: np.ndarray, channel: str | None) -> np.ndarray:
    """(regime,) 1 where the regime's people count in ``channel`` (None: both)."""
    if channel is None:
        return np.ones(len(regime_channel))
    return (regime_channel == CHANNEL_CODES[channel]).astype(np.float64)


def _month_weights(inputs: Inputs, months: np.ndarray | None) -> np.ndarray:
    if months is None:
        return np.ones(len(inputs.months))
    return np.asarray(months, dtype=np.float64)


def _horizon(inputs: Inputs, completed_by: int | None) -> tuple[np.ndarray, float]:
    """Each month's booking day (the middle of the month, days from the period's start) and
    the day the window ends (the end of month ``completed_by``; default the period's)."""
    months = inputs.months
    end = int(months[-1]) if completed_by is None else int(completed_by)
    return _days(int(months[0]), int(months[-1]), end)


@functools.cache
def _days(first: int, last: int, end: int) -> tuple[np.ndarray, float]:
    lengths = np.array([periods.days_in(m) for m in range(first, last + 1)], dtype=np.float64)
    start = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    horizon = float(sum(periods.days_in(m) for m in range(first, end + 1)))
    return start + lengths / 2, horizon


def completion(inputs: Inputs, route: Route, completed_by: int | None = None) -> np.ndarray:
    """(month,) probability that a removal by ``route`` of a person booked into ICE custody
    that month is completed by the end of month ``completed_by`` (an absolute month index;
    default: the last simulated month)."""
    booked, horizon = _horizon(inputs, completed_by)
    done = removal.completed_probability(
        inputs.days_median[:, route], inputs.days_log_sd[:, route], horizon - booked
    )
    end = int(inputs.months[-1]) if completed_by is None else int(completed_by)
    return np.where(inputs.months <= end, done, 0.0)


def _regimes(inputs: Inputs, chosen: np.ndarray):
    """(channel, county, month) regime index of the chosen counties, and each regime's
    channel, ICE area and policy: people in one regime share every rule after identification.
    The 287(g) channel's law table is appended to S-Comm's (compile.Frame), so its policy
    indices lie above every S-Comm one and a policy names its channel."""
    n_area = len(inputs.area_odds[0])
    area = inputs.county_area[chosen, None]
    policy = np.stack([inputs.policy[chosen], inputs.policy_287g[chosen]]).astype(np.int64)
    code = policy * n_area + area[None]
    present = np.bincount(code.reshape(-1), minlength=len(inputs.hold_masks) * n_area) > 0
    codes = np.flatnonzero(present)
    which = np.cumsum(present) - 1  # code -> position among the codes present
    pol = codes // n_area
    channel = (pol > int(inputs.policy.max(initial=0))).astype(np.int8)
    return which[code], channel, codes % n_area, pol


@dataclass(frozen=True)
class _Person:
    """The per-(month, profile) rule inputs every regime shares."""

    prob: np.ndarray  # P(profile | month, status)
    removable: np.ndarray
    in_priorities: np.ndarray
    mandated: np.ndarray
    cell: np.ndarray  # (profile,) the law table's cell (jurisdictions.policy.cell_index)
    eventually: np.ndarray  # P(removed | booked in), by month and profile
    summary: np.ndarray  # P(summary | removed)


def _person(inputs: Inputs, pr: Profiles) -> _Person:
    from scomm.jurisdictions.policy import cell_index

    f = pr.flags
    member = detainer.priority_membership(pr.level, pr.charge, f["serious_charge"],
                                          f["serious_record"], f["aggravated_felony"],
                                          f["prior_removal"])  # fmt: skip
    n_m, (n_p, n_g) = len(inputs.months), member.shape
    in_pri = detainer.prioritized(
        np.broadcast_to(member[None], (n_m, n_p, n_g)).reshape(-1, n_g),
        np.broadcast_to(inputs.priority[:, None, :], (n_m, n_p, n_g)).reshape(-1, n_g),
    ).reshape(n_m, n_p)
    mandated = detainer.laken_riley_mandated(f["entered_without_inspection"][None],
                                             f["laken_riley_offense"][None],
                                             inputs.laken_riley_mandate[:, None])  # fmt: skip
    history = (f["prior_removal"][None], f["aggravated_felony"][None],
               f["entered_without_inspection"][None])  # fmt: skip
    routes = tuple(np.asarray(getattr(inputs, k))[:, None] for k in (
        "p_reinstate", "p_administrative", "p_recent_entrant", "p_stipulated",
        "expedited_interior"))  # fmt: skip
    return _Person(
        prob=pr.probability(inputs),
        removable=inputs.p_removable[:, pr.status, pr.level],
        in_priorities=in_pri,
        mandated=mandated,
        cell=cell_index(
            pr.level,
            pr.charge,
            f["serious_charge"],
            f["serious_record"],
            f["magistrate_pc"],
            f["prior_removal"],
        ),
        eventually=inputs.p_removal[:, pr.level],
        summary=removal.summary_probability(pr.status[None], pr.level[None], history, routes),
    )


def _jail_given_request(hold: np.ndarray, notify: np.ndarray, request_notice: bool):
    """P(held), P(told) for a lodged detainer where the compliance draw succeeds (the jail
    rules at compliance 1 and a draw of 0; one draw decides both, so this is exact)."""
    lodged = np.ones(hold.shape, dtype=bool)
    nr = np.full(hold.shape, request_notice)
    held = jail.honored(lodged, nr, hold, 1.0, 0.0)
    told = jail.notified(lodged, held, notify, 1.0, 0.0)
    return held.astype(np.float64), told.astype(np.float64)


@dataclass(frozen=True)
class _Groups:
    """Profiles grouped by (bin, law-table cell): every rule after the detainer sees a
    profile only through these (and the month)."""

    of_profile: sparse.csr_array  # (profile, group) 1 where the profile is in the group
    cell: np.ndarray  # (group,) law-table cell
    slot: np.ndarray  # (group,) position of the group's bin among ``bins``
    bins: np.ndarray  # the bins present
    level: np.ndarray  # (bin present,) the bin's level


def _groups(pr: Profiles, cell: np.ndarray) -> _Groups:
    n_cell = int(cell.max()) + 1
    key = pr.bin.astype(np.int64) * n_cell + cell
    uniq, index = np.unique(key, return_inverse=True)
    g_bin, g_cell = uniq // n_cell, uniq % n_cell
    bins, slot = np.unique(g_bin, return_inverse=True)
    level = (bins // N_CHARGE) % N_LEVEL
    of_profile = _indicator(index.reshape(-1), np.ones(len(index)), len(uniq))
    return _Groups(of_profile, g_cell, slot.reshape(-1), bins, level)


def _indicator(column: np.ndarray, data: np.ndarray, n_columns: int) -> sparse.csr_array:
    """A sparse (row, column) matrix from (block, row) ``column`` and ``data`` (or (row,)):
    ``data[k, i]`` at (i, ``column[k, i]``), one entry per row and block, the blocks' columns
    increasing (built in compressed form directly: nothing to sort)."""
    column, data = np.atleast_2d(column), np.atleast_2d(data)
    n_blocks, n_rows = column.shape
    indptr = np.arange(0, n_rows * n_blocks + 1, n_blocks)
    return sparse.csr_array((data.T.reshape(-1), column.T.reshape(-1), indptr),
                            shape=(n_rows, n_columns))  # fmt: skip


def _by_group(values: np.ndarray, g: _Groups) -> np.ndarray:
    """(month, profile) values summed into (month, group)."""
    return np.asarray(values @ g.of_profile)


def _to_bins(values: np.ndarray, g: _Groups) -> np.ndarray:
    """(month, group) values summed into (month, bin present)."""
    return _weighted_bins(values, g, np.ones((1, len(g.cell))))[0]


def _weighted_bins(values: np.ndarray, g: _Groups, weight: np.ndarray) -> np.ndarray:
    """(k, month, bin present) sums of (month, group) values times each (k, group) weight."""
    n_k, n_b = len(weight), len(g.bins)
    column = np.arange(n_k)[:, None] * n_b + g.slot[None, :]
    m = _indicator(column, weight, n_k * n_b)
    return np.asarray(values @ m).reshape(len(values), n_k, n_b).transpose(1, 0, 2)


def _lodged(inputs: Inputs, pr: Profiles, who: _Person, area: int, channel: int) -> np.ndarray:
    """(month, profile) P(profile, removable, detainer | month, status) in one ICE area and
    channel (a 287(g) officer's rate in the 287(g) channel)."""
    p_det = detainer.detainer_probability(
        level=pr.level[None], charge=pr.charge[None], in_priorities=who.in_priorities,
        p_level=inputs.p_detainer[:, pr.level], outside_factor=inputs.outside_factor[:, None],
        traffic_deferred=inputs.traffic_deferred[:, None], mandated=who.mandated,
        area_intensity=inputs.area_odds[:, area][:, None], via_287g=bool(channel),
        p_287g=inputs.p_detainer_287g[:, None],
    )  # fmt: skip
    return who.prob * who.removable * p_det


def _jail_weights(inputs: Inputs, g: _Groups, policies: np.ndarray) -> np.ndarray:
    """(3 × policy, group) P(held), P(told) without and P(told) with a notification request,
    for a lodged detainer under each policy's law table."""
    hold, notify = inputs.hold_masks[policies][:, g.cell], inputs.notify_masks[policies][:, g.cell]
    held_d, told_d = _jail_given_request(hold, notify, False)
    _, told_n = _jail_given_request(hold, notify, True)
    return np.concatenate([held_d, told_d, told_n])


def _after_detainer(
    inputs: Inputs, g: _Groups, lodged: np.ndarray, jail_w: np.ndarray, policies: np.ndarray
):
    """(policy, month, bin) held, told, booked in and eventually removed, from lodged
    detainers (month, group), under each of ``policies``' law tables (``jail_w``:
    ``_jail_weights``; the rules of jail and custody: a hold is picked up with p_transfer, a
    release notification with p_pickup, on one draw; a person is never both held and told)."""
    held_d, told_d, told_n = np.split(_weighted_bins(lodged, g, jail_w), 3)
    share = inputs.notification_share[None, :, None]
    comply = inputs.base_compliance[None, :, None]
    notice = jail.notice_rate(
        comply,
        inputs.notice_sentenced[policies][:, None, None],
        inputs.sentenced_share[None, :, None],
    )
    held = (1.0 - share) * held_d * comply
    told = ((1.0 - share) * told_d + share * told_n) * notice
    book_in = held * inputs.p_transfer[None, :, None] + told * inputs.p_pickup[None, :, None]
    removed = book_in * inputs.p_removal[:, g.level][None]
    return held, told, book_in, removed


def _reach(inputs: Inputs, area: np.ndarray, policy: np.ndarray, channel: np.ndarray):
    """Probability of reaching each stage after identification, by regime, month and bin
    (status, level, charge; the profiles' record flags integrated out), and the bins: the
    detainer by ICE area and channel, the rest by law table, on profiles grouped by (bin,
    law-table cell)."""
    pr = profiles()
    who = _person(inputs, pr)
    g = _groups(pr, who.cell)
    shape = (len(area), len(inputs.months), len(g.bins))  # every row is written below
    out = {k: np.empty(shape) for k in ("detainers", "release_notifications",
           "detainers_honored", "ice_book_ins", "held_or_booked", "eventually_removed",
           "removed_summary", "removed_hearing")}  # fmt: skip
    for a, ch in sorted(set(zip(area.tolist(), channel.tolist(), strict=True))):
        rows = np.flatnonzero((area == a) & (channel == ch))
        jail_w = _jail_weights(inputs, g, policy[rows])
        lodged = _lodged(inputs, pr, who, a, ch)
        whole = _by_group(lodged, g)
        held, told, book_in, removed = _after_detainer(inputs, g, whole, jail_w, policy[rows])
        out["detainers"][rows] = _to_bins(whole, g)[None]
        out["release_notifications"][rows] = told
        out["detainers_honored"][rows] = held
        out["ice_book_ins"][rows] = book_in
        out["held_or_booked"][rows] = held + told * inputs.p_pickup[None, :, None]
        out["eventually_removed"][rows] = removed
        summary = _by_group(lodged * who.summary, g)
        s_removed = _after_detainer(inputs, g, summary, jail_w, policy[rows])[3]
        out["removed_summary"][rows] = s_removed
        out["removed_hearing"][rows] = removed - s_removed
    out["identified"] = _to_bins(_by_group(who.prob, g), g)[None]
    out["removable"] = _to_bins(_by_group(who.prob * who.removable, g), g)[None]
    return out, g.bins


def _identification(inputs: Inputs, chosen: np.ndarray, subs: np.ndarray, pair: np.ndarray,
                    n_pairs: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(pair, month, status) expected cohort rows and IDENT matches among them. A submitted
    booking of status s is matched with p_match; where a 287(g) jail agreement is in force
    an officer identifies it first with p_identify (S-Comm's channel keeps the matches the
    officer did not identify). Every county's bookings and submissions enter as weights of
    one sparse sum of its status shares into (pair, month); the month's probabilities
    multiply the sums."""
    shares = _rows(inputs.composition.status, chosen)  # (county, month, status)
    n_c, n_m, n_s = shares.shape
    on = _rows(inputs.agreement_287g, chosen).astype(np.float64).reshape(-1)
    n = _rows(inputs.bookings, chosen).astype(np.float64).reshape(-1)
    checked = subs.astype(np.float64).reshape(-1)
    # four sums: S-Comm's channel's submissions without and with an agreement, the 287(g)
    # channel's bookings and submissions (pair[c]: the channel's pair of each county-month)
    block = n_pairs * n_m
    rows = np.stack([pair[0] * n_m + np.arange(n_m), block + pair[0] * n_m + np.arange(n_m),
                     2 * block + pair[1] * n_m + np.arange(n_m),
                     3 * block + pair[1] * n_m + np.arange(n_m)], axis=-1)  # fmt: skip
    weights = np.stack([checked * (1.0 - on), checked * on, n * on, checked * on], axis=-1)
    onto = sparse.csc_array((weights.reshape(-1), rows.reshape(-1),
                             np.arange(0, 4 * n_c * n_m + 1, 4)), shape=(4 * block, n_c * n_m))  # fmt: skip
    off, agreed, booked_287g, checked_287g = np.asarray(onto @ shares.reshape(-1, n_s)).reshape(
        4, n_pairs, n_m, n_s
    )
    q, pm = inputs.p_identify[None], inputs.p_match[None]
    matched_scomm = (off + agreed * (1.0 - q)) * pm
    return matched_scomm + booked_287g * q, matched_scomm + checked_287g * q * pm


def _rows(values: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``values[chosen]``, without a copy when every county is chosen."""
    return values if len(chosen) == len(values) else values[chosen]


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
    regime, channel, area, policy = _regimes(inputs, chosen)
    pair_cell, pair_regime, pair = _pairs(cell_of[chosen], regime, len(area))
    identified, matched = _identification(inputs, chosen, subs, pair, len(pair_cell))
    reach, bins = _reach(inputs, area, policy, channel)
    return Expectation(
        inputs=inputs,
        cells=cell_of,
        n_cells=n_cells,
        bookings=_by_cell(cell_of[chosen], n, n_cells),
        submissions=_by_cell(cell_of[chosen], subs, n_cells),
        pair_cell=pair_cell,
        pair_regime=pair_regime,
        identified=identified,
        matched=matched,
        regime_channel=channel,
        regime_area=area,
        regime_policy=policy,
        bins=bins,
        reach=reach,
    )


def _pairs(cell: np.ndarray, regime: np.ndarray, n_regimes: int):
    """The (cell, regime) pairs with people in them: each pair's cell and regime, and the
    pair of each (channel, county, month) (``cell``: (county,), ``regime``: (channel,
    county, month))."""
    code = cell[None, :, None] * n_regimes + regime
    present = np.bincount(code.reshape(-1), minlength=int(code.max(initial=0)) + 1) > 0
    codes = np.flatnonzero(present)
    which = np.cumsum(present) - 1
    return codes // n_regimes, codes % n_regimes, which[code]


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
              completed_by=None, channel=CONTRACT) -> float:  # fmt: skip
        """The run's count of ``stage`` (arguments as ``Expectation.count``)."""
        c = self.cohort
        take = self._reached(stage, completed_by) & self._in_channel(stage, channel)
        for codes, column in ((status, c.status), (level, c.level), (charge, c.charge)):
            if codes is not None:
                take &= np.isin(column, list(codes))
        if cells is not None:
            take &= np.isin(self.cells[c.county], list(np.atleast_1d(cells)))
        w = np.ones(len(self.inputs.months)) if months is None else np.asarray(months, float)
        return float(w[c.month[take]].sum())

    def counts(self, stage, cells, months, completed_by, channel=CONTRACT) -> np.ndarray:
        """``count`` of each query (arguments as ``Expectation.counts``)."""
        return np.array([self.count(stage, c, m, completed_by=b, channel=channel)
                         for c, m, b in zip(cells, months, completed_by, strict=True)])  # fmt: skip

    def _in_channel(self, stage: str, channel: str | None) -> np.ndarray:
        _, chan = _base_and_channel(stage, channel)
        row_channel = self.cohort.identified_287g.astype(np.int8)
        return _channel_mask(np.array([0, 1], np.int8), chan)[row_channel] > 0

    def by_cell(self, stage: str, months: np.ndarray | None = None, **kw) -> np.ndarray:
        return np.array([self.count(stage, [k], months, **kw) for k in range(self.n_cells)])

    def _reached(self, stage: str, completed_by: int | None) -> np.ndarray:
        c = self.cohort
        columns = {"ident_matches": c.matched, "identified_287g": c.identified_287g,
                   "removable": c.removable, "detainers": c.detainer,
                   "release_notifications": c.notified, "detainers_honored": c.honored,
                   "ice_book_ins": c.book_in, "held_or_booked": c.honored | c.book_in,
                   "eventually_removed": c.eventually_removed, "removals": c.removed}  # fmt: skip
        if stage not in columns:
            raise KeyError(f"no stage {stage!r} in a run's cohort; stages: {', '.join(columns)}")
        out = columns[stage].copy()
        if stage == "removals" and completed_by is not None:
            out &= _released_by(self.inputs, c, int(completed_by))
        return out


def _released_by(inputs: Inputs, c: Cohort, end: int) -> np.ndarray:
    """Whether each person's detention ends by the end of month ``end`` (the engine's timing:
    booked at the middle of the month, released ``detention_days`` later)."""
    booked, horizon = _horizon(inputs, end)
    return booked[c.month] + c.detention_days <= horizon


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
    for stage in ("ident_matches", "detainers", "detainers_honored", "release_notifications",
                  "ice_book_ins", "removals"):  # fmt: skip
        out[stage] = e.count(stage, sel)
    convicted = tuple(lv for lv in Level if lv is not Level.NONCRIMINAL)
    out["removals_convicted"] = e.count("removals", sel, level=convicted)
    for lv in Level:
        out[f"removals_{lv.name.lower()}"] = e.count("removals", sel, level=(lv,))
    out["us_citizens_detained"] = e.count("held_or_booked", sel, status=CITIZEN_STATUSES)
    out["identified_287g"] = e.count("identified_287g", sel)
    return out
