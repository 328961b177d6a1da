"""The dashboard's HTML pages, in English or Spanish (``?lang=es``, remembered in a cookie):
the national map, a state's or county's brief, two scenarios compared for a place, one
booking followed, plain-language help, the API reference, and CSV or XLSX downloads of
every table. A bad request shows the page again with the error in the page's own words
and status 422."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from scomm import __version__
from scomm.errors import UserError
from scomm.i18n import LANGUAGES, N_, Language, language
from scomm.jurisdictions.counties import counties, state_names
from scomm.report import labels
from scomm.report.brief import environment, svgs
from scomm.report.data import BriefData, build, resolve_place, scenario_label
from scomm.report.tables import TABLES, TITLES, table_bytes
from scomm.scenario import packaged, scenario_names
from scomm.web import work
from scomm.web.api import api_follow
from scomm.web.follow import OUTCOMES, candidates, check_outcome
from scomm.web.runs import Runs, RunsDep

HERE = Path(__file__).parent
ERA = ("2008-10", "2014-11")  # S-Comm's first era: its first activation to its end
DEFAULT_STATE = "NY"
PAGE_REPLICATES = 3  # seeds behind each interval on the dashboard's pages
COOKIE = "scomm_lang"
#: CLI flags in a message, as the page's form calls them.
FIELDS = {
    "--start": N_("From"),
    "--end": N_("To"),
    "--state": N_("State"),
    "--states": N_("State"),
    "--county": N_("County"),
    "county": N_("County"),
    "--scenario": N_("Scenario"),
    "scenario": N_("Scenario"),
    "--seed": N_("Seed"),
    "outcome": N_("Show people who"),
}
OUTCOME_WORDS = {
    "any": N_("were matched"),
    "detainer": N_("got a detainer"),
    "removed": N_("were removed"),
}

#: What the follow page says when nobody reached the outcome asked for (asked, shown).
FALLBACKS = {
    ("removed", "detainer"): N_(
        "Nobody booked in this county in this period and scenario was removed, so this page "
        "shows people who got a detainer."
    ),
    ("removed", "any"): N_(
        "Nobody booked in this county in this period and scenario was removed or got a "
        "detainer, so this page shows people whose fingerprints matched a DHS record."
    ),
    ("detainer", "any"): N_(
        "Nobody booked in this county in this period and scenario got a detainer, so this "
        "page shows people whose fingerprints matched a DHS record."
    ),
}

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def chosen_language(request: Request) -> Language:
    """The reader's language: ``?lang=``, else the cookie, else the browser's preference."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked:
        code = asked.strip().lower()[:2]
        return language(code if code in LANGUAGES else "en")
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].strip().lower()[:2]
    return language(first if first in LANGUAGES else "en")


def page_error(message: str, lang: Language) -> str:
    """A library error in the page's words: CLI flags become the form's field names."""
    pattern = re.compile("|".join(re.escape(f) for f in sorted(FIELDS, key=len, reverse=True)))

    def word(m: re.Match) -> str:
        return lang.gettext(FIELDS[m.group(0)])

    return pattern.sub(word, message.replace("expected YYYY-MM", lang.gettext("pick a month")))


def _link(lang: Language):
    """``link("/place", state="NY")``: a URL that keeps the reader's language."""

    def link(path: str, **params: Any) -> str:
        from urllib.parse import urlencode

        shown = {k: v for k, v in params.items() if v not in (None, "")}
        if lang.code != "en":
            shown["lang"] = lang.code
        return path + ("?" + urlencode(shown) if shown else "")

    return link


@dataclass(frozen=True)
class View:
    """What rendering a page needs of its request: its path, its query and the reader's
    language (picklable, so a worker process can render the page)."""

    path: str
    query: tuple[tuple[str, str], ...]
    lang: str


def view_of(request: Request) -> View:
    """The request as a page's rendering sees it."""
    query = tuple(request.query_params.multi_items())
    return View(request.url.path, query, chosen_language(request).code)


def render(view: View, name: str, **context: Any) -> str:
    """A page's HTML in the reader's language with the navigation's context."""
    lang = language(view.lang)
    context.setdefault("error", None)
    if context["error"]:
        context["error"] = page_error(context["error"], lang)
    env = environment(str(lang.locale), (HERE / "templates",))
    return env.get_template(name).render(
        version=__version__,
        scenarios=[(n, scenario_label(n, lang), packaged(n).description) for n in scenario_names()],
        states=state_names(),
        link=_link(lang),
        other_lang=("es" if lang.code == "en" else "en"),
        path=view.path,
        query=dict(view.query),
        **context,
    )


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered in the reader's language with the navigation's context."""
    html = render(view_of(request), name, **context)
    return remember_language(request, HTMLResponse(html, status_code=status))


def remember_language(request: Request, response: HTMLResponse) -> HTMLResponse:
    """Keep a language chosen with ``?lang=`` in a cookie (also on a page from the cache)."""
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, request.query_params["lang"], samesite="lax")
    return response


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


def default_period(state: str | None, county: str | None) -> tuple[str, str]:
    """The place's own active period within S-Comm's era: from the month S-Comm started
    there (a state: its first county) to November 2014."""
    t = counties().table
    if county:
        days = t.filter(t["county_fips"] == county)["activation_date"]
    elif state:
        days = t.filter(t["state"] == state.upper())["activation_date"]
    else:
        days = t["activation_date"]
    first = str(days.min())[:7] if len(days) else ERA[0]
    return max(first, ERA[0]) if first <= ERA[1] else ERA[0], ERA[1]


def _period(form: dict[str, Any], state: str | None, county: str | None) -> dict[str, Any]:
    start, end = default_period(state, county)
    form["defaulted"] = not form.get("start") and not form.get("end")
    form["start"] = form.get("start") or start
    form["end"] = form.get("end") or end
    return form


def _place(form: dict[str, Any]):
    """The form's place (a county, else its state)."""
    return resolve_place(form["state"] if not form["county"] else None, form["county"])


def place_keys(runs: Runs, form: dict[str, Any], scenarios, seed: int) -> tuple:
    """The run keys of the form's place for scenario A (and B when given), every option
    checked here, before any work."""
    place = _place(form)
    kw = {"counties": form["county"], "replicates": PAGE_REPLICATES}
    period = (form["start"], form["end"], place.state, seed)
    return tuple(runs.key(n, *period, **kw) for n in scenarios if n)


def brief_data(form: dict[str, Any], keys: tuple, lang_code: str) -> BriefData:
    """The brief of the form's place for the runs of ``keys`` (A, then B if given), built in
    a worker and kept there beside its runs."""

    def make() -> BriefData:
        ra, *rb = (work.result(k) for k in keys)
        return build(ra, _place(form), rb[0] if rb else None, language(lang_code))

    return work.kept(("brief", keys, lang_code), make)


async def place_view(
    request: Request,
    runs: Runs,
    template: str,
    form: dict[str, Any],
    scenarios: tuple[str, str | None],
    seed: int,
) -> HTMLResponse:
    """The place and compare pages: the brief of the form's place for scenario A (beside
    scenario B when given) over the form's period, or the form again with the error. A
    rendered page is cached beside its runs; a new one is rendered by the work queue."""
    active = template.removesuffix(".html")
    view = view_of(request)
    query = tuple(sorted(view.query))
    key = ("page", template, view.lang, view.path, query, tuple(form.items()), seed)
    hit, html = runs.cached(key)
    if not hit:
        try:
            keys = place_keys(runs, form, scenarios, seed)
            html = await runs.job(key, place_html, view, template, form, keys)
        except UserError as exc:
            return page(request, template, 422, active=active, form=form, error=str(exc), b=None,
                        county_options=_county_options(form["state"]))  # fmt: skip
    return remember_language(request, HTMLResponse(html))


def place_html(view: View, template: str, form: dict[str, Any], keys: tuple) -> bytes:
    """The place or compare page of the form's brief (its charts as inline SVG), encoded
    once so a page served from the cache is sent as it is (a worker's job)."""
    data = brief_data(form, keys, view.lang)
    tables = [(t, language(view.lang).gettext(TITLES[t])) for t in TABLES]
    html = render(view, template, active=template.removesuffix(".html"), form=form, b=data,
                  svg=svgs(data), county_options=_county_options(data.place.state),
                  tables=tables)  # fmt: skip
    return html.encode("utf-8")


@router.get("/")
def national(request: Request) -> HTMLResponse:
    return page(request, "national.html", active="national")


@router.get("/place")
async def place_page(
    request: Request,
    runs: RunsDep,
    state: str | None = None,
    county: str | None = None,
    scenario: str = "baseline",
    compare: str | None = None,
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
) -> HTMLResponse:
    state, county = _chosen_place(state, county)
    form = {"state": state, "county": county, "scenario": scenario, "compare": compare or "",
            "start": start, "end": end}  # fmt: skip
    form = _period(form, state, county)
    return await place_view(request, runs, "place.html", form, (scenario, compare or None), seed)


@router.get("/compare")
async def compare_page(
    request: Request,
    runs: RunsDep,
    a: str = "baseline",
    b: str = "no-scomm",
    state: str | None = None,
    county: str | None = None,
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
) -> HTMLResponse:
    state, county = _chosen_place(state, county)
    form = {"a": a, "b": b, "state": state, "county": county, "start": start, "end": end}
    form = _period(form, state, county)
    return await place_view(request, runs, "compare.html", form, (a, b), seed)


async def _fallback(runs: Runs, form: dict[str, Any], seed: int) -> tuple[str, str | None]:
    """The outcome to show: the one asked for, or (when nobody in the county reached it in
    the period) the nearest one somebody did reach, with why."""
    cty = counties()
    state = str(cty.state[cty.index_of(form["county"])])
    key = runs.key(form["scenario"], form["start"], form["end"], state, seed)
    county, asked = form["county"], form["outcome"]
    return await runs.job(("fallback", county, asked, key), fallback_outcome, key, county, asked)


def fallback_outcome(key: tuple, county: str, asked: str) -> tuple[str, str | None]:
    """The outcome shown for ``asked`` in the county, and the one asked if it differs (a
    worker's job)."""
    result = work.result(key)
    order = ["removed", "detainer", "any"]
    for outcome in order[order.index(asked) if asked in order else 2 :]:
        if len(candidates(result, county, outcome)):
            return outcome, None if outcome == asked else asked
    return asked, None


@router.get("/follow")
async def follow_page(
    request: Request,
    runs: RunsDep,
    county: str = "48201",
    person: int = 0,
    outcome: str = "removed",
    scenario: str = "baseline",
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
) -> HTMLResponse:
    lang = chosen_language(request)
    form = {"county": county, "person": person, "outcome": outcome, "scenario": scenario,
            "start": start, "end": end}  # fmt: skip
    try:
        resolve_place(None, county)
        check_outcome(outcome)
        form = _period(form, None, county)
        shown, missing = await _fallback(runs, form, seed)
        doc = await api_follow(county, runs, person=max(person, 0), outcome=shown, scenario=scenario,
                         start=form["start"], end=form["end"], seed=seed)  # fmt: skip
    except UserError as exc:
        return page(request, "follow.html", 422, active="follow", form=form, error=str(exc),
                    doc=None, outcomes=OUTCOMES, outcome_words=OUTCOME_WORDS, fell_back=None)  # fmt: skip
    fell_back = lang.gettext(FALLBACKS[(missing, shown)]) if missing else None
    form["outcome"] = shown
    return page(request, "follow.html", active="follow", form=form, doc=doc, outcomes=OUTCOMES,
                outcome_words=OUTCOME_WORDS, fell_back=fell_back,
                stage_labels=labels.PIPELINE_STAGES)  # fmt: skip


@router.get("/help")
def help_page(request: Request) -> HTMLResponse:
    return page(request, "help.html", active="help")


@router.get("/download/{table}.{fmt}")
async def download(
    request: Request,
    runs: RunsDep,
    table: str,
    fmt: str,
    state: str | None = None,
    county: str | None = None,
    scenario: str = "baseline",
    compare: str | None = None,
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
) -> Response:
    """A table of a place's page as CSV or XLSX (the page's own numbers)."""
    lang = chosen_language(request)
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise UserError(
            f"download: {table}.{fmt}: expected one of {', '.join(TABLES)} as csv or xlsx"
        )
    state, county = _chosen_place(state, county)
    form = _period({"state": state, "county": county, "start": start, "end": end}, state, county)
    scenarios = (scenario, compare or None)
    keys = place_keys(runs, form, scenarios, seed)
    key = ("download", table, fmt, lang.code, tuple(form.items()), scenarios, seed)
    body, media, slug = await runs.job(key, download_bytes, form, keys, lang.code, table, fmt)
    name = f"scomm-{slug}-{table}-{form['start']}-{form['end']}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media, headers=headers)


def download_bytes(
    form: dict[str, Any], keys: tuple, lang_code: str, table: str, fmt: str
) -> tuple[bytes, str, str]:
    """A table of the form's brief as CSV or XLSX: its bytes, media type and the place's
    slug (a worker's job)."""
    data = brief_data(form, keys, lang_code)
    body, media = table_bytes(data, table, fmt)
    return body, media, data.place.slug


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
    return page(request, "docs.html", active="docs", endpoints=endpoints)
