"""Playwright driving Debian's Chromium against a server started on a free loopback port.

Every request URL the browser makes and every console message is recorded so that tests
can assert nothing left 127.0.0.1 and nothing logged an error."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from browser_helpers import SCREENSHOTS

from scomm.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@dataclass
class Recorder:
    """Request URLs, console errors and page errors seen by the browser."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.requests.clear()
        self.errors.clear()


@pytest.fixture(scope="session")
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="scomm-chromium-")
    rec = Recorder()
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("request", lambda r: rec.requests.append(r.url))
        page.on("console", lambda m: rec.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.errors.append(str(e)))
        yield page, rec
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot():
    """Take a full-page screenshot for review under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def english_by_default(request):
    """Each browser test starts in English: a Spanish page sets the language cookie."""
    yield
    if "browser_page" in request.fixturenames:
        page, _ = request.getfixturevalue("browser_page")
        page.context.clear_cookies()
