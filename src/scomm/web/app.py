"""The local dashboard and its JSON API, assembled: the API and page routers (web/api.py,
web/pages.py), the run cache they share (web/runs.py, injected with FastAPI's Depends), the
error handlers and the static files. Every asset is served from the package (vendored under
report/assets, see VENDORED.md); nothing is loaded from a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles

from scomm import __version__
from scomm.api import RunResult
from scomm.errors import UserError
from scomm.report.brief import TEMPLATES as REPORT_TEMPLATES
from scomm.web import api, pages
from scomm.web.api import JSONDocument
from scomm.web.runs import BoundedCache, Busy, Runs

HERE = Path(__file__).parent
ASSETS = REPORT_TEMPLATES.parent / "assets"


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "query")
        parts.append(f"query parameter {where!r}: {e.get('msg')} (got {e.get('input')!r})")
    return "; ".join(parts)


async def _user_error(request: Request, exc: Exception) -> JSONDocument:
    return JSONDocument({"detail": str(exc)}, status_code=422)


async def _busy(request: Request, exc: Exception) -> JSONDocument:
    return JSONDocument({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})


async def _invalid(request: Request, exc: Exception) -> JSONDocument:
    assert isinstance(exc, RequestValidationError)
    return JSONDocument({"detail": _readable(exc)}, status_code=422)


def create_app(max_entries: int = 8, max_running: int = 2, wait_seconds: float = 60.0) -> FastAPI:
    """The FastAPI application: pages, JSON API, vendored static files. At most
    ``max_running`` simulations run at once (a request waits up to ``wait_seconds`` for a
    slot, then gets a 503), and the last ``max_entries`` results are kept."""
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
    app.state.runs = Runs(cache)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/vendor", StaticFiles(directory=ASSETS), name="vendor")
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
