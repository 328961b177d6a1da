"""How scomm writes its outputs: atomically (to a temporary path, moved into place only when
complete), and every JSON document through one serialisation (``json_text``)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pydantic_core

from scomm.errors import UserError


@contextlib.contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``final``; on success, move its files into ``final``.

    A failure removes the temporary directory, so ``final`` gains no new files.
    """
    final = Path(final)
    if final.exists() and not final.is_dir():
        raise UserError(f"--out: {str(final)!r} is a file, not a folder")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final.mkdir(parents=True, exist_ok=True)
    for item in sorted(tmp.rglob("*")):
        if item.is_file():
            target = final / item.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(item, target)
    shutil.rmtree(tmp, ignore_errors=True)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def json_text(doc: object, *, compact: bool = False) -> str:
    """The one JSON serialisation of scomm's documents.

    Default (``--json`` on stdout and every ``.json`` file): two-space indent, keys in the
    order the document was built, non-ASCII characters escaped, one trailing newline, so the
    same inputs give the same bytes. ``compact`` (the web API's bodies, as FastAPI has always
    written them): no whitespace, UTF-8 characters as they are, floats in pydantic's notation
    (``0.00001``), and a non-finite number as ``null``.
    """
    if compact:
        return pydantic_core.to_json(doc, inf_nan_mode="null").decode("utf-8")
    return json.dumps(doc, indent=2) + "\n"


def json_bytes(doc: object) -> bytes:
    """``json_text(doc)`` as bytes (ASCII, so any encoding reads it)."""
    return json_text(doc).encode()


def write_json(path: Path, doc: object) -> None:
    """Write ``doc`` to ``path`` (a file inside a folder that ``atomic_dir`` is building)."""
    Path(path).write_bytes(json_bytes(doc))


def print_json(doc: object) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json_text(doc))
