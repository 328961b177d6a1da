"""Flows and the summary document (../shared/CONTRACT.md) from a simulation.

The contract's counts are S-Comm's: detainers onward count the people S-Comm identified and no
287(g) officer did (cohort channel ``scomm``); ``ident_matches`` counts every IDENT match, as
ICE counted matches. Each channel's own funnel is added under ``by_channel`` (docs/cli.md), and
the flows table carries the 287(g) channel's stages as ``<stage>_287g``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scomm import __version__, periods
from scomm.engine import Simulation, pretext_bookings
from scomm.jurisdictions.counties import counties
from scomm.rules.categories import CITIZEN_STATUSES, Level

# The counts every channel has, after identification.
CHANNEL_STAGES = (
    "detainers",
    "detainers_honored",
    "release_notifications",
    "ice_book_ins",
    "removals",
    "removals_convicted",
    "removals_level1",
    "removals_level2",
    "removals_level3",
    "removals_noncriminal",
    "us_citizens_detained",
)
STAGES = (
    "bookings",
    "submissions",
    "ident_matches",
    *CHANNEL_STAGES,
    "identified_287g",
    "ident_matches_287g",
    *(f"{s}_287g" for s in CHANNEL_STAGES),
)
#: The flows table's stage column: a Polars Enum, so it sorts in pipeline order.
STAGE_TYPE = pl.Enum(STAGES)


def _cohort_counts(sim: Simulation) -> dict[str, np.ndarray]:
    """(county, month) counts of every cohort stage, S-Comm's and the 287(g) channel's."""
    c = sim.cohort
    shape = sim.inputs.bookings.shape
    flat = c.county.astype(np.int64) * shape[1] + c.month

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(flat[mask], minlength=shape[0] * shape[1]).reshape(shape)

    out = {
        "ident_matches": count(c.matched),
        "identified_287g": count(c.identified_287g),
        "ident_matches_287g": count(c.matched & c.identified_287g),
    }
    for suffix, rows in (("", ~c.identified_287g), ("_287g", c.identified_287g)):
        out |= {f"{k}{suffix}": count(rows & m) for k, m in _channel_masks(c).items()}
    return out


def _channel_masks(c) -> dict[str, np.ndarray]:
    """Each post-identification count as a mask over the cohort (any channel)."""
    citizen = np.isin(c.status, CITIZEN_STATUSES)
    out = {
        "detainers": c.detainer,
        "detainers_honored": c.honored,
        "release_notifications": c.notified,
        "ice_book_ins": c.book_in,
        "removals": c.removed,
        "removals_convicted": c.removed & (c.level != Level.NONCRIMINAL),
        "us_citizens_detained": citizen & (c.honored | c.book_in),
    }
    for lv in Level:
        out[f"removals_{lv.name.lower()}"] = c.removed & (c.level == lv)
    return out


def flows(sim: Simulation) -> pl.DataFrame:
    """Long table: state, county_fips, county_name, month, stage, count (selected counties
    only); ``stage`` is ordered (``STAGE_TYPE``: bookings first, as the pipeline runs)."""
    inp = sim.inputs
    chosen = np.flatnonzero(inp.county_mask)
    booked = inp.bookings + pretext_bookings(inp, sim.seed)
    arrays = {"bookings": booked, "submissions": sim.submissions, **_cohort_counts(sim)}
    cty = counties()
    n_m = len(inp.months)
    rows = np.repeat(np.arange(len(chosen)), n_m)
    cols = np.tile(np.arange(n_m), len(chosen))
    labels = pl.Series([periods.month_label(int(m)) for m in inp.months])
    wide = pl.DataFrame(
        {
            "state": pl.Series(cty.state[chosen]).gather(rows),
            "county_fips": pl.Series(cty.fips[chosen]).gather(rows),
            "county_name": pl.Series(
                cty.table["full_name"].to_numpy()[chosen], dtype=pl.Categorical
            ).gather(rows),
            "month": labels.gather(cols),
            **{s: arrays[s][chosen].reshape(-1).astype(np.int64) for s in STAGES},
        }
    )
    long = wide.unpivot(
        on=list(STAGES),
        index=["state", "county_fips", "county_name", "month"],
        variable_name="stage",
        value_name="count",
    )
    return long.with_columns(pl.col("stage").cast(STAGE_TYPE))


def _totals(row: dict[str, int]) -> dict:
    return {
        "bookings": row["bookings"],
        "submissions": row["submissions"],
        "ident_matches": row["ident_matches"],
        "detainers": row["detainers"],
        "detainers_honored": row["detainers_honored"],
        "ice_book_ins": row["ice_book_ins"],
        "removals": row["removals"],
        "removals_convicted": row["removals_convicted"],
        "removals_by_level": {lv.name.lower(): row[f"removals_{lv.name.lower()}"] for lv in Level},
        "us_citizens_detained": row["us_citizens_detained"],
        "by_channel": {
            "scomm": _channel(row, "", row["ident_matches"] - row["ident_matches_287g"]),
            "287g": {
                **_channel(row, "_287g", row["identified_287g"]),
                "ident_matches": row["ident_matches_287g"],
            },
        },
    }


def _channel(row: dict[str, int], suffix: str, identified: int) -> dict:
    """One channel's funnel after identification."""
    return {
        "identified": identified,
        "detainers": row[f"detainers{suffix}"],
        "detainers_honored": row[f"detainers_honored{suffix}"],
        "release_notifications": row[f"release_notifications{suffix}"],
        "ice_book_ins": row[f"ice_book_ins{suffix}"],
        "removals": row[f"removals{suffix}"],
        "removals_convicted": row[f"removals_convicted{suffix}"],
        "removals_by_level": {
            lv.name.lower(): row[f"removals_{lv.name.lower()}{suffix}"] for lv in Level
        },
        "us_citizens_detained": row[f"us_citizens_detained{suffix}"],
    }


def totals_by_state(table: pl.DataFrame) -> tuple[dict, dict]:
    """(national totals, {state: totals}) from a flows table."""
    table = table.with_columns(pl.col("stage").cast(pl.String))
    wide = table.group_by("state", "stage").agg(pl.col("count").sum())
    by_state: dict[str, dict] = {}
    for state in sorted(wide["state"].unique().to_list()):
        part = wide.filter(pl.col("state") == state)
        row = dict(zip(part["stage"].to_list(), part["count"].to_list(), strict=True))
        by_state[state] = _totals({s: int(row.get(s, 0)) for s in STAGES})
    national = table.group_by("stage").agg(pl.col("count").sum())
    row = dict(zip(national["stage"].to_list(), national["count"].to_list(), strict=True))
    return _totals({s: int(row.get(s, 0)) for s in STAGES}), by_state


def summary_document(
    sim: Simulation, scenario: str, scenario_hash: str, states: list[str], table: pl.DataFrame
) -> dict:
    """The contract's summary document (metrics are added by scomm.metrics)."""
    totals, by_state = totals_by_state(table)
    months = sim.inputs.months
    return {
        "scomm_version": __version__,
        "scenario": scenario,
        "scenario_hash": scenario_hash,
        "seed": sim.seed,
        "period": {
            "start": periods.month_label(int(months[0])),
            "end": periods.month_label(int(months[-1])),
        },
        "states": states,
        "totals": totals,
        "by_state": by_state,
    }
