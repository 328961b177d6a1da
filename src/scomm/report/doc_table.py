"""Generated tables inside hand-written docs: the block between two marker comments is
replaced by a freshly rendered table (docs/model.md's stage table, docs/laws.md's law table)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def between_markers(text: str, begin: str, end: str, table: str, what: str) -> str:
    """``text`` with the block between ``begin`` and ``end`` replaced by ``table``."""
    head, sep, rest = text.partition(begin)
    _, sep2, tail = rest.partition(end)
    if not (sep and sep2):
        raise ValueError(f"the {what} markers are missing")
    return f"{head}{begin}\n{table}\n{end}{tail}"


def rewrite_in_place(with_table: Callable[[str], str]) -> None:
    """The modules' command line: rewrite the doc named by the first argument."""
    path = Path(sys.argv[1])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
