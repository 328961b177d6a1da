"""A representative subset of the bad-input cases through a real `python -m scomm` process,
and the permission cases (a read-only output folder, unreadable inputs), which need a
process without root's override capabilities: as root they run under util-linux setpriv
with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped, as any other user as they are."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import test_bad_scenario_files
import test_flags
import test_loaded_folders
import test_outputs
import test_parameter_trees
import test_records_files
from bad_input_helpers import NO_OVERRIDE, Case, Q, can_drop_override, copy_parameters, seattle_head

TABLES = {
    test_flags: [
        "run --states lone comma",
        "run --start arabic-indic",
        "run --start newline",
        "run --replicates a hundred billion",
        "params --date before the history",
        "sweep --replicates 2 --scenarios twice",
    ],
    test_outputs: [
        "run --out under a file",
        "compare --out a 300-character name",
        "records load --out under /proc",
        "brief --out empty",
    ],
    test_bad_scenario_files: [
        "value nan",
        "an impossible date",
        "a base cycle of two files",
        "100 KB of brackets",
        "latin-1 text",
    ],
    test_parameter_trees: [
        "a missing file",
        "a misspelt key in one later value",
        "an empty folder",
    ],
    test_records_files: [
        "load: a carriage return inside the header",
        "load: a row cut right after a delimiter",
        "validate: a header over 64 KiB",
    ],
    test_loaded_folders: ["summarize: a manifest {'inputs': []}", "compare: a truncated table"],
}
SUBSET = [next(c for c in module.CASES if c.id == i) for module, ids in TABLES.items() for i in ids]


@pytest.mark.parametrize("case", [c.param() for c in SUBSET])
def test_a_real_process_refuses_like_the_in_process_run(runner, shared, case):
    if case in test_loaded_folders.CASES:
        case = test_loaded_folders.on_a_copy(case, shared)
    line = runner.refused(case, subprocess_=True)
    assert "Traceback" not in line


ALLOWED, WHY = can_drop_override()
PREFIX = NO_OVERRIDE if os.geteuid() == 0 else []


def _read_only(t: Path) -> None:
    (t / "ro").mkdir()
    (t / "ro" / "kept.txt").write_text("kept")
    (t / "ro").chmod(0o555)


def _unreadable(name: str, content: str = "name: x\n") -> Callable[[Path], None]:
    def setup(t: Path) -> None:
        path = t / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        path.chmod(0o000)

    return setup


def _tree_with(change) -> Callable[[Path], None]:
    def setup(t: Path) -> None:
        change(copy_parameters(t / "tree"))

    return setup


def _loaded_with(shared_loaded: str, name: str) -> Callable[[Path], None]:
    def setup(t: Path) -> None:
        shutil.copytree(shared_loaded, t / "loaded")
        (t / "loaded" / name).chmod(0o000)

    return setup


PERMISSION = [
    Case(
        "run into a read-only folder",
        ["run", *Q, "--out", "{t}/ro"],
        "cannot write in",
        setup=_read_only,
    ),
    Case(
        "compare into a read-only folder",
        ["compare", "baseline", "no-scomm", *Q, "--out", "{t}/ro"],
        "cannot write in",
        setup=_read_only,
    ),
    Case(
        "run under a read-only folder",
        ["run", *Q, "--out", "{t}/ro/new"],
        "permission denied",
        setup=_read_only,
    ),
    Case(
        "brief under a read-only folder",
        ["brief", "--state", "RI", "--out", "{t}/ro/new"],
        "permission denied",
        setup=_read_only,
    ),
    Case(
        "sweep under a read-only folder",
        ["sweep", "--scenarios", "baseline", "--replicates", "2", *Q, "--out", "{t}/ro/a/b"],
        "permission denied",
        setup=_read_only,
    ),
    Case(
        "records load under a read-only folder",
        ["records", "load", "{csv}", "--out", "{t}/ro/new"],
        "permission denied",
        setup=_read_only,
    ),
    Case(
        "records summarize into a read-only folder",
        ["records", "summarize", "{loaded}", "--out", "{t}/ro"],
        "cannot write in",
        setup=_read_only,
    ),
    Case(
        "records compare under a read-only folder",
        ["records", "compare", "{loaded}", "--out", "{t}/ro/new"],
        "permission denied",
        setup=_read_only,
    ),
    Case(
        "study panel into a read-only folder",
        ["study", "panel", "{panel}", "--outcome", "outcome", "--out", "{t}/ro"],
        "cannot write in",
        setup=_read_only,
    ),
    Case(
        "an unreadable scenario file",
        ["run", *Q, "--scenario", "{t}/s.yaml"],
        "s.yaml: cannot be read: permission denied",
        setup=_unreadable("s.yaml"),
    ),
    Case(
        "an unreadable parameter file",
        ["run", *Q],
        "cannot be read: permission denied",
        setup=_tree_with(lambda tree: (tree / "detainer" / "probability.yaml").chmod(0)),
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    ),
    Case(
        "an unreadable parameter folder",
        ["run", *Q],
        "cannot list the folder",
        setup=_tree_with(lambda tree: (tree / "detainer").chmod(0)),
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    ),
    Case(
        "an unreadable records file",
        ["records", "validate", "{t}/a.csv"],
        "a.csv: cannot be read: permission denied",
        setup=_unreadable("a.csv", seattle_head(5)),
    ),
]


@pytest.mark.skipif(not ALLOWED, reason=WHY or "permission cases unavailable")
@pytest.mark.parametrize("case", [c.param() for c in PERMISSION])
def test_a_permission_problem_is_one_line_and_leaves_nothing(runner, case):
    line = runner.refused(case, subprocess_=True, prefix=PREFIX)
    assert "Traceback" not in line
    ro = runner.tmp / "ro"
    if ro.exists():
        assert sorted(p.name for p in ro.iterdir()) == ["kept.txt"]


@pytest.mark.skipif(not ALLOWED, reason=WHY or "permission cases unavailable")
@pytest.mark.parametrize("name", ["manifest.json", "arrests.parquet"])
def test_an_unreadable_file_in_a_loaded_folder_is_refused(runner, shared, name):
    case = Case(
        f"unreadable {name}",
        ["records", "summarize", "{t}/loaded"],
        f"{name}",
        setup=_loaded_with(shared["loaded"], name),
    )
    line = runner.refused(case, subprocess_=True, prefix=PREFIX)
    assert "permission denied" in line.lower() or "cannot be read" in line
