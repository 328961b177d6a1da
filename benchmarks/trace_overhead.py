"""What the engine's trace costs: nothing when off, a few milliseconds when on.

1. The stages after the match (``engine._downstream``) on the national 2008-10..2014-11 cohort,
   trace off: this checkout, and, with ``--against SRC``, another checkout's ``src`` (e.g. one
   from before the trace, made with ``git archive <commit> | tar -x -C DIR``) side by side,
   alternating child processes so both see the same machine load.
2. ``engine.trace`` for 1 and for 10,000 random matched people of the same run.

Every figure is a median over ``--repeats`` runs in one child process; wall and CPU seconds.

    .venv/bin/python benchmarks/trace_overhead.py --against /tmp/before/src --rounds 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def child(repeats: int, with_trace: bool) -> dict:
    """Time the stages after the match (and, if asked, traces) in this process."""
    import numpy as np

    import scomm
    from scomm import periods
    from scomm.compile import compile_inputs
    from scomm.engine import _downstream, simulate
    from scomm.jurisdictions.counties import parse_states
    from scomm.scenario import resolve

    start, end = periods.parse_period("2008-10", "2014-11")
    inputs = compile_inputs(resolve("baseline"), start, end, parse_states(None))
    c = simulate(inputs, 0).cohort
    args = (c.county, c.month, c.key, c.status, np.zeros(len(c.key), dtype=bool))
    _downstream(inputs, 0, *args)  # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        t, p = time.perf_counter(), time.process_time()
        _downstream(inputs, 0, *args)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - p)
    out = {
        "src": str(Path(scomm.__file__).parents[1]),
        "cohort": len(c.key),
        "downstream_wall_s": statistics.median(wall),
        "downstream_cpu_s": statistics.median(cpu),
    }
    if with_trace:
        from scomm.engine import trace

        rng = np.random.default_rng(0)
        for n in (1, 10_000):
            times = []
            for _ in range(repeats):
                keys = c.key[rng.choice(len(c.key), n, replace=False)]
                t = time.perf_counter()
                trace(inputs, 0, keys)
                times.append(time.perf_counter() - t)
            out[f"trace_{n}_people_s"] = statistics.median(times)
    return out


def _run(src: Path, repeats: int, with_trace: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--child", str(repeats)]
    if with_trace:
        cmd.append("--with-trace")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, help="another checkout's src directory")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--with-trace", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child is not None:
        print(json.dumps(child(a.child, a.with_trace)))
        return
    rows = []
    for _ in range(a.rounds):
        rows.append(("this", _run(SRC, a.repeats, True)))
        if a.against is not None:
            rows.append(("against", _run(a.against, a.repeats, False)))
    print(f"load average after: {os.getloadavg()}")
    print("| checkout | cohort | after-match stages, wall | CPU | trace 1 | trace 10,000 |")
    print("|---|---|---|---|---|---|")
    for who, r in rows:
        one = r.get("trace_1_people_s")
        many = r.get("trace_10000_people_s")
        print(
            f"| {who} | {r['cohort']:,} | {r['downstream_wall_s']:.3f} s "
            f"| {r['downstream_cpu_s']:.3f} s "
            f"| {'—' if one is None else f'{one * 1e3:.1f} ms'} "
            f"| {'—' if many is None else f'{many * 1e3:.1f} ms'} |"
        )


if __name__ == "__main__":
    main()
