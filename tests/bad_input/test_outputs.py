"""A bad ``--out`` is refused by every command that writes, before any work: one line
naming the folder, and nothing new anywhere (no temporary folder left beside it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bad_input_helpers import Case, Q


def _files(t: Path) -> None:
    (t / "afile").write_text("keep me")
    os.symlink(t / "afile", t / "link")
    os.symlink(t / "nowhere", t / "dangling")


OUTS = {
    "under a file": ("{t}/afile/sub", "is under"),
    "an existing file": ("{t}/afile", "is a file, not a folder"),
    "a link to a file": ("{t}/link", "is a file, not a folder"),
    "a dangling link": ("{t}/dangling", "is not a folder"),
    "empty": ("", "is empty"),
    "blank": ("  ", "is empty"),
    "a 300-character name": ("{t}/" + "a" * 300, "has a name of 300 bytes"),
    "a path over 4096 bytes": ("{t}/" + ("b" * 200 + "/") * 25, "bytes long"),
    "under /proc": ("/proc/scomm-no-such/out", "cannot create"),
    "under /dev/null": ("/dev/null/out", "is under /dev/null"),
    "a control character": ("{t}/o\x01ut", "control character"),
    "a trailing space": ("{t}/out ", "stray whitespace"),
}
COMMANDS = {
    "run": ["run", *Q],
    "compare": ["compare", "baseline", "no-scomm", *Q],
    "brief": ["brief", "--state", "RI", "--start", "2011-01", "--end", "2011-02"],
    "sweep": ["sweep", "--scenarios", "baseline", "--replicates", "2", *Q],
    "records load": ["records", "load", "{csv}"],
    "records summarize": ["records", "summarize", "{loaded}"],
    "records compare": ["records", "compare", "{loaded}"],
    "study crime": ["study", "crime", "--replicates", "0"],
    "study panel": ["study", "panel", "{panel}", "--outcome", "outcome"],
}
CASES = [
    Case(
        f"{command} --out {label}",
        [*argv, "--out", out],
        f"--out: {culprit}" if culprit.startswith("cannot") else culprit,
        setup=_files,
    )
    for command, argv in COMMANDS.items()
    for label, (out, culprit) in OUTS.items()
]


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_bad_out_is_refused_before_any_work(runner, case):
    line = runner.refused(case)
    assert line.startswith("scomm: error: --out:")
    assert (runner.tmp / "afile").read_text() == "keep me"
