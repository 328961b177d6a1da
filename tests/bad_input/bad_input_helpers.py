"""The bad-input suite's helpers: run the real command line in process (``scomm.cli.main``
with captured stdio) or in a subprocess, and check a refusal the one way the contract asks:
exit 2, nothing on stdout, exactly one stderr line ``scomm: error: ...`` naming the culprit,
and no new file anywhere under the folder the case works in (the output's parent).

A case's arguments may name ``{t}`` (the case's own folder, also its working directory),
``{loaded}`` (a records folder loaded once), ``{csv}`` (a small valid records file) and
``{panel}`` (a small valid county panel), filled in when it runs.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEATTLE = REPO / "data" / "raw" / "uwchr_ice_enforce" / "seattle_aor_arrests_with_state.csv.gz"
PARAMETERS = REPO / "src" / "scomm" / "parameters"
Q = ["--states", "RI", "--start", "2011-01", "--end", "2011-02"]
#: Drop the two capabilities that let root ignore file permissions (util-linux setpriv).
NO_OVERRIDE = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, the text its one error line must contain, files to
    write first (name → text or bytes, or a callable given the case's folder), and extra
    environment variables."""

    id: str
    argv: list[str]
    culprit: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    report: bool = False  # `records validate` prints its full report on stdout, then stops

    def param(self) -> object:
        return pytest.param(self, id=self.id)


@dataclass(frozen=True)
class Outcome:
    code: int | None
    out: str
    err: str


def snapshot(root: Path) -> set[str]:
    """Every path below ``root`` (hidden ones included)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def seattle_head(rows: int = 60) -> str:
    """The Seattle-AOR arrests file's header and first ``rows`` records."""
    with gzip.open(SEATTLE, "rt", encoding="utf-8", newline="") as fh:
        return "".join(next(fh) for _ in range(rows + 1))


def main_in_process(argv: list[str]) -> Outcome:
    """``scomm ARGV`` through ``scomm.cli.main`` with stdout and stderr captured."""
    from scomm.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["scomm", *argv]
    code: int | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = saved
    return Outcome(code, out.getvalue(), err.getvalue())


def main_subprocess(argv: list[str], cwd: Path, env: dict[str, str], prefix=()) -> Outcome:
    """``scomm ARGV`` in a fresh interpreter (optionally under ``prefix``, e.g. setpriv)."""
    res = subprocess.run(
        [*prefix, sys.executable, "-m", "scomm", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env},
        timeout=600,
        check=False,
    )
    return Outcome(res.returncode, res.stdout, res.stderr)


def assert_refused(got: Outcome, culprit: str, report: bool = False) -> str:
    """Exit 2, no stdout (unless ``report``), one ``scomm: error:`` line containing
    ``culprit``; the line."""
    lines = got.err.splitlines()
    assert got.code == 2, f"exit {got.code}: {got.err[-2000:]}"
    assert len(lines) == 1, f"{len(lines)} stderr lines: {got.err[-2000:]}"
    assert lines[0].startswith("scomm: error: "), lines[0]
    assert culprit in lines[0], f"{culprit!r} not in {lines[0]!r}"
    assert report or got.out == "", got.out[:500]
    return lines[0]


class Runner:
    """Runs cases in a fresh folder each, in process or as a subprocess."""

    def __init__(self, tmp: Path, shared: dict[str, str], monkeypatch) -> None:
        self.tmp, self.shared, self.mp = tmp, shared, monkeypatch

    def fill(self, text: str) -> str:
        for name, value in {"t": str(self.tmp), **self.shared}.items():
            text = text.replace("{" + name + "}", value)
        return text

    def prepare(self, case: Case) -> list[str]:
        for name, content in case.files.items():
            path = self.tmp / self.fill(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if case.setup is not None:
            case.setup(self.tmp)
        return [self.fill(a) for a in case.argv]

    def refused(self, case: Case, *, subprocess_: bool = False, prefix=()) -> str:
        """Run the case; assert the refusal and that its folder gained nothing."""
        argv = self.prepare(case)
        env = {k: self.fill(v) for k, v in case.env.items()}
        before = snapshot(self.tmp)
        if subprocess_:
            got = main_subprocess(argv, self.tmp, env, prefix)
        else:
            self.mp.chdir(self.tmp)
            for k, v in env.items():
                self.mp.setenv(k, v)
            got = main_in_process(argv)
        line = assert_refused(got, case.culprit, case.report)
        assert snapshot(self.tmp) == before, f"new files: {snapshot(self.tmp) - before}"
        return line


def copy_parameters(dest: Path) -> Path:
    """A user's copy of the packaged parameter tree."""
    shutil.copytree(PARAMETERS, dest)
    return dest


def can_drop_override() -> tuple[bool, str]:
    """Whether permission cases can run: as a normal user always; as root only under
    setpriv without the override capabilities (util-linux)."""
    if os.geteuid() != 0:
        return True, ""
    if shutil.which("setpriv") is None:
        return False, "running as root and setpriv (util-linux) is not installed"
    probe = subprocess.run([*NO_OVERRIDE, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        return False, f"setpriv cannot drop capabilities here: {probe.stderr.decode()[:200]}"
    return True, ""
