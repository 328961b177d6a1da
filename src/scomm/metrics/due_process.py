"""Due process (the Serrano letter's fourth concern, scomm-facts §6): how S-Comm fed people
into detention and removal without a judge, without counsel, and sometimes in error.

Shares of S-Comm removals without a hearing before an immigration judge (summary removal:
expedited removal, reinstatement, stipulated or administrative removal), of removable
people detained, of those before a judge who had counsel; mean days in ICE detention;
U.S. citizens held; removed parents of U.S.-citizen children, drawn per removal at the
cited share (``Stream.USC_CHILDREN``).
"""

from __future__ import annotations

import numpy as np

from scomm.engine import Simulation
from scomm.metrics.base import Context, Metric, method_source, ratio, rows_of
from scomm.rng import Stream, uniforms
from scomm.rules.categories import CITIZEN_STATUSES

GROUP = "due_process"
CHILD = "metrics.due_process.removed_with_us_citizen_child_share"
SUMMARY_ROUTES = (
    "removal.reinstatement_share",
    "removal.administrative_share",
    "removal.expedited_interior",
    "removal.recent_entrant_share",
    "removal.stipulated_share",
)


def tally(sim: Simulation, ctx: Context) -> dict[str, np.ndarray]:
    """Per-county counts behind the due-process metrics."""
    c, r, n = sim.cohort, rows_of(sim, ctx), ctx.n_counties
    rem, bi = r.removed, r.book_in
    u = uniforms(sim.seed, Stream.USC_CHILDREN, c.key[rem])
    parent = rem[u < ctx.series(CHILD)[c.month[rem]]]
    held_or_booked = np.union1d(r.held, bi)
    citizen = np.isin(c.status[held_or_booked], CITIZEN_STATUSES)
    return {
        "removed": r.count(n, rem),
        "summary": r.count(n, rem[c.summary[rem]]),
        "removable": r.count(n, np.flatnonzero(c.removable)),
        "book_ins": r.count(n, bi),
        "heard": r.count(n, bi[~c.summary[bi]]),
        "represented": r.count(n, bi[c.represented[bi]]),
        "detention_days": r.count(n, bi, c.detention_days[bi]),
        "citizens_held": r.count(n, held_or_booked[citizen]),
        "parents": r.count(n, parent),
    }


def compute(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray) -> dict[str, Metric]:
    """The due-process metrics for the counties in ``mask``."""

    def s(name: str) -> float:
        return float(t[name][mask].sum())

    here = method_source("due-process")
    summary = [here, *ctx.cite(*SUMMARY_ROUTES)]
    return {
        "removals_without_hearing": Metric(
            value=s("summary"),
            unit="people",
            definition=(
                "S-Comm removals without a hearing before an immigration judge (expedited "
                "removal, reinstatement, stipulated or administrative removal)."
            ),
            sources=summary,
        ),
        "removals_without_hearing_share": Metric(
            value=ratio(s("summary"), s("removed")),
            unit="share",
            definition="Share of S-Comm removals without a hearing before an immigration judge.",
            sources=summary,
            assumptions=(
                "A removal is summary by the routes the person's history opens: reinstatement "
                "after a prior removal, administrative removal of a non-LPR aggravated felon, "
                "expedited removal of a recent entrant while the 2019 designation reaches the "
                "interior, or a stipulated order (docs/model.md); DHS-wide shares, mostly "
                "border cases, are an upper bound.",
            ),
        ),
        "detained_share": Metric(
            value=ratio(s("book_ins"), s("removable")),
            unit="share",
            definition=(
                "Share of people S-Comm matched and ICE deemed removable who were then booked "
                "into ICE detention."
            ),
            sources=[
                here,
                *ctx.cite(
                    "custody.transfer_probability",
                    "custody.release_pickup_probability",
                    "jail.base_compliance",
                ),
            ],
        ),
        "represented_share": Metric(
            value=ratio(s("represented"), s("heard")),
            unit="share",
            definition=(
                "Share of people in ICE detention whose case went before an immigration judge "
                "who had a lawyer."
            ),
            sources=[here, *ctx.cite("removal.represented_share")],
        ),
        "mean_detention_days": Metric(
            value=ratio(s("detention_days"), s("book_ins")),
            unit="days",
            definition="Mean days in ICE detention of people booked in after an S-Comm match.",
            sources=[here, *ctx.cite("removal.days_median", "removal.days_log_sd")],
        ),
        "us_citizens_detained": Metric(
            value=s("citizens_held"),
            unit="people",
            definition=(
                "U.S. citizens (born or naturalized) held on an S-Comm detainer or booked into "
                "ICE custody."
            ),
            sources=[
                here,
                *ctx.cite(
                    "status.deemed_removable",
                    "match.ident_probability",
                    "program.identification_287g",
                ),
            ],
        ),
        "removed_parents_of_us_citizen_children": Metric(
            value=s("parents"),
            unit="people",
            definition=(
                "S-Comm removals of people who claimed at least one U.S.-citizen child (parents, "
                "not children: no cited number of children per removed parent)."
            ),
            sources=[here, *ctx.cite(CHILD)],
            assumptions=(
                "ICE's share for all its removals, Jan-Jun 2011 (more than 22%), applied to "
                "S-Comm removals: likely a lower bound.",
            ),
        ),
    }
