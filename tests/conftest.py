"""Shared fixtures: small, fast runs of the real model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import Phase, settings

# `make mutate` runs the tests with this profile (pyproject [tool.mutmut]): a failing property
# is reported at once instead of shrunk, so a killed mutant does not run into the timeout.
settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], deadline=None
)


ROOT = Path(__file__).resolve().parents[1]
SCOMM = [sys.executable, "-m", "scomm"]


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    """Run the real `scomm` command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*SCOMM, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="session")
def cli():
    """The command-line runner."""
    return run_cli
