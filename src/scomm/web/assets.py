"""Static files served from memory: the dashboard's CSS and JavaScript and the vendored
libraries and geometry, read once when the server starts (1.7 MB in all), each kept as it is
and, where that is smaller, gzip-compressed, with a strong ETag per form. A request is
answered from those bytes on the event loop, without touching the disk or a thread (serving
them from disk took nine thread hops for vega.min.js and was the slowest request under load,
docs/performance.md). Only the files found at start-up can be named, so no path climbs out
of its folder."""

from __future__ import annotations

import gzip
import hashlib
import math
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

#: Static files may be reused for an hour, then revalidated with their ETag (304 when unchanged).
STATIC_CACHE = "public, max-age=3600"
#: Media types worth compressing (text; binary formats here are already compressed or absent).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    """One file: its bytes, its gzip form (None when that would not be smaller), its media
    type and the ETag of each form."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str

    @property
    def gzip_etag(self) -> str:
        """The gzip form's ETag: a different representation, so a different tag."""
        return self.etag[:-1] + '-gzip"'


def media_type(path: Path) -> str:
    """The file's media type by its suffix (``application/octet-stream`` when unknown)."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return kind + "; charset=utf-8" if kind.startswith("text/") else kind


def asset(path: Path) -> Asset:
    """A file read into memory, compressed where that makes it smaller."""
    body = path.read_bytes()
    kind = media_type(path)
    packed = gzip.compress(body, compresslevel=9, mtime=0) if kind.startswith(COMPRESSIBLE) else b""
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Asset(body, packed if packed and len(packed) < len(body) else None, kind, tag)


def load_assets(folder: Path) -> dict[str, Asset]:
    """Every file under ``folder`` by its path relative to it (``js/vega.min.js``)."""
    return {
        p.relative_to(folder).as_posix(): asset(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip: ``gzip`` at a q above 0, else ``*``."""
    quality: dict[str, float] = {}
    for part in header.lower().split(","):
        name, _, params = part.partition(";")
        quality.setdefault(name.strip(), _quality(params))
    return quality.get("gzip", quality.get("*", 0.0)) > 0


def _quality(params: str) -> float:
    """The q of one Accept-Encoding entry's parameters (1 when absent, 0 when unreadable)."""
    text = params.strip()
    if not text.startswith("q="):
        return 1.0
    try:
        q = float(text[2:])
    except ValueError:
        return 0.0
    return q if math.isfinite(q) else 0.0


def matches(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET)."""
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


class Assets:
    """The files of one folder; ``respond`` is the endpoint of its route
    (``/static/{name:path}``)."""

    def __init__(self, folder: Path) -> None:
        self.files = load_assets(folder)

    async def respond(self, request: Request) -> Response:
        """The file (gzip-compressed when the client takes it), 304 when the client's copy is
        current, 404 when no such file was there at start-up."""
        found = self.files.get(request.path_params["name"])
        if found is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        packed = found.gzipped is not None and accepts_gzip(
            request.headers.get("accept-encoding", "")
        )
        etag = found.gzip_etag if packed else found.etag
        headers = {"ETag": etag, "Cache-Control": STATIC_CACHE, "Vary": "Accept-Encoding"}
        if matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        if packed:
            headers["Content-Encoding"] = "gzip"
        body = found.gzipped if packed else found.body
        return Response(body, media_type=found.media_type, headers=headers)
