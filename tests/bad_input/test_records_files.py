"""Damaged or odd records files: `records validate` and `records load` refuse them with one
line naming the file, and a load leaves nothing behind (no output, no staging folder)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import polars as pl
import pytest
from bad_input_helpers import Case, seattle_head

GOOD = seattle_head(40)
HEADER, *ROWS = GOOD.splitlines(keepends=True)
PARQUET_MAGIC = b"PAR1"


def _gz(text: str | bytes) -> bytes:
    return gzip.compress(text.encode() if isinstance(text, str) else text)


def _parquet(t: Path, frame: pl.DataFrame, name: str = "arrests.parquet", cut: int = 0) -> None:
    path = t / name
    frame.write_parquet(path)
    if cut:
        path.write_bytes(path.read_bytes()[:-cut])


def _seattle_frame() -> pl.DataFrame:
    from io import StringIO

    return pl.read_csv(StringIO(GOOD), infer_schema_length=0)


FILES: dict[str, tuple[str, str | bytes, str]] = {  # label: (file name, content, culprit)
    "an empty file": ("arrests.csv", "", "the file is empty"),
    "a header and no rows": ("arrests.csv", HEADER, "has a header but no records"),
    "a header over 64 KiB": ("arrests.csv", "x" * 70_000 + "," + HEADER, "longer than 65,536"),
    "a 128 KiB column name": ("arrests.csv", "a," + "b" * 140_000 + "\n1,2\n", "longer than"),
    "a carriage return inside the header": (
        "arrests.csv",
        HEADER.replace(",gender,", ",gen\rder,") + "".join(ROWS),
        "carriage return",
    ),
    "old-Mac line endings": ("arrests.csv", GOOD.replace("\n", "\r"), "carriage return"),
    "a row cut right after a delimiter": (
        "arrests.csv",
        GOOD.rstrip("\n").rsplit(",", 1)[0] + ",",
        "rule cut_row",
    ),
    "a row cut mid-field": ("arrests.csv", GOOD[:-9], "ends mid-row"),
    "a short last row": ("arrests.csv", GOOD + "2012-01-01,x\n", "its last row is short"),
    "a latin-1 header": (
        "arrests.csv",
        HEADER.replace("gender", "g\xe9nder").encode("latin-1") + "".join(ROWS).encode(),
        "not UTF-8",
    ),
    "binary bytes": ("arrests.csv", bytes(range(256)) * 64, "arrests.csv"),
    "an unknown layout": ("arrests.csv", "a,b,c\n1,2,3\n", "arrests.csv"),
    "columns repeated after cleaning": ("arrests.csv", "Gender,gender\nM,F\n", "repeat after"),
    "an unsupported extension": ("arrests.xlsx", GOOD, "unsupported file type"),
    "a gzip that ends early": ("arrests.csv.gz", _gz(GOOD)[:-40], "gzip stream is damaged"),
    "a .gz that is not gzip": ("arrests.csv.gz", GOOD, "arrests.csv.gz"),
    "a gzip of binary": ("arrests.csv.gz", _gz(bytes(range(256)) * 16), "arrests.csv.gz"),
    "Parquet of random bytes": ("arrests.parquet", PARQUET_MAGIC + os.urandom(500), "Parquet"),
    "an empty-looking Parquet": ("arrests.parquet", PARQUET_MAGIC * 2, "Parquet"),
    "a CSV named .parquet": ("arrests.parquet", GOOD, "not a readable Parquet file"),
}


def _truncated_parquet(t: Path) -> None:
    _parquet(t, _seattle_frame(), cut=100)


def _wrong_parquet(t: Path) -> None:
    _parquet(t, pl.DataFrame({"x": [1, 2, 3]}))


def _folder(t: Path) -> None:
    (t / "arrests.csv").mkdir()


def _cases() -> list[Case]:
    cases = []
    for command in ("validate", "load"):
        out = ["--out", "{t}/out"] if command == "load" else []
        argv = lambda name, c=command, o=out: ["records", c, f"{{t}}/{name}", *o]  # noqa: E731
        cases += [
            Case(
                f"{command}: {label}",
                argv(name),
                culprit,
                files={name: content},
                report=command == "validate" and "rule" in culprit,
            )
            for label, (name, content, culprit) in FILES.items()
        ]
        cases += [
            Case(
                f"{command}: a truncated Parquet",
                argv("arrests.parquet"),
                "truncated or corrupt",
                setup=_truncated_parquet,
            ),
            Case(
                f"{command}: a Parquet of other columns",
                argv("arrests.parquet"),
                "arrests.parquet",
                setup=_wrong_parquet,
            ),
            Case(f"{command}: a folder", argv("arrests.csv"), "no such file", setup=_folder),
            Case(f"{command}: a missing file", argv("missing.csv"), "no such file"),
            Case(
                f"{command}: an empty path",
                ["records", command, "", *out],
                "PATH: the value is empty",
            ),
            Case(
                f"{command}: two files of one name",
                ["records", command, "{t}/a/arrests.csv", "{t}/b/arrests.csv", *out],
                "must be unique",
                files={"a/arrests.csv": GOOD, "b/arrests.csv": GOOD},
            ),
            Case(
                f"{command}: an unknown format",
                ["records", command, "{csv}", "--format", "nope", *out],
                "--format 'nope'",
            ),
            Case(
                f"{command}: an empty format",
                ["records", command, "{csv}", "--format", "", *out],
                "--format: the value is empty",
            ),
        ]
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_a_damaged_records_file_is_refused_and_nothing_is_loaded(runner, case):
    runner.refused(case)
