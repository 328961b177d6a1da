"""The 21 findings of the bad-input and load audit (issue 14), each reproduced with the input
the audit used. Before the fixes each of these failed (a traceback, a file left behind, a
silently changed number, a 500); now each exits 2 with one line and leaves nothing.

Findings 16 (the sweep's task window) and 17 (its one error line) are in tests/test_sweep.py,
and 19-21 (the dashboard under load) in tests/web/test_serving.py, beside the code they test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from bad_input_helpers import (
    NO_OVERRIDE,
    Case,
    Q,
    can_drop_override,
    copy_parameters,
    main_in_process,
    seattle_head,
    snapshot,
)
from fastapi.testclient import TestClient

ALLOWED, WHY = can_drop_override()
PREFIX = NO_OVERRIDE if os.geteuid() == 0 else []
needs_permissions = pytest.mark.skipif(not ALLOWED, reason=WHY or "no permission cases")
CA = ["--states", "CA", "--start", "2011-01", "--end", "2011-06"]


def _read_only(t: Path) -> None:
    (t / "ro").mkdir()
    (t / "ro").chmod(0o555)


@needs_permissions
@pytest.mark.parametrize("command", [["run", *Q], ["compare", "baseline", "no-scomm", *Q]])
def test_finding_01_a_read_only_out_folder_is_refused_and_no_temporary_folder_is_left(
    runner, command
):
    case = Case("ro", [*command, "--out", "{t}/ro"], "--out: cannot write in", setup=_read_only)
    runner.refused(case, subprocess_=True, prefix=PREFIX)
    assert not list(runner.tmp.glob(".ro.tmp-*"))


def test_finding_01_a_failed_final_move_removes_every_output(runner, monkeypatch):
    """The move into place fails after everything is computed and written: exit 2, one
    line, and neither the output nor its temporary folder is left."""
    import scomm.io

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(scomm.io.os, "rename", refuse)
    line = runner.refused(Case("move", ["run", *Q, "--out", "{t}/out"], "--out: cannot write"))
    assert "permission denied" in line


COMMANDS = {
    "run": ["run", *Q],
    "compare": ["compare", "baseline", "no-scomm", *Q],
    "brief": ["brief", "--state", "RI"],
    "sweep": ["sweep", "--scenarios", "baseline", "--replicates", "2", *Q],
    "records load": ["records", "load", "{csv}"],
    "records summarize": ["records", "summarize", "{loaded}"],
}
OUTS = {
    "under a file": ("/etc/passwd/sub", "is under /etc/passwd"),
    "under /proc": ("/proc/scomm-out", "cannot create"),
    "a 300-character name": ("{t}/" + "a" * 300, "300 bytes"),
}


@pytest.mark.parametrize("out", OUTS, ids=OUTS)
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
def test_finding_02_a_bad_out_is_refused_before_the_simulation_runs(
    runner, monkeypatch, command, out
):
    import scomm.api

    def no_simulation(*args, **kwargs):
        raise AssertionError("the simulation ran before --out was checked")

    monkeypatch.setattr(scomm.api, "simulate", no_simulation)
    path, culprit = OUTS[out]
    runner.refused(Case(out, [*COMMANDS[command], "--out", path], culprit))


@needs_permissions
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
def test_finding_02_an_out_under_a_read_only_folder_is_refused(runner, command):
    case = Case(
        command, [*COMMANDS[command], "--out", "{t}/ro/new"], "permission denied", setup=_read_only
    )
    runner.refused(case, subprocess_=True, prefix=PREFIX)


def _override(entry: dict, name: str = "detainer.probability") -> str:
    return yaml.safe_dump(
        {
            "name": "bad",
            "description": "One override the audit used.",
            "parameters": [{"name": name, "from": "2011-01-01", **entry}],
        }
    ).replace("'2011-01-01'", "2011-01-01")


@pytest.mark.parametrize(
    ("entry", "name"),
    [
        ({"scale": float("nan")}, "detainer.probability"),
        ({"scale": float("inf")}, "detainer.probability"),
        ({"value": float("nan")}, "detainer.outside_priorities_factor"),
        ({"value": float("inf")}, "detainer.outside_priorities_factor"),
    ],
    ids=["scale nan", "scale inf", "value nan", "value inf (a multiplier)"],
)
def test_finding_03_a_non_finite_override_is_refused_not_silently_used(runner, entry, name):
    case = Case(
        "nan",
        ["run", *CA, "--scenario", "{t}/s.yaml", "--json"],
        "finite",
        files={"s.yaml": _override(entry, name)},
    )
    runner.refused(case)


def test_finding_04_an_unquoted_impossible_date_in_a_scenario_is_one_line(runner):
    text = _override({"value": 1.0}, "detainer.outside_priorities_factor").replace(
        "2011-01-01", "2012-13-01"
    )
    case = Case(
        "date",
        ["run", *Q, "--scenario", "{t}/s.yaml"],
        "'2012-13-01' is not a date",
        files={"s.yaml": text},
    )
    runner.refused(case)


BOMB = (
    "name: bomb\ndescription: A billion laughs in a value.\nparameters:\n"
    "  - name: detainer.outside_priorities_factor\n    from: 2011-01-01\n    value: &a [x, x, x, x]\n"
    + "".join(f"x{i}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
)


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        (_override({"value": "abc"}, "detainer.outside_priorities_factor"), "'abc'"),
        (_override({"value": [1, 2]}, "detainer.outside_priorities_factor"), "[1, 2]"),
        (BOMB, "aliases are expanded"),
    ],
    ids=["a word", "a list", "an alias bomb"],
)
def test_finding_05_an_override_of_the_wrong_type_is_one_line(runner, text, culprit):
    case = Case("type", ["run", *Q, "--scenario", "{t}/s.yaml"], culprit, files={"s.yaml": text})
    runner.refused(case)


DAMAGE = {
    "a truncated arrests.parquet": (
        lambda f: (f / "arrests.parquet").write_bytes((f / "arrests.parquet").read_bytes()[:200]),
        "truncated or corrupt",
    ),
    "a table of the wrong schema": (
        lambda f: __import__("polars").DataFrame({"x": [1]}).write_parquet(f / "arrests.parquet"),
        "not a canonical records table",
    ),
    "a manifest {'inputs': []}": (
        lambda f: (f / "manifest.json").write_text(json.dumps({"inputs": []})),
        "tables",
    ),
    "a manifest [1, 2, 3]": (
        lambda f: (f / "manifest.json").write_text("[1, 2, 3]"),
        "manifest.json",
    ),
}


@pytest.mark.parametrize("command", ["summarize", "compare"])
@pytest.mark.parametrize("damage", DAMAGE, ids=DAMAGE)
def test_finding_06_a_damaged_records_folder_is_refused(runner, shared, command, damage):
    import shutil

    change, culprit = DAMAGE[damage]

    def setup(t: Path) -> None:
        shutil.copytree(shared["loaded"], t / "loaded")
        change(t / "loaded")

    runner.refused(Case(damage, ["records", command, "{t}/loaded"], culprit, setup=setup))


def test_finding_07_a_base_cycle_through_file_paths_is_found(runner):
    head = "description: A scenario whose base makes a cycle.\n"

    def setup(t: Path) -> None:
        (t / "self.yaml").write_text(f"name: selfie\n{head}base: {t}/self.yaml\n")
        (t / "a.yaml").write_text(f"name: a\n{head}base: b.yaml\n")
        (t / "b.yaml").write_text(f"name: b\n{head}base: ./a.yaml\n")

    for name in ("self.yaml", "a.yaml"):
        runner.refused(Case(name, ["run", *Q, "--scenario", name], "makes a cycle", setup=setup))


@pytest.mark.parametrize(
    "content",
    ["name: caf\xe9\ndescription: latin-1 text.\n".encode("latin-1"), bytes(range(256)) * 4],
    ids=["latin-1", "binary"],
)
def test_finding_08_a_latin1_or_binary_scenario_or_parameter_file_is_one_line(runner, content):
    runner.refused(
        Case(
            "s",
            ["run", *Q, "--scenario", "{t}/s.yaml"],
            "not UTF-8 text",
            files={"s.yaml": content},
        )
    )

    def tree(t: Path) -> None:
        (copy_parameters(t / "tree") / "detainer" / "probability.yaml").write_bytes(content)

    runner.refused(
        Case(
            "p",
            ["run", *Q],
            "probability.yaml: not UTF-8 text",
            setup=tree,
            env={"SCOMM_PARAMETERS": "{t}/tree"},
        )
    )


@needs_permissions
def test_finding_08_an_unreadable_scenario_file_is_one_line(runner):
    def setup(t: Path) -> None:
        (t / "s.yaml").write_text("name: x\n")
        (t / "s.yaml").chmod(0)

    case = Case(
        "unreadable",
        ["run", *Q, "--scenario", "{t}/s.yaml"],
        "cannot be read: permission denied",
        setup=setup,
    )
    runner.refused(case, subprocess_=True, prefix=PREFIX)


def test_finding_09_100_kb_of_nested_brackets_is_one_line_not_a_2988_line_traceback(runner):
    case = Case(
        "deep",
        ["run", *Q, "--scenario", "{t}/s.yaml"],
        "nested deeper than 64",
        files={"s.yaml": "[" * 100_000},
    )
    runner.refused(case)


def _misspelt_early(t: Path) -> None:
    path = copy_parameters(t / "tree") / "detainer" / "probability.yaml"
    doc = yaml.safe_load(path.read_text())
    first = min(doc["values"])
    doc["values"][first]["value"] = {
        ("levl1" if k == "level1" else k): v for k, v in doc["values"][first]["value"].items()
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize(
    ("setup", "culprit"),
    [
        (
            lambda t: (copy_parameters(t / "tree") / "detainer" / "probability.yaml").unlink(),
            "lacks parameter files the model reads: detainer/probability.yaml",
        ),
        (lambda t: (t / "tree").mkdir(), "lacks parameter files"),
        (_misspelt_early, "levl1"),
    ],
    ids=["a missing file", "an empty folder", "a misspelt key in an early value"],
)
def test_finding_10_a_bad_parameter_tree_is_refused_before_the_run(runner, setup, culprit):
    case = Case(
        "tree",
        ["run", "--states", "NY", "--start", "2011-01", "--end", "2011-01"],
        culprit,
        setup=setup,
        env={"SCOMM_PARAMETERS": "{t}/tree"},
    )
    runner.refused(case)


def test_finding_11_a_date_before_the_parameter_history_is_refused_by_cli_and_api(runner):
    from scomm.web.app import create_app

    line = runner.refused(
        Case(
            "1900",
            ["params", "--date", "1900-01-01", "--state", "NY"],
            "--date: 1900-01-01 is before 2005-01-01",
        )
    )
    r = TestClient(create_app()).get("/api/params?date=1900-01-01&state=NY")
    assert r.status_code == 422 and r.json()["detail"] in line


@pytest.mark.parametrize(
    ("header", "culprit"),
    [
        ("a," + "b" * 140_000, "longer than 65,536 bytes"),
        ("arrest_date,gen\rder,state", "carriage return"),
    ],
    ids=["a header over 128 KiB", "a stray CR in the header"],
)
def test_finding_12_a_records_header_too_long_or_with_a_stray_cr_is_one_line(
    runner, header, culprit
):
    body = seattle_head(3).split("\n", 1)[1]
    case = Case(
        "header",
        ["records", "load", "{t}/a.csv", "--out", "{t}/out"],
        culprit,
        files={"a.csv": header + "\n" + body},
    )
    runner.refused(case)


def test_finding_13_a_lone_comma_is_no_state_list_on_the_cli_or_the_api(runner):
    from scomm.web.app import create_app

    runner.refused(
        Case(
            ",",
            ["run", "--states", ",", "--start", "2011-01", "--end", "2011-01"],
            "--states: ',' has an empty item",
        )
    )
    r = TestClient(create_app()).get("/api/run?states=,&start=2011-01&end=2011-01")
    assert r.status_code == 422 and "has an empty item" in r.json()["detail"]


def test_finding_14_a_5000_character_scenario_is_one_line(runner):
    runner.refused(Case("long", ["run", *Q, "--scenario", "x" * 5000], "too long for a file name"))


@pytest.mark.parametrize(
    ("argv", "culprit"),
    [
        (
            ["run", "--start", "", "--end", "2011-01", "--states", "RI"],
            "--start: the value is empty",
        ),
        (["params", "--date", "", "--state", "NY"], "--date: the value is empty"),
        (["run", "--states", "", "--start", "2011-01", "--end", "2011-01"], "--states: the value"),
        (["run", "--start", "2011-01\n", "--end", "2011-01", "--states", "RI"], "has whitespace"),
        (["run", "--start", "٢٠١١-٠١", "--end", "2011-01", "--states", "RI"], "outside printable"),
        (["run", *Q, "--out", ""], "--out: '' is empty"),
    ],
    ids=[
        "--start ''",
        "--date ''",
        "--states ''",
        "--start with a newline",
        "Arabic-Indic",
        "--out ''",
    ],
)
def test_finding_15_empty_or_odd_values_are_refused_not_read_as_defaults(runner, argv, culprit):
    runner.refused(Case("odd", argv, culprit))


def test_finding_15_arabic_indic_digits_are_refused_by_the_api_too():
    from scomm.web.app import create_app

    r = TestClient(create_app()).get("/api/run?states=RI&start=٢٠١١-٠١&end=2011-02")
    assert r.status_code == 422 and "--start" in r.json()["detail"]


def test_finding_16_a_hundred_billion_replicates_are_refused_at_once(runner):
    runner.refused(
        Case(
            "reps",
            ["run", *Q, "--replicates", "100000000000"],
            "--replicates: '100000000000' is out of range",
        )
    )


def test_finding_18_a_csv_cut_after_a_delimiter_is_stopped_by_validation(runner, tmp_path):
    text = seattle_head(20).rstrip("\n").rsplit(",", 1)[0] + ","
    runner.refused(
        Case(
            "cut",
            ["records", "load", "{t}/a.csv", "--out", "{t}/out"],
            "rule cut_row",
            files={"a.csv": text},
        )
    )
    before = snapshot(runner.tmp)
    got = main_in_process(["records", "validate", str(runner.tmp / "a.csv"), "--json"])
    assert got.code == 2 and snapshot(runner.tmp) == before
    findings = json.loads(got.out)["findings"]
    assert [f["level"] for f in findings if f["rule"] == "cut_row"] == ["stop"]
