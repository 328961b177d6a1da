"""Heavy requests are bounded: a cache bounded in bytes (measured), one computation per key,
a bounded queue that refuses at once when full, and waiting that holds no server thread."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
import pytest

from scomm.errors import UserError
from scomm.web.runs import (
    DEFAULT_CACHE_BYTES,
    Busy,
    ByteCache,
    Runs,
    WorkQueue,
    cache_bytes_from,
    is_large,
    measured_bytes,
)

MiB = 1 << 20


def run_loop(coro):
    """Run ``coro`` on a fresh event loop in its own thread (a session fixture, e.g.
    Playwright's sync API, may keep a loop running in this thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_case_the_least_recently_used_entry_is_evicted_until_the_bytes_fit():
    cache = ByteCache(max_bytes=3 * MiB)
    cache.put("a", "A", MiB)
    cache.put("b", "B", MiB)
    cache.put("c", "C", MiB)
    assert cache.lookup("a") == (True, "A")  # a is now the most recent
    cache.put("d", "D", 2 * MiB)  # needs 2 MiB: evicts b, then c
    assert cache.order() == ["a", "d"] and cache.bytes == 3 * MiB
    assert cache.lookup("b") == (False, None) and cache.evictions == 2


def test_case_a_value_larger_than_the_whole_budget_is_not_kept():
    cache = ByteCache(max_bytes=MiB)
    cache.put("small", 1, 100)
    cache.put("huge", 2, 2 * MiB)
    assert cache.order() == ["small"] and cache.bytes == 100


def test_case_sizes_are_measured_from_the_arrays_and_tables_a_value_holds():
    big = np.zeros(1_000_000, dtype=np.float64)  # 8 MB
    frame = pl.DataFrame({"x": np.arange(500_000, dtype=np.int64)})  # 4 MB
    value = {"arrays": [big, big[10:], big.reshape(1000, 1000)], "flows": frame, "n": 3}
    size = measured_bytes(value)
    assert 12_000_000 <= size < 12_100_000  # the shared buffer counted once


def test_case_the_budget_reads_bytes_or_binary_units_and_refuses_anything_else():
    assert cache_bytes_from(None) == DEFAULT_CACHE_BYTES <= 2 << 30
    assert cache_bytes_from("536870912") == 512 * MiB
    assert cache_bytes_from("512M") == cache_bytes_from("512MiB") == 512 * MiB
    assert cache_bytes_from("2G") == 2 << 30
    for bad in ("-1", "2 G", "two", "1.5G", "٣G", "2X"):
        with pytest.raises(UserError, match="SCOMM_CACHE_BYTES"):
            cache_bytes_from(bad)


def test_case_identical_concurrent_requests_compute_once():
    queue = WorkQueue(ByteCache(), workers=2, max_waiting=2, processes=False)
    gate = threading.Event()
    calls = []

    def slow() -> int:
        calls.append(1)
        gate.wait(10)
        return 42

    async def main() -> list[int]:
        tasks = [asyncio.create_task(queue.get(("k",), slow)) for _ in range(10)]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(*tasks)

    assert run_loop(main()) == [42] * 10 and len(calls) == 1
    assert queue.computed == 1 and queue.pending == 0


def test_case_a_full_queue_refuses_at_once_with_a_retry_time_and_recovers():
    queue = WorkQueue(ByteCache(), workers=1, max_waiting=1, processes=False)
    release = threading.Event()

    def hold(n: int):
        return lambda: release.wait(10) and n

    async def main() -> None:
        running = asyncio.create_task(queue.get(("first",), hold(1)))
        waiting = asyncio.create_task(queue.get(("second",), hold(2)))
        await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        began = loop.time()
        with pytest.raises(Busy) as refused:
            await queue.get(("third",), hold(3))
        assert loop.time() - began < 0.5  # refused at once, not after a wait
        assert 1 <= refused.value.retry_after <= 60
        release.set()
        assert await running == 1 and await waiting == 2
        assert await queue.get(("third",), hold(3)) == 3

    run_loop(main())
    assert queue.refused == 1


def test_case_waiting_requests_hold_no_thread():
    """40 requests wait for one busy worker; the event loop stays free meanwhile (a cheap
    coroutine runs at once) and no thread beyond the worker is started."""
    queue = WorkQueue(ByteCache(), workers=1, max_waiting=64, processes=False)
    release = threading.Event()

    async def main() -> None:
        before = threading.active_count()
        waiters = [
            asyncio.create_task(queue.get((i,), lambda i=i: release.wait(10) and i))
            for i in range(40)
        ]
        await asyncio.sleep(0.1)
        assert threading.active_count() <= before + 1
        assert queue.pending == 40
        release.set()
        assert await asyncio.gather(*waiters) == list(range(40))

    run_loop(main())


def test_case_a_failed_computation_is_reported_to_every_waiter_and_not_cached():
    queue = WorkQueue(ByteCache(), workers=1, max_waiting=4, processes=False)

    def fail() -> int:
        raise UserError("county 99999: not known")

    async def main() -> None:
        results = await asyncio.gather(
            queue.get(("bad",), fail), queue.get(("bad",), fail), return_exceptions=True
        )
        assert all(isinstance(r, UserError) for r in results)

    run_loop(main())
    assert queue.cache.lookup(("bad",)) == (False, None) and queue.pending == 0


def test_case_large_runs_are_computed_one_at_a_time_and_small_ones_pass_them():
    """Two workers, at most one large job at once: the second large job waits for the
    first, while a small job asked after both is computed meanwhile on the other worker."""
    queue = WorkQueue(ByteCache(), workers=2, max_waiting=4, processes=False, max_large=1)
    first_done = threading.Event()
    order: list[str] = []

    def large(name: str, gate: threading.Event | None):
        def compute() -> str:
            order.append(f"{name} starts")
            if gate is not None:
                gate.wait(10)
            order.append(f"{name} ends")
            return name

        return compute

    async def main() -> None:
        one = asyncio.create_task(queue.get(("one",), large("one", first_done), large=True))
        two = asyncio.create_task(queue.get(("two",), large("two", None), large=True))
        await asyncio.sleep(0.1)
        assert await queue.get(("small",), large("small", None)) == "small"
        assert order == ["one starts", "small starts", "small ends"] and queue.pending == 2
        first_done.set()
        assert [await one, await two] == ["one", "two"]

    run_loop(main())
    assert order[3:] == ["one ends", "two starts", "two ends"] and queue.pending == 0


def test_case_a_national_or_many_state_run_is_large_and_a_state_run_is_not():
    runs = Runs(WorkQueue(ByteCache(), processes=False))
    era = ("2008-10", "2014-11")
    assert is_large(runs.key("baseline", None, None, None, 0))  # national, S-Comm's first era
    assert is_large(runs.key("baseline", *era, "CA,TX,NY", 0))
    assert not is_large(runs.key("baseline", *era, "CA", 0))  # the largest state
    assert not is_large(runs.key("baseline", "2012-01", "2012-01", None, 0))  # one month
    assert not is_large(runs.key("baseline", *era, "NY", 0, counties="36059", replicates=3))
