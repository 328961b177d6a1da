"""Helpers for the records tests: repo copies of the raw files and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data" / "raw"
SEATTLE_ARRESTS = RAW / "uwchr_ice_enforce" / "seattle_aor_arrests_with_state.csv.gz"
SEATTLE_BOOKINS = RAW / "uwchr_ice_enforce" / "seattle_aor_bookins_with_state.csv.gz"
GRANT = RAW / "uwchr_ice_enforce" / "grant_county_detainers.csv"
PIERCE = RAW / "uwchr_pierce_detainers" / "allholds.csv.gz"
PIERCE_PUBLISHED = RAW / "uwchr_pierce_detainers" / "felony_misdemeanor.csv"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run ``scomm ARGS`` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from scomm.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )
