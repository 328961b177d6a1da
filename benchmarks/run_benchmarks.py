"""Speed and memory benchmarks, measured side by side in one run (`make bench`).

Every measurement runs in a fresh subprocess; its wall time is taken around the process
(or around the phase it reports) and its peak memory is the process's own maximum resident
set size, read with ``os.wait4``. Figures are medians over ``--repeats`` runs.

1. national, full S-Comm era (2008-10..2014-11), one replicate, all metrics: the
   ``scomm run --json`` command end to end, and its phases in process;
2. engine versus the object-per-booking reference (benchmarks/reference_model.py) on the
   same compiled inputs of a slice, in bookings per second;
3. the engine against a floor: NumPy drawing one uniform per booking of the workload;
4. growth of time and memory with months, counties and replicates.

Results go to out/bench/results.json and, as Markdown tables, to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
ERA = ("2008-10", "2014-11")
SLICE = {"states": "NY", "start": ERA[0], "end": ERA[1]}  # the national era, one state
WARM = 3  # in-process repeats of a slice run (median), after one untimed warm-up


# --- children: each prints one JSON line ----------------------------------------------------


def child_phases(a: dict) -> dict:
    """``scomm.api.run``'s phases on a workload: import, compile and simulate timed apart,
    then ``api.run`` (compile, simulate, flows, summary, metrics) per replicate."""
    t0 = time.perf_counter()
    import numpy as np

    from scomm import api, periods
    from scomm.compile import compile_inputs
    from scomm.jurisdictions.counties import counties, parse_states
    from scomm.scenario import resolve

    t1 = time.perf_counter()
    chosen = parse_states(a.get("states"))
    start, end = periods.parse_period(a["start"], a["end"])
    inputs = compile_inputs(resolve("baseline"), start, end, chosen)
    t2, c2 = time.perf_counter(), time.process_time()
    sim = api.simulate(inputs, 0)
    t3, c3 = time.perf_counter(), time.process_time()
    matches = len(sim.cohort.key)
    del sim, inputs  # each run below holds its own
    runs, cpu, totals = [], [], {}
    for seed in range(a.get("replicates", 1)):
        s, c = time.perf_counter(), time.process_time()
        totals = api.run(start=a["start"], end=a["end"], states=chosen, seed=seed).summary["totals"]
        runs.append(time.perf_counter() - s)
        cpu.append(time.process_time() - c)
    return {
        "import_s": t1 - t0,
        "compile_s": t2 - t1,
        "simulate_s": t3 - t2,
        "simulate_cpu_s": c3 - c2,
        "run_s": runs,
        "run_cpu_s": cpu,
        "bookings": totals["bookings"],
        "submissions": totals["submissions"],
        "matches": matches,
        "counties": int(np.isin(counties().state, chosen).sum()),
        "months": end - start + 1,
    }


def child_slice(a: dict) -> dict:
    """Engine or reference ``simulate`` on the slice's compiled inputs (compiled once;
    one warm-up run, then the median of ``WARM`` runs)."""
    from scomm import periods
    from scomm.compile import compile_inputs
    from scomm.engine import simulate as engine
    from scomm.jurisdictions.counties import parse_states
    from scomm.scenario import resolve

    sys.path.insert(0, str(HERE))
    from reference_model import simulate as reference

    period = periods.parse_period(a["start"], a["end"])
    inputs = compile_inputs(resolve("baseline"), *period, parse_states(a["states"]))
    model = reference if a["model"] == "reference" else engine
    sim = model(inputs, 0)
    walls, cpus = [], []
    for seed in range(1, WARM + 1):
        start, cpu = time.perf_counter(), time.process_time()
        model(inputs, seed)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return {
        "simulate_s": statistics.median(walls),
        "simulate_cpu_s": statistics.median(cpus),
        "bookings": int(inputs.bookings[inputs.county_mask].sum()),
        "matches": len(sim.cohort.key),
    }


def child_floor(a: dict) -> dict:
    """NumPy drawing one uniform per booking of the workload (PCG64, chunks of 2^20 into a
    reused buffer; one warm-up, then the median of ``WARM`` runs)."""
    import numpy as np

    from scomm import periods
    from scomm.compile import compile_inputs
    from scomm.jurisdictions.counties import parse_states
    from scomm.scenario import resolve

    period = periods.parse_period(a["start"], a["end"])
    inputs = compile_inputs(resolve("baseline"), *period, parse_states(a.get("states")))
    n = int(inputs.bookings[inputs.county_mask].sum())
    rng = np.random.default_rng(0)
    buf = np.empty(1 << 20)

    def draw() -> float:
        start, left = time.perf_counter(), n
        while left > 0:
            k = min(left, len(buf))
            rng.random(out=buf[:k])
            left -= k
        return time.perf_counter() - start

    draw()
    return {"floor_s": statistics.median(draw() for _ in range(WARM)), "bookings": n}


CHILDREN = {"phases": child_phases, "slice": child_slice, "floor": child_floor}


# --- the parent: subprocesses, peak memory, medians ----------------------------------------


def measure(cmd: list[str]) -> tuple[float, float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS in MiB, CPU seconds, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited with {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out


def child(kind: str, repeats: int, **args) -> dict:
    """Median over repeats of a child's figures, with its wall time and peak RSS."""
    runs = []
    for _ in range(repeats):
        wall, rss, _, out = measure([sys.executable, __file__, "--child", kind, json.dumps(args)])
        runs.append({**json.loads(out.strip().splitlines()[-1]), "wall_s": wall, "peak_mib": rss})
    return _median(runs)


def _median(runs: list[dict]) -> dict:
    out = {}
    for key, value in runs[0].items():
        if isinstance(value, list):
            out[key] = [statistics.median(r[key][i] for r in runs) for i in range(len(value))]
        elif isinstance(value, float):
            out[key] = statistics.median(r[key] for r in runs)
        else:
            out[key] = value
    out["repeats"] = len(runs)
    return out


def machine() -> dict:
    """The machine and software the figures were taken on."""
    import numpy

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?")
    mem_kib = next(int(ln.split()[1]) for ln in meminfo if ln.startswith("MemTotal"))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kib / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "commit": commit,
        "load_average": list(os.getloadavg()),
    }


def benchmark(repeats: int) -> dict:
    """Every figure of docs/performance.md."""
    start, end = ERA
    results: dict = {"machine": machine(), "repeats": repeats}
    cli = [str(BIN / "scomm"), "run", "--start", start, "--end", end, "--json"]
    runs = [measure(cli)[:3] for _ in range(repeats)]
    results["national_cli"] = {
        "command": " ".join(["scomm", *cli[1:]]),
        "wall_s": statistics.median(r[0] for r in runs),
        "peak_mib": statistics.median(r[1] for r in runs),
        "cpu_s": statistics.median(r[2] for r in runs),
    }
    results["national_phases"] = child("phases", repeats, start=start, end=end)
    results["national_floor"] = child("floor", repeats, start=start, end=end)
    results["slice_engine"] = child("slice", repeats, model="engine", **SLICE)
    results["slice_reference"] = child("slice", repeats, model="reference", **SLICE)
    results["slice_floor"] = child("floor", repeats, **SLICE)
    results["by_months"] = [
        child("phases", repeats, start=s, end=end) for s in ("2013-12", "2012-12", "2010-12", start)
    ]
    results["by_counties"] = [
        child("phases", repeats, start=start, end=end, states=states)
        for states in ("NY", "NY,CA,TX,FL", "NY,CA,TX,FL,IL,PA,OH,GA,NC,MI,NJ,VA,WA,AZ,MA,TN", None)
    ]
    results["by_replicates"] = [
        child("phases", repeats, start=start, end=end, replicates=r) for r in (1, 2, 4)
    ]
    results["sweeps"] = [sweep(repeats, workers, 4) for workers in (1, 2)]
    results["load_average_after"] = list(os.getloadavg())
    return results


def sweep(repeats: int, workers: int, replicates: int) -> dict:
    """``scomm sweep`` of the national era on a LocalCluster: wall time and the peak RSS of
    its largest process (the client, the scheduler or a worker)."""
    cmd = [str(BIN / "scomm"), "sweep", "--scenarios", "baseline", "--start", ERA[0]]
    cmd += ["--end", ERA[1], "--replicates", str(replicates), "--workers", str(workers), "--json"]
    runs = [measure(cmd)[:2] for _ in range(repeats)]
    return {
        "command": " ".join(["scomm", *cmd[1:]]),
        "workers": workers,
        "replicates": replicates,
        "wall_s": statistics.median(r[0] for r in runs),
        "peak_mib": statistics.median(r[1] for r in runs),
    }


# --- the report -----------------------------------------------------------------------------


def report(r: dict) -> str:
    """Markdown tables of the results."""
    m = r["machine"]
    cli, ph, fl = r["national_cli"], r["national_phases"], r["national_floor"]
    eng, ref, sfl = r["slice_engine"], r["slice_reference"], r["slice_floor"]
    e_rate, r_rate = eng["bookings"] / eng["simulate_s"], ref["bookings"] / ref["simulate_s"]
    load = " / ".join(f"{x:.1f}" for x in m["load_average"])
    after = " / ".join(f"{x:.1f}" for x in r["load_average_after"])
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"NumPy {m['numpy']}, commit {m['commit']}; medians over {r['repeats']} runs; "
        f"load average (1/5/15 min) {load} before, {after} after.",
        "",
        "| national 2008-10..2014-11, one replicate, all metrics | figure |",
        "|---|---|",
        f"| `{cli['command']}`: wall time | {cli['wall_s']:.2f} s (CPU {cli['cpu_s']:.2f} s) |",
        f"| same: peak memory (max RSS) | {cli['peak_mib']:.0f} MiB |",
        f"| bookings / submissions / IDENT matches | {ph['bookings']:,} / {ph['submissions']:,} / "
        f"{ph['matches']:,} |",
        f"| in process: import / compile / simulate | {ph['import_s']:.2f} / "
        f"{ph['compile_s']:.2f} / {ph['simulate_s']:.2f} s (simulate CPU "
        f"{ph['simulate_cpu_s']:.2f} s) |",
        f"| in process: `scomm.api.run` (compile, simulate, flows, summary, metrics) | "
        f"{ph['run_s'][0]:.2f} s (CPU {ph['run_cpu_s'][0]:.2f} s) |",
        f"| floor: NumPy, one uniform per booking | {fl['floor_s']:.3f} s |",
        f"| engine simulate / floor | {ph['simulate_s'] / fl['floor_s']:.1f}× "
        f"(CPU: {ph['simulate_cpu_s'] / fl['floor_s']:.1f}×) |",
        f"| `api.run` / floor | {ph['run_s'][0] / fl['floor_s']:.1f}× |",
        "",
        f"| slice: {SLICE['states']} {SLICE['start']}..{SLICE['end']}, "
        f"{eng['bookings']:,} bookings, same compiled inputs | simulate (CPU) | bookings/s |",
        "|---|---|---|",
        f"| engine | {eng['simulate_s'] * 1000:.1f} ms ({eng['simulate_cpu_s'] * 1000:.1f} ms) "
        f"| {e_rate:,.0f} |",
        f"| reference, one object per booking | {ref['simulate_s']:.2f} s "
        f"({ref['simulate_cpu_s']:.2f} s) | {r_rate:,.0f} |",
        f"| NumPy floor | {sfl['floor_s'] * 1000:.1f} ms | {sfl['bookings'] / sfl['floor_s']:,.0f} |",
        f"| **engine / reference speed** | | **{e_rate / r_rate:,.0f}×** |",
        f"| engine / floor time | | {eng['simulate_s'] / sfl['floor_s']:.1f}× |",
        "",
        "| grows with | months | counties | bookings | simulate | `api.run` | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, rows in (("months", r["by_months"]), ("counties", r["by_counties"])):
        for row in rows:
            lines.append(
                f"| {label} | {row['months']} | {row['counties']:,} | {row['bookings']:,} | "
                f"{row['simulate_s']:.2f} s | {row['run_s'][0]:.2f} s | {row['peak_mib']:.0f} MiB |"
            )
    lines += [
        "",
        "| replicates, one process, national era | `api.run` each | total | peak RSS |",
        "|---|---|---|---|",
    ]
    for row in r["by_replicates"]:
        each = " / ".join(f"{t:.2f}" for t in row["run_s"])
        lines.append(
            f"| {len(row['run_s'])} | {each} s | {sum(row['run_s']):.2f} s | "
            f"{row['peak_mib']:.0f} MiB |"
        )
    lines += ["", "| sweep on a LocalCluster | wall time | largest process peak RSS |"]
    lines.append("|---|---|---|")
    for row in r["sweeps"]:
        lines.append(f"| `{row['command']}` | {row['wall_s']:.1f} s | {row['peak_mib']:.0f} MiB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ARGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, raw = args.child
        print(json.dumps(CHILDREN[kind](json.loads(raw))))
        return
    results = benchmark(args.repeats)
    out = ROOT / "out" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))


if __name__ == "__main__":
    main()
