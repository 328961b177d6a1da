"""Bounded simulations for the server: an LRU cache of results, one computation per key
at a time, and a cap on how many simulations run at once; ``Runs`` serves them to the
routes as a FastAPI dependency."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Request

from scomm import periods
from scomm.api import RunResult, run
from scomm.errors import UserError
from scomm.jurisdictions.counties import parse_states
from scomm.scenario import scenario_names

T = TypeVar("T")


class Busy(Exception):
    """Every simulation slot stayed taken for the whole wait."""


class BoundedCache(Generic[T]):
    """``get(key, compute)`` returns a cached value or computes it under a semaphore of
    ``max_running`` slots; identical concurrent requests compute once."""

    def __init__(self, max_entries: int = 8, max_running: int = 2, wait_seconds: float = 60.0):
        self._entries: OrderedDict[tuple, T] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[tuple, threading.Lock] = {}
        self._slots = threading.BoundedSemaphore(max_running)
        self.max_entries = max_entries
        self.wait_seconds = wait_seconds
        self.computed = 0

    def _cached(self, key: tuple) -> tuple[bool, T | None]:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return True, self._entries[key]
            return False, None

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        """The value for ``key``; raises Busy when no slot frees up in time."""
        hit, value = self._cached(key)
        if hit:
            return value  # type: ignore[return-value]
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            hit, value = self._cached(key)
            if hit:
                return value  # type: ignore[return-value]
            if not self._slots.acquire(timeout=self.wait_seconds):
                raise Busy("the server is busy with other simulations; try again shortly")
            try:
                result = compute()
            finally:
                self._slots.release()
            with self._lock:
                self.computed += 1
                self._entries[key] = result
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._key_locks.pop(key, None)
            return result


class Runs:
    """The server's simulations: packaged scenarios only, each distinct request run once
    (``BoundedCache``)."""

    def __init__(self, cache: BoundedCache[RunResult]) -> None:
        self.cache = cache

    def run(
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
        chosen = ",".join(parse_states(states))
        s, e = periods.parse_period(start, end)
        key = (packaged_name(scenario), s, e, chosen, seed, counties or "", replicates)
        first, last = periods.month_label(s), periods.month_label(e)
        return self.cache.get(
            key,
            lambda: run(
                scenario, first, last, chosen, seed, replicates=replicates, counties=counties
            ),
        )


def packaged_name(name: str, field: str = "scenario") -> str:
    """Only packaged scenarios: the server never reads a file named in a request."""
    if name not in scenario_names():
        raise UserError(f"{field}: unknown scenario {name!r}; known: {', '.join(scenario_names())}")
    return name


def get_runs(request: Request) -> Runs:
    """The application's runs (a FastAPI dependency: ``Depends(get_runs)``)."""
    return request.app.state.runs


RunsDep = Annotated[Runs, Depends(get_runs)]
