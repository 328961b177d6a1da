"""Calibration speed (docs/performance.md): the aggregate mode against the engine, and
likelihood batches on 1 and 2 Dask workers, measured side by side.

1. national 2008-10..2014-11 in aggregate mode: compile the parameter part (the frame compiled
   once, as the calibration does), take the expectation and every contract total; and, on the
   same inputs, the stochastic engine's ``simulate`` for comparison (medians of ``--repeats``);
2. one likelihood evaluation of the calibration's simulator (2008-10..2023-09, every term);
3. a batch of ``--batch`` likelihood evaluations at prior draws mapped over a LocalCluster of
   1 worker, then of 2 workers (the same points, the same results), and the speed-up.

    .venv/bin/python benchmarks/calibration.py [--repeats 7] [--batch 48]

Results go to out/bench/calibration.json and, as Markdown, to stdout.
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


def aggregate_national(repeats: int) -> dict:
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
    t_eng, all_eng = _median_time(lambda: simulate(inputs, 0), max(3, repeats // 2))
    return {"aggregate_s": t_agg, "aggregate_runs": all_agg, "engine_simulate_s": t_eng,
            "engine_runs": all_eng}  # fmt: skip


def likelihood(repeats: int) -> dict:
    from scomm.calibration.simulator import Simulator

    t = time.perf_counter()
    sim = Simulator.default()
    build = time.perf_counter() - t
    x = {c.label: 0.0 for c in sim.space.informed}
    t_ll, runs = _median_time(lambda: sim.loglik(x), repeats)
    return {"simulator_build_s": build, "loglik_s": t_ll, "loglik_runs": runs,
            "terms": len(sim.terms), "coordinates": len(sim.space.informed)}  # fmt: skip


def _points(n: int) -> list[dict]:
    from scomm.calibration.simulator import Simulator

    space = Simulator.default().space
    draws = space.prior_sample(n, np.random.default_rng(1), "informed")
    return [{k: float(v[i]) for k, v in draws.items()} for i in range(n)]


def _loglik(x: dict) -> float:
    from scomm.calibration.simulator import Simulator

    return Simulator.default().loglik(x)


def batches(n: int) -> dict:
    from scomm.calibration import abc

    points = _points(n)
    out = {}
    for workers in (1, 2):
        with abc.dask_map(workers, None) as (mapped, _):
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
    a = ap.parse_args()
    load_before = os.getloadavg()
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before},
        "aggregate": aggregate_national(a.repeats),
        "likelihood": likelihood(a.repeats),
        "batches": batches(a.batch),
    }  # fmt: skip
    result["machine"]["load_after"] = os.getloadavg()
    out = ROOT / "out" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.json").write_text(json.dumps(result, indent=1))
    g, ll, b = result["aggregate"], result["likelihood"], result["batches"]
    print("| figure | value |\n|---|---|")
    print(
        f"| national 2008-10..2014-11, aggregate mode (compile + expectation + totals) | "
        f"{g['aggregate_s']:.3f} s |"
    )
    print(f"| same inputs, engine `simulate` | {g['engine_simulate_s']:.3f} s |")
    print(
        f"| one likelihood evaluation ({ll['terms']} terms, 2008-10..2023-09) | "
        f"{ll['loglik_s']:.3f} s |"
    )
    print(
        f"| batch of {b['batch']} evaluations, 1 worker / 2 workers | {b['one_worker_s']:.1f} s"
        f" / {b['two_workers_s']:.1f} s: {b['speedup']:.2f}× (identical: "
        f"{b['identical_results']}) |"
    )
    print(f"| load average before / after | {load_before} / {result['machine']['load_after']} |")


if __name__ == "__main__":
    main()
