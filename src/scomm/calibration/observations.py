"""Observation models: for each observation of ``scomm.calibration_data`` the calibration uses,
the model quantity it measures, computed the way the source counted, and its likelihood.

What enters, and how, is data (``USES``, ``DISCREPANCY``); the model quantities are small
functions of *counts* (``aggregate.Expectation`` or, for predictive checks, ``Realized``), keyed
by the observation's ``stage`` (``QUANTITIES``). Each term's likelihood is one of:

- ``interval``: the source's figure says the true count X lies in [low, high] (its rounding,
  'more than', 'about', or exact when low = high); X is negative binomial around the model's
  expectation μ with dispersion φ (variance μ + φμ², φ the stated model discrepancy); where the
  source's definition brackets the model's (ICE's 2009 "charged or convicted"), μ runs over
  the bracket [μ_lo, μ_hi] and the likelihood is averaged over it (Gauss–Legendre);
- ``upper`` / ``lower``: an all-program total bounds S-Comm's: P(X ≤ bound), P(X ≥ bound);
- ``share``: a published share, logit-normal around the model's share (τ the discrepancy),
  the source's rounding interval integrated;
- ``subset``: a record count of a subset of another record count (Pierce: U.S.-born people
  among those held), beta-binomial around the model's share;
- ``shares``: the ICE areas' shares of jail arrests (landmarks): log-normal residuals of the
  model's share of book-ins against the records' share, the classification range widening each
  area's spread;
- ``levels``: the Seattle records' conviction-level ranges: the model's level shares of
  book-ins must fall in the ranges the labels allow (logit-normal, as ``share``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import special, stats

from scomm import periods
from scomm.aggregate import CONTRACT
from scomm.calibration_data import load
from scomm.rules.categories import Charge, Level, Status

CONVICTED = (Level.LEVEL1, Level.LEVEL2, Level.LEVEL3)
# Model discrepancy (relative, 1 sd) beyond counting noise, by dataset: what the model's
# structure cannot be expected to get right at that resolution. Assumptions, stated here and
# in docs/calibration.md.
DISCREPANCY = {
    "targets": 0.10,  # national totals of one program, from press releases and GAO
    "seattle": 0.15,  # one state's jail arrests in one year (CAP local = S-Comm assumed)
    "pierce": 0.30,  # one jail
    "landmarks": 0.20,  # one AOR's share of twelve years of jail arrests
    "levels": 0.15,  # level shares from conviction labels (logit scale)
    "share": 0.10,  # a published national share (logit scale)
    "program_287g": 0.50,  # one county's 287(g) jail program in one fiscal year (reconstructed)
}
# 287(g) agencies differ in throughput in ways the model has no parameter for (how many officers,
# which bookings they screen, which shifts): the agency's counts in every year and both stages
# share one log-normal factor exp(AGENCY_SD z), z standard normal, integrated out
# (Gauss-Hermite, AGENCY_NODES nodes; ``group_loglik``). An assumption: 1 sd is a factor e (2.7)
# between agencies.
AGENCY_SD = 1.0
AGENCY_NODES = 24
GL_NODES, GL_WEIGHTS = np.polynomial.legendre.leggauss(5)
GL_NODES, GL_WEIGHTS = (GL_NODES + 1) / 2, GL_WEIGHTS / 2  # on [0, 1]


@dataclass(frozen=True)
class Window:
    """Where and when an observation counts: cells, month weights, last month for removals."""

    cells: np.ndarray
    months: np.ndarray
    completed_by: int


@dataclass(frozen=True)
class Term:
    """One likelihood term: the observations it uses and how it compares them."""

    obs_id: str
    dataset: str
    kind: str  # interval, upper, lower, share, subset, shares, levels
    stage: str
    low: float
    high: float
    dispersion: float
    window: Window | tuple[Window, ...]
    extra: tuple = ()


# ------------------------------------------------------------------ model quantities


def _count(c, stage: str, w: Window, **kw) -> float:
    return c.count(stage, w.cells, w.months, completed_by=w.completed_by, **kw)


def _repeats(c, w: Window) -> Window:
    """The window with each month weighted by max(r, 1), r = submissions per booking: ICE
    counts fingerprint submissions, repeat prints of one person included
    (scomm.bookings.submissions)."""
    rate = np.maximum(c.inputs.submissions_per_booking, 1.0)
    return Window(w.cells, w.months * rate, w.completed_by)


def _ice_counted_submissions(c, w: Window) -> tuple[float, float]:
    r = _repeats(c, w)
    v = float((c.submissions[r.cells].sum(axis=0) * r.months).sum())
    return v, v


def _ice_counted_matches(c, w: Window) -> tuple[float, float]:
    v = _count(c, "ident_matches", _repeats(c, w))
    return v, v


def _prior_record(c, w: Window) -> tuple[float, float]:
    """ICE's 'charged with or convicted of': convicted matches .. all matches."""
    return _count(c, "ident_matches", w, level=CONVICTED), _count(c, "ident_matches", w)


def _level1_2009(c, w: Window, stage: str = "ident_matches") -> tuple[float, float]:
    """Level 1 by conviction .. plus other levels arrested on a felony."""
    low = _count(c, stage, w, level=(Level.LEVEL1,))
    others = (Level.LEVEL2, Level.LEVEL3, Level.NONCRIMINAL)
    return low, low + _count(c, stage, w, level=others, charge=(Charge.FELONY,))


def _level2_3_2009(c, w: Window) -> tuple[float, float]:
    """Levels 2-3 by conviction .. plus people without a conviction arrested on a felony or
    misdemeanor (charged with an offense of those levels)."""
    low = _count(c, "ident_matches", w, level=(Level.LEVEL2, Level.LEVEL3))
    extra = _count(c, "ident_matches", w, level=(Level.NONCRIMINAL,),
                   charge=(Charge.FELONY, Charge.MISDEMEANOR))  # fmt: skip
    return low, low + extra


# Quantities that are one count of a stage in a channel (the contract's, or the 287(g)
# channel's: people a 287(g) officer identified, and of them the ones removed); the
# likelihood counts every term of one of them at once (``Expectation.counts``).
SINGLE: dict[str, tuple[str, str | None]] = {
    "detainers": ("detainers", CONTRACT),
    "removals": ("removals", CONTRACT),
    "ice_book_ins": ("ice_book_ins", CONTRACT),
    "identified_287g": ("identified_287g", "287g"),
    "removable_287g": ("removable", "287g"),
    "removals_287g": ("removals", "287g"),
}


def _single(stage: str, channel: str | None) -> Callable:
    def quantity(c, w: Window) -> tuple[float, float]:
        v = _count(c, stage, w, channel=channel)
        return v, v

    return quantity


def _convicted_share(c, w: Window) -> tuple[float, float]:
    total = _count(c, "removals", w)
    s = _count(c, "removals", w, level=CONVICTED) / max(total, 1e-9)
    return s, total


def _bookings(c, w: Window) -> tuple[float, float]:
    v = float((c.bookings[w.cells].sum(axis=0) * w.months).sum())
    return v, v


QUANTITIES: dict[str, Callable] = {
    "ice_counted_submissions": _ice_counted_submissions,
    "ice_counted_matches": _ice_counted_matches,
    "ident_matches_prior_record": _prior_record,
    "ident_matches_level1_2009": _level1_2009,
    "ident_matches_level2_3_2009": _level2_3_2009,
    "removals_level1_2009": lambda c, w: _level1_2009(c, w, "removals"),
    "bookings": _bookings,
    "removals_convicted_share": _convicted_share,
} | {name: _single(stage, channel) for name, (stage, channel) in SINGLE.items()}


# ------------------------------------------------------------------ cells and windows

STATES_APART = ("WA", "OR", "AK")  # the Seattle records' states
# Harris County TX (the 2009 figure), Pierce County WA, and the counties of the 287(g) agencies
# in ICE's FY2006-2013 release (their identified and removed counts)
COUNTIES_APART = ("48201", "53053")


def _counties_apart() -> tuple[str, ...]:
    from scomm.calibration_data import program_287g

    codes = " ".join(x for x in program_287g.crosswalk()["county_fips"].to_list() if x).split()
    return tuple(sorted(set(COUNTIES_APART) | set(codes)))


@dataclass(frozen=True)
class Cells:
    """The partition of counties the observations need: ICE area × (WA, OR, AK, elsewhere) ×
    (Harris, Pierce, elsewhere). Every observed place is a union of cells."""

    of_county: np.ndarray  # (county,) cell id
    aor: tuple[str, ...]
    state: tuple[str, ...]  # the cell's state where it is one of STATES_APART, else ""
    county: tuple[str, ...]  # the cell's county where it is one of COUNTIES_APART, else ""

    def where(self, level: str, geography: str, fips: str | None = None) -> np.ndarray:
        """Cell ids of a place."""
        if level == "nation":
            return np.arange(len(self.aor))
        if level in ("county", "jail", "agency"):
            wanted = set((fips or geography).split())
            return np.array([i for i, c in enumerate(self.county) if c in wanted])
        column = {"state": self.state, "aor": self.aor}[level]
        return np.array([i for i, v in enumerate(column) if v == geography])


def cells() -> Cells:
    from scomm.jurisdictions.counties import counties

    cty = counties()
    state = np.where(np.isin(cty.state, STATES_APART), cty.state, "")
    county = np.where(np.isin(cty.fips, _counties_apart()), cty.fips, "")
    aor = np.array(cty.table["aor"].to_list())
    keys = list(zip(aor.tolist(), state.tolist(), county.tolist(), strict=True))
    unique = sorted(set(keys))
    index = {k: i for i, k in enumerate(unique)}
    return Cells(
        np.array([index[k] for k in keys], dtype=np.intp),
        tuple(k[0] for k in unique),
        tuple(k[1] for k in unique),
        tuple(k[2] for k in unique),
    )


def month_weights(months: np.ndarray, start: dt.date, end: dt.date) -> np.ndarray:
    """(month,) share of each simulated month's days inside [start, end]."""
    first, length = _month_days(tuple(int(m) for m in months))
    days = np.minimum(first + length - 1, end.toordinal()) - np.maximum(first, start.toordinal())
    return np.maximum(days + 1, 0) / length


@functools.cache
def _month_days(months: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each month's first day (proleptic ordinal) and its length in days."""
    first = np.array([periods.first_day(m).toordinal() for m in months], dtype=np.int64)
    return first, np.array([periods.days_in(m) for m in months], dtype=np.int64)


def window(row: dict, c: Cells, months: np.ndarray) -> Window:
    """The cells and month weights of an observation row."""
    end = row["period_end"]
    w = month_weights(months, row["period_start"], end)
    last = periods.parse_month(f"{end.year:04d}-{end.month:02d}")
    return Window(c.where(row["geography_level"], row["geography"], row["county_fips"]), w, last)


# ------------------------------------------------------------------ which observations enter

SEATTLE_STATES = ("WA", "OR", "AK")
PIERCE_SUBSETS = {  # obs_id -> (stage, filter) of the subset, among the jail's holds
    "pierce_holds_by_birth:born_in_us:bookings": ("detainers", {"status": (Status.US_BORN,)}),
    "pierce_holds_by_release:released_to_ice:bookings": ("ice_book_ins", {}),
    "pierce_holds_by_charge:felony:bookings": ("detainers", {"charge": (Charge.FELONY,)}),
}
PIERCE_HOLDS = "pierce_holds_by_year:Total:bookings"


def _rows(frame: pl.DataFrame, mask: pl.Expr) -> list[dict]:
    return frame.filter(mask).to_dicts()


def _value_range(row: dict) -> tuple[float, float]:
    low = row["value"] if row["low"] is None else row["low"]
    high = row["value"] if row["high"] is None else row["high"]
    return float(low), float(high)


def _target_terms(c: Cells, months: np.ndarray) -> list[Term]:
    t = load("targets").observations
    out = []
    for row in _rows(t, pl.col("relation").is_in(["measures", "upper_bound"])):
        low, high = _value_range(row)
        kind = {"upper_bound": "upper"}.get(row["relation"], "interval")
        if row["stage"] == "removals_convicted_share":
            kind = "share"
        disp = DISCREPANCY["share"] if kind == "share" else DISCREPANCY["targets"]
        out.append(Term(row["obs_id"], "targets", kind, row["stage"], low, high, disp,
                        window(row, c, months)))  # fmt: skip
    return out


def _landmark_terms(c: Cells, months: np.ndarray) -> list[Term]:
    t = load("landmarks").observations
    rows = _rows(t, (pl.col("stage") == "ice_book_ins") & (pl.col("geography_level") == "aor"))
    extra = tuple((r["geography"], r["value"], r["low"], r["high"]) for r in rows)
    windows = tuple(window(r, c, months) for r in rows)
    nation = _rows(t, (pl.col("stage") == "ice_book_ins") & (pl.col("geography") == "US"))[0]
    return [
        Term("landmarks:aor_shares", "landmarks", "shares", "ice_book_ins", 0, 0,
             DISCREPANCY["landmarks"], windows, extra),
        Term(nation["obs_id"], "landmarks", "upper", "ice_book_ins", 0, nation["high"],
             DISCREPANCY["targets"], window(nation, c, months)),
    ]  # fmt: skip


def _seattle_terms(c: Cells, months: np.ndarray) -> list[Term]:
    t = load("seattle").observations
    rows = _rows(
        t,
        (pl.col("table") == "seattle_cap_local_arrests")
        & pl.col("column").is_in(SEATTLE_STATES)
        & (pl.col("row") != "Total"),
    )
    out = [
        Term(r["obs_id"], "seattle", "interval", "ice_book_ins", *_value_range(r),
             DISCREPANCY["seattle"], window(r, c, months))
        for r in rows
    ]  # fmt: skip
    levels = _rows(t, (pl.col("table") == "seattle_cap_local_levels") & (pl.col("row") == "Total"))
    counts = tuple((r["column"], r["value"]) for r in levels if r["column"] != "total")
    out.append(Term("seattle_cap_local_levels:Total", "seattle", "levels", "ice_book_ins", 0, 0,
                    DISCREPANCY["levels"], window(levels[0], c, months), counts))  # fmt: skip
    return out


def _pierce_terms(c: Cells, months: np.ndarray) -> list[Term]:
    t = load("pierce").observations
    years = _rows(t, (pl.col("table") == "pierce_holds_by_year") & (pl.col("row") != "Total"))
    out = [
        Term(r["obs_id"], "pierce", "interval", "detainers", r["value"], r["value"],
             DISCREPANCY["pierce"], window(r, c, months))
        for r in years
    ]  # fmt: skip
    total = _rows(t, pl.col("obs_id") == PIERCE_HOLDS)[0]
    for oid, (stage, f) in PIERCE_SUBSETS.items():
        r = _rows(t, pl.col("obs_id") == oid)[0]
        out.append(Term(oid, "pierce", "subset", stage, r["value"], total["value"],
                        DISCREPANCY["pierce"], window(r, c, months), tuple(f.items())))  # fmt: skip
    b = _rows(t, (pl.col("stage") == "bookings") & (pl.col("relation") == "lower_bound"))[0]
    out.append(Term(b["obs_id"], "pierce", "lower", "bookings", b["value"], b["value"], 0.05,
                    window(b, c, months)))  # fmt: skip
    return out


# ICE's 287(g) "identified" counts people its officers identified as removable (ICE fact sheet,
# ice.gov/factsheets/287g: officers identify removable aliens among those booked): the channel's
# identified people ICE deems removable, not every noncitizen the officers found
STAGE_287G = {"detainers": "removable_287g", "removals": "removals_287g"}


JAIL_LEVELS = ("county", "multi_county")  # the crosswalk's levels of a jail's agency


def _program_287g_terms(c: Cells, months: np.ndarray) -> list[Term]:
    """ICE's 287(g) identified and removed counts by fiscal year, summed over the county and
    sheriff agencies of the same counties (the model's channel is the county jail's: a city
    police department's, a task force's or a state agency's agreement is not, and is left
    out), where the model has a jail agreement in force in those counties that year; a
    reported 0 next to removals makes the sum a lower bound."""
    active = _agreement_months(months)
    out = []
    for (fips, stage, _), members in sorted(_groups_287g().items()):
        w = window({**members[0], "county_fips": fips}, c, months)
        covered = active[np.isin(_county_fips(), fips.split())].any(axis=0)
        if len(w.cells) == 0 or not (covered & (w.months > 0)).any():
            continue
        total = float(sum(m["value"] for m in members))
        lower = any(m["relation"] == "lower_bound" for m in members)
        oid = _oid_287g(fips, stage, members)
        out.append(Term(oid, "program_287g", "lower" if lower else "interval", STAGE_287G[stage],
                        total, total, DISCREPANCY["program_287g"], w))  # fmt: skip
    return out


def _groups_287g() -> dict[tuple, list[dict]]:
    """The county jails' agency rows of the 287(g) counts, by (place, stage, fiscal year)."""
    t = load("program_287g").observations
    rows = _rows(t, (pl.col("geography_level") == "agency") & pl.col("county_fips").is_not_null())
    jails = _jail_agencies()
    rows = [r for r in rows if r["obs_id"].split(":")[0] in jails]
    place = _places([r["county_fips"] for r in rows])
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((place[r["county_fips"]], r["stage"], r["period_start"]), []).append(r)
    return groups


def _oid_287g(fips: str, stage: str, members: list[dict]) -> str:
    kind = "identified" if stage == "detainers" else "removed"
    return f"287g:{fips}:{kind}:{members[0]['period_end'].year}"


def members_287g() -> dict[str, list[str]]:
    """Each 287(g) term's id -> the agency observations it sums (for the minimum cell rule:
    a sum of one agency's count shows that count)."""
    return {
        _oid_287g(fips, stage, members): [m["obs_id"] for m in members]
        for (fips, stage, _), members in _groups_287g().items()
    }


def _places(county_sets: list[str]) -> dict[str, str]:
    """Each agency's counties -> the union of every agency's counties it overlaps (so no
    county is counted in two places)."""
    merged: list[set[str]] = []
    for text in set(county_sets):
        codes = set(text.split())
        touching = [m for m in merged if m & codes]
        for m in touching:
            merged.remove(m)
            codes |= m
        merged.append(codes)
    return {t: " ".join(sorted(next(m for m in merged if set(t.split()) <= m)))
            for t in set(county_sets)}  # fmt: skip


def _jail_agencies() -> set[str]:
    """'STATE|agency' of the crosswalk's county and sheriff agencies."""
    from scomm.calibration_data import program_287g

    cw = program_287g.crosswalk().filter(pl.col("level").is_in(JAIL_LEVELS))
    return {f"{s}|{a}" for s, a in cw.select("state", "agency").iter_rows()}


def _county_fips() -> np.ndarray:
    from scomm.jurisdictions.counties import counties

    return counties().fips


def _agreement_months(months: np.ndarray) -> np.ndarray:
    """(county, month) True where the baseline's 287(g) jail agreements are in force."""
    from scomm.compile import jail_287g
    from scomm.scenario import resolve

    return jail_287g(resolve("baseline"), [periods.first_day(int(m)) for m in months])


def terms(c: Cells, months: np.ndarray) -> list[Term]:
    """Every likelihood term, for a run over ``months`` with counties in cells ``c`` (a term
    wholly before the first month says nothing and is left out: FY2008's all-program removals
    precede S-Comm)."""
    every = (
        _target_terms(c, months)
        + _landmark_terms(c, months)
        + _seattle_terms(c, months)
        + _pierce_terms(c, months)
        + _program_287g_terms(c, months)
    )
    return [t for t in every if _covers(t)]


def _covers(t: Term) -> bool:
    windows = t.window if isinstance(t.window, tuple) else (t.window,)
    return all(w.months.sum() > 0 for w in windows)


def last_day() -> dt.date:
    """The last day any likelihood term covers."""
    out = dt.date(2000, 1, 1)
    for name in ("targets", "landmarks", "seattle", "pierce", "program_287g"):
        out = max(out, load(name).observations["period_end"].max())
    return out


# ------------------------------------------------------------------ likelihoods


class _NB:
    """Negative binomial with mean mu and variance mu + phi mu² (scipy's n, p), unfrozen;
    mu and phi may be arrays."""

    def __init__(self, mu, phi) -> None:
        self.n = 1.0 / np.maximum(phi, 1e-12)
        self.p = self.n / (self.n + np.maximum(mu, 1e-9))

    def logpmf(self, k):
        return stats.nbinom.logpmf(k, self.n, self.p)

    def logcdf(self, k):
        return stats.nbinom.logcdf(k, self.n, self.p)

    def logsf(self, k):
        return stats.nbinom.logsf(k, self.n, self.p)


def _nb(mu, phi) -> _NB:
    return _NB(mu, phi)


def _scalar_or_array(out: np.ndarray):
    return float(out) if out.ndim == 0 else out


def log_interval(low, high, mu, phi):
    """log P(low <= X <= high), X negative binomial with mean mu, variance mu + phi mu^2
    (element by element for arrays)."""
    low, high, mu, phi = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64)
                                               for v in (low, high, mu, phi)))  # fmt: skip
    a = np.ceil(low - 1e-9)
    b = np.maximum(a, np.floor(high + 1e-9))
    d = _nb(mu, phi)
    above = mu > b  # the range lies below the mean: its mass from the lower tail
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = np.where(above, d.logcdf(b), d.logsf(a - 1))
        bottom = np.where(above, d.logcdf(a - 1), d.logsf(b))
        body = top + np.log1p(-np.exp(bottom - top))
        # a single count, or both tails underflow alike: the nearer end's mass
        nearer = (a == b) | ~(top - bottom > 1e-12)
    out = np.where(nearer, d.logpmf(np.where(above, b, a)), body)
    return _scalar_or_array(out)


def log_bracket(low, high, mu_lo, mu_hi, phi):
    """``log_interval`` averaged over means running uniformly from mu_lo to mu_hi (element
    by element for arrays)."""
    low, high, mu_lo, mu_hi, phi = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64)
                                                         for v in (low, high, mu_lo, mu_hi,
                                                                   phi)))  # fmt: skip
    out = np.array(log_interval(low, high, mu_lo, phi), dtype=np.float64)
    wide = mu_hi > mu_lo
    if wide.any():
        mus = mu_lo[wide][:, None] + GL_NODES * (mu_hi - mu_lo)[wide][:, None]
        logs = log_interval(low[wide][:, None], high[wide][:, None], mus, phi[wide][:, None])
        out[wide] = special.logsumexp(logs, b=GL_WEIGHTS, axis=-1)
    return _scalar_or_array(out)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def log_share(low: float, high: float, share: float, tau: float) -> float:
    """log P(low <= S <= high), logit S normal around logit(share) with sd tau."""
    z_lo = (_logit(low) - _logit(share)) / tau if low > 0 else -math.inf
    z_hi = (_logit(high) - _logit(share)) / tau if high < 1 else math.inf
    if z_lo > 0:  # both above: use the upper tail for accuracy
        z_lo, z_hi = -z_hi, -z_lo
    a, b = special.log_ndtr(z_hi), special.log_ndtr(z_lo)
    return float(a + np.log1p(-np.exp(min(b - a, 0.0))))


def model_value(term: Term, counts) -> tuple[float, float]:
    """The model quantity a term compares: (low, high) of a bracket, (value, value) else;
    (share, base) for shares of a whole."""
    if term.kind == "subset":
        w = term.window
        part = _count(counts, term.stage, w, **dict(term.extra))
        return part / max(_count(counts, "detainers", w), 1e-9), part
    if term.kind in ("shares", "levels"):
        raise ValueError(f"{term.obs_id}: a joint term has no single model value")
    return QUANTITIES[term.stage](counts, term.window)


def _interval_term(t: Term, counts) -> float:
    lo, hi = model_value(t, counts)
    return log_bracket(t.low, t.high, lo, hi, t.dispersion**2)


def _upper_term(t: Term, counts) -> float:
    mu = model_value(t, counts)[0]
    return float(_nb(mu, t.dispersion**2).logcdf(math.floor(t.high)))


def _lower_term(t: Term, counts) -> float:
    mu = model_value(t, counts)[0]
    return float(_nb(mu, t.dispersion**2).logsf(math.ceil(t.low) - 1))


def _share_term(t: Term, counts) -> float:
    return log_share(t.low, t.high, model_value(t, counts)[0], t.dispersion)


def _subset_term(t: Term, counts) -> float:
    p = min(max(model_value(t, counts)[0], 1e-6), 1 - 1e-6)
    kappa = 1.0 / t.dispersion**2
    return float(stats.betabinom.logpmf(int(t.low), int(t.high), p * kappa, (1 - p) * kappa))


def area_shares(t: Term, counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(model share, records share, sd of the log ratio) of each ICE area in a shares term."""
    model = np.array([_count(counts, "ice_book_ins", w) for w in t.window])
    obs = np.array([e[1] for e in t.extra], dtype=float)
    spread = np.array([math.log(max(e[3], 1) / max(e[2], 1)) / 3.29 for e in t.extra])
    sd = np.sqrt(t.dispersion**2 + spread**2)
    return model / max(model.sum(), 1e-9), obs / obs.sum(), sd


def _shares_term(t: Term, counts) -> float:
    m, o, sd = area_shares(t, counts)
    r = np.log(np.maximum(m, 1e-12)) - np.log(o)
    return float(stats.norm.logpdf(r, scale=sd).sum())


LEVEL_BOUNDS = {  # model levels -> the label columns whose people may hold them (low, high)
    "level1": (("level1",), ("level1", "level1_or_2", "any_level")),
    "level1_2": (("level1", "level1_or_2", "level2"), ("level1", "level1_or_2", "level2",
                                                        "level2_or_3", "any_level")),
    "level3": (("level3",), ("level2_or_3", "level3", "any_level")),
    "noncriminal": (("no_conviction",), ("no_conviction",)),
}  # fmt: skip
LEVEL_GROUPS = {
    "level1": (Level.LEVEL1,),
    "level1_2": (Level.LEVEL1, Level.LEVEL2),
    "level3": (Level.LEVEL3,),
    "noncriminal": (Level.NONCRIMINAL,),
}


def level_ranges(t: Term) -> dict[str, tuple[float, float]]:
    """The share range each model level group may have, from the records' label counts."""
    counts = dict(t.extra)
    total = sum(counts.values())
    out = {}
    for group, (low_cols, high_cols) in LEVEL_BOUNDS.items():
        low = sum(counts.get(c, 0) for c in low_cols) / total
        high = sum(counts.get(c, 0) for c in high_cols) / total
        out[group] = (
            (low, high) if group != "noncriminal" else (low - 0.5 / total, low + 0.5 / total)
        )
    return out


def model_level_shares(t: Term, counts) -> dict[str, float]:
    total = max(_count(counts, "ice_book_ins", t.window), 1e-9)
    return {g: _count(counts, "ice_book_ins", t.window, level=lv) / total
            for g, lv in LEVEL_GROUPS.items()}  # fmt: skip


def _levels_term(t: Term, counts) -> float:
    ranges, model = level_ranges(t), model_level_shares(t, counts)
    return float(sum(log_share(*ranges[g], model[g], t.dispersion) for g in ranges))


LOGLIK: dict[str, Callable[[Term, object], float]] = {
    "interval": _interval_term,
    "upper": _upper_term,
    "lower": _lower_term,
    "share": _share_term,
    "subset": _subset_term,
    "shares": _shares_term,
    "levels": _levels_term,
}


def agency_of(t: Term) -> str | None:
    """The 287(g) place (its counties) a term counts in, or None for other datasets."""
    return t.obs_id.split(":")[1] if t.dataset == "program_287g" else None


@dataclass(frozen=True)
class Spreads:
    """Log-sd of the factors a place's counts share beyond the model's expectation: the
    bookings model's state effect (``population.bookings_state_sd``), its county effect
    (gamma with dispersion α: sd √α) and a 287(g) agency's own throughput (``AGENCY_SD``).
    The expectation is taken at the effects' mean (1); these factors are integrated out."""

    state: float
    county: float
    agency: float = AGENCY_SD


def group_of(t: Term, spreads: Spreads) -> tuple[str, float] | None:
    """The shared factor a term's count carries (its group's key and log-sd), or None: a
    287(g) place's counts share the agency's factor (its bookings' county effects absorbed);
    a Seattle state's arrests by year the state's; Pierce County's and Harris County's counts
    the county's."""
    if (a := agency_of(t)) is not None:
        return f"287g:{a}", spreads.agency
    if t.kind not in ("interval", "lower"):
        return None
    if t.dataset == "seattle":
        return f"seattle:{t.obs_id.rsplit(':', 1)[1]}", spreads.state
    if t.dataset == "pierce":
        return "pierce", spreads.county
    if t.obs_id.endswith("_harris"):
        return "harris", spreads.county
    return None


def group_loglik(members: list[Term], counts, sd: float) -> float:
    """The joint log-likelihood of counts that share one factor exp(sd z) on their
    expectations, z integrated over its standard normal prior (Gauss-Hermite): the ratios
    between the counts inform the model's stages, their common level only the factor."""
    return _group_logliks([members], counts, [sd])[0]


def _group_logliks(groups: list[list[Term]], counts, sds: list[float]) -> list[float]:
    """``group_loglik`` of every group, each member at every node in one vectorised call."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(AGENCY_NODES)
    members = [t for g in groups for t in g]
    if not members:
        return []
    size = np.array([len(g) for g in groups])
    sd = np.repeat(np.asarray(sds, dtype=np.float64), size)
    mu = model_values(members, counts)
    low, high, disp = (np.array([getattr(t, k) for t in members], dtype=np.float64)
                       for k in ("low", "high", "dispersion"))  # fmt: skip
    factor = np.exp(sd[None, :] * nodes[:, None])  # (node, member)
    lower = np.array([t.kind == "lower" for t in members])
    shape = factor.shape
    b = lambda v: np.broadcast_to(v, shape).reshape(-1)  # noqa: E731
    values = log_bracket(b(low), b(high), (mu[:, 0] * factor).reshape(-1),
                         (mu[:, 1] * factor).reshape(-1), b(disp**2)).reshape(shape)  # fmt: skip
    if lower.any():
        n = 1.0 / np.maximum(disp[lower] ** 2, 1e-12)
        m_lo = np.maximum(mu[lower, 0] * factor[:, lower], 1e-9)
        values[:, lower] = stats.nbinom.logsf(np.ceil(low[lower]) - 1, n, n / (n + m_lo))
    per_node = np.add.reduceat(values, np.concatenate([[0], np.cumsum(size)[:-1]]), axis=1)
    return special.logsumexp(per_node, axis=0, b=(weights / weights.sum())[:, None]).tolist()


def loglik(ts: list[Term], counts, spreads: Spreads) -> dict[str, float]:
    """Each term's log-likelihood under ``counts`` (the interval terms in one vectorised
    call); terms that share a factor (``group_of``) enter jointly, under their group's key."""
    alone, groups = [], {}
    for t in ts:
        g = group_of(t, spreads)
        if g is None:
            alone.append(t)
        else:
            groups.setdefault(g, []).append(t)
    out = _interval_terms([t for t in alone if t.kind == "interval"], counts)
    out.update({t.obs_id: LOGLIK[t.kind](t, counts) for t in alone if t.kind != "interval"})
    keys = list(groups)
    values = _group_logliks([groups[k] for k in keys], counts, [sd for _, sd in keys])
    out.update({key: v for (key, _), v in zip(keys, values, strict=True)})
    return out


def _interval_terms(ts: list[Term], counts) -> dict[str, float]:
    """``_interval_term`` of each term, as arrays."""
    if not ts:
        return {}
    mu = model_values(ts, counts)
    low, high, disp = (np.array([getattr(t, k) for t in ts], dtype=np.float64)
                       for k in ("low", "high", "dispersion"))  # fmt: skip
    values = log_bracket(low, high, mu[:, 0], mu[:, 1], disp**2)
    return dict(zip((t.obs_id for t in ts), values.tolist(), strict=True))


def model_values(ts: list[Term], counts) -> np.ndarray:
    """(term, 2) ``model_value`` of each term; the terms that are one count (``SINGLE``)
    counted together, stage by stage (``counts.counts``)."""
    mu = np.empty((len(ts), 2))
    single: dict[str, list[int]] = {}
    for i, t in enumerate(ts):
        if t.stage in SINGLE and t.kind not in ("subset", "shares", "levels"):
            single.setdefault(t.stage, []).append(i)
        else:
            mu[i] = model_value(t, counts)
    for name, rows in single.items():
        ws = [ts[i].window for i in rows]
        mu[rows, :] = counts.counts(SINGLE[name][0], [w.cells for w in ws],
                                    np.stack([w.months for w in ws]),
                                    [w.completed_by for w in ws], SINGLE[name][1])[:, None]  # fmt: skip
    return mu
