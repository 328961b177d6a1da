"""The JSON API: the documents of `scomm run`, `compare`, `params` and `scenarios --json` for
the same options, the counties' activation dates for the map, and one person followed
through the pipeline. Bodies are written by ``scomm.io.json_text`` (compact form)."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from scomm.api import RunResult
from scomm.errors import UserError
from scomm.io import json_text
from scomm.jurisdictions.counties import counties
from scomm.params_view import rules_in_force
from scomm.report.geo import FIPS_TO_ATLAS
from scomm.rng import MAX_SEED
from scomm.scenario import packaged, scenario_names
from scomm.web import work
from scomm.web.follow import candidates, check_outcome, explain
from scomm.web.runs import RunsDep, packaged_name

MONTH = r"^\d{4}-\d{2}$"

ScenarioQ = Annotated[str, Query(description="A packaged scenario name (see /api/scenarios).")]
StartQ = Annotated[str | None, Query(pattern=MONTH, description="First month, YYYY-MM.")]
EndQ = Annotated[str | None, Query(pattern=MONTH, description="Last month, YYYY-MM.")]
StatesQ = Annotated[
    str | None, Query(max_length=200, description="USPS codes, e.g. NY,CA (default: all).")
]
SeedQ = Annotated[
    int, Query(ge=0, le=MAX_SEED, description="Random seed, 0 to 2**64-1 (as the CLI).")
]
StateQ = Annotated[str | None, Query(max_length=2, description="USPS state code.")]
CountyQ = Annotated[str | None, Query(pattern=r"^\d{5}$", description="5-digit county FIPS.")]


class JSONDocument(JSONResponse):
    """A JSON body written by scomm's one JSON writer (compact form)."""

    def render(self, content: Any) -> bytes:
        """The body's bytes."""
        return json_text(content, compact=True).encode("utf-8")


class JSONBytes(Response):
    """A JSON body already written (by a worker, with ``work.json_bytes``)."""

    media_type = "application/json"


router = APIRouter(tags=["api"], default_response_class=JSONDocument)


def scenarios_body() -> bytes:
    """/api/scenarios' body, written once when the server starts (scenarios are packaged)."""
    return work.json_bytes(
        {
            "scenarios": [
                {"name": n, "description": packaged(n).description} for n in scenario_names()
            ]
        }
    )


@router.get("/api/scenarios", response_class=JSONBytes)
async def api_scenarios(request: Request) -> JSONBytes:
    """The packaged scenarios, as `scomm scenarios --json`."""
    return JSONBytes(request.app.state.scenarios)


@router.get("/api/run", response_class=JSONBytes)
async def api_run(
    runs: RunsDep,
    scenario: ScenarioQ = "baseline",
    start: StartQ = None,
    end: EndQ = None,
    states: StatesQ = None,
    seed: SeedQ = 0,
) -> JSONBytes:
    """The summary document of `scomm run --json` for the same options."""
    key = runs.key(scenario, start, end, states, seed)
    return JSONBytes(await runs.job(("summary", key), work.summary_json, key))


@router.get("/api/compare")
async def api_compare(
    runs: RunsDep,
    a: ScenarioQ = "baseline",
    b: ScenarioQ = "no-scomm",
    start: StartQ = None,
    end: EndQ = None,
    states: StatesQ = None,
    seed: SeedQ = 0,
) -> JSONBytes:
    """The compare document of `scomm compare A B --json`."""
    packaged_name(a, "a")
    packaged_name(b, "b")
    ka, kb = (runs.key(n, start, end, states, seed) for n in (a, b))
    return JSONBytes(await runs.job(("compare", ka, kb), work.compare_json, ka, kb))


@router.get("/api/params")
def api_params(
    date: Annotated[str | None, Query(description="YYYY-MM-DD (default today).")] = None,
    county: CountyQ = None,
    state: StateQ = None,
    scenario: ScenarioQ = "baseline",
) -> dict:
    """The rules in force, as `scomm params --json`."""
    return rules_in_force(date=date, county=county, state=state, scenario=packaged_name(scenario))


@router.get("/api/activation")
def api_activation() -> dict:
    """Every county's S-Comm activation date and population, keyed for the map geometry."""
    t = counties().table
    rows = [
        {
            "fips": f,
            "atlas_id": FIPS_TO_ATLAS.get(f, f),
            "name": n,
            "state": s,
            "activation": a,
            "population": int(p),
        }
        for f, n, s, a, p in zip(
            t["county_fips"],
            t["full_name"],
            t["state"],
            t["activation_date"],
            t["population"],
            strict=True,
        )
    ]
    return {"counties": rows}


#: The national map's outcomes: S-Comm's first era and its revival, by calendar year.
OUTCOME_PERIOD = ("2008-10", "2025-12")
OUTCOME_STAGES = ("removals", "detainers")


@router.get("/api/outcomes", response_class=JSONBytes)
async def api_outcomes(
    runs: RunsDep, scenario: ScenarioQ = "baseline", seed: SeedQ = 0
) -> JSONBytes:
    """Removals and detainers of every county by calendar year, October 2008 to December
    2025 (one national run of the scenario; model estimates), keyed for the map geometry."""
    key = runs.key(scenario, *OUTCOME_PERIOD, None, seed)
    return JSONBytes(await runs.job(("outcomes", key), outcomes_json, key, seed))


def outcomes_json(key: tuple, seed: int) -> bytes:
    """The national map's document of a run (a worker's job)."""
    return work.json_bytes(_outcomes(work.result(key), seed))


def _outcomes(result: RunResult, seed: int) -> dict:
    """The national map's document from one national run."""
    by_year = (
        result.flows.filter(pl.col("stage").is_in(OUTCOME_STAGES))
        .with_columns(pl.col("month").str.slice(0, 4).cast(pl.Int32).alias("year"),
                      pl.col("stage").cast(pl.String))
        .group_by("county_fips", "stage", "year")
        .agg(pl.col("count").sum())
    )  # fmt: skip
    years = list(range(int(OUTCOME_PERIOD[0][:4]), int(OUTCOME_PERIOD[1][:4]) + 1))
    found = {(f, st, y): int(n) for f, st, y, n in by_year.iter_rows()}
    rows = [
        {
            "fips": f,
            "atlas_id": FIPS_TO_ATLAS.get(f, f),
            **{st: [found.get((f, st, y), 0) for y in years] for st in OUTCOME_STAGES},
        }
        for f in counties().table["county_fips"]
    ]
    return {
        "scenario": result.scenario.name,
        "seed": seed,
        "period": {"start": OUTCOME_PERIOD[0], "end": OUTCOME_PERIOD[1]},
        "years": years,
        "measures": list(OUTCOME_STAGES),
        "counties": rows,
    }


@router.get("/api/follow")
async def api_follow(
    county: Annotated[str, Query(pattern=r"^\d{5}$", description="5-digit county FIPS.")],
    runs: RunsDep,
    person: Annotated[int, Query(ge=0, description="Which matched person, 0 = first.")] = 0,
    outcome: Annotated[str, Query(description="any, detainer or removed.")] = "any",
    scenario: ScenarioQ = "baseline",
    start: StartQ = None,
    end: EndQ = None,
    seed: SeedQ = 0,
) -> dict:
    """One simulated person walked through every stage, with draws, rules and citations."""
    check_outcome(outcome)
    cty = counties()
    state = str(cty.state[cty.index_of(county)])
    key = runs.key(scenario, start, end, state, seed)
    job = ("follow", county, person, outcome, key)
    return await runs.job(job, follow_doc, key, county, person, outcome)


def follow_doc(key: tuple, county: str, person: int, outcome: str) -> dict:
    """The explainer's document for the ``person``-th matched person of the outcome, in the
    run of ``key`` (a worker's job)."""
    result = work.result(key)
    rows = candidates(result, county, outcome)
    if len(rows) == 0:
        raise UserError(
            f"county {county}: nobody matching outcome {outcome!r} in this period and scenario"
        )
    doc = explain(result, int(rows[person % len(rows)]))
    doc.update(person=person % len(rows), people=len(rows), outcome_filter=outcome)
    return doc
