"""The local dashboard and its JSON API. Every asset is served from the package (vendored
under report/assets, see VENDORED.md); nothing is loaded from a CDN."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from scomm import __version__, periods
from scomm.api import RunResult, run
from scomm.compare import compare_runs
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties, parse_states, state_names
from scomm.params_view import rules_in_force
from scomm.report.brief import TEMPLATES as REPORT_TEMPLATES
from scomm.report.brief import svgs
from scomm.report.data import build, resolve_place
from scomm.report.geo import FIPS_TO_ATLAS
from scomm.scenario import packaged, scenario_names
from scomm.web.follow import OUTCOMES, candidates, explain
from scomm.web.runs import BoundedCache, Busy

HERE = Path(__file__).parent
ASSETS = REPORT_TEMPLATES.parent / "assets"
MONTH = r"^\d{4}-\d{2}$"
PAGE_DEFAULTS = {"start": "2011-01", "end": "2011-12"}

ScenarioQ = Annotated[str, Query(description="A packaged scenario name (see /api/scenarios).")]
StartQ = Annotated[str | None, Query(pattern=MONTH, description="First month, YYYY-MM.")]
EndQ = Annotated[str | None, Query(pattern=MONTH, description="Last month, YYYY-MM.")]
StatesQ = Annotated[
    str | None, Query(max_length=200, description="USPS codes, e.g. NY,CA (default: all).")
]
SeedQ = Annotated[int, Query(ge=0, le=2**31 - 1, description="Random seed.")]
StateQ = Annotated[str | None, Query(max_length=2, description="USPS state code.")]
CountyQ = Annotated[str | None, Query(pattern=r"^\d{5}$", description="5-digit county FIPS.")]


def _scenario(name: str, field: str = "scenario") -> str:
    """Only packaged scenarios: the server never reads a file named in a request."""
    if name not in scenario_names():
        raise UserError(f"{field}: unknown scenario {name!r}; known: {', '.join(scenario_names())}")
    return name


def _county_options(state: str | None) -> list[tuple[str, str]]:
    """(FIPS, name) of the state's counties, for the county picker."""
    cty = counties()
    st = (state or "").upper()
    return [
        (str(f), str(n))
        for f, n, s in zip(cty.fips, cty.table["full_name"], cty.state, strict=True)
        if s == st
    ]


def _in_state(county: str | None, state: str | None) -> str | None:
    """The county, when it lies in the chosen state (a county left over from another state's
    page is dropped, so changing the state alone shows that state)."""
    if not county or not state:
        return county or None
    return county if any(f == county for f, _ in _county_options(state)) else None


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "query")
        parts.append(f"query parameter {where!r}: {e.get('msg')} (got {e.get('input')!r})")
    return "; ".join(parts)


def create_app(max_entries: int = 8, max_running: int = 2, wait_seconds: float = 60.0) -> FastAPI:
    """The FastAPI application: pages, JSON API, vendored static files."""
    app = FastAPI(
        title="scomm",
        version=__version__,
        description="Secure Communities as code: the summary documents of `scomm run`, "
        "`scomm compare`, `scomm params` and `scomm scenarios`, served locally.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    cache: BoundedCache[RunResult] = BoundedCache(max_entries, max_running, wait_seconds)
    app.state.cache = cache
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader([HERE / "templates", REPORT_TEMPLATES]),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/vendor", StaticFiles(directory=ASSETS), name="vendor")

    def simulate(scenario: str, start: str | None, end: str | None, states: str | None, seed: int):
        chosen = ",".join(parse_states(states))
        s, e = periods.parse_period(start, end)
        key = (_scenario(scenario), s, e, chosen, seed)
        return cache.get(
            key, lambda: run(scenario, periods.month_label(s), periods.month_label(e), chosen, seed)
        )

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("error", None)
        html = templates.get_template(name).render(
            version=__version__,
            scenarios=[(n, packaged(n).description) for n in scenario_names()],
            states=state_names(),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    # ---- JSON API -------------------------------------------------------------------

    @app.get("/api/scenarios", tags=["api"])
    def api_scenarios() -> dict:
        """The packaged scenarios, as `scomm scenarios --json`."""
        return {
            "scenarios": [
                {"name": n, "description": packaged(n).description} for n in scenario_names()
            ]
        }

    @app.get("/api/run", tags=["api"])
    def api_run(
        scenario: ScenarioQ = "baseline",
        start: StartQ = None,
        end: EndQ = None,
        states: StatesQ = None,
        seed: SeedQ = 0,
    ) -> dict:
        """The summary document of `scomm run --json` for the same options."""
        return simulate(scenario, start, end, states, seed).summary

    @app.get("/api/compare", tags=["api"])
    def api_compare(
        a: ScenarioQ = "baseline",
        b: ScenarioQ = "no-scomm",
        start: StartQ = None,
        end: EndQ = None,
        states: StatesQ = None,
        seed: SeedQ = 0,
    ) -> dict:
        """The compare document of `scomm compare A B --json`."""
        _scenario(a, "a")
        _scenario(b, "b")
        ra = simulate(a, start, end, states, seed)
        rb = simulate(b, start, end, states, seed)
        return compare_runs(ra, rb)

    @app.get("/api/params", tags=["api"])
    def api_params(
        date: Annotated[str | None, Query(description="YYYY-MM-DD (default today).")] = None,
        county: CountyQ = None,
        state: StateQ = None,
        scenario: ScenarioQ = "baseline",
    ) -> dict:
        """The rules in force, as `scomm params --json`."""
        return rules_in_force(date=date, county=county, state=state, scenario=_scenario(scenario))

    @app.get("/api/activation", tags=["api"])
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

    @app.get("/api/follow", tags=["api"])
    def api_follow(
        county: Annotated[str, Query(pattern=r"^\d{5}$", description="5-digit county FIPS.")],
        person: Annotated[int, Query(ge=0, description="Which matched person, 0 = first.")] = 0,
        outcome: Annotated[str, Query(description="any, detainer or removed.")] = "any",
        scenario: ScenarioQ = "baseline",
        start: StartQ = None,
        end: EndQ = None,
        seed: SeedQ = 0,
    ) -> dict:
        """One simulated person walked through every stage, with draws, rules and citations."""
        cty = counties()
        state = str(cty.state[cty.index_of(county)])
        result = simulate(scenario, start, end, state, seed)
        rows = candidates(result, county, outcome)
        if len(rows) == 0:
            raise UserError(
                f"county {county}: nobody matching outcome {outcome!r} in this period and scenario"
            )
        doc = explain(result, int(rows[person % len(rows)]))
        doc.update(person=person % len(rows), people=len(rows), outcome_filter=outcome)
        return doc

    # ---- pages ----------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def national() -> HTMLResponse:
        return page("national.html", active="national")

    @app.get("/place", response_class=HTMLResponse, include_in_schema=False)
    def place_page(
        state: str | None = None,
        county: str | None = None,
        scenario: str = "baseline",
        compare: str | None = None,
        start: str = PAGE_DEFAULTS["start"],
        end: str = PAGE_DEFAULTS["end"],
        seed: int = 0,
    ) -> HTMLResponse:
        form = {
            "state": state,
            "county": county,
            "scenario": scenario,
            "compare": compare or "",
            "start": start,
            "end": end,
        }
        if not state and not county:
            form["state"] = state = "NY"
        county = _in_state(county, state)
        form["county"] = county
        try:
            place = resolve_place(state if not county else None, county)
            a = simulate(scenario, start, end, place.state, seed)
            b = simulate(compare, start, end, place.state, seed) if compare else None
            data = build(a, place, b)
        except UserError as exc:
            return page(
                "place.html",
                422,
                active="place",
                form=form,
                error=str(exc),
                b=None,
                county_options=[],
            )
        return page(
            "place.html",
            active="place",
            form=form,
            b=data,
            svg=svgs(data),
            county_options=_county_options(data.place.state),
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        a: str = "baseline",
        b: str = "no-scomm",
        state: str | None = None,
        county: str | None = None,
        start: str = PAGE_DEFAULTS["start"],
        end: str = PAGE_DEFAULTS["end"],
        seed: int = 0,
    ) -> HTMLResponse:
        if not state and not county:
            state = "NY"
        county = _in_state(county, state)
        form = {"a": a, "b": b, "state": state, "county": county, "start": start, "end": end}
        try:
            place = resolve_place(state if not county else None, county)
            ra = simulate(a, start, end, place.state, seed)
            rb = simulate(b, start, end, place.state, seed)
            data = build(ra, place, rb)
        except UserError as exc:
            return page(
                "compare.html",
                422,
                active="compare",
                form=form,
                error=str(exc),
                b=None,
                county_options=[],
            )
        return page(
            "compare.html",
            active="compare",
            form=form,
            b=data,
            svg=svgs(data),
            county_options=_county_options(data.place.state),
        )

    @app.get("/follow", response_class=HTMLResponse, include_in_schema=False)
    def follow_page(
        county: str = "48201",
        person: int = 0,
        outcome: str = "removed",
        scenario: str = "baseline",
        start: str = PAGE_DEFAULTS["start"],
        end: str = PAGE_DEFAULTS["end"],
        seed: int = 0,
    ) -> HTMLResponse:
        form = {
            "county": county,
            "person": person,
            "outcome": outcome,
            "scenario": scenario,
            "start": start,
            "end": end,
        }
        try:
            doc = api_follow(county, max(person, 0), outcome, scenario, start, end, seed)
        except UserError as exc:
            return page(
                "follow.html",
                422,
                active="follow",
                form=form,
                error=str(exc),
                doc=None,
                outcomes=OUTCOMES,
            )
        return page("follow.html", active="follow", form=form, doc=doc, outcomes=OUTCOMES)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        spec = app.openapi()
        endpoints = []
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                endpoints.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary", ""),
                        "description": re.sub(r"\s+", " ", op.get("description", "")),
                        "parameters": op.get("parameters", []),
                    }
                )
        return page("docs.html", active="docs", endpoints=endpoints)

    return app
