"""Fixtures of the bad-input suite (helpers in bad_input_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_helpers import Runner, seattle_head


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A small valid records file, the folder it loads into, and a small valid panel."""
    from scomm.records import load

    root = tmp_path_factory.mktemp("bad_input_shared")
    csv = root / "arrests.csv"
    csv.write_text(seattle_head(), encoding="utf-8")
    loaded = root / "loaded"
    load([csv], loaded)
    panel = root / "panel.csv"
    panel.write_text(
        "county_fips,year,outcome\n04013,2008,1.0\n04019,2008,2.0\n04013,2009,1.5\n",
        encoding="utf-8",
    )
    return {"csv": str(csv), "loaded": str(loaded), "panel": str(panel)}


@pytest.fixture
def runner(tmp_path: Path, shared: dict[str, str], monkeypatch) -> Runner:
    work = tmp_path / "work"
    work.mkdir()
    return Runner(work, shared, monkeypatch)
