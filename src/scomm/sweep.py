"""Monte Carlo sweeps on Dask distributed: scenarios × replicates, with intervals.

Each task is one (scenario, replicate) run: ``scomm.api.run`` with seed S + r and the posterior
parameter set that seed draws (the same particle in every scenario), returning
the run's measures (every total, and every numeric ``value`` under ``metrics``) as a small
dict. Replicate r of every scenario uses seed S + r, so scenarios are compared on common
random numbers, and the random numbers of a replicate do not depend on the number of
workers, the scheduler, or the order in which tasks finish: results are sorted by
(scenario, replicate) before anything is summarized.

Outputs (written atomically): ``results.parquet``, one row per scenario × replicate ×
measure; ``summary.json``, per measure and scenario the mean, the 2.5–97.5 percentiles of
the replicates and a normal-approximation 95% interval of the mean, and the same for the
paired differences of every scenario against the first (same seeds, replicate by replicate).
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import itertools
import logging
import math
import os
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scomm import __version__, periods
from scomm.errors import UserError
from scomm.flags import MAX_SWEEP_REPLICATES, MAX_SWEEP_SCENARIOS, MAX_SWEEP_TASKS, MAX_WORKERS
from scomm.io import atomic_dir, write_json
from scomm.jurisdictions.counties import parse_states
from scomm.report.numbers import REPLICATES, format_value
from scomm.rng import MAX_SEED
from scomm.scenario import resolve

SEED_LIMIT = MAX_SEED + 1  # seeds are 64-bit (scomm.rng)
WORKER_TIMEOUT = 60  # seconds to wait for a scheduler's first worker
Z95 = statistics.NormalDist().inv_cdf(0.975)
IN_FLIGHT_PER_WORKER = 4  # tasks submitted ahead per worker: enough to keep each one busy


@dataclass(frozen=True)
class SweepSpec:
    """What to run: scenarios (names or files) × replicates, over one period and place."""

    scenarios: tuple[str, ...]
    replicates: int
    seed: int = 0
    start: str | None = None
    end: str | None = None
    states: str | list[str] | tuple[str, ...] | None = None


@dataclass(frozen=True)
class Plan:
    """A validated sweep: resolved scenario names and hashes, parsed period and states."""

    spec: SweepSpec
    names: tuple[str, ...]  # the scenarios' own names (labels in the outputs)
    sources: tuple[str, ...]  # what each task resolves (packaged name or absolute path)
    hashes: tuple[str, ...]
    period: tuple[str, str]
    states: tuple[str, ...]


def plan(spec: SweepSpec) -> Plan:
    """Validate everything before any worker starts; bad input raises UserError."""
    if not spec.scenarios or "" in spec.scenarios:
        raise UserError("--scenarios: expected one or more scenario names or files, e.g. baseline")
    if len(spec.scenarios) > MAX_SWEEP_SCENARIOS:
        raise UserError(
            f"--scenarios: {len(spec.scenarios)} scenarios; a sweep takes at most "
            f"{MAX_SWEEP_SCENARIOS}"
        )
    if not 1 <= spec.replicates <= MAX_SWEEP_REPLICATES:
        raise UserError(
            f"--replicates: {spec.replicates} must be from 1 to {MAX_SWEEP_REPLICATES:,}"
        )
    if len(spec.scenarios) * spec.replicates > MAX_SWEEP_TASKS:
        raise UserError(
            f"--replicates: {len(spec.scenarios)} scenarios x {spec.replicates:,} replicates "
            f"is more than {MAX_SWEEP_TASKS:,} runs"
        )
    if spec.seed < 0 or spec.seed + spec.replicates > SEED_LIMIT:
        raise UserError(
            f"--seed: seeds {spec.seed}..{spec.seed + spec.replicates - 1} must lie in "
            f"0..{SEED_LIMIT - 1} (the random-number streams are keyed on 64 bits)"
        )
    s, e = periods.parse_period(spec.start, spec.end)
    given = spec.states
    states = parse_states(",".join(given) if isinstance(given, list | tuple) else given)
    names, sources, hashes = [], [], []
    for given in spec.scenarios:
        scn = resolve(given)
        if scn.name in names:
            raise UserError(f"--scenarios: scenario {scn.name!r} is given twice")
        names.append(scn.name)
        sources.append(given if scn.source.startswith("scenarios/") else str(Path(given).resolve()))
        hashes.append(scn.digest())
    return Plan(
        spec=spec,
        names=tuple(names),
        sources=tuple(sources),
        hashes=tuple(hashes),
        period=(periods.month_label(s), periods.month_label(e)),
        states=tuple(states),
    )


def measures(summary: dict) -> dict[str, float]:
    """Every total (``totals.<name>[.<key>]``) and every numeric metric value
    (``metrics.<path>``, and ``metrics.<path>.<key>`` for a value broken down by key)."""
    out: dict[str, float] = {}
    _numeric_leaves(summary["totals"], "totals", out)
    _metric_values(summary.get("metrics", {}), "metrics", out)
    return out


def _numeric_leaves(node: Any, path: str, out: dict[str, float]) -> None:
    if isinstance(node, dict):
        for key, child in node.items():
            _numeric_leaves(child, f"{path}.{key}", out)
    elif isinstance(node, int | float) and not isinstance(node, bool) and math.isfinite(node):
        out[path] = float(node)


def _metric_values(node: Any, path: str, out: dict[str, float]) -> None:
    if not isinstance(node, dict):
        return
    if "value" in node:
        _numeric_leaves(node["value"], path, out)
        return
    for key, child in node.items():
        _metric_values(child, f"{path}.{key}", out)


def run_replicate(source: str, seed: int, start: str, end: str, states: list[str]) -> dict:
    """One task: a run's scenario hash and measures (small, picklable)."""
    from scomm.api import run

    result = run(scenario=source, start=start, end=end, states=states, seed=seed, draw=True)
    return {"scenario_hash": result.summary["scenario_hash"], "measures": measures(result.summary)}


@contextlib.contextmanager
def _main_not_rerun() -> Iterator[None]:
    """While local workers start, keep them from re-running the user's script.

    Dask starts workers with multiprocessing's "spawn", which re-runs the parent's
    ``__main__`` file in each worker: a plain script that calls ``sweep.execute`` without an
    ``if __name__ == "__main__":`` guard would start a sweep inside every worker, and Dask
    reports "Nanny failed to start". The workers only need scomm (tasks are
    ``scomm.sweep.run_replicate``), so while the cluster runs, the script's module is
    marked as ``__main__`` by name, which multiprocessing does not re-import."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


# distributed's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, so glibc returns
# freed memory to the system at once; the engine and the aggregate mode allocate and free large
# temporary arrays all the time, and with it one likelihood evaluation took 2.2 s instead of
# 0.70 s (the same process, the variable set or not; docs/performance.md). A LocalCluster's
# workers keep glibc's own, adaptive threshold.
TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


@contextlib.contextmanager
def _client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A Dask client on a new LocalCluster, or on the scheduler at ``scheduler``."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is None:
        with (
            _main_not_rerun(),
            dask.config.set({TRIM: None}),  # unset before the nanny spawns a worker
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # the scheduler's HTTP routes on a free loopback port: on 8787, taken by
                # another cluster, distributed warns on stderr (two lines before an error)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    timeout = dask.config.get("distributed.comm.timeouts.connect")
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(
            f"--scheduler: cannot reach a Dask scheduler at {scheduler!r} within {timeout} "
            f"({exc.__class__.__name__}; the limit is Dask's distributed.comm.timeouts.connect)"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise UserError(
                f"--scheduler: no worker joined the scheduler at {scheduler!r} within "
                f"{WORKER_TIMEOUT} s"
            ) from None
        yield client


def _progress(console: Console | None) -> Progress:
    """The sweep's progress bar on stderr (off when stderr is not a terminal, where rich
    would leave a blank line before any later message)."""
    console = console or Console(stderr=True)
    columns = (
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


def _jobs(p: Plan) -> Iterator[tuple[int, int]]:
    """Every (scenario, replicate), scenario by scenario, generated as needed."""
    for i in range(len(p.names)):
        for r in range(p.spec.replicates):
            yield i, r


def _run_all(client: Any, p: Plan, window: int, bar: Progress) -> dict[tuple[int, int], dict]:
    """Run the tasks with at most ``window`` submitted and unfinished at a time, so a large
    sweep never builds every task up front."""
    from distributed import as_completed

    start, end = p.period
    jobs = _jobs(p)
    done: dict[tuple[int, int], dict] = {}
    task = bar.add_task("sweep", total=len(p.names) * p.spec.replicates)

    job_of: dict[str, tuple[int, int]] = {}

    def submit(job: tuple[int, int]) -> Any:
        i, r = job
        fut = client.submit(
            run_replicate, p.sources[i], p.spec.seed + r, start, end, list(p.states)
        )
        job_of[fut.key] = job
        return fut

    running = as_completed([submit(job) for job in itertools.islice(jobs, window)])
    for fut in running:
        done[job_of.pop(fut.key)] = fut.result()
        bar.advance(task)
        nxt = next(jobs, None)
        if nxt is not None:
            running.add(submit(nxt))
    return done


def execute(
    p: Plan,
    workers: int | None = None,
    scheduler: str | None = None,
    console: Console | None = None,
) -> list[dict]:
    """Run every (scenario, replicate) task on Dask; results sorted by scenario then replicate,
    each ``{"scenario", "replicate", "seed", "measures"}``."""
    if workers is not None and scheduler is not None:
        raise UserError("--workers: give either --workers or --scheduler, not both")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"--workers: {workers} must be from 1 to {MAX_WORKERS}")
    n_tasks = len(p.names) * p.spec.replicates
    n_workers = workers or max(1, min(os.cpu_count() or 1, n_tasks))
    with _client(n_workers, scheduler) as client, _progress(console) as bar:
        window = IN_FLIGHT_PER_WORKER * max(n_workers, len(client.scheduler_info()["workers"]))
        done = _run_all(client, p, window, bar)
    out = []
    for i, r in _jobs(p):
        got = done[(i, r)]
        if got["scenario_hash"] != p.hashes[i]:
            raise UserError(
                f"--scenarios: workers resolved scenario {p.names[i]!r} differently from this "
                "client (another scomm version or scenario file?)"
            )
        out.append(
            {
                "scenario": p.names[i],
                "replicate": r,
                "seed": p.spec.seed + r,
                "measures": got["measures"],
            }
        )
    return out


def results_table(rows: list[dict]) -> pl.DataFrame:
    """One row per scenario × replicate × measure, in run order."""
    flat = [
        (row["scenario"], row["replicate"], row["seed"], name, value)
        for row in rows
        for name, value in row["measures"].items()
    ]
    schema = {
        "scenario": pl.String,
        "replicate": pl.Int32,
        "seed": pl.Int64,
        "measure": pl.String,
        "value": pl.Float64,
    }
    return pl.DataFrame(flat, schema=schema, orient="row")


def describe(values: np.ndarray) -> dict:
    """Mean, standard deviation, 2.5–97.5 percentiles of the values, and a normal-
    approximation 95% interval of the mean (None with a single value)."""
    n = len(values)
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else None
    half = Z95 * sd / math.sqrt(n) if sd is not None else None
    return {
        "n": n,
        "mean": mean,
        "sd": sd,
        "p2_5": float(np.percentile(values, 2.5)),
        "p97_5": float(np.percentile(values, 97.5)),
        "mean_ci95": [mean - half, mean + half] if half is not None else None,
    }


def _by_measure(rows: list[dict], scenario: str) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for row in rows:
        if row["scenario"] == scenario:
            for name, value in row["measures"].items():
                out.setdefault(name, {})[row["replicate"]] = value
    return out


def summarize(p: Plan, rows: list[dict]) -> dict:
    """The sweep's summary document."""
    per = {name: _by_measure(rows, name) for name in p.names}
    scenarios = {
        name: {m: describe(np.array(list(v.values()))) for m, v in per[name].items()}
        for name in p.names
    }
    first = p.names[0]
    differences = []
    for name in p.names[1:]:
        diff = {}
        for m, b in per[name].items():
            a = per[first].get(m, {})
            reps = [r for r in b if r in a]
            if reps:
                diff[m] = describe(np.array([b[r] - a[r] for r in reps]))
        differences.append({"a": first, "b": name, "measures": diff})
    return {
        "scomm_version": __version__,
        "kind": "sweep",
        "scenarios": [
            {"name": n, "scenario_hash": h} for n, h in zip(p.names, p.hashes, strict=True)
        ],
        "replicates": p.spec.replicates,
        "seeds": {"first": p.spec.seed, "last": p.spec.seed + p.spec.replicates - 1},
        "period": {"start": p.period[0], "end": p.period[1]},
        "states": list(p.states),
        "intervals": {
            "p2_5/p97_5": "2.5th and 97.5th percentiles of the replicates",
            "mean_ci95": "mean ± 1.96 × sd / sqrt(n): normal-approximation 95% interval of the mean",
            "differences": "b − a replicate by replicate on the same seed (common random numbers)",
            "parameters": "replicate r runs seed S + r with the posterior parameter set that "
            "seed draws (scomm.calibration.draws), the same in every scenario, so intervals "
            "include parameter uncertainty; without a packaged posterior, point values",
        },
        "by_scenario": scenarios,
        "differences": differences,
    }


def write(out: Path, table: pl.DataFrame, doc: dict) -> None:
    """results.parquet and summary.json, atomically."""
    with atomic_dir(Path(out)) as tmp:
        table.write_parquet(tmp / "results.parquet", compression="zstd")
        write_json(tmp / "summary.json", doc)


def _fmt(x: float | None) -> str:
    return format_value(x, style=REPLICATES)


def _span(lo: float | None, hi: float | None) -> str:
    return "–" if lo is None or hi is None else f"{_fmt(lo)} … {_fmt(hi)}"


def render(doc: dict) -> list[Table]:
    """Terminal tables: each scenario's measures, then each paired difference, with the
    95% interval of the mean and the 2.5–97.5 percentiles of the replicates."""
    head = (
        f"{doc['replicates']} replicates (seeds {doc['seeds']['first']}..{doc['seeds']['last']}), "
        f"{doc['period']['start']}..{doc['period']['end']}"
    )
    parts = [(s["name"], doc["by_scenario"][s["name"]]) for s in doc["scenarios"]]
    parts += [(f"{d['b']} − {d['a']} (paired)", d["measures"]) for d in doc["differences"]]
    tables = []
    for title, stats in parts:
        table = Table(title=f"{title}: {head}")
        table.add_column("measure", overflow="fold")
        for label in ("mean", "95% CI of mean", "2.5–97.5%"):
            table.add_column(label, justify="right")
        for name, s in stats.items():
            ci = s["mean_ci95"] or [None, None]
            table.add_row(name, _fmt(s["mean"]), _span(*ci), _span(s["p2_5"], s["p97_5"]))
        tables.append(table)
    return tables
