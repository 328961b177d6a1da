"""The command line keeps to ../shared/CONTRACT.md."""

from __future__ import annotations

import json
import re

import pytest

KEYS = {
    "scomm_version",
    "scenario",
    "scenario_hash",
    "seed",
    "period",
    "states",
    "totals",
    "by_state",
}


def test_run_json_prints_exactly_one_summary_document(cli):
    res = cli("run", "--states", "NY", "--start", "2011-01", "--end", "2011-12", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert set(doc) >= KEYS
    assert doc["period"] == {"start": "2011-01", "end": "2011-12"}
    assert doc["states"] == ["NY"] and set(doc["by_state"]) == {"NY"}
    t = doc["totals"]
    assert set(t["removals_by_level"]) == {"level1", "level2", "level3", "noncriminal"}
    assert t["submissions"] > 0


def test_run_out_writes_summary_and_flows(cli, tmp_path):
    out = tmp_path / "out"
    res = cli("run", "--states", "DE", "--start", "2011-01", "--end", "2011-03", "--out", str(out))
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["burden_by_county.parquet", "flows.parquet", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["states"] == ["DE"]


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (["--states", "XX"], "'XX'"),
        (["--start", "2008-13"], "2008-13"),
        (["--start", "2012-01", "--end", "2011-01"], "before"),
        (["--scenario", "no-such-scenario"], "no-such-scenario"),
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**64)], "--seed"),
        (["--start", "1999-01"], "supported range"),
    ],
    ids=[
        "unknown state",
        "malformed month",
        "end before start",
        "unknown scenario",
        "negative seed",
        "seed beyond 64 bits",
        "out of range",
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_output(cli, tmp_path, args, culprit):
    out = tmp_path / "out"
    res = cli("run", *args, "--out", str(out), "--json")
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error:"), res.stderr
    assert culprit in lines[0]
    assert res.stdout == "" and not out.exists()


def test_scenarios_lists_name_and_description(cli):
    res = cli("scenarios")
    assert res.returncode == 0
    first = res.stdout.splitlines()[0].split(maxsplit=1)
    assert len(first) == 2 and len(first[1]) > 10


def test_params_json_cites_every_rule(cli):
    res = cli("params", "--date", "2011-08-06", "--state", "NY", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["parameters"] and all(p["citation"]["url"] for p in doc["parameters"])
    assert any("active in" in line for line in doc["place_status"])


def test_params_rejects_an_unknown_county(cli):
    res = cli("params", "--county", "99999")
    assert res.returncode == 2 and "99999" in res.stderr


def test_out_naming_an_existing_file_is_a_user_error(cli, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    res = cli(
        "run", "--states", "DE", "--start", "2011-01", "--end", "2011-01", "--out", str(target)
    )
    assert res.returncode == 2 and res.stderr.startswith("scomm: error: --out:")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (["run", "--bogus"], "--bogus"),
        (["nocommand"], "nocommand"),
        (["run", "--seed", "abc"], "--seed"),
    ],
    ids=["unknown option", "unknown command", "non-integer seed"],
)
def test_usage_errors_exit_2_with_one_line(cli, args, culprit):
    res = cli(*args)
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error:") and culprit in lines[0]


def test_case_scomm_run_county_json_gives_that_countys_totals(cli):
    done = cli("run", "--county", "36081", "--start", "2012-05", "--end", "2012-08", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["counties"] == ["36081"] and doc["totals_of"] == "counties"
    assert doc["by_county"]["36081"]["name"] == "Queens County"
    assert doc["totals"]["removals"] == doc["by_county"]["36081"]["removals"]


def test_case_states_and_county_together_are_refused(cli):
    done = cli("run", "--states", "NY", "--county", "36081", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "scomm: error: --county: give --states or --county, not both"


@pytest.mark.parametrize("bad", ["3608", "99999", "NY"])
def test_case_a_bad_county_is_one_error_line(cli, bad):
    done = cli("run", "--county", bad, "--json")
    assert done.returncode == 2
    assert done.stderr.startswith("scomm: error: ") and bad in done.stderr


@pytest.mark.parametrize(
    "command", ["run", "compare", "brief", "scenarios", "params", "sweep", "serve", "monitor"]
)
def test_case_every_help_shows_flags_as_flags_defaults_and_an_example(cli, command):
    done = cli(command, "--help", env={"COLUMNS": "200"})
    assert done.returncode == 0
    text = done.stdout
    assert text.count("<bool>") <= 1  # only typer's own --help; every scomm flag reads --json
    assert "Example" in text
    if command in ("run", "compare"):
        assert "2008-10)]" in text and "2014-11)]" in text  # [default: (2008-10)]
        assert re.search(r"--json\s+Print one JSON document", text)


def test_case_an_output_path_is_never_wrapped_when_piped(cli, tmp_path):
    """Case: stderr to a pipe (not a terminal) keeps a long --out path on one line."""
    out = tmp_path / ("a-long-folder-name-" * 5) / "results"
    done = cli("run", "--states", "DE", "--start", "2011-01", "--end", "2011-01", "--out", str(out),
               env={"COLUMNS": "60"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if "results written to" in x)
    assert str(out) in line
