"""A damaged loaded records folder (bad manifest, bad or foreign Parquet, missing table) is
refused cleanly by `records summarize` and `records compare`, before the model runs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from bad_input_helpers import Case

from scomm.records.schema import SCHEMA


def _copy(shared_loaded: str, change: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(t: Path) -> None:
        folder = t / "loaded"
        shutil.copytree(shared_loaded, folder)
        change(folder)

    return setup


def _manifest(doc: object) -> Callable[[Path], None]:
    return lambda f: (f / "manifest.json").write_text(json.dumps(doc))


def _edit_manifest(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(f: Path) -> None:
        doc = json.loads((f / "manifest.json").read_text())
        change(doc)
        (f / "manifest.json").write_text(json.dumps(doc))

    return edit


def _cut(n: int) -> Callable[[Path], None]:
    def edit(f: Path) -> None:
        p = f / "arrests.parquet"
        p.write_bytes(p.read_bytes()[:n])

    return edit


def _corrupt_middle(f: Path) -> None:
    p = f / "arrests.parquet"
    data = bytearray(p.read_bytes())
    for i in range(200, min(len(data) - 200, 4000)):
        data[i] = 0xFF
    p.write_bytes(bytes(data))


def _other_columns(f: Path) -> None:
    pl.DataFrame({"x": [1, 2]}).write_parquet(f / "arrests.parquet")


def _wrong_types(f: Path) -> None:
    frame = pl.read_parquet(f / "arrests.parquet")
    frame.with_columns(pl.col("event_date").cast(pl.String)).write_parquet(f / "arrests.parquet")


def _missing_column(f: Path) -> None:
    frame = pl.read_parquet(f / "arrests.parquet")
    frame.drop("state").write_parquet(f / "arrests.parquet")


FOLDERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a manifest {'inputs': []}": (_manifest({"inputs": []}), "tables"),
    "a manifest [1, 2, 3]": (_manifest([1, 2, 3]), "manifest.json"),
    "a manifest that is a number": (_manifest(7), "manifest.json"),
    "a manifest of empty inputs": (_manifest({"inputs": [{}], "tables": {}}), "inputs.0"),
    "a manifest with tables as a list": (_manifest({"inputs": [], "tables": []}), "tables"),
    "a manifest naming an unknown table": (
        _edit_manifest(
            lambda d: d["tables"].update(
                cells={"file": "cells.parquet", "rows": 1, "dup_flagged": 0}
            )
        ),
        "'cells' is not a canonical table",
    ),
    "a manifest naming a file outside the folder": (
        _edit_manifest(lambda d: d["tables"]["arrests"].update(file="../../etc/passwd")),
        "expected arrests.parquet",
    ),
    "a manifest with negative rows": (
        _edit_manifest(lambda d: d["tables"]["arrests"].update(rows=-1)),
        "rows",
    ),
    "a manifest that is not JSON": (
        lambda f: (f / "manifest.json").write_text("{"),
        "not valid JSON",
    ),
    "a latin-1 manifest": (
        lambda f: (f / "manifest.json").write_bytes('{"a": "caf\xe9"}'.encode("latin-1")),
        "not UTF-8",
    ),
    "a deeply nested manifest": (
        lambda f: (f / "manifest.json").write_text("[" * 100_000 + "]" * 100_000),
        "manifest.json",
    ),
    "a manifest that is a folder": (
        lambda f: ((f / "manifest.json").unlink(), (f / "manifest.json").mkdir()),
        "not a records folder",
    ),
    "no manifest": (lambda f: (f / "manifest.json").unlink(), "not a records folder"),
    "a missing table file": (lambda f: (f / "arrests.parquet").unlink(), "listed in manifest.json"),
    "a truncated table": (_cut(300), "truncated or corrupt"),
    "a table cut to its magic bytes": (_cut(4), "truncated or corrupt"),
    "an empty table file": (_cut(0), "truncated or corrupt"),
    "a damaged page inside a table": (_corrupt_middle, "arrests.parquet"),
    "a table of other columns": (_other_columns, "not a canonical records table"),
    "a table with a column of the wrong type": (_wrong_types, "event_date"),
    "a table missing a column": (_missing_column, "state"),
}


def _cases() -> list[Case]:
    cases = []
    for command in ("summarize", "compare"):
        argv = ["records", command, "{t}/loaded", "--out", "{t}/out"]
        cases += [
            Case(f"{command}: {label}", argv, culprit, setup=change)
            for label, (change, culprit) in FOLDERS.items()
        ]
        cases += [
            Case(f"{command}: a missing folder", argv, "not a records folder"),
            Case(
                f"{command}: a file, not a folder",
                argv,
                "not a records folder",
                files={"loaded": "x"},
            ),
            Case(
                f"{command}: an empty folder argument",
                ["records", command, ""],
                "FOLDER: the value is empty",
            ),
        ]
    return cases


CASES = _cases()


def on_a_copy(case: Case, shared: dict[str, str]) -> Case:
    """The case with its damage done to a copy of the shared loaded folder."""
    if case.setup is None:
        return case
    return Case(case.id, case.argv, case.culprit, setup=_copy(shared["loaded"], case.setup))


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_damaged_loaded_folder_is_refused(runner, shared, case):
    runner.refused(on_a_copy(case, shared))


def test_the_canonical_schema_has_the_column_the_type_case_changes():
    assert SCHEMA["event_date"] == pl.Date
