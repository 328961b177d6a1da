"""What the server's worker processes do. Simulations and the briefs and pages built from
them run here, in a few processes of their own (``WorkQueue`` in web/runs.py starts them with
``start_worker``), never in the server's process: their Python work does not hold the server's
GIL, so static files and other cheap requests never queue behind it, and a run's arrays live
and die in the worker that computed it. A job is a picklable call (a module-level function
and its arguments, e.g. ``functools.partial(summary_json, key)``) and what it returns goes
back to the server, which caches it in bytes: documents, pages, small tuples, never a run.

Each worker keeps its own recent runs and briefs in a ``ByteCache`` of at most
SCOMM_RUN_CACHE_BYTES (default 128 MiB; a national run, about 0.3 GiB, is never kept), so a
page and its downloads usually share one run.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Hashable
from typing import Any

from scomm import periods
from scomm.api import RunResult, run
from scomm.compare import compare_runs
from scomm.io import json_text
from scomm.jurisdictions.counties import counties
from scomm.web.cache import ByteCache, measured_bytes, release_free_memory

#: A worker's own cache of runs and briefs (SCOMM_RUN_CACHE_BYTES overrides).
DEFAULT_RUN_CACHE_BYTES = 128 << 20
RUN_CACHE_ENV = "SCOMM_RUN_CACHE_BYTES"

#: Workers run this much nicer than the server: on a busy machine the CPU goes to the server's
#: cheap requests first and to simulations with what is left.
WORKER_NICENESS = 10

_kept = ByteCache(DEFAULT_RUN_CACHE_BYTES)


def start_worker(run_cache_bytes: int, setup: tuple[Callable, tuple] | None = None) -> None:
    """A new worker process: a lower CPU priority than the server's, its cache's budget, the
    county table read once, Ctrl-C left to the server (which stops its workers), and
    ``setup`` (a function and its arguments) run last, if given."""
    global _kept
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    _kept = ByteCache(run_cache_bytes)
    counties()
    if setup is not None:
        setup[0](*setup[1])


def call(compute: Callable[[], Any]) -> Any:
    """Run one job and give the memory it freed back to the OS."""
    try:
        return compute()
    finally:
        release_free_memory()


def kept(key: Hashable, make: Callable[[], Any]) -> Any:
    """``make()``, or the value this worker kept for ``key``."""
    hit, value = _kept.lookup(key)
    if not hit:
        value = make()
        _kept.put(key, value, measured_bytes(value))
    return value


def result(key: tuple) -> RunResult:
    """The run of a ``Runs.key`` (checked by the server before it sent the job)."""
    _, name, s, e, chosen, seed, county_list, replicates = key
    first, last = periods.month_label(s), periods.month_label(e)
    return kept(
        key,
        lambda: run(
            name, first, last, chosen, seed, replicates=replicates, counties=county_list or None
        ),
    )


def json_bytes(doc: Any) -> bytes:
    """A document as the API sends it (scomm's one JSON writer, compact form)."""
    return json_text(doc, compact=True).encode("utf-8")


def summary_json(key: tuple) -> bytes:
    """`scomm run --json`'s document of the run."""
    return json_bytes(result(key).summary)


def compare_json(a: tuple, b: tuple) -> bytes:
    """`scomm compare A B --json`'s document of two runs."""
    return json_bytes(compare_runs(result(a), result(b)))
