"""Heavy requests are bounded: an LRU of results, one computation per key, a cap on
simulations running at once."""

from __future__ import annotations

import threading

import pytest

from scomm.web.runs import BoundedCache, Busy


def test_case_the_least_recently_used_result_is_evicted_first():
    cache: BoundedCache[str] = BoundedCache(max_entries=2)
    cache.get(("a",), lambda: "A")
    cache.get(("b",), lambda: "B")
    cache.get(("a",), lambda: "A2")  # a is now the most recent
    cache.get(("c",), lambda: "C")  # evicts b
    assert cache.get(("a",), lambda: "fresh") == "A"
    assert cache.get(("b",), lambda: "fresh") == "fresh"
    assert cache.computed == 4


def test_case_identical_concurrent_requests_compute_once():
    cache: BoundedCache[int] = BoundedCache(max_running=4)
    gate = threading.Event()
    calls = []

    def slow() -> int:
        calls.append(1)
        gate.wait(10)
        return 42

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(("k",), slow))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert results == [42] * 5 and len(calls) == 1


def test_case_when_every_slot_is_busy_a_request_is_refused_not_queued_forever():
    cache: BoundedCache[int] = BoundedCache(max_running=1, wait_seconds=0.05)
    inside, release = threading.Event(), threading.Event()

    def hold() -> int:
        inside.set()
        release.wait(10)
        return 1

    worker = threading.Thread(target=lambda: cache.get(("first",), hold))
    worker.start()
    assert inside.wait(10)
    with pytest.raises(Busy, match="busy"):
        cache.get(("second",), lambda: 2)
    release.set()
    worker.join(10)
    assert cache.get(("second",), lambda: 2) == 2
