"""docs/library.md is a worked example that runs: every ```python block, in order, in one
namespace (asserts included), as a researcher would paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"

pytestmark = [pytest.mark.cluster, pytest.mark.slow]


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_library_page_has_worked_examples():
    assert len(blocks()) >= 6


def test_every_example_of_docs_library_md_runs(capsys):
    namespace: dict = {}
    for i, code in enumerate(blocks()):
        exec(compile(code, f"docs/library.md block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "removals" in out and "unknown parameter 'detainer.probabilty'" in out
