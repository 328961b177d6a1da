"""A real uvicorn server on a free loopback port, for tests that need raw HTTP (a module of
its own name, so ``from web_helpers import start_server`` works whichever ``conftest`` the
test run imported first)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


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
