"""Community trust (the Serrano letter's third concern; the HSAC task force's finding that
S-Comm damaged community policing, scomm-facts §1.4).

Expected violent and property victimizations of Latino residents that go unreported
because of fear of immigration enforcement, per year:

    residents of a group (U.S.-born, lawful foreign-born, unauthorized)
    x NCVS victimization rate (violent per person aged 12+, property per household)
    x share that would have been reported to the police (NCVS)
    x share of the group "less likely to contact police" (Theodore 2013)
    x relative fall in reporting among them (a stated assumption)
    x share of the month S-Comm ran in the county

so ending the program (or a county's opt-out) removes the effect from then on. No random
draw enters: these are expectations given the inputs.
"""

from __future__ import annotations

import numpy as np

from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.metrics.base import Context, Metric, method_source
from scomm.rules.categories import Status

GROUP = "trust"
FEAR = "metrics.trust.less_likely_to_contact_police"
GROUPS = ("us_born", "lawful_foreign_born", "undocumented")
PARAMS = (
    "metrics.trust.violent_victimization_rate",
    "metrics.trust.violent_reported_share",
    "metrics.trust.property_victimization_rate",
    "metrics.trust.property_reported_share",
    FEAR,
    "metrics.trust.reporting_reduction",
    "metrics.trust.age_12_plus_share",
    "metrics.trust.household_size",
)


def latino_residents(ctx: Context) -> np.ndarray:
    """(county, month, group) Latino residents: unauthorized and lawful foreign-born from
    the county's foreign-born residents and their status mix, U.S.-born the rest."""
    cty = counties()
    comp = ctx.inputs.composition
    foreign = 1.0 - comp.status[:, :, Status.US_BORN]
    mix = comp.status / np.where(foreign > 0, foreign, 1.0)[:, :, None]
    latino_mix = mix * comp.hispanic
    born_abroad = (cty.column("population") * cty.column("foreign_born_share"))[:, None]
    undocumented = born_abroad * latino_mix[:, :, Status.UNDOCUMENTED_PRIOR :].sum(axis=2)
    lawful = born_abroad * latino_mix[:, :, Status.NATURALIZED : Status.UNDOCUMENTED_PRIOR].sum(2)
    latino = (cty.column("population") * cty.column("hispanic_share"))[:, None]
    us_born = np.maximum(latino - undocumented - lawful, 0.0)
    return np.stack([us_born, lawful, undocumented], axis=2)


def _lost_reports(ctx: Context, rate: str, reported: str, per: np.ndarray) -> np.ndarray:
    """(month, group) victimizations a Latino resident would have reported but, for fear,
    does not, per resident-month."""
    fear = np.array([[float(ctx.params.at(FEAR, d, g)) for g in GROUPS] for d in ctx.days])
    base = ctx.series(rate) / 1000.0 / 12.0 * ctx.series(reported) * per
    return base[:, None] * fear * ctx.series("metrics.trust.reporting_reduction")[:, None]


def tally(sim: Simulation, ctx: Context) -> dict[str, np.ndarray]:
    """Per county, over the period: unreported victimizations and Latino person-years."""
    residents = latino_residents(ctx)
    exposed = residents * (1.0 - sim.inputs.active_from)[:, :, None]
    violent = _lost_reports(
        ctx,
        "metrics.trust.violent_victimization_rate",
        "metrics.trust.violent_reported_share",
        ctx.series("metrics.trust.age_12_plus_share"),
    )
    prop = _lost_reports(
        ctx,
        "metrics.trust.property_victimization_rate",
        "metrics.trust.property_reported_share",
        1.0 / ctx.series("metrics.trust.household_size"),
    )
    return {
        "violent": np.einsum("cmg,mg->c", exposed, violent),
        "property": np.einsum("cmg,mg->c", exposed, prop),
        "latino_person_years": residents.sum(axis=(1, 2)) / 12.0,
        "latino_exposed_person_years": exposed.sum(axis=(1, 2)) / 12.0,
    }


def _assumptions(ctx: Context) -> tuple[str, ...]:
    fear = ctx.params.at(FEAR, ctx.days[0])
    reduction = float(ctx.params.at("metrics.trust.reporting_reduction", ctx.days[0]))
    return (
        "Less likely to contact police (Theodore 2013): "
        + ", ".join(f"{g.replace('_', ' ')} {float(fear[g]):.0%}" for g in GROUPS)
        + " (lawful foreign-born: the survey's overall share).",
        f"Assumption: those less likely report {reduction:.0%} less often; the numbers are "
        "proportional to this.",
        "NCVS national victimization rates and reporting shares apply to Latino residents.",
        "The effect is attributed to S-Comm and scales with the share of months S-Comm ran "
        "in each county.",
    )


def compute(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray) -> dict[str, Metric]:
    """The community-trust metrics for the counties in ``mask``."""
    years = len(ctx.days) / 12.0
    exposed = float(t["latino_exposed_person_years"][mask].sum())
    total = float(t["latino_person_years"][mask].sum())
    sources = [method_source("community-trust"), *ctx.cite(*PARAMS)]
    assumptions = _assumptions(ctx)

    def metric(value: float, unit: str, definition: str) -> Metric:
        return Metric(value, unit, definition, sources, stochastic=False, assumptions=assumptions)

    return {
        "unreported_violent_victimizations_per_year": metric(
            float(t["violent"][mask].sum()) / years,
            "victimizations_per_year",
            "Expected violent victimizations of Latino residents (12 and older) not reported to "
            "the police each year because of fear of immigration enforcement under S-Comm.",
        ),
        "unreported_property_victimizations_per_year": metric(
            float(t["property"][mask].sum()) / years,
            "victimizations_per_year",
            "Expected property victimizations of Latino households not reported to the police "
            "each year because of fear of immigration enforcement under S-Comm.",
        ),
        "latino_residents_under_scomm": metric(
            exposed / years,
            "residents",
            "Latino residents living where S-Comm ran, averaged over the period.",
        ),
        "latino_exposure_share": metric(
            exposed / total if total else None,
            "share",
            "Share of Latino resident-months in the period lived where S-Comm ran.",
        ),
    }
