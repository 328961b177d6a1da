"""A real uvicorn server shared by the tests that need raw HTTP (helpers in web_helpers.py)."""

from __future__ import annotations

import pytest
from web_helpers import start_server

from scomm.web.app import create_app


@pytest.fixture(scope="session")
def live_server():
    url, server, thread = start_server(create_app())
    yield url
    server.should_exit = True
    thread.join(timeout=10)
