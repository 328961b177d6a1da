"""A user's parameter tree (SCOMM_PARAMETERS) with one thing wrong: refused before any
simulation, naming the file and field, never a KeyError half-way through a run."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bad_input_helpers import Case, Q, copy_parameters

TARGET = "detainer/probability.yaml"  # a probability by level1..level3, noncriminal
SINGLE = "detainer/outside_priorities_factor.yaml"  # a multiplier


def _edit(rel: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    """A setup: copy the packaged tree into ``tree/`` and change one file's document."""

    def setup(t: Path) -> None:
        tree = copy_parameters(t / "tree")
        path = tree / rel
        doc = yaml.safe_load(path.read_text())
        change(doc)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))

    return setup


def _raw(rel: str, content: str | bytes) -> Callable[[Path], None]:
    """A setup: copy the tree and replace one file's bytes."""

    def setup(t: Path) -> None:
        path = copy_parameters(t / "tree") / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)

    return setup


def _first(doc: dict) -> dict:
    return doc["values"][min(doc["values"])]


def _all_values(doc: dict, value: object) -> None:
    for entry in doc["values"].values():
        entry["value"] = value


def _rekey(doc: dict) -> None:
    first = _first(doc)
    first["value"] = {("levl1" if k == "level1" else k): v for k, v in first["value"].items()}


def _rekey_one_date(doc: dict) -> None:
    when = sorted(doc["values"])[1]
    entry = doc["values"][when]
    entry["value"] = {("levl1" if k == "level1" else k): v for k, v in entry["value"].items()}


def _later(doc: dict) -> None:
    doc["values"] = {d.replace(year=2012): e for d, e in doc["values"].items() if d.year >= 2005}


def _remove(rel: str) -> Callable[[Path], None]:
    def setup(t: Path) -> None:
        (copy_parameters(t / "tree") / rel).unlink()

    return setup


def _empty(t: Path) -> None:
    (t / "tree").mkdir()


def _file(t: Path) -> None:
    (t / "tree").write_text("not a folder")


def _loop(t: Path) -> None:
    tree = copy_parameters(t / "tree")
    os.symlink(tree, tree / "again")


EDITS = {
    "a nan value": (_edit(SINGLE, lambda d: _all_values(d, float("nan"))), "finite"),
    "an infinite value": (_edit(SINGLE, lambda d: _all_values(d, float("inf"))), "finite"),
    "a negative value": (_edit(SINGLE, lambda d: _all_values(d, -1.0)), "must not be negative"),
    "a string value": (_edit(SINGLE, lambda d: _all_values(d, "high")), "valid number"),
    "true for a number": (_edit(SINGLE, lambda d: _all_values(d, True)), "is a number"),
    "a list value": (_edit(SINGLE, lambda d: _all_values(d, [1, 2])), "value"),
    "a probability above 1": (
        _edit(TARGET, lambda d: _first(d)["value"].update(level1=1.5)),
        "must lie in [0, 1]",
    ),
    "a misspelt key in the first value": (_edit(TARGET, _rekey), "keys"),
    "a misspelt key in one later value": (_edit(TARGET, _rekey_one_date), "differ from"),
    "a mapping where one value is expected": (
        _edit(SINGLE, lambda d: _all_values(d, {"a": 1.0})),
        "breakdown",
    ),
    "another unit": (
        _edit(SINGLE, lambda d: d.update(unit="days")),
        "the model reads a multiplier",
    ),
    "an unknown unit": (_edit(SINGLE, lambda d: d.update(unit="furlongs")), "unit"),
    "a first value dated after the packaged one": (_edit(SINGLE, _later), "the first value"),
    "no citation": (_edit(SINGLE, lambda d: _first(d).pop("citation")), "citation"),
    "a citation url that is no address": (
        _edit(SINGLE, lambda d: _first(d)["citation"].update(url="example.org")),
        "url",
    ),
    "no values": (_edit(SINGLE, lambda d: d.update(values={})), "at least one dated value"),
    "a key that is not a date": (
        _edit(SINGLE, lambda d: d.update(values={"soon": _first(d)})),
        "is not a date",
    ),
    "an unknown field": (_edit(SINGLE, lambda d: d.update(color="red")), "color"),
    "a missing file": (_remove(TARGET), "lacks parameter files the model reads"),
    "an impossible date": (
        _raw(
            SINGLE,
            "description: A bad date here, unquoted.\nunit: multiplier\nvalues:\n"
            "  2010-13-01: {value: 1.0}\n",
        ),
        "'2010-13-01' is not a date",
    ),
    "latin-1 text": (_raw(SINGLE, "description: caf\xe9 au lait\n".encode("latin-1")), "UTF-8"),
    "binary bytes": (_raw(SINGLE, bytes(range(256))), "UTF-8"),
    "a YAML syntax error": (_raw(SINGLE, "description: [unclosed\n"), "not valid YAML"),
    "a top-level list": (_raw(SINGLE, "- 1\n- 2\n"), "expected a mapping"),
    "an empty file": (_raw(SINGLE, ""), "expected a mapping"),
    "100 KB of brackets": (_raw(SINGLE, "[" * 100_000), "nested deeper"),
    "a key given twice": (
        _raw(SINGLE, "description: twice given\nunit: multiplier\nunit: ratio\nvalues: {}\n"),
        "is given twice",
    ),
    "over 1 MiB": (_raw(SINGLE, "# " + "x" * (1 << 20)), "larger than"),
    "an empty folder": (_empty, "lacks parameter files the model reads"),
    "a file, not a folder": (_file, "is not a folder of parameter files"),
    "a folder linked into itself": (_loop, "nested more than 16 deep"),
}
CASES = [
    Case(
        label,
        ["run", *Q, "--out", "{t}/out"],
        culprit,
        setup=setup,
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    )
    for label, (setup, culprit) in EDITS.items()
]
CASES += [
    Case(
        "a missing folder",
        ["run", *Q],
        "nowhere' is not a folder of parameter files",
        env={"SCOMM_PARAMETERS": "{t}/nowhere"},
    ),
    Case(
        "params on a bad tree",
        ["params", "--state", "NY"],
        "finite",
        setup=EDITS["a nan value"][0],
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    ),
    Case(
        "compare on a tree missing a file",
        ["compare", "baseline", "no-scomm", *Q],
        "lacks parameter files",
        setup=_remove(SINGLE),
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    ),
]


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_bad_parameter_tree_is_refused_before_any_run(runner, case):
    runner.refused(case)
