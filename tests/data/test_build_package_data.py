"""The packaged data rebuild byte for byte from the raw copies in data/raw/ (no shared folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "data" / "build" / "build_package_data.py"
PACKAGED = REPO / "src" / "scomm" / "data"


@pytest.mark.skipif(not SCRIPT.exists(), reason="needs a source checkout with data/")
def test_rebuild_from_repo_copies_matches_package(tmp_path: Path):
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(
        p.name for p in PACKAGED.iterdir() if p.is_file() and p.name != "__init__.py"
    )
    for name in built:
        assert (tmp_path / name).read_bytes() == (PACKAGED / name).read_bytes(), name
