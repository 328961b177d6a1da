"""The dashboard under load (issue 14, findings 19-21), on a real uvicorn server: rendered
pages are cached beside their runs, heavy work waits in a bounded queue that answers 503
with Retry-After at once when full and holds no server thread, so cheap endpoints keep
answering; the cache is bounded by the measured bytes of what it holds."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import start_server

import scomm.web.pages
import scomm.web.runs
from scomm.web.app import create_app

PAGE = "/place?state=RI&start=2011-01&end=2011-02"
COMPARE = "/compare?a=baseline&b=no-scomm&state=RI&start=2011-01&end=2011-02"


def test_case_finding_19_a_cached_page_is_not_rebuilt(monkeypatch):
    """/place and /compare build the brief and its SVGs once; the next request for the same
    page is the same bytes without building anything."""
    calls = []
    real = scomm.web.pages.svgs
    monkeypatch.setattr(scomm.web.pages, "svgs", lambda data: calls.append(1) or real(data))
    client = TestClient(create_app())
    for url in (PAGE, COMPARE):
        first = client.get(url)
        assert first.status_code == 200
        built = len(calls)
        again = client.get(url)
        assert again.status_code == 200 and again.content == first.content
        assert len(calls) == built, f"{url} was rebuilt"
    assert len(calls) == 2


@pytest.fixture
def blocked(monkeypatch):
    """Simulations that wait until released (their result: a tiny stand-in)."""
    release = threading.Event()
    started = []

    def slow_run(scenario, start, end, states, seed, **kwargs):
        started.append(seed)
        release.wait(60)
        return SimpleNamespace(summary={"seed": seed})

    monkeypatch.setattr(scomm.web.runs, "run", slow_run)
    yield release, started
    release.set()


def _get(base: str, path: str, timeout: float = 60) -> httpx.Response:
    return httpx.get(base + path, timeout=timeout)


def test_case_finding_20_cheap_endpoints_answer_while_45_heavy_requests_wait(blocked):
    """45 distinct heavy requests in flight (2 computing, 43 queued; the server has 40
    worker threads): /api/scenarios and a static file still answer, because waiting for
    the queue holds no thread."""
    release, started = blocked
    url, server, thread = start_server(create_app(max_running=2, max_waiting=64))
    pool = ThreadPoolExecutor(max_workers=45)
    try:
        heavy = [
            pool.submit(_get, url, f"/api/run?states=RI&start=2011-01&end=2011-01&seed={s}")
            for s in range(45)
        ]
        deadline = time.monotonic() + 30
        while len(started) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # let every heavy request reach the queue
        assert len(started) == 2 and not any(f.done() for f in heavy)
        for path in ("/api/scenarios", "/static/app.css", "/api/params?state=RI"):
            assert _get(url, path, timeout=20).status_code == 200, path
        release.set()
        assert sorted(f.result().json()["seed"] for f in heavy) == list(range(45))
    finally:
        release.set()
        pool.shutdown(wait=True)
        server.should_exit = True
        thread.join(timeout=10)


def test_case_finding_20_a_full_queue_answers_503_with_retry_after_at_once(blocked):
    release, _ = blocked
    app = create_app(max_running=1, max_waiting=2)
    url, server, thread = start_server(app)
    pool = ThreadPoolExecutor(max_workers=3)
    try:
        waiting = [
            pool.submit(_get, url, f"/api/run?states=RI&start=2011-01&end=2011-01&seed={s}")
            for s in range(3)
        ]
        deadline = time.monotonic() + 30
        while app.state.queue.pending < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        began = time.monotonic()
        r = _get(url, "/api/run?states=RI&start=2011-01&end=2011-01&seed=99", timeout=20)
        assert r.status_code == 503 and time.monotonic() - began < 10
        assert 1 <= int(r.headers["Retry-After"]) <= 60 and "busy" in r.json()["detail"]
        html = _get(url, "/place?state=RI&start=2011-01&end=2011-01&seed=98", timeout=20)
        assert html.status_code == 503
        release.set()
        assert all(f.result().status_code == 200 for f in waiting)
        again = _get(url, "/api/run?states=RI&start=2011-01&end=2011-01&seed=99")
        assert again.status_code == 200
    finally:
        release.set()
        pool.shutdown(wait=True)
        server.should_exit = True
        thread.join(timeout=10)


def test_case_finding_21_the_cache_is_bounded_by_the_measured_bytes_of_real_runs():
    """Real runs of three states: each is measured; with a budget of two and a half runs,
    the least recently used is evicted and the cache never holds more than the budget."""
    probe = TestClient(create_app())
    probe.get("/api/run?states=DE&start=2011-01&end=2011-03")
    size = probe.app.state.cache.bytes
    assert size > 1_000_000  # the cohort and flows arrays, not a count of entries
    client = TestClient(create_app(max_bytes=int(size * 2.5)))
    cache = client.app.state.cache
    for state in ("DE", "RI", "VT", "DE"):
        assert client.get(f"/api/run?states={state}&start=2011-01&end=2011-03").status_code == 200
        assert cache.bytes <= cache.max_bytes
    assert cache.evictions >= 1 and len(cache) <= 2
    assert [k[4] for k in cache.order()] == ["VT", "DE"]


def test_case_the_cache_budget_comes_from_scomm_cache_bytes(monkeypatch):
    monkeypatch.setenv("SCOMM_CACHE_BYTES", "256M")
    assert create_app().state.cache.max_bytes == 256 << 20
    monkeypatch.setenv("SCOMM_CACHE_BYTES", "lots")
    with pytest.raises(Exception, match="SCOMM_CACHE_BYTES: 'lots' is not a size"):
        create_app()


def test_case_a_cached_page_is_kept_per_language_and_still_sets_the_language_cookie():
    """The cache key holds the reader's language: a Spanish request never gets the English
    page cached before it, and a page from the cache still remembers ?lang= in its cookie."""
    client = TestClient(create_app())
    en = client.get(PAGE)
    es = client.get(PAGE + "&lang=es")
    assert en.status_code == es.status_code == 200
    assert '<html lang="en"' in en.text and '<html lang="es"' in es.text
    client.cookies.clear()
    again = client.get(PAGE + "&lang=es")
    assert again.content == es.content
    assert again.cookies.get("scomm_lang") == "es"


def test_case_the_national_map_document_is_cached_beside_its_run(monkeypatch):
    """/api/outcomes (one national run, 2008-2025) is computed once; the next request is the
    cached document, with no run asked for."""
    calls = []

    def tiny_run(scenario, start, end, states, seed, **kwargs):
        import polars as pl

        calls.append(start)
        flows = pl.DataFrame(
            {"county_fips": ["36081"], "stage": ["removals"], "month": ["2012-05"], "count": [3]}
        )
        return SimpleNamespace(flows=flows, scenario=SimpleNamespace(name=scenario))

    monkeypatch.setattr(scomm.web.runs, "run", tiny_run)
    client = TestClient(create_app())
    first = client.get("/api/outcomes")
    assert first.status_code == 200, first.text
    assert client.get("/api/outcomes").content == first.content
    assert calls == ["2008-10"]
    queens = next(c for c in first.json()["counties"] if c["fips"] == "36081")
    assert sum(queens["removals"]) == 3
