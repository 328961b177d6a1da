"""Racial profiling (the Serrano letter's first concern, scomm-facts §1.9).

* Disparity: the Hispanic share of people S-Comm put in ICE custody against the Hispanic
  share of the population ICE could remove (unauthorized residents plus lawful residents
  ICE would deem removable), weighted by county and by the months S-Comm ran there.
* Low-level share: matches and detainers that follow an arrest for a misdemeanor or a
  minor traffic offense, and the counties whose share stands out from comparable counties
  (same state and population band), by an exact one-sided binomial test.
"""

from __future__ import annotations

import numpy as np

from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.metrics.base import Context, Metric, method_source, ratio, rows_of, sum_peers
from scomm.metrics.stats import upper_tail
from scomm.rules.categories import Charge, Status

GROUP = "profiling"
MIN_PEERS = 3  # fewer comparable counties with matches than this: compare with the state
LISTED = 10  # counties listed by name under the outlier count


def lpr_removable_share(inp) -> np.ndarray:
    """(month,) the share of lawful permanent residents ICE would deem removable: the
    by-level probabilities (status.lpr_removable) weighted by the lawfully present
    arrestees' level mix (population.criminal_history_lawful)."""
    cdf = inp.level_cdf[:, 0, :]
    shares = np.diff(cdf, axis=-1, prepend=0.0)
    return (inp.p_removable[:, Status.LPR, :] * shares).sum(axis=-1)


def removable_population(ctx: Context) -> dict[str, np.ndarray]:
    """Per county: removable residents and the Hispanic among them, summed over the months
    of the period, weighted by the share of each month S-Comm ran there (``*_exposed``)
    and unweighted."""
    inp = ctx.inputs
    cty = counties()
    status = inp.composition.status
    foreign = 1.0 - status[:, :, Status.US_BORN]
    mix = status / np.where(foreign > 0, foreign, 1.0)[:, :, None]
    mix[:, :, Status.US_BORN] = 0.0
    mix[:, :, Status.NATURALIZED] = 0.0
    weight = np.ones(inp.p_removable.shape[:2])
    weight[:, Status.LPR] = lpr_removable_share(inp)
    weight[:, Status.OTHER_LAWFUL] = inp.p_removable[:, Status.OTHER_LAWFUL, 0]
    residents = cty.column("population") * cty.column("foreign_born_share")
    rem = residents[:, None, None] * mix * weight[None, :, :]
    rem_h = rem * inp.composition.hispanic
    active = 1.0 - inp.active_from
    return {
        "removable_exposed": np.einsum("cms,cm->c", rem, active),
        "removable_hispanic_exposed": np.einsum("cms,cm->c", rem_h, active),
        "removable": rem.sum(axis=(1, 2)),
        "removable_hispanic": rem_h.sum(axis=(1, 2)),
    }


def peer_comparison(low: np.ndarray, matches: np.ndarray, ctx: Context) -> dict[str, np.ndarray]:
    """Each county's low-level share against its comparable counties' (same state and
    population band, or the whole state when the band has too few counties with matches),
    with the one-sided binomial p-value of a share at least this high."""
    group, state = ctx.peer_group, ctx.state_id
    has = (matches > 0).astype(np.float64)
    in_band = sum_peers(has, group) >= MIN_PEERS
    peer_low = np.where(in_band, sum_peers(low, group), sum_peers(low, state))
    peer_n = np.where(in_band, sum_peers(matches, group), sum_peers(matches, state))
    peer_share = np.where(peer_n > 0, peer_low / np.where(peer_n > 0, peer_n, 1.0), np.nan)
    tested = (matches > 0) & (peer_n > 0) & ctx.inputs.county_mask
    p = np.ones(len(low))
    p[tested] = upper_tail(low[tested], matches[tested], peer_share[tested])
    return {"peer_share": peer_share, "tested": tested.astype(np.float64), "p_value": p}


def tally(sim: Simulation, ctx: Context) -> dict[str, np.ndarray]:
    """Per-county counts behind the profiling metrics."""
    c, r, n = sim.cohort, rows_of(sim, ctx), ctx.n_counties
    minor = c.charge != Charge.FELONY
    t = {
        "book_ins": r.count(n, r.book_in),
        "hispanic_book_ins": r.count(n, r.book_in[c.hispanic[r.book_in]]),
        "matches": r.count(n),
        "low_level_matches": r.count(n, np.flatnonzero(minor)),
        "detainers": r.count(n, r.detainer),
        "low_level_detainers": r.count(n, r.detainer[minor[r.detainer]]),
        **removable_population(ctx),
    }
    t.update(peer_comparison(t["low_level_matches"], t["matches"], ctx))
    return t


def _outliers(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray, alpha: float) -> Metric:
    cty = counties()
    state, names = cty.state, cty.table["full_name"]
    tested = mask & (t["tested"] > 0)
    flagged = np.flatnonzero(tested & (t["p_value"] < alpha))
    flagged = flagged[np.argsort(t["p_value"][flagged], kind="stable")]
    rows = [
        {
            "county_fips": str(ctx.fips[i]),
            "name": str(names[int(i)]),
            "state": str(state[i]),
            "matches": int(t["matches"][i]),
            "low_level_share": round(t["low_level_matches"][i] / t["matches"][i], 4),
            "peer_share": round(float(t["peer_share"][i]), 4),
            "p_value": float(f"{t['p_value'][i]:.3g}"),
        }
        for i in flagged[:LISTED]
    ]
    return Metric(
        value=len(flagged),
        unit="counties",
        definition=(
            "Counties whose share of IDENT matches arrested on a misdemeanor or minor traffic "
            f"charge is above that of comparable counties at the one-sided {alpha:.0%} level "
            "(exact binomial test against the peers' share)."
        ),
        sources=[method_source("comparable-counties")],
        assumptions=(
            f"About {alpha:.0%} of tested counties are flagged by chance alone "
            "(counties_expected_by_chance).",
        ),
        extra={
            "counties_tested": int(tested.sum()),
            "counties_expected_by_chance": round(alpha * float(tested.sum()), 1),
            "counties": rows,
        },
    )


def compute(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray) -> dict[str, Metric]:
    """The profiling metrics for the counties in ``mask``."""

    def s(name: str) -> float:
        return float(t[name][mask].sum())

    hisp_bi = ratio(s("hispanic_book_ins"), s("book_ins"))
    exposed = s("removable_exposed") > 0
    suffix = "_exposed" if exposed else ""
    hisp_rem = ratio(s("removable_hispanic" + suffix), s("removable" + suffix))
    population = ctx.cite(
        "population.hispanic_share_foreign_born",
        "status.deemed_removable",
        "population.foreign_born_arrest_ratio",
    )
    charge = ctx.cite("population.arrest_charge")
    alpha = float(ctx.params.at("metrics.monitor.false_alarm_rate", ctx.days[0]))
    weights = (
        "county removable residents weighted by the share of each month S-Comm ran in the county"
        if exposed
        else "county removable residents (S-Comm never ran here in the period, so unweighted)"
    )
    return {
        "hispanic_share_ice_book_ins": Metric(
            value=hisp_bi,
            unit="share",
            definition="Share Hispanic among people booked into ICE custody after an S-Comm match.",
            sources=[method_source("racial-profiling"), *population],
        ),
        "hispanic_share_removable_population": Metric(
            value=hisp_rem,
            unit="share",
            definition=(
                "Share Hispanic among residents ICE could remove: unauthorized residents plus "
                "lawful permanent and other lawful residents at the rate ICE deems them removable."
            ),
            sources=[method_source("racial-profiling"), *population],
            stochastic=False,
            assumptions=(
                f"Weights: {weights}.",
                "Residents by status come from each county's foreign-born share and its ICE "
                "area's unauthorized and noncitizen shares (population model).",
                "Naturalized and U.S.-born citizens are not removable.",
            ),
        ),
        "hispanic_disparity_ratio": Metric(
            value=None if hisp_bi is None or not hisp_rem else hisp_bi / hisp_rem,
            unit="ratio",
            definition=(
                "Hispanic share of S-Comm ICE book-ins divided by the Hispanic share of the "
                "removable population (1 = no disparity)."
            ),
            sources=[method_source("racial-profiling"), *population],
        ),
        "low_level_share_matches": Metric(
            value=ratio(s("low_level_matches"), s("matches")),
            unit="share",
            definition=(
                "Share of IDENT matches that followed an arrest for a misdemeanor or a minor "
                "traffic offense."
            ),
            sources=[method_source("racial-profiling"), *charge],
        ),
        "low_level_share_detainers": Metric(
            value=ratio(s("low_level_detainers"), s("detainers")),
            unit="share",
            definition=(
                "Share of S-Comm detainers lodged after an arrest for a misdemeanor or a minor "
                "traffic offense."
            ),
            sources=[method_source("racial-profiling"), *charge],
        ),
        "low_level_counties_above_peers": _outliers(t, ctx, mask, alpha),
    }
