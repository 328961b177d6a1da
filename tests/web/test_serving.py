"""The dashboard under load (issue 14, findings 19-21, and the dashboard item), on a real
uvicorn server: rendered pages are cached beside their runs; heavy work runs in worker
processes behind a bounded queue that answers 503 with Retry-After at once when full and
holds no server thread, so cheap endpoints keep answering while every worker is busy; a
worker that dies is a 500 with a message and new workers, not a hung server; the server's
cache holds documents and pages, bounded by their bytes, never a run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import crashing_runs, gated_runs, start_server, started_seeds, tiny_runs

from scomm.web.app import create_app
from scomm.web.runs import MAX_WORKERS, run_cache_budget, worker_count, workers_from

PAGE = "/place?state=RI&start=2011-01&end=2011-02"
COMPARE = "/compare?a=baseline&b=no-scomm&state=RI&start=2011-01&end=2011-02"


def _get(base: str, path: str, timeout: float = 60) -> httpx.Response:
    return httpx.get(base + path, timeout=timeout)


def _run(seed: int) -> str:
    return f"/api/run?states=RI&start=2011-01&end=2011-01&seed={seed}"


@pytest.fixture
def gate(tmp_path):
    """A file the stand-in simulations wait for, and the log of the seeds they started."""
    gate, log = tmp_path / "go", tmp_path / "started"
    yield gate, log
    gate.touch()


@pytest.fixture
def serve():
    """Start apps on real servers; stop them (and their workers) afterwards."""
    running = []

    def start(app):
        url, server, thread = start_server(app)
        running.append((app, server, thread))
        return url

    yield start
    for app, server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.queue.close()


def _wait_for(predicate, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_case_finding_19_a_cached_page_is_not_rebuilt():
    """/place and /compare build the brief and its SVGs once (a worker's job); the next
    request for the same page is the same bytes, from the cache, with no job."""
    client = TestClient(create_app())
    queue = client.app.state.queue
    try:
        for url in (PAGE, COMPARE):
            first = client.get(url)
            assert first.status_code == 200
            jobs = queue.computed
            again = client.get(url)
            assert again.status_code == 200 and again.content == first.content
            assert queue.computed == jobs, f"{url} was rebuilt"
    finally:
        queue.close()


def test_case_cheap_endpoints_answer_while_every_worker_is_busy_and_45_requests_wait(gate, serve):
    """45 distinct heavy requests in flight (2 computing in the 2 worker processes, 43
    queued; the server has 40 threads): /api/scenarios, static files and /api/params
    complete, and only then are the runs let go; every run was computed in a worker
    process, not the server's, at a lower CPU priority."""
    go, log = gate
    url = serve(create_app(max_running=2, max_waiting=64, worker_setup=(gated_runs, (str(go), str(log)))))  # fmt: skip
    pool = ThreadPoolExecutor(max_workers=45)
    try:
        heavy = [pool.submit(_get, url, _run(s), 180) for s in range(45)]
        _wait_for(lambda: len(started_seeds(log)) == 2)
        time.sleep(0.5)  # let every heavy request reach the queue
        assert len(started_seeds(log)) == 2 and not any(f.done() for f in heavy)
        for path in ("/api/scenarios", "/static/app.css", "/vendor/js/vega.min.js", "/api/params?state=RI"):  # fmt: skip
            assert _get(url, path, timeout=30).status_code == 200, path
        assert not any(f.done() for f in heavy) and len(started_seeds(log)) == 2
        go.touch()
        docs = [f.result().json() for f in heavy]
        assert sorted(d["seed"] for d in docs) == list(range(45))
        assert os.getpid() not in {d["pid"] for d in docs}
        assert len({d["pid"] for d in docs}) <= 2
        assert {d["nice"] for d in docs} == {min(19, os.nice(0) + 10)}  # the server goes first
    finally:
        go.touch()
        pool.shutdown(wait=True)


def test_case_a_full_queue_answers_503_with_retry_after_at_once(gate, serve):
    go, log = gate
    app = create_app(max_running=1, max_waiting=2, worker_setup=(gated_runs, (str(go), str(log))))
    url = serve(app)
    pool = ThreadPoolExecutor(max_workers=3)
    try:
        waiting = [pool.submit(_get, url, _run(s), 180) for s in range(3)]
        _wait_for(lambda: app.state.queue.pending == 3 and started_seeds(log))
        r = _get(url, _run(99), timeout=20)
        assert r.status_code == 503 and not any(f.done() for f in waiting)
        assert 1 <= int(r.headers["Retry-After"]) <= 60 and "busy" in r.json()["detail"]
        html = _get(url, "/place?state=RI&start=2011-01&end=2011-01&seed=98", timeout=20)
        assert html.status_code == 503
        go.touch()
        assert all(f.result().status_code == 200 for f in waiting)
        assert _get(url, _run(99)).status_code == 200
    finally:
        go.touch()
        pool.shutdown(wait=True)


def test_case_a_worker_that_dies_is_a_500_with_a_message_and_the_server_carries_on(serve):
    """The worker computing seed 13 dies (os._exit, as the OOM killer would): that request
    is answered 500 naming what happened, the queue is empty again, and the next run is
    computed by a new worker."""
    app = create_app(max_running=1, worker_setup=(crashing_runs, (13,)))
    url = serve(app)
    assert _get(url, _run(1)).json() == {"seed": 1}
    r = _get(url, _run(13), timeout=120)
    assert r.status_code == 500
    assert "worker process stopped" in r.json()["detail"]
    assert app.state.queue.pending == 0 and app.state.queue.failed_workers == 1
    assert _get(url, "/api/scenarios").status_code == 200
    assert _get(url, _run(2), timeout=120).json() == {"seed": 2}


def test_case_finding_21_the_cache_holds_documents_bounded_by_their_bytes():
    """Real runs of three states: the server keeps their documents (bytes, never the runs:
    those stay in the workers); with a budget under the three documents, the least recently
    used is evicted and the cache never holds more than the budget."""
    states = ("DE", "RI", "VT")
    probe = TestClient(create_app(max_running=1))
    sizes = {}
    for state in states:
        sizes[state] = len(probe.get(f"/api/run?states={state}&start=2011-01&end=2011-03").content)
    probe.app.state.queue.close()
    assert all(isinstance(v, bytes) for k in probe.app.state.cache.order()
               for v in [probe.app.state.cache.lookup(k)[1]])  # fmt: skip
    budget = sum(sizes.values()) - min(sizes.values()) // 2
    client = TestClient(create_app(max_bytes=budget, max_running=1))
    cache = client.app.state.cache
    try:
        for state in (*states, "DE"):
            assert (
                client.get(f"/api/run?states={state}&start=2011-01&end=2011-03").status_code == 200
            )
            assert cache.bytes <= cache.max_bytes
        assert cache.evictions >= 1 and len(cache) < 3
        assert cache.order()[-1][1][4] == "DE"
    finally:
        client.app.state.queue.close()


def test_case_the_cache_budget_comes_from_scomm_cache_bytes(monkeypatch):
    monkeypatch.setenv("SCOMM_CACHE_BYTES", "256M")
    assert create_app().state.cache.max_bytes == 256 << 20
    monkeypatch.setenv("SCOMM_CACHE_BYTES", "lots")
    with pytest.raises(Exception, match="SCOMM_CACHE_BYTES: 'lots' is not a size"):
        create_app()


def test_case_the_number_of_workers_and_their_run_cache_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SCOMM_WORKERS", "3")
    monkeypatch.setenv("SCOMM_RUN_CACHE_BYTES", "64M")
    monkeypatch.setenv("SCOMM_LARGE_RUNS", "2")
    app = create_app()
    assert app.state.queue.workers == 3 and app.state.queue.run_cache_bytes == 64 << 20
    assert app.state.queue.max_large == 2
    monkeypatch.delenv("SCOMM_WORKERS")
    monkeypatch.delenv("SCOMM_LARGE_RUNS")
    assert create_app().state.queue.max_large == 1
    monkeypatch.setenv("SCOMM_RUN_CACHE_BYTES", "0")
    assert worker_count() == min(2, os.cpu_count() or 1) and run_cache_budget() == 0
    assert workers_from(str(MAX_WORKERS)) == MAX_WORKERS


@pytest.mark.parametrize("bad", ["0", "-1", "33", "two", "1.5", " 2", "٢", "99999999999999999999"])
def test_case_a_bad_number_of_workers_is_refused_naming_the_variable(bad):
    with pytest.raises(Exception, match=rf"^SCOMM_WORKERS: {bad!r} is not a number of worker"):
        workers_from(bad)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SCOMM_WORKERS", "0"), ("SCOMM_RUN_CACHE_BYTES", "1.5G"), ("SCOMM_LARGE_RUNS", "x")],
)
def test_case_scomm_serve_refuses_a_bad_worker_setting_with_one_line_and_exit_2(variable, value):
    env = {**os.environ, variable: value}
    p = subprocess.run(
        [sys.executable, "-m", "scomm", "serve", "--port", "1"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"scomm: error: {variable}: {value!r}")


def test_case_a_cached_page_is_kept_per_language_and_still_sets_the_language_cookie():
    """The cache key holds the reader's language: a Spanish request never gets the English
    page cached before it, and a page from the cache still remembers ?lang= in its cookie."""
    client = TestClient(create_app())
    try:
        en = client.get(PAGE)
        es = client.get(PAGE + "&lang=es")
        assert en.status_code == es.status_code == 200
        assert '<html lang="en"' in en.text and '<html lang="es"' in es.text
        client.cookies.clear()
        again = client.get(PAGE + "&lang=es")
        assert again.content == es.content
        assert again.cookies.get("scomm_lang") == "es"
    finally:
        client.app.state.queue.close()


def test_case_the_national_map_document_is_cached_beside_its_run(tmp_path):
    """/api/outcomes (one national run, 2008-2025) is computed once; the next request is the
    cached document, with no run asked for."""
    log = tmp_path / "started"
    client = TestClient(create_app(max_running=1, worker_setup=(tiny_runs, (str(log),))))
    try:
        first = client.get("/api/outcomes")
        assert first.status_code == 200, first.text
        assert client.get("/api/outcomes").content == first.content
        assert started_seeds(log) == [2008]
        queens = next(c for c in first.json()["counties"] if c["fips"] == "36081")
        assert sum(queens["removals"]) == 3
    finally:
        client.app.state.queue.close()
