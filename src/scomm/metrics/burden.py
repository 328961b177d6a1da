"""Burden on local police and jails (the Serrano letter's second concern, scomm-facts §5).

Each honored S-Comm detainer keeps a person in county jail longer: the extra days per
detainer (Los Angeles County's 20.6 days as the national default; a county's own figure
where cited) times the county's cost of a jail day (a cited national default; Cook,
Bell and Miami-Dade counties' own figures), less the share SCAAP reimbursed for people it
covers (unauthorized, with a felony or two misdemeanor convictions: ICE Levels 1 and 2).
Per county, state and calendar year of the booking, in bed-days and nominal dollars
(``county_table``: written as burden_by_county.parquet by ``scomm run --out``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scomm.engine import Simulation
from scomm.jurisdictions.counties import counties
from scomm.metrics.base import Context, Metric, method_source, rows_of
from scomm.params import ParameterSet
from scomm.rules.categories import Level, Status

GROUP = "burden"
EXTRA_DAYS = "metrics.burden.extra_jail_days"
PER_DIEM = "metrics.burden.per_diem"
SCAAP = "metrics.burden.scaap_reimbursed_share"
SCAAP_LEVELS = (Level.LEVEL1, Level.LEVEL2)


def own_figures(ctx: Context, prefix: str, mask: np.ndarray | None = None) -> list[str]:
    """Names of the county files (``prefix.<FIPS>``) of a parameter, for counties in ``mask``."""
    own = ctx.memo.own_figures
    if prefix not in own:
        found = [n for n in ctx.params.names() if n.startswith(prefix + ".") and n[-5:].isdigit()]
        own[prefix] = [(n, np.flatnonzero(ctx.fips == n[-5:])) for n in found]
    if mask is None:
        return [n for n, _ in own[prefix]]
    return [n for n, i in own[prefix] if mask[i].any()]


def county_values(ctx: Context, prefix: str) -> np.ndarray:
    """(county, month) values of a parameter with a national default (``prefix.national``)
    and county files where a county has its own figure."""
    out = np.tile(ctx.series(f"{prefix}.national"), (ctx.n_counties, 1))
    for name in own_figures(ctx, prefix):
        i = counties().index_of(name[-5:])
        for j, day in enumerate(ctx.days):
            found = ctx.params[name].entry_at(day)
            if found is not None:
                out[i, j] = float(found[1].value)
    return out


def tally(sim: Simulation, ctx: Context) -> dict[str, np.ndarray]:
    """(county, year) honored detainers, bed-days, gross cost and SCAAP reimbursement."""
    c = sim.cohort
    held = rows_of(sim, ctx).held
    county, month = c.county[held], c.month[held]
    days = county_values(ctx, EXTRA_DAYS)[county, month]
    cost = days * county_values(ctx, PER_DIEM)[county, month]
    covered = (c.status[held] >= Status.UNDOCUMENTED_PRIOR) & np.isin(c.level[held], SCAAP_LEVELS)
    refund = np.where(covered, cost * ctx.series(SCAAP)[month], 0.0)
    n_years = len(ctx.years)
    flat = county.astype(np.int64) * n_years + ctx.year_index[month]
    size = ctx.n_counties * n_years

    def total(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(flat, weights=weights, minlength=size).reshape(-1, n_years)

    return {
        "honored": total(None).astype(np.float64),
        "bed_days": total(days),
        "gross_usd": total(cost),
        "scaap_usd": total(refund),
    }


def _by_year(values: np.ndarray, ctx: Context) -> dict[str, int]:
    return {str(y): round(float(v)) for y, v in zip(ctx.years, values, strict=True)}


def _assumptions(ctx: Context, mask: np.ndarray) -> tuple[str, ...]:
    lines = []
    for prefix, what, fmt in (
        (EXTRA_DAYS, "extra jail days per honored detainer", "{:g} days"),
        (PER_DIEM, "jail cost per day", "${:,.2f}"),
    ):
        national = sorted({float(v) for v in ctx.series(f"{prefix}.national")})
        own = own_figures(ctx, prefix, mask)
        text = f"National {what}: {', '.join(fmt.format(v) for v in national)}"
        if own:
            text += "; own figures for counties " + ", ".join(n[-5:] for n in own)
        lines.append(text + " (see sources).")
    share = sorted({float(v) for v in ctx.series(SCAAP)})
    lines.append(
        "SCAAP reimburses "
        + " to ".join(f"{v:.0%}" for v in share)
        + " of the cost of unauthorized people with a Level 1 or 2 record; nothing for others."
    )
    lines.append("Nominal dollars; bed-days and costs fall in the calendar year of the booking.")
    return tuple(lines)


def compute(t: dict[str, np.ndarray], ctx: Context, mask: np.ndarray) -> dict[str, Metric]:
    """The burden metrics for the counties in ``mask``."""
    year = {k: v[mask].sum(axis=0) for k, v in t.items()}
    net = year["gross_usd"] - year["scaap_usd"]

    def cite(prefix: str) -> list[dict]:
        return ctx.cite(f"{prefix}.national", *own_figures(ctx, prefix, mask))

    days_src = [method_source("burden-on-local-police"), *cite(EXTRA_DAYS)]
    cost_src = [*days_src, *cite(PER_DIEM)]
    assumptions = _assumptions(ctx, mask)
    return {
        "detainer_bed_days": Metric(
            value=float(year["bed_days"].sum()),
            unit="bed_days",
            definition="Extra county jail bed-days caused by honored S-Comm detainers.",
            sources=days_src,
            assumptions=assumptions,
            extra={"by_year": _by_year(year["bed_days"], ctx)},
        ),
        "detainer_jail_cost_usd": Metric(
            value=float(year["gross_usd"].sum()),
            unit="usd",
            definition="Cost to county jails of those extra bed-days, at each county's cost per day.",
            sources=cost_src,
            assumptions=assumptions,
            extra={"by_year": _by_year(year["gross_usd"], ctx)},
        ),
        "scaap_reimbursement_usd": Metric(
            value=float(year["scaap_usd"].sum()),
            unit="usd",
            definition="Part of that cost the federal SCAAP program reimbursed.",
            sources=[*cost_src, *ctx.cite(SCAAP)],
            assumptions=assumptions,
            extra={"by_year": _by_year(year["scaap_usd"], ctx)},
        ),
        "detainer_net_cost_usd": Metric(
            value=float(net.sum()),
            unit="usd",
            definition="Cost to county jails of honored S-Comm detainers, less SCAAP reimbursement.",
            sources=[*cost_src, *ctx.cite(SCAAP)],
            assumptions=assumptions,
            extra={"by_year": _by_year(net, ctx)},
        ),
    }


def county_table(sim: Simulation, params: ParameterSet) -> pl.DataFrame:
    """One row per selected county and calendar year: honored detainers, extra bed-days,
    gross cost, SCAAP reimbursement and net cost (nominal dollars)."""
    ctx = Context.build(sim.inputs, params)
    t = tally(sim, ctx)
    chosen = np.flatnonzero(ctx.inputs.county_mask)
    n_years = len(ctx.years)
    rows = np.repeat(chosen, n_years)
    cols = np.tile(np.arange(n_years), len(chosen))
    cty = counties()
    return pl.DataFrame(
        {
            "state": cty.state[rows],
            "county_fips": ctx.fips[rows],
            "year": np.array(ctx.years, dtype=np.int32)[cols],
            "detainers_honored": t["honored"][rows, cols].astype(np.int64),
            "bed_days": t["bed_days"][rows, cols],
            "gross_usd": t["gross_usd"][rows, cols],
            "scaap_usd": t["scaap_usd"][rows, cols],
            "net_usd": t["gross_usd"][rows, cols] - t["scaap_usd"][rows, cols],
        }
    )
