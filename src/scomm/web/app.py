"""The local dashboard and its JSON API, assembled: the API and page routers (web/api.py,
web/pages.py), the work queue and cache they share (web/runs.py, injected with FastAPI's
Depends), the error handlers and the static files. Every asset is served from the package,
from memory (web/assets.py; vendored under report/assets, see VENDORED.md); nothing is
loaded from a CDN."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError

from scomm import __version__
from scomm.errors import UserError
from scomm.report.brief import TEMPLATES as REPORT_TEMPLATES
from scomm.web import api, pages
from scomm.web.api import JSONDocument
from scomm.web.assets import Assets
from scomm.web.runs import (
    Busy,
    ByteCache,
    Runs,
    WorkerFailed,
    WorkQueue,
    cache_budget,
    large_runs,
    run_cache_budget,
    worker_count,
)

HERE = Path(__file__).parent
ASSETS = REPORT_TEMPLATES.parent / "assets"
#: URL prefix -> folder of the files served under it (from memory, web/assets.py).
STATIC_FOLDERS = {"/static": HERE / "static", "/vendor": ASSETS}


@functools.cache
def packaged_files(folder: Path) -> Assets:
    """A static folder of the package, read and compressed once per process (0.3 s for both),
    not again for every application created."""
    return Assets(folder)


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


async def _worker_failed(request: Request, exc: Exception) -> JSONDocument:
    return JSONDocument({"detail": str(exc)}, status_code=500)


async def _invalid(request: Request, exc: Exception) -> JSONDocument:
    assert isinstance(exc, RequestValidationError)
    return JSONDocument({"detail": _readable(exc)}, status_code=422)


def create_app(
    max_bytes: int | None = None,
    max_running: int | None = None,
    max_waiting: int = 32,
    worker_setup: tuple[Callable, tuple] | None = None,
) -> FastAPI:
    """The FastAPI application: pages, JSON API, vendored static files. Heavy work runs in
    ``max_running`` worker processes (default: SCOMM_WORKERS or 2, at most the cores), with
    at most ``max_waiting`` more jobs queued; a request beyond that is answered 503 with
    Retry-After at once. Documents and pages are cached in at most ``max_bytes`` (default:
    SCOMM_CACHE_BYTES or 512 MiB); each worker keeps runs in SCOMM_RUN_CACHE_BYTES (128 MiB);
    at most SCOMM_LARGE_RUNS (1) national-size runs are computed at once.
    ``worker_setup`` (a function and its arguments) runs in each worker when it starts."""
    cache = ByteCache(cache_budget() if max_bytes is None else max_bytes)
    workers = worker_count() if max_running is None else max_running
    queue = WorkQueue(cache, workers, max_waiting, run_cache_bytes=run_cache_budget(),
                      setup=worker_setup, max_large=large_runs())  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        queue.warm()
        yield
        queue.close()

    app = FastAPI(
        title="scomm",
        version=__version__,
        description="Secure Communities as code: the summary documents of `scomm run`, "
        "`scomm compare`, `scomm params` and `scomm scenarios`, served locally.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.cache = cache
    app.state.queue = queue
    app.state.runs = Runs(queue)
    app.state.scenarios = api.scenarios_body()
    for prefix, folder in STATIC_FOLDERS.items():
        app.router.add_route(f"{prefix}/{{name:path}}", packaged_files(folder).respond,
                             methods=["GET", "HEAD"], include_in_schema=False)  # fmt: skip
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(WorkerFailed, _worker_failed)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
