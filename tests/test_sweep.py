"""`scomm sweep`: Monte Carlo replicates on Dask, intervals and paired differences.

The numbers summarized are checked on hand-built replicates; the command runs on a real
LocalCluster and on a scheduler and workers started separately on loopback.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scomm import sweep
from scomm.errors import UserError

DASK = str(Path(sys.executable).with_name("dask"))
SMALL = ["--states", "DE", "--start", "2011-01", "--end", "2011-12", "--replicates", "3"]
TERMINATE = """\
name: end-2011-08
description: S-Comm ended nationally from 1 Aug 2011 (a test copy of the letter's ask).
base: baseline
parameters:
  - name: program.interoperability
    from: 2011-08-01
    value: false
"""


@pytest.fixture
def terminate(tmp_path: Path) -> Path:
    """A scenario file ending interoperability from August 2011."""
    path = tmp_path / "end-2011-08.yaml"
    path.write_text(TERMINATE)
    return path


def _plan(names=("baseline",), replicates=2, seed=0):
    return sweep.plan(sweep.SweepSpec(names, replicates, seed, "2011-01", "2011-03", "DE"))


# --- what a replicate reports ------------------------------------------------------------


def test_case_every_total_and_every_numeric_metric_value_is_a_measure():
    doc = {
        "totals": {"bookings": 10, "removals_by_level": {"level1": 2, "noncriminal": 1}},
        "by_state": {"DE": {"bookings": 10}},
        "metrics": {
            "due_process": {
                "summary_share": {"value": 0.5, "unit": "share", "interval": [0.4, 0.6]},
                "us_citizens": {"value": 3, "sources": [{"title": "x"}]},
                "undefined": {"value": None, "unit": "share"},
                "flagged": {"value": True, "unit": "flag"},
            },
            "public_safety": {"by_level": {"value": {"level1": 0.25, "level2": float("nan")}}},
        },
    }
    assert sweep.measures(doc) == {
        "totals.bookings": 10.0,
        "totals.removals_by_level.level1": 2.0,
        "totals.removals_by_level.noncriminal": 1.0,
        "metrics.due_process.summary_share": 0.5,
        "metrics.due_process.us_citizens": 3.0,
        "metrics.public_safety.by_level.level1": 0.25,
    }


def test_case_a_summary_without_metrics_gives_its_totals():
    assert sweep.measures({"totals": {"bookings": 4}}) == {"totals.bookings": 4.0}


# --- the intervals -------------------------------------------------------------------------


def test_case_describe_gives_mean_percentiles_and_normal_interval_of_the_mean():
    s = sweep.describe(np.array([1.0, 2.0, 3.0, 4.0]))
    sd = math.sqrt(5 / 3)  # sample variance of 1..4 is 5/3
    half = 1.959963984540054 * sd / 2
    assert s["n"] == 4 and s["mean"] == 2.5
    assert s["sd"] == pytest.approx(sd)
    assert s["p2_5"] == pytest.approx(1.075) and s["p97_5"] == pytest.approx(3.925)
    assert s["mean_ci95"] == pytest.approx([2.5 - half, 2.5 + half])


def test_case_one_replicate_has_no_interval_of_the_mean():
    s = sweep.describe(np.array([7.0]))
    assert s["mean"] == 7.0 and s["sd"] is None and s["mean_ci95"] is None


def test_case_differences_are_paired_replicate_by_replicate():
    p = _plan(("baseline",), replicates=3)
    p = sweep.Plan(
        spec=p.spec,
        names=("a", "b"),
        sources=("a", "b"),
        hashes=("ha", "hb"),
        period=p.period,
        states=p.states,
    )
    a = [100.0, 200.0, 300.0]  # large spread between replicates ...
    b = [90.0, 190.0, 290.0]  # ... but b is always a − 10 on the same seed
    rows = [
        {"scenario": s, "replicate": r, "seed": r, "measures": {"totals.x": v[r]}}
        for s, v in (("a", a), ("b", b))
        for r in range(3)
    ]
    doc = sweep.summarize(p, rows)
    d = doc["differences"][0]
    assert (d["a"], d["b"]) == ("a", "b")
    assert d["measures"]["totals.x"]["mean"] == -10.0
    assert d["measures"]["totals.x"]["sd"] == 0.0
    assert d["measures"]["totals.x"]["mean_ci95"] == [-10.0, -10.0]
    assert doc["by_scenario"]["a"]["totals.x"]["sd"] == 100.0


def test_case_a_measure_missing_in_a_replicate_is_paired_only_where_present():
    p = _plan(("baseline",), replicates=2)
    p = sweep.Plan(p.spec, ("a", "b"), ("a", "b"), ("ha", "hb"), p.period, p.states)
    rows = [
        {"scenario": "a", "replicate": 0, "seed": 0, "measures": {"m": 1.0}},
        {"scenario": "a", "replicate": 1, "seed": 1, "measures": {}},
        {"scenario": "b", "replicate": 0, "seed": 0, "measures": {"m": 4.0}},
        {"scenario": "b", "replicate": 1, "seed": 1, "measures": {"m": 9.0}},
    ]
    doc = sweep.summarize(p, rows)
    assert doc["by_scenario"]["a"]["m"]["n"] == 1
    assert doc["differences"][0]["measures"]["m"]["n"] == 1
    assert doc["differences"][0]["measures"]["m"]["mean"] == 3.0


def test_case_results_table_has_one_row_per_scenario_replicate_and_measure():
    rows = [
        {"scenario": s, "replicate": r, "seed": 5 + r, "measures": {"totals.a": 1, "totals.b": 2}}
        for s in ("x", "y")
        for r in range(3)
    ]
    t = sweep.results_table(rows)
    assert t.columns == ["scenario", "replicate", "seed", "measure", "value"]
    assert t.height == 2 * 3 * 2
    assert t.filter(pl.col("replicate") == 2)["seed"].unique().to_list() == [7]


# --- validation before any worker starts ---------------------------------------------------


@pytest.mark.parametrize(
    ("names", "replicates", "seed", "culprit"),
    [
        ((), 2, 0, "--scenarios"),
        (("no-such-scenario",), 2, 0, "no-such-scenario"),
        (("baseline", "baseline"), 2, 0, "twice"),
        (("baseline",), 0, 0, "--replicates"),
        (("baseline",), 2, -1, "--seed"),
        (("baseline",), 2, 2**64 - 1, "--seed"),
    ],
    ids=["none", "unknown", "duplicate", "zero replicates", "negative seed", "seed overflow"],
)
def test_case_bad_sweep_input_is_a_user_error_naming_the_culprit(names, replicates, seed, culprit):
    with pytest.raises(UserError, match=culprit):
        _plan(names, replicates, seed)


def test_case_seeds_are_seed_plus_replicate():
    p = _plan(replicates=4, seed=10)
    doc = sweep.summarize(p, [])
    assert doc["seeds"] == {"first": 10, "last": 13}


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (["--scenarios", "baseline,nope", *SMALL], "nope"),
        (["--scenarios", "baseline", *SMALL, "--workers", "0"], "--workers"),
        (["--scenarios", "baseline", *SMALL, "--workers", "1", "--scheduler", "x"], "--scheduler"),
        (["--scenarios", "baseline", *SMALL, "--states", "XX"], "'XX'"),
        (["--scenarios", "baseline", "--replicates", "2", "--start", "2011-13"], "2011-13"),
    ],
    ids=["unknown scenario", "zero workers", "workers and scheduler", "bad state", "bad month"],
)
def test_case_cli_bad_input_exits_2_with_one_line_and_writes_nothing(cli, tmp_path, args, culprit):
    out = tmp_path / "sweep"
    res = cli("sweep", *args, "--out", str(out))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error:") and culprit in lines[0]
    assert not out.exists()


def test_case_an_unreachable_scheduler_exits_2_within_the_connect_timeout(cli, tmp_path):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = cli(
        "sweep",
        "--scenarios",
        "baseline",
        *SMALL,
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
        env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("scomm: error: --scheduler:")


# --- on real clusters ----------------------------------------------------------------------


SCHEDULER = [
    "scheduler",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--no-dashboard",
    "--idle-timeout",
    "300s",
]
WORKER = [
    "worker",
    "--nthreads",
    "1",
    "--no-nanny",
    "--no-dashboard",
    "--host",
    "127.0.0.1",
    "--death-timeout",
    "60",
]


def _scheduler_address(info: Path, scheduler: subprocess.Popen, timeout: float) -> str:
    """The address the scheduler writes to its scheduler file once it serves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and scheduler.poll() is None:
        try:
            return json.loads(info.read_text())["address"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            time.sleep(0.1)
    raise RuntimeError(f"the Dask scheduler wrote no address to {info} within {timeout} s")


@pytest.fixture
def external_scheduler(tmp_path: Path):
    """A `dask scheduler` and two `dask worker` processes started separately on loopback;
    their address; all torn down at the end (each step bounded by a timeout)."""
    info = tmp_path / "scheduler.json"
    logs = (tmp_path / "dask.log").open("wb")
    procs: list[subprocess.Popen] = []
    try:
        cmd = [DASK, *SCHEDULER, "--scheduler-file", str(info)]
        procs.append(subprocess.Popen(cmd, stdout=logs, stderr=logs))
        address = _scheduler_address(info, procs[0], timeout=60)
        assert address.startswith("tcp://127.0.0.1:")
        for i in range(2):
            cmd = [DASK, *WORKER, "--name", f"w{i}", "--local-directory", str(tmp_path / f"w{i}")]
            procs.append(subprocess.Popen([*cmd, address], stdout=logs, stderr=logs))
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        logs.close()


@pytest.mark.cluster
@pytest.mark.xdist_group("dask")
def test_case_a_sweep_on_a_separate_scheduler_gives_the_local_numbers(
    cli, tmp_path, terminate, external_scheduler
):
    args = ["sweep", "--scenarios", f"baseline,{terminate}", *SMALL, "--seed", "7"]
    local = cli(*args, "--workers", "2", "--out", str(tmp_path / "local"), "--json")
    assert local.returncode == 0, local.stderr
    remote = cli(*args, "--scheduler", external_scheduler, "--out", str(tmp_path / "remote"))
    assert remote.returncode == 0, remote.stderr
    for name in ("summary.json", "results.parquet"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "remote" / name).read_bytes()
    doc = json.loads(local.stdout)  # --json: exactly one document on stdout
    assert doc == json.loads((tmp_path / "local" / "summary.json").read_text())
    assert doc["seeds"] == {"first": 7, "last": 9}
    d = doc["differences"][0]
    assert (d["a"], d["b"]) == ("baseline", "end-2011-08")
    # Ending S-Comm in August removes the submissions of August to December, every replicate
    # (how many varies with the posterior particle each replicate draws).
    sub = d["measures"]["totals.submissions"]
    assert sub["n"] == 3 and sub["mean"] < 0 and sub["p97_5"] < 0
    det = d["measures"]["totals.detainers"]
    lo, hi = det["mean_ci95"]
    assert lo <= det["mean"] <= hi < 0
    table = pl.read_parquet(tmp_path / "remote" / "results.parquet")
    n_measures = len(doc["by_scenario"]["baseline"])
    assert table.height == 2 * 3 * n_measures
    assert table.filter(pl.col("replicate") == 1)["seed"].unique().to_list() == [8]


def test_case_sweep_spec_states_takes_a_list_or_a_string():
    from scomm.sweep import SweepSpec, plan

    listed = plan(SweepSpec(("baseline",), 1, states=["ny", "CA"], start="2011-01", end="2011-01"))
    text = plan(SweepSpec(("baseline",), 1, states="CA,NY", start="2011-01", end="2011-01"))
    assert listed.states == text.states == ("CA", "NY")


PLAIN_SCRIPT = """\
from scomm import sweep

plan = sweep.plan(sweep.SweepSpec(("baseline",), 2, states=["DE"], start="2011-01", end="2011-02"))
rows = sweep.execute(plan, workers=2)
print("replicates", len(rows))
"""


@pytest.mark.cluster
@pytest.mark.slow
def test_case_a_sweep_runs_from_a_plain_script_without_a_main_guard(tmp_path):
    """Case: worker processes start with multiprocessing's spawn, which re-runs the parent's
    script; scomm keeps them from re-running it, so a script with no __main__ guard works
    (it used to die with "Nanny failed to start")."""
    import subprocess
    import sys

    script = tmp_path / "plain.py"
    script.write_text(PLAIN_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("replicates 2") == 1  # the script ran once, not in every worker


# --- bounded work (issue 14, findings 16 and 17) -------------------------------------------


@pytest.mark.parametrize(
    ("names", "replicates", "culprit"),
    [
        (("baseline",), sweep.MAX_SWEEP_REPLICATES + 1, "--replicates"),
        (tuple(f"s{i}" for i in range(sweep.MAX_SWEEP_SCENARIOS + 1)), 2, "--scenarios"),
        (tuple(f"s{i}" for i in range(11)), sweep.MAX_SWEEP_REPLICATES, "more than"),
    ],
    ids=["replicates over the bound", "scenarios over the bound", "tasks over the bound"],
)
def test_case_finding_16_a_sweep_larger_than_its_bounds_is_refused(names, replicates, culprit):
    with pytest.raises(UserError, match=culprit):
        _plan(names, replicates)


@pytest.mark.xdist_group("dask")
def test_case_finding_16_a_sweep_submits_only_a_window_of_tasks_at_a_time():
    """Twelve tasks through a window of two: never more than two submitted and unfinished,
    and every task's result comes back."""
    from distributed import Client
    from rich.progress import Progress

    p = sweep.plan(sweep.SweepSpec(("baseline",), 12, 0, "2011-01", "2011-01", "DE"))
    in_flight, peak = [0], [0]
    no_http = {"dashboard_address": None, "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}
    with Client(processes=False, n_workers=1, threads_per_worker=2, **no_http) as c:
        submit = c.submit

        def counted(*args, **kwargs):
            fut = submit(*args, pure=False, **kwargs)
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            return fut

        def done(*_):
            in_flight[0] -= 1

        c.submit = counted  # type: ignore[method-assign]
        with Progress(disable=True) as bar:
            real_add = bar.advance
            bar.advance = lambda *a, **k: (done(), real_add(*a, **k))  # type: ignore[method-assign]
            results = sweep._run_all(c, p, 2, bar)
    assert sorted(results) == [(0, r) for r in range(12)]
    assert peak[0] == 2


def test_case_finding_17_the_progress_bar_writes_nothing_when_stderr_is_not_a_terminal():
    """rich's transient bar left a blank line on a piped stderr, so a sweep failing after
    computing printed two stderr lines; off a terminal the bar is off."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    with sweep._progress(Console(file=buf, force_terminal=False)) as bar:
        task = bar.add_task("sweep", total=3)
        for _ in range(3):
            bar.advance(task)
    assert buf.getvalue() == ""
    tty = io.StringIO()
    with sweep._progress(Console(file=tty, force_terminal=True)) as bar:
        bar.add_task("sweep", total=1)
    assert tty.getvalue() != ""


def test_case_finding_17_a_sweep_failing_after_it_computed_prints_one_line(cli, tmp_path):
    """The results are computed, then writing them fails (a file stands where the output's
    folder is made after the check): exactly one stderr line, and no output."""
    script = tmp_path / "fail_after.py"
    script.write_text(
        "import sys\n"
        "import scomm.sweep as sw\n"
        "from scomm.errors import UserError\n"
        "def boom(plan, rows):\n"
        "    assert len(rows) == 2\n"
        "    raise UserError('--out: cannot write (a test failure after computing)')\n"
        "sw.summarize = boom\n"
        "if __name__ == '__main__':\n"
        "    from scomm.cli import main\n"
        "    sys.argv = ['scomm', *sys.argv[1:]]\n"
        "    main()\n"
    )
    args = ["sweep", "--scenarios", "baseline", "--replicates", "2", "--states", "DE"]
    res = subprocess.run(
        [
            sys.executable,
            str(script),
            *args,
            "--start",
            "2011-01",
            "--end",
            "2011-01",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert res.returncode == 2, res.stderr
    assert res.stderr.splitlines() == [
        "scomm: error: --out: cannot write (a test failure after computing)"
    ]
    assert not (tmp_path / "out").exists()


def _trim_threshold() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


@pytest.mark.cluster
@pytest.mark.xdist_group("dask")
def test_case_local_workers_keep_glibcs_adaptive_trim_threshold():
    """distributed's nanny would start workers with MALLOC_TRIM_THRESHOLD_=65536, under which
    one likelihood evaluation takes three times as long (docs/performance.md)."""
    import dask

    with sweep._client(1, None) as client:
        assert list(client.run(_trim_threshold).values()) == [None]
    assert dask.config.get(sweep.TRIM) == 65536  # the override ends with the cluster
