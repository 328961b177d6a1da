"""The server's heavy work, bounded: simulations and rendered pages in one cache bounded in
bytes, computed by a few worker threads behind a bounded queue.

- ``ByteCache``: least recently used entries evicted until the total measured size
  (``measured_bytes``: the arrays and tables a result holds) fits ``max_bytes``.
- ``WorkQueue``: a request whose value is cached is answered at once; identical requests
  share one computation; otherwise the work waits in a queue of at most ``max_waiting`` jobs
  for one of ``workers`` threads. A request that finds the queue full gets ``Busy`` (HTTP
  503 with Retry-After) at once. Waiting is ``await``: no server thread is held, so cheap
  endpoints (static files, /api/scenarios) never wait behind heavy ones.
- ``Runs``: what the routes ask for (a run, a rendered page), as a FastAPI dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import dataclasses
import math
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated, Any

import numpy as np
import polars as pl
from fastapi import Depends, Request

from scomm import periods
from scomm.api import RunResult, run
from scomm.errors import UserError
from scomm.jurisdictions.counties import parse_states
from scomm.scenario import scenario_names

#: 512 MiB (SCOMM_CACHE_BYTES overrides). The server's peak is its own ~1 GiB, plus the cache,
#: plus the two runs being computed: with 1 GiB, 20 concurrent national requests peaked at
#: 3.3 GiB; with this budget at 2.5 GiB (docs/performance.md, "The dashboard under load").
DEFAULT_CACHE_BYTES = 512 << 20
CACHE_ENV = "SCOMM_CACHE_BYTES"
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"([0-9]+)([KMGTkmgt])?(?:i?B)?")


def _libc_trim() -> Callable[[], None]:
    """glibc's ``malloc_trim(0)``, or a no-op elsewhere. Worker threads each get a malloc
    arena; without a trim, memory freed by an evicted or finished run stays in the process
    (the server's resident size grew by the freed runs, not by what the cache holds)."""
    name = ctypes.util.find_library("c")
    with contextlib.suppress(OSError, AttributeError, TypeError):
        trim = ctypes.CDLL(name).malloc_trim  # ctypes releases the GIL during the call
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int

        def release() -> None:
            trim(0)

        return release
    return lambda: None


release_free_memory = _libc_trim()


class Busy(Exception):
    """The queue of heavy work is full; ``retry_after`` seconds is a fair wait."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def cache_bytes_from(text: str | None, field: str = CACHE_ENV) -> int:
    """A byte budget from text such as ``2147483648``, ``512M`` or ``2GiB`` (binary units);
    None or empty: the default."""
    if not text:
        return DEFAULT_CACHE_BYTES
    m = _SIZE.fullmatch(text)
    if m is None:
        raise UserError(f"{field}: {text!r} is not a size; expected bytes, e.g. 2G or 536870912")
    return int(m.group(1)) * _UNITS[(m.group(2) or "").upper()]


def _array_bytes(a: np.ndarray, seen: set[int]) -> int:
    """An array's buffer, counted once however many views share it."""
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    if id(base) in seen:
        return 0
    seen.add(id(base))
    return int(base.nbytes)


def _children(obj: Any) -> list[Any]:
    """What a container or dataclass holds (nothing for any other object)."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, list | tuple | set | frozenset):
        return list(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    return []


def measured_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """The memory a cached value holds: NumPy buffers (each once), Polars frames, text, and
    the containers and dataclasses around them, walked recursively."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    if isinstance(obj, np.ndarray):
        return _array_bytes(obj, seen)
    seen.add(id(obj))
    if isinstance(obj, pl.DataFrame | pl.Series):
        return int(obj.estimated_size())
    if isinstance(obj, str | bytes):
        return sys.getsizeof(obj)
    return sys.getsizeof(obj) + sum(measured_bytes(c, seen) for c in _children(obj))


class ByteCache:
    """Least-recently-used values, evicted until their measured sizes fit ``max_bytes``.
    Thread-safe. A value larger than the whole budget is not kept."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.evictions = 0

    def lookup(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when ``key`` is cached (now the most recent), else (False, None)."""
        with self._lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key][0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` (``size`` bytes), evicting the least recently used to fit."""
        with self._lock:
            if key in self._entries:
                self.bytes -= self._entries.pop(key)[1]
            if size > self.max_bytes:
                return
            while self._entries and self.bytes + size > self.max_bytes:
                self.bytes -= self._entries.popitem(last=False)[1][1]
                self.evictions += 1
            self._entries[key] = (value, size)
            self.bytes += size

    def __len__(self) -> int:
        return len(self._entries)

    def order(self) -> list[Hashable]:
        """Cached keys, least recently used first."""
        with self._lock:
            return list(self._entries)


class WorkQueue:
    """Heavy work on ``workers`` threads behind a queue of at most ``max_waiting`` jobs;
    results go into ``cache``. ``get`` is awaited on the server's event loop."""

    def __init__(self, cache: ByteCache, workers: int = 2, max_waiting: int = 32) -> None:
        self.cache = cache
        self.workers = workers
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scomm-work")
        self._jobs: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self.computed = 0
        self.refused = 0
        self._seconds = 1.0  # a running mean of how long a job takes

    @property
    def pending(self) -> int:
        """Jobs running or waiting."""
        with self._lock:
            return len(self._jobs)

    def _retry_after(self, pending: int) -> int:
        """Seconds until the queue has room: the waves of jobs ahead times a job's time."""
        waves = (pending + self.workers) / self.workers
        return max(1, min(60, math.ceil(waves * self._seconds)))

    def _job(self, key: Hashable, compute: Callable[[], Any]) -> Future:
        """The job computing ``key``: the one already running, or a new one."""
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
            job = self._pool.submit(self._run, key, compute)
            self._jobs[key] = job
            return job

    def _run(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        began = time.monotonic()
        try:
            value = compute()
            self.cache.put(key, value, measured_bytes(value))
            self.computed += 1
            return value
        finally:
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - began)
            with self._lock:
                self._jobs.pop(key, None)
            release_free_memory()

    async def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of ``key``: cached, or computed by a worker (raises Busy when the queue
        is full, and whatever ``compute`` raises)."""
        hit, value = self.cache.lookup(key)
        if hit:
            return value
        return await asyncio.shield(asyncio.wrap_future(self._job(key, compute)))

    def close(self) -> None:
        """Stop the workers (jobs already running finish)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class Runs:
    """The server's simulations (packaged scenarios only) and rendered pages, through one
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
        """The run's cache key; bad options raise UserError here, before any work."""
        chosen = ",".join(parse_states(states))
        s, e = periods.parse_period(start, end)
        return ("run", packaged_name(scenario), s, e, chosen, seed, counties or "", replicates)

    async def run(
        self,
        scenario: str,
        start: str | None,
        end: str | None,
        states: str | None,
        seed: int,
        counties: str | None = None,
        replicates: int = 1,
    ) -> RunResult:
        """The run for these options, from the cache when it holds it (``counties`` and
        ``replicates`` as in ``scomm.api.run``)."""
        key = self.key(scenario, start, end, states, seed, counties, replicates)
        _, name, s, e, chosen, *_ = key
        first, last = periods.month_label(s), periods.month_label(e)
        return await self.queue.get(
            key,
            lambda: run(name, first, last, chosen, seed, replicates=replicates, counties=counties),
        )

    def cached(self, key: Hashable) -> tuple[bool, Any]:
        """A rendered page or document, if cached."""
        return self.queue.cache.lookup(key)

    async def render(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """A rendered page or document (made by a worker, cached beside the runs)."""
        return await self.queue.get(key, make)


def packaged_name(name: str, field: str = "scenario") -> str:
    """Only packaged scenarios: the server never reads a file named in a request."""
    if name not in scenario_names():
        raise UserError(f"{field}: unknown scenario {name!r}; known: {', '.join(scenario_names())}")
    return name


def cache_budget() -> int:
    """The cache's byte budget: SCOMM_CACHE_BYTES, or DEFAULT_CACHE_BYTES."""
    return cache_bytes_from(os.environ.get(CACHE_ENV))


def get_runs(request: Request) -> Runs:
    """The application's runs (a FastAPI dependency: ``Depends(get_runs)``)."""
    return request.app.state.runs


RunsDep = Annotated[Runs, Depends(get_runs)]
