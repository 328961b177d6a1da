"""`scomm serve` itself: the command starts the dashboard on loopback and answers the API
with the CLI's numbers."""

from __future__ import annotations

import inspect
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scomm", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/scenarios", timeout=5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"scomm serve did not start: {proc.stderr.read()}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_case_scomm_serve_answers_api_run_with_the_totals_of_scomm_run(served, cli):
    """Case (issue 6): /api/run?states=NY&start=2011-01&end=2011-12 has the same totals as
    `scomm run --states NY --start 2011-01 --end 2011-12 --json`."""
    with urllib.request.urlopen(
        f"{served}/api/run?states=NY&start=2011-01&end=2011-12", timeout=120
    ) as r:
        served_doc = json.load(r)
    done = cli("run", "--states", "NY", "--start", "2011-01", "--end", "2011-12", "--json")
    assert done.returncode == 0, done.stderr
    assert served_doc["totals"] == json.loads(done.stdout)["totals"]


def test_case_scomm_serve_binds_loopback_by_default():
    """Case: without --host the dashboard listens on 127.0.0.1 only."""
    from scomm.cli import serve as serve_command
    from scomm.web.server import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(serve_command).parameters["host"].default == "127.0.0.1"
