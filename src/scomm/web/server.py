"""`scomm serve`: the dashboard on uvicorn, bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import uvicorn

from scomm.web.app import create_app

#: Seconds an idle keep-alive connection stays open. uvicorn's default (5 s) closes it while a
#: busy client is about to reuse it, and the client's next request fails (ReadError).
KEEP_ALIVE = 75


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the dashboard until interrupted."""
    uvicorn.run(create_app(), host=host, port=port, log_level="info", timeout_keep_alive=KEEP_ALIVE)
