"""A profiling monitor in the spirit of the one ICE promised in June 2011, and its power.

CRCL's "statistical analysis of arrest and other data to detect potential civil-rights
abuses" (GAO-12-708; scomm-facts §1.4) was never published. The monitor here:

* statistic: each month, the county's IDENT matches that followed an arrest for a
  misdemeanor or a minor traffic offense (x of n matches), against the share p0 among
  comparable counties that month (same state and population band, or the whole state
  when the band has too few counties with matches);
* rule: a one-sided Bernoulli CUSUM, batched by month, tuned to a rise in the odds of a
  low-level match by the design odds ratio R:
  S_t = max(0, S_{t-1} + x_t log R - n_t log(1 - p0_t + R p0_t));
* threshold: the county is flagged the first month S_t exceeds h, where h is set so that
  a county with no pretextual arrests is flagged with probability at most the false-alarm
  rate over the whole horizon: the (1 - rate) quantile of max_t S_t over Monte Carlo
  paths in which the county's and its peers' low-level matches are both drawn at the
  peers' observed share, given their match counts (so the noise in the peers' share is
  allowed for; ``Stream.MONITOR``).

Its power: for a profiling intensity (the scenario ``pretext`` rate: extra low-level
arrests of Hispanic residents as a multiple of the county's Hispanic bookings), how many
months until the monitor flags the county, over replicate runs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from scomm import periods
from scomm.compile import Inputs, compile_inputs
from scomm.engine import Simulation, simulate
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties
from scomm.metrics.base import Context, method_source, sum_peers
from scomm.metrics.profiling import MIN_PEERS
from scomm.metrics.stats import binomial_draws
from scomm.rng import Stream, entity_keys, uniforms
from scomm.rules import pretext
from scomm.rules.categories import Charge
from scomm.scenario import resolve

PATHS = 2000  # Monte Carlo paths per threshold
DEFAULT_PERIOD = ("2011-07", "2014-11")  # from the June 2011 reforms to the end of S-Comm
CURVE = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0)


def cusum(x: np.ndarray, n: np.ndarray, p0: np.ndarray, odds_ratio: float) -> np.ndarray:
    """The CUSUM path S_t over the last axis (months) of ``x`` (low-level matches), given
    the county's matches ``n`` and the comparison share ``p0`` per month."""
    usable = (n > 0) & (p0 > 0) & (p0 < 1)
    step = x * np.log(odds_ratio) - n * np.log1p(np.where(usable, p0, 0.0) * (odds_ratio - 1))
    step = np.where(usable, step, 0.0)
    out = np.zeros(np.broadcast_shapes(step.shape, x.shape))
    s = np.zeros(out.shape[:-1])
    for t in range(out.shape[-1]):
        s = np.maximum(0.0, s + step[..., t])
        out[..., t] = s
    return out


def share(low: np.ndarray, n: np.ndarray) -> np.ndarray:
    """low / n, 0 where n is 0."""
    return np.where(n > 0, low / np.where(n > 0, n, 1.0), 0.0)


def threshold(n, y, m, odds_ratio: float, rate: float, u: np.ndarray) -> float:
    """h: a county with no pretextual arrests has max_t S_t > h with probability at most
    ``rate``. Monte Carlo under that null: the county's (n matches) and its peers' (m
    matches, y low-level) low-level matches both drawn at the peers' share y/m each month;
    ``u`` is (2, paths, months) uniforms."""
    x_sim, y_sim = np.zeros(u.shape[1:]), np.zeros(u.shape[1:])
    p = share(y, m)
    for t in np.flatnonzero((n > 0) & (m > 0)):
        x_sim[:, t] = binomial_draws(int(n[t]), float(p[t]), u[0, :, t])
        y_sim[:, t] = binomial_draws(int(m[t]), float(p[t]), u[1, :, t])
    peaks = cusum(x_sim, n, share(y_sim, m), odds_ratio).max(axis=1)
    return float(np.quantile(peaks, 1.0 - rate, method="higher"))


def first_flag(x, n, p0, odds_ratio: float, h: float) -> int | None:
    """Position of the first month the CUSUM exceeds ``h`` (None: never)."""
    over = np.flatnonzero(cusum(x, n, p0, odds_ratio) > h)
    return int(over[0]) if len(over) else None


def monthly_counts(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """(county, month) low-level matches and all matches."""
    c = sim.cohort
    n_c, n_m = sim.inputs.bookings.shape
    flat = c.county.astype(np.int64) * n_m + c.month
    low = np.flatnonzero(c.charge != Charge.FELONY)
    n = np.bincount(flat, minlength=n_c * n_m).reshape(n_c, n_m)
    x = np.bincount(flat[low], minlength=n_c * n_m).reshape(n_c, n_m)
    return x.astype(np.float64), n.astype(np.float64)


def peer_counts(x: np.ndarray, n: np.ndarray, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(county, month) low-level and all matches of each county's comparable counties."""
    has = (n.sum(axis=1) > 0).astype(np.float64)
    in_band = (sum_peers(has, ctx.peer_group) >= MIN_PEERS)[:, None]
    low = np.where(in_band, sum_peers(x, ctx.peer_group), sum_peers(x, ctx.state_id))
    return low, np.where(in_band, sum_peers(n, ctx.peer_group), sum_peers(n, ctx.state_id))


def monitor_uniforms(seed: int, months: np.ndarray, county: int) -> np.ndarray:
    """(2, paths, months) uniforms for a county's threshold: its own draws, its peers'."""
    path = np.arange(2 * PATHS).reshape(2, PATHS, 1)
    return uniforms(seed, Stream.MONITOR, entity_keys(months[None, None, :], county, path))


def flagged_at(x, n, y, m, odds_ratio: float, rate: float, u: np.ndarray) -> int | None:
    """The month position at which the monitor first flags a county with ``x`` of ``n``
    matches low-level, against peers with ``y`` of ``m`` (None: never)."""
    h = threshold(n, y, m, odds_ratio, rate, u)
    return first_flag(x, n, share(y, m), odds_ratio, h)


@dataclasses.dataclass(frozen=True)
class Setup:
    """One county's monitoring problem: inputs for its state, its peers, the rules."""

    ctx: Context
    county: int
    start: int  # position of the first month the county submits prints
    odds_ratio: float
    rate: float

    def pretext_inputs(self, intensity: float) -> Inputs:
        """Inputs for the county alone, with pretextual arrests at ``intensity`` from the
        first month it submits prints."""
        inp = self.ctx.inputs
        i = self.county
        h = pretext.hispanic_share(inp.composition.status[i], inp.composition.hispanic[i])
        extra = np.zeros_like(inp.pretext)
        extra[i, self.start :] = (intensity * h * inp.bookings[i])[self.start :]
        only = np.zeros_like(inp.county_mask)
        only[i] = True
        return dataclasses.replace(inp, county_mask=only, pretext=inp.pretext + extra)

    def detect(self, x, n, y, m, seed: int) -> int | None:
        """Months from the start of the effect to the first flag (None: not flagged)."""
        u = monitor_uniforms(seed, self.ctx.inputs.months, self.county)
        t = flagged_at(x, n, y, m, self.odds_ratio, self.rate, u)
        return None if t is None else max(t - self.start, 0) + 1


def setup(fips: str, scenario: str, start: str | None, end: str | None) -> Setup:
    """Compile the county's state for the monitoring period and check it can be monitored."""
    cty = counties()
    i = cty.index_of(fips)
    s, e = periods.parse_period(start or DEFAULT_PERIOD[0], end or DEFAULT_PERIOD[1])
    scn = resolve(scenario)
    inputs = compile_inputs(scn, s, e, [str(cty.state[i])])
    ctx = Context.build(inputs, scn.params)
    if (ctx.state_id == ctx.state_id[i]).sum() < 2:
        raise UserError(f"--county: {fips} has no other county in its state to compare with")
    active = np.flatnonzero(inputs.active_from[i] < 1.0)
    if len(active) == 0:
        raise UserError(
            f"--county: S-Comm never ran in {fips} between {periods.month_label(s)} and "
            f"{periods.month_label(e)}; nothing to monitor"
        )
    day = ctx.days[0]
    return Setup(
        ctx=ctx,
        county=i,
        start=int(active[0]),
        odds_ratio=float(scn.params.at("metrics.monitor.design_odds_ratio", day)),
        rate=float(scn.params.at("metrics.monitor.false_alarm_rate", day)),
    )


def _summary(months: list[int | None]) -> dict:
    """Share detected, and median and 2.5-97.5 percentiles of months to detection
    (undetected runs count as beyond the horizon; a percentile beyond it is null)."""
    arr = np.array([np.inf if m is None else m for m in months], dtype=np.float64)
    q = np.percentile(arr, [50.0, 2.5, 97.5], method="inverted_cdf")
    finite = [None if not np.isfinite(v) else int(v) for v in q]
    return {
        "detected_share": round(float(np.isfinite(arr).mean()), 4),
        "median_months": finite[0],
        "interval": finite[1:],
    }


def detection_power(
    fips: str,
    intensity: float,
    scenario: str = "baseline",
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
    replicates: int = 20,
) -> dict:
    """Months until the monitor flags the county at this profiling intensity, and the
    power curve (intensity → months to detection), over replicate runs."""
    if not 0 <= intensity <= 5:
        raise UserError(f"--intensity: {intensity} must lie between 0 and 5")
    if replicates < 1:
        raise UserError(f"--replicates: {replicates} must be a positive integer")
    if seed < 0:
        raise UserError(f"--seed: {seed} must be a non-negative integer")
    su = setup(fips, scenario, start, end)
    ctx, i = su.ctx, su.county
    levels = sorted({*CURVE, float(intensity)})
    found: dict[float, list[int | None]] = {x: [] for x in levels}
    extra: dict[float, list[float]] = {x: [] for x in levels}
    chance = {"counties": 0, "flagged": 0}
    for r in range(replicates):
        base = simulate(ctx.inputs, seed + r)
        x_all, n_all = monthly_counts(base)
        y_all, m_all = peer_counts(x_all, n_all, ctx)
        if r == 0:
            chance = _false_alarms(su, x_all, n_all, y_all, m_all, seed)
        for level in levels:
            if level == 0:
                x, n = x_all[i], n_all[i]
            else:
                xs, ns = monthly_counts(simulate(su.pretext_inputs(level), seed + r))
                x, n = xs[i], ns[i]
            extra[level].append(float((n - n_all[i]).sum()))
            found[level].append(su.detect(x, n, y_all[i], m_all[i], seed + r))
    cty = counties()
    months = len(ctx.days) - su.start
    curve = [
        {
            "intensity": level,
            **_summary(found[level]),
            "pretextual_matches_per_month": round(float(np.mean(extra[level])) / months, 1),
        }
        for level in levels
    ]
    at = next(row for row in curve if row["intensity"] == float(intensity))
    return {
        "county": fips,
        "name": str(cty.table["full_name"][i]),
        "state": str(cty.state[i]),
        "scenario": scenario,
        "period": {
            "start": periods.month_label(int(ctx.inputs.months[0])),
            "end": periods.month_label(int(ctx.inputs.months[-1])),
        },
        "effect_from": periods.month_label(int(ctx.inputs.months[su.start])),
        "horizon_months": months,
        "seed": seed,
        "replicates": replicates,
        "intensity": float(intensity),
        "months_to_detection": {k: at[k] for k in ("median_months", "interval", "detected_share")},
        "power_curve": curve,
        "false_alarms_in_state": chance,
        "method": {
            "statistic": (
                "monthly share of IDENT matches arrested on a misdemeanor or minor traffic "
                "charge, against comparable counties (same state and population band)"
            ),
            "rule": "one-sided Bernoulli CUSUM batched by month, Monte Carlo threshold",
            "false_alarm_rate": su.rate,
            "design_odds_ratio": su.odds_ratio,
            "monte_carlo_paths": PATHS,
            "intensity": (
                "extra low-level arrests of Hispanic residents as a multiple of the county's "
                "Hispanic bookings (scenario pretext rate), from the first month S-Comm ran"
            ),
            "sources": [
                method_source("the-monitor"),
                *ctx.cite("metrics.monitor.false_alarm_rate", "metrics.monitor.design_odds_ratio"),
            ],
        },
    }


def _false_alarms(su: Setup, x, n, y, m, seed: int) -> dict:
    """How many of the state's counties the monitor flags in the first replicate with no
    injected effect (an empirical check on the false-alarm rate)."""
    ctx = su.ctx
    state = np.flatnonzero((ctx.state_id == ctx.state_id[su.county]) & (n.sum(axis=1) > 0))
    flagged = 0
    for j in state:
        u = monitor_uniforms(seed, ctx.inputs.months, int(j))
        flagged += flagged_at(x[j], n[j], y[j], m[j], su.odds_ratio, su.rate, u) is not None
    return {"counties": len(state), "flagged": int(flagged)}
