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
from scomm.errors import UserError
from scomm.report.brief import TEMPLATES as REPORT_TEMPLATES
from scomm.web import api, pages
from scomm.web.api import JSONDocument
from scomm.web.runs import Busy, ByteCache, Runs, WorkQueue, cache_budget

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
    assert isinstance(exc, Busy)
    retry = {"Retry-After": str(exc.retry_after)}
    return JSONDocument({"detail": str(exc)}, status_code=503, headers=retry)


async def _invalid(request: Request, exc: Exception) -> JSONDocument:
    assert isinstance(exc, RequestValidationError)
    return JSONDocument({"detail": _readable(exc)}, status_code=422)


def create_app(
    max_bytes: int | None = None, max_running: int = 2, max_waiting: int = 32
) -> FastAPI:
    """The FastAPI application: pages, JSON API, vendored static files. Simulations and
    rendered pages share a cache of at most ``max_bytes`` (default: SCOMM_CACHE_BYTES or
    512 MiB); at most ``max_running`` are computed at once, with at most ``max_waiting`` more
    queued, and a request beyond that is answered 503 with Retry-After at once."""
    app = FastAPI(
        title="scomm",
        version=__version__,
        description="Secure Communities as code: the summary documents of `scomm run`, "
        "`scomm compare`, `scomm params` and `scomm scenarios`, served locally.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    cache = ByteCache(cache_budget() if max_bytes is None else max_bytes)
    queue = WorkQueue(cache, workers=max_running, max_waiting=max_waiting)
    app.state.cache = cache
    app.state.queue = queue
    app.state.runs = Runs(queue)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/vendor", StaticFiles(directory=ASSETS), name="vendor")
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
