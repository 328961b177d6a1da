"""Calibration speed (docs/performance.md): the aggregate mode against the engine, and
likelihood batches on 1 and 2 Dask workers, measured side by side.

1. national 2008-10..2014-11 in aggregate mode: compile the parameter part (the frame compiled
   once, as the calibration does), take the expectation and every contract total; and, on the
   same inputs, the stochastic engine's ``simulate`` for comparison (medians of ``--repeats``);
2. one likelihood evaluation of the calibration's simulator (2008-10..2023-09, every term) at
   the prior median, and its parts: compiling the parameter set, the expectation, the terms
   (medians of wall and of CPU seconds: on a shared machine CPU seconds are the steadier);
3. a batch of ``--batch`` likelihood evaluations at prior draws mapped over a LocalCluster of
   1 worker, then of 2 workers (the same points, the same results), and the speed-up
   (``--batch 0`` skips it).

    .venv/bin/python benchmarks/calibration.py [--repeats 7] [--batch 48] [--engine-repeats 3]
        [--out PATH]

Results go to out/bench/calibration.json (or ``--out``) and, as Markdown, to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _median_time(fn, repeats: int) -> tuple[float, list[float]]:
    fn()  # warm
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def aggregate_national(repeats: int, engine_repeats: int) -> dict:
    from scomm import aggregate, periods
    from scomm.compile import compile_parameters, frame
    from scomm.engine import simulate
    from scomm.jurisdictions.counties import counties
    from scomm.scenario import resolve

    scn = resolve("baseline")
    states = counties().states()
    fr = frame(scn, periods.parse_month("2008-10"), periods.parse_month("2014-11"), states)
    state_cells = np.unique(counties().state, return_inverse=True)[1]

    def agg():
        e = aggregate.expect(compile_parameters(fr, scn), state_cells)
        return aggregate.totals(e)

    inputs = compile_parameters(fr, scn)
    t_agg, all_agg = _median_time(agg, repeats)
    out = {"aggregate_s": t_agg, "aggregate_runs": all_agg}
    if engine_repeats > 0:
        t_eng, all_eng = _median_time(lambda: simulate(inputs, 0), engine_repeats)
        out |= {"engine_simulate_s": t_eng, "engine_runs": all_eng}
    return out


def likelihood(repeats: int) -> dict:
    from scomm import aggregate
    from scomm.calibration import observations as obs
    from scomm.calibration.simulator import Simulator

    t = time.perf_counter()
    sim = Simulator.default()
    build = time.perf_counter() - t
    x = {c.label: 0.0 for c in sim.space.informed}
    t_ll, runs = _median_time(lambda: sim.loglik(x), repeats)
    parts = {"compile": [], "expectation": [], "terms": []}
    for _ in range(repeats):
        inputs, c1 = _timed(sim.inputs, x)
        e, c2 = _timed(aggregate.expect, inputs, sim.cells.of_county)
        _, c3 = _timed(obs.loglik, list(sim.terms), e, sim.spreads(x))
        for k, c in zip(parts, (c1, c2, c3), strict=True):
            parts[k].append(c)
    return {"simulator_build_s": build, "loglik_s": t_ll, "loglik_runs": runs,
            "parts": {k: {"wall_s": statistics.median(w for w, _ in v),
                          "cpu_s": statistics.median(c for _, c in v)} for k, v in parts.items()},
            "terms": len(sim.terms), "coordinates": len(sim.space.informed)}  # fmt: skip


def _timed(fn, *args):
    """``fn(*args)`` and its (wall, CPU) seconds."""
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, (time.perf_counter() - t, time.process_time() - c)


def _points(n: int) -> list[dict]:
    from scomm.calibration.simulator import Simulator

    space = Simulator.default().space
    draws = space.prior_sample(n, np.random.default_rng(1), "informed")
    return [{k: float(v[i]) for k, v in draws.items()} for i in range(n)]


def _loglik(x: dict) -> float:
    from scomm.calibration.simulator import Simulator

    return Simulator.default().loglik(x)


def batches(n: int) -> dict:
    from scomm.calibration import infer

    points = _points(n)
    out = {}
    for workers in (1, 2):
        with infer.dask_map(workers, None) as (mapped, _):
            mapped(_loglik, points[:2])  # warm the workers
            t = time.perf_counter()
            values = mapped(_loglik, points)
            out[workers] = {"seconds": time.perf_counter() - t, "values": values}
    same = out[1]["values"] == out[2]["values"]
    return {"batch": n, "one_worker_s": out[1]["seconds"], "two_workers_s": out[2]["seconds"],
            "speedup": out[1]["seconds"] / out[2]["seconds"], "identical_results": same}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--engine-repeats", type=int, default=3, help="0 skips the engine")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "calibration.json")
    a = ap.parse_args()
    load_before = os.getloadavg()
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before},
        "aggregate": aggregate_national(a.repeats, a.engine_repeats),
        "likelihood": likelihood(a.repeats),
        "batches": batches(a.batch) if a.batch > 0 else None,
    }  # fmt: skip
    result["machine"]["load_after"] = os.getloadavg()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1))
    _print(result)


def _print(result: dict) -> None:
    g, ll, b = result["aggregate"], result["likelihood"], result["batches"]
    print("| figure | value |\n|---|---|")
    print(
        f"| national 2008-10..2014-11, aggregate mode (compile + expectation + totals) | "
        f"{g['aggregate_s']:.3f} s |"
    )
    if "engine_simulate_s" in g:
        print(f"| same inputs, engine `simulate` | {g['engine_simulate_s']:.3f} s |")
    print(
        f"| one likelihood evaluation ({ll['terms']} terms, 2008-10..2023-09) | "
        f"{ll['loglik_s']:.3f} s |"
    )
    for k, v in ll["parts"].items():
        print(f"| its {k}: wall / CPU | {v['wall_s']:.3f} s / {v['cpu_s']:.3f} s |")
    if b is not None:
        print(
            f"| batch of {b['batch']} evaluations, 1 worker / 2 workers | "
            f"{b['one_worker_s']:.1f} s / {b['two_workers_s']:.1f} s: {b['speedup']:.2f}× "
            f"(identical: {b['identical_results']}) |"
        )
    m = result["machine"]
    print(f"| load average before / after | {m['load_before']} / {m['load_after']} |")


if __name__ == "__main__":
    main()
