"""The server's heavy work, bounded: simulations, and the briefs and pages built from them,
run in a few worker processes behind a bounded queue; what they return (documents, pages)
is cached in the server's process, bounded in bytes.

- ``WorkQueue``: a request whose value is cached is answered at once; identical requests
  share one job; otherwise the job waits in a queue of at most ``max_waiting`` for one of
  ``workers`` processes (SCOMM_WORKERS, default 2, at most the cores). A request that finds
  the queue full gets ``Busy`` (HTTP 503 with Retry-After) at once. Waiting is ``await``: no
  server thread is held. The work runs in other processes (web/work.py), so its Python code
  never holds the server's GIL and static files and /api/scenarios never wait behind it; a
  worker that dies fails its jobs with ``WorkerFailed`` (HTTP 500) and the next job starts
  new workers.
- Large runs: at most ``max_large`` (SCOMM_LARGE_RUNS, default 1) national-size jobs
  (``is_large``) compute at once; the others wait while small jobs pass them.
- Memory: the server's own (its imports and county tables, about 0.3 GiB), its cache of
  documents and pages (at most SCOMM_CACHE_BYTES), and per worker its own (about 0.5 GiB once
  it has built pages), its kept runs (at most SCOMM_RUN_CACHE_BYTES) and the run or two of the
  job it is computing (a national 2008-10..2014-11 run peaks near 0.95 GiB). So the peak is
  bounded by SCOMM_WORKERS x the run size, at most SCOMM_LARGE_RUNS of them national, however
  many requests wait (docs/dashboard.md).
- ``Runs``: the run keys and jobs the routes ask for, as a FastAPI dependency.
"""

from __future__ import annotations

import asyncio
import functools
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from typing import Annotated, Any

import numpy as np
import polars as pl
from fastapi import Depends, Request

from scomm import periods
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties, parse_states
from scomm.scenario import scenario_names
from scomm.web import work
from scomm.web.cache import (
    CACHE_ENV,
    DEFAULT_CACHE_BYTES,
    ByteCache,
    cache_bytes_from,
    measured_bytes,
)

__all__ = [
    "CACHE_ENV",
    "DEFAULT_CACHE_BYTES",
    "Busy",
    "ByteCache",
    "Runs",
    "WorkQueue",
    "WorkerFailed",
    "cache_bytes_from",
    "measured_bytes",
]

WORKERS_ENV = "SCOMM_WORKERS"
LARGE_ENV = "SCOMM_LARGE_RUNS"
#: Residents x months above which a run is large (a quarter of a national run of S-Comm's
#: first era, whose computing peaks near 0.95 GiB; a run below it, in proportion, under about
#: 0.25 GiB: an estimate, see docs/dashboard.md).
LARGE_PERSON_MONTHS = 6_000_000_000
DEFAULT_WORKERS = 2
MAX_WORKERS = 32


class Busy(Exception):
    """The queue of heavy work is full; ``retry_after`` seconds is a fair wait."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerFailed(Exception):
    """A worker process stopped (killed, out of memory, crashed) while computing a request."""


def workers_from(text: str | None, field: str = WORKERS_ENV, default: int | None = None) -> int:
    """A number of worker processes (or of large runs at once): a whole number from 1 to
    MAX_WORKERS; None or empty: ``default`` (else DEFAULT_WORKERS, at most the cores)."""
    if not text:
        return default or max(1, min(DEFAULT_WORKERS, os.cpu_count() or 1))
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_WORKERS:
        raise UserError(
            f"{field}: {text!r} is not a number of worker processes; expected 1 to {MAX_WORKERS}"
        )
    return int(text)


class WorkQueue:
    """Heavy work in ``workers`` processes (or threads, ``processes=False``) behind a queue
    of at most ``max_waiting`` jobs, at most ``max_large`` of them large (national) at once;
    results go into ``cache``. ``get`` is awaited on the server's event loop. Processes are
    started when the first job comes (``setup``, a function and its arguments, runs in each
    when it starts)."""

    def __init__(
        self,
        cache: ByteCache,
        workers: int = 2,
        max_waiting: int = 32,
        processes: bool = True,
        run_cache_bytes: int = work.DEFAULT_RUN_CACHE_BYTES,
        setup: tuple[Callable, tuple] | None = None,
        max_large: int = 1,
    ) -> None:
        self.cache = cache
        self.workers = workers
        self.max_large = max_large
        self._large_running = 0
        self._large_waiting: list[tuple[Hashable, Callable[[], Any], Future]] = []
        self.max_waiting = max_waiting
        self.processes = processes
        self.run_cache_bytes = run_cache_bytes
        self.setup = setup
        self._pool: Executor | None = None
        self._jobs: dict[Hashable, Future] = {}
        self._lock = threading.RLock()
        self.computed = 0
        self.refused = 0
        self.failed_workers = 0
        self._seconds = 1.0  # a running mean of how long a job takes

    @property
    def pending(self) -> int:
        """Jobs running or waiting."""
        with self._lock:
            return len(self._jobs)

    def _executor(self) -> Executor:
        """The pool, started on first use (again after its processes died)."""
        if self._pool is None:
            if self.processes:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=work.start_worker,
                    initargs=(self.run_cache_bytes, self.setup),
                )
            else:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="scomm-work")
        return self._pool

    def _retry_after(self, pending: int) -> int:
        """Seconds until the queue has room: the waves of jobs ahead times a job's time."""
        waves = (pending + self.workers) / self.workers
        return max(1, min(60, math.ceil(waves * self._seconds)))

    def _job(self, key: Hashable, compute: Callable[[], Any], large: bool) -> Future:
        """The job computing ``key``: the one already running or waiting, or a new one (a
        large one waits here while ``max_large`` others run, so small jobs pass it)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                return job
            if len(self._jobs) >= self.workers + self.max_waiting:
                self.refused += 1
                raise Busy(
                    "the server is busy with other simulations; try again shortly",
                    self._retry_after(len(self._jobs)),
                )
            job = Future()
            self._jobs[key] = job
            if large and self._large_running >= self.max_large:
                self._large_waiting.append((key, compute, job))
            else:
                self._start(key, compute, job, large)
            return job

    def _start(self, key: Hashable, compute: Callable[[], Any], job: Future, large: bool) -> None:
        """Send a job to the pool (the lock held); its end comes back to ``_done``."""
        pool = self._executor()
        try:
            ran = pool.submit(work.call, compute)
        except RuntimeError as exc:  # the pool was shut down: the server is stopping
            self._jobs.pop(key, None)
            job.set_exception(exc)
            return
        self._large_running += large
        ran.add_done_callback(
            functools.partial(self._done, key, job, large, time.monotonic(), pool)
        )

    def _done(
        self, key: Hashable, job: Future, large: bool, began: float, pool: Executor, ran: Future
    ) -> None:
        """A job ended: its value cached (before it leaves the jobs, so no request in between
        starts it again), a dead pool dropped so the next job starts new workers, and the
        next large job started."""
        failure = None if ran.cancelled() else ran.exception()
        with self._lock:
            if ran.cancelled():
                job.cancel()
            elif failure is None:
                value = ran.result()
                self.cache.put(key, value, measured_bytes(value))
                self.computed += 1
                job.set_result(value)
            else:
                job.set_exception(failure)
            if isinstance(failure, BrokenExecutor) and self._pool is pool:
                self._pool = None
                self.failed_workers += 1
            self._jobs.pop(key, None)
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - began)
            self._large_running -= large
            if large and self._large_waiting:
                self._start(*self._large_waiting.pop(0), True)

    async def get(self, key: Hashable, compute: Callable[[], Any], large: bool = False) -> Any:
        """The value of ``key``: cached, or computed by a worker (raises Busy when the queue
        is full, WorkerFailed when the worker died, and whatever ``compute`` raises).
        With processes, ``compute`` must be picklable (see web/work.py). A ``large`` job
        (a national run) waits while ``max_large`` others run."""
        hit, value = self.cache.lookup(key)
        if hit:
            return value
        try:
            return await asyncio.shield(asyncio.wrap_future(self._job(key, compute, large)))
        except BrokenExecutor as exc:
            raise WorkerFailed(
                "a worker process stopped while computing this request (out of memory or "
                "killed?); the server starts new workers for the next request"
            ) from exc

    def warm(self) -> None:
        """Start every worker now (each reads the package and the county table once), so the
        first requests do not wait for them; `scomm serve` calls this at start-up."""
        if self.processes:
            pool = self._executor()
            for _ in range(self.workers):
                pool.submit(os.getpid)

    def close(self) -> None:
        """Stop the workers: waiting jobs are cancelled and running ones stopped, so the
        server exits at once and not after a national run (Python 3.11's pool has no public
        way to stop a running job; its processes are stopped directly)."""
        with self._lock:
            pool, self._pool = self._pool, None
            for _, _, job in self._large_waiting:
                job.cancel()
            self._large_waiting.clear()
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


class Runs:
    """The server's runs (packaged scenarios only) and what is built from them, through one
    ``WorkQueue`` and its cache."""

    def __init__(self, queue: WorkQueue) -> None:
        self.queue = queue

    def key(
        self,
        scenario: str,
        start: str | None,
        end: str | None,
        states: str | None,
        seed: int,
        counties: str | None = None,
        replicates: int = 1,
    ) -> tuple:
        """The run's key (what a worker's ``work.result`` runs); bad options raise UserError
        here, before any work."""
        chosen = ",".join(parse_states(states))
        s, e = periods.parse_period(start, end)
        return ("run", packaged_name(scenario), s, e, chosen, seed, counties or "", replicates)

    def cached(self, key: Hashable) -> tuple[bool, Any]:
        """A document or page, if cached."""
        return self.queue.cache.lookup(key)

    async def job(self, key: Hashable, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` computed by a worker (``fn`` a module-level function, its arguments
        picklable), cached under ``key``; large when one of its runs is (``is_large``)."""
        large = any(is_large(k) for k in _run_keys(args))
        return await self.queue.get(key, functools.partial(fn, *args), large)


def _run_keys(args: tuple) -> list[tuple]:
    """The run keys among a job's arguments (a place page's come as a tuple of them)."""
    found = []
    for a in args:
        if isinstance(a, tuple) and a and a[0] == "run":
            found.append(a)
        elif isinstance(a, tuple):
            found += _run_keys(a)
    return found


@functools.lru_cache(maxsize=512)
def _population(chosen: str, county_list: str) -> int:
    """The population of a run's counties (its states', or the counties it names)."""
    cty = counties()
    if county_list:
        inside = np.isin(cty.fips, county_list.split(","))
    else:
        inside = np.isin(cty.state, chosen.split(","))
    return int(cty.table["population"].cast(pl.Int64).to_numpy()[inside].sum())


def is_large(key: tuple) -> bool:
    """A run of more than LARGE_PERSON_MONTHS (residents x months): memory grows with the
    people booked, so this is a national or many-state run over years (a national run of
    2008-10..2014-11 is about 23 billion; California's about 2.8 billion)."""
    _, _, s, e, chosen, _, county_list, _ = key
    return _population(chosen, county_list) * (e - s + 1) > LARGE_PERSON_MONTHS


def packaged_name(name: str, field: str = "scenario") -> str:
    """Only packaged scenarios: the server never reads a file named in a request."""
    if name not in scenario_names():
        raise UserError(f"{field}: unknown scenario {name!r}; known: {', '.join(scenario_names())}")
    return name


def cache_budget() -> int:
    """The server's cache budget: SCOMM_CACHE_BYTES, or DEFAULT_CACHE_BYTES."""
    return cache_bytes_from(os.environ.get(CACHE_ENV))


def run_cache_budget() -> int:
    """Each worker's cache of runs and briefs: SCOMM_RUN_CACHE_BYTES, or 128 MiB."""
    env = work.RUN_CACHE_ENV
    return cache_bytes_from(os.environ.get(env), env, work.DEFAULT_RUN_CACHE_BYTES)


def worker_count() -> int:
    """How many worker processes: SCOMM_WORKERS, or the default."""
    return workers_from(os.environ.get(WORKERS_ENV))


def large_runs() -> int:
    """How many large (national) runs at once: SCOMM_LARGE_RUNS, or 1."""
    return workers_from(os.environ.get(LARGE_ENV), LARGE_ENV, default=1)


def get_runs(request: Request) -> Runs:
    """The application's runs (a FastAPI dependency: ``Depends(get_runs)``)."""
    return request.app.state.runs


RunsDep = Annotated[Runs, Depends(get_runs)]
