"""A real uvicorn server on a free loopback port, for tests that need raw HTTP (a module of
its own name, so ``from web_helpers import start_server`` works whichever ``conftest`` the
test run imported first)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import uvicorn

from scomm.web import work


def start_server(app) -> tuple[str, uvicorn.Server, threading.Thread]:
    """Serve ``app`` on 127.0.0.1 with an OS-chosen port; return its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


# Worker set-ups (``create_app(worker_setup=(fn, args))``): each runs in a worker process when
# it starts and puts a stand-in in place of the simulation there. They are module-level
# functions of this module so a spawned worker can import them by name.


def started_seeds(log: Path) -> list[int]:
    """The seeds the stand-ins started, in order (one line each in ``log``)."""
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def _log(log: str, seed: int) -> None:
    with open(log, "a") as f:
        f.write(f"{seed}\n")


def gated_runs(gate: str, log: str) -> None:
    """Simulations that wait until the file ``gate`` exists, then return a tiny stand-in
    whose summary names the seed, the process that computed it and its niceness."""

    def slow_run(scenario, start, end, states, seed, **kwargs):
        _log(log, seed)
        deadline = time.monotonic() + 120
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.02)
        return SimpleNamespace(summary={"seed": seed, "pid": os.getpid(), "nice": os.nice(0)})

    work.run = slow_run


def tiny_runs(log: str) -> None:
    """Simulations that return three removals in Queens in May 2012 (logged by start)."""

    def tiny_run(scenario, start, end, states, seed, **kwargs):
        _log(log, int(start[:4]))
        flows = pl.DataFrame(
            {"county_fips": ["36081"], "stage": ["removals"], "month": ["2012-05"], "count": [3]}
        )
        return SimpleNamespace(flows=flows, scenario=SimpleNamespace(name=scenario), summary={})

    work.run = tiny_run


def crashing_runs(fatal_seed: int) -> None:
    """Simulations whose worker process dies (as if killed) for ``fatal_seed``."""

    def crash(scenario, start, end, states, seed, **kwargs):
        if seed == fatal_seed:
            os._exit(3)
        return SimpleNamespace(summary={"seed": seed})

    work.run = crash
