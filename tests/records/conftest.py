"""Shared fixtures for the records tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from records_helpers import GRANT, PIERCE, SEATTLE_ARRESTS, SEATTLE_BOOKINS

from scomm.records import load


@pytest.fixture(scope="session")
def seattle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Seattle-AOR arrests, loaded once."""
    out = tmp_path_factory.mktemp("seattle") / "loaded"
    load([SEATTLE_ARRESTS], out)
    return out


@pytest.fixture(scope="session")
def uwchr_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All four UWCHR record files, loaded once."""
    out = tmp_path_factory.mktemp("uwchr") / "loaded"
    load([SEATTLE_ARRESTS, SEATTLE_BOOKINS, PIERCE, GRANT], out)
    return out
