"""The dashboard's HTML pages: the national map, a state's or county's brief, two scenarios
compared for a place, one booking followed, and the API reference. A bad request shows the
page again with the error and status 422."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scomm import __version__
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties, state_names
from scomm.report.brief import TEMPLATES as REPORT_TEMPLATES
from scomm.report.brief import svgs
from scomm.report.data import build, resolve_place
from scomm.report.numbers import jinja_filters
from scomm.scenario import packaged, scenario_names
from scomm.web.api import api_follow
from scomm.web.follow import OUTCOMES
from scomm.web.runs import Runs, RunsDep

HERE = Path(__file__).parent
PAGE_DEFAULTS = {"start": "2011-01", "end": "2011-12"}
DEFAULT_STATE = "NY"

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader([HERE / "templates", REPORT_TEMPLATES]),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(jinja_filters())

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered with the navigation's context (version, scenarios, states)."""
    context.setdefault("error", None)
    html = TEMPLATES.get_template(name).render(
        version=__version__,
        scenarios=[(n, packaged(n).description) for n in scenario_names()],
        states=state_names(),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _county_options(state: str | None) -> list[tuple[str, str]]:
    """(FIPS, name) of the state's counties, for the county picker."""
    cty = counties()
    st = (state or "").upper()
    return [
        (str(f), str(n))
        for f, n, s in zip(cty.fips, cty.table["full_name"], cty.state, strict=True)
        if s == st
    ]


def _chosen_place(state: str | None, county: str | None) -> tuple[str | None, str | None]:
    """The state and county a place form asks for: New York when it names neither, and a
    county only when it lies in the chosen state (a county left over from another state's
    page is dropped, so changing the state alone shows that state)."""
    if not state and not county:
        state = DEFAULT_STATE
    if not county or not state:
        return state, county or None
    return state, county if any(f == county for f, _ in _county_options(state)) else None


def place_view(
    runs: Runs,
    template: str,
    form: dict[str, Any],
    scenarios: tuple[str, str | None],
    seed: int,
) -> HTMLResponse:
    """The place and compare pages: the brief of the form's place for scenario A (beside
    scenario B when given) over the form's period, or the form again with the error."""
    active = template.removesuffix(".html")
    state, county = form["state"], form["county"]
    a, b = scenarios
    try:
        place = resolve_place(state if not county else None, county)
        ra = runs.run(a, form["start"], form["end"], place.state, seed)
        rb = runs.run(b, form["start"], form["end"], place.state, seed) if b is not None else None
        data = build(ra, place, rb)
    except UserError as exc:
        return page(
            template, 422, active=active, form=form, error=str(exc), b=None, county_options=[]
        )
    return page(
        template,
        active=active,
        form=form,
        b=data,
        svg=svgs(data),
        county_options=_county_options(data.place.state),
    )


@router.get("/")
def national() -> HTMLResponse:
    return page("national.html", active="national")


@router.get("/place")
def place_page(
    runs: RunsDep,
    state: str | None = None,
    county: str | None = None,
    scenario: str = "baseline",
    compare: str | None = None,
    start: str = PAGE_DEFAULTS["start"],
    end: str = PAGE_DEFAULTS["end"],
    seed: int = 0,
) -> HTMLResponse:
    state, county = _chosen_place(state, county)
    form = {
        "state": state,
        "county": county,
        "scenario": scenario,
        "compare": compare or "",
        "start": start,
        "end": end,
    }
    return place_view(runs, "place.html", form, (scenario, compare or None), seed)


@router.get("/compare")
def compare_page(
    runs: RunsDep,
    a: str = "baseline",
    b: str = "no-scomm",
    state: str | None = None,
    county: str | None = None,
    start: str = PAGE_DEFAULTS["start"],
    end: str = PAGE_DEFAULTS["end"],
    seed: int = 0,
) -> HTMLResponse:
    state, county = _chosen_place(state, county)
    form = {"a": a, "b": b, "state": state, "county": county, "start": start, "end": end}
    return place_view(runs, "compare.html", form, (a, b), seed)


@router.get("/follow")
def follow_page(
    runs: RunsDep,
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
        doc = api_follow(
            county,
            runs,
            person=max(person, 0),
            outcome=outcome,
            scenario=scenario,
            start=start,
            end=end,
            seed=seed,
        )
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


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
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
