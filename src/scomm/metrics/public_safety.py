"""Public safety: ICE's own claim (scomm-facts §1.2-§1.3). ICE said S-Comm removes "the
worst of the worst"; its priorities put Level 1 (aggravated felonies, or two or more
offenses punishable by more than a year) first. The shares of S-Comm removals by ICE
offense level, and the share meeting ICE's top priority.
"""

from __future__ import annotations

import numpy as np

from scomm.engine import Simulation
from scomm.metrics.base import Context, Metric, method_source, ratio, rows_of
from scomm.rules.categories import Level

GROUP = "public_safety"
LEVEL_DEFINITIONS = {
    "title": "H.R. 5007 (119th Congress), introduced: ICE Threat Level 1-3 offender definitions",
    "url": "https://www.congress.gov/119/bills/hr5007/BILLS-119hr5007ih.htm",
    "date": "2025-08-19",
}
PRIORITIES = {
    "title": (
        "Morton, Civil Immigration Enforcement: Priorities for the Apprehension, Detention, "
        "and Removal of Aliens (Policy 10072.1)"
    ),
    "url": "https://www.visalawyerblog.com/2010/07/01/memo_of_ice_civil_immigration/",
    "date": "2010-06-30",
}
WORDS = {
    Level.LEVEL1: "Level 1 (aggravated felony, or two or more offenses punishable by over a year)",
    Level.LEVEL2: "Level 2 (one offense punishable by over a year, or three lesser ones)",
    Level.LEVEL3: "Level 3 (an offense punishable by less than a year)",
    Level.NONCRIMINAL: "no criminal conviction",
}


def tally(sim: Simulation, ctx: Context) -> dict[str, np.ndarray]:
    """Per-county S-Comm removals by ICE offense level."""
    rem = rows_of(sim, ctx).removed
    flat = sim.cohort.county[rem].astype(np.int64) * len(Level) + sim.cohort.level[rem]
    by_level = np.bincount(flat, minlength=ctx.n_counties * len(Level))
    return {"removed_by_level": by_level.reshape(-1, len(Level)).astype(np.float64)}


def compute(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray) -> dict[str, Metric]:
    """The public-safety metrics for the counties in ``mask``."""
    levels = t["removed_by_level"][mask].sum(axis=0)
    total = float(levels.sum())
    sources = [method_source("public-safety"), LEVEL_DEFINITIONS]
    out = {
        f"removals_{lv.name.lower()}_share": Metric(
            value=ratio(levels[lv], total),
            unit="share",
            definition=f"Share of S-Comm removals whose record was {WORDS[lv]}.",
            sources=sources,
        )
        for lv in Level
    }
    out["top_priority_share"] = Metric(
        value=ratio(levels[Level.LEVEL1], total),
        unit="share",
        definition=(
            "Share of S-Comm removals meeting ICE's own top priority, a Level 1 conviction "
            "(ICE's 'worst of the worst')."
        ),
        sources=[*sources, PRIORITIES],
    )
    return out
