"""Benchmark: load a 1,000,000-row synthetic DDP-format detainer file; time and peak memory.

The file is generated first (scomm.records.synthetic, seed 0); the load then runs in a fresh
child process so that its peak resident memory (ru_maxrss) is the load's alone. Prints the
results; asserts nothing about timings (see docs/performance.md, "Records load").

    .venv/bin/python benchmarks/records_load.py [--rows 1000000] [--format parquet|csv]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scomm.records import synthetic

CHILD = """
import json, resource, sys, time
from pathlib import Path
from scomm.records import load
from scomm.records.summarize import summarize
src, out = Path(sys.argv[1]), Path(sys.argv[2])
t0 = time.perf_counter()
manifest = load([src], out)
t1 = time.perf_counter()
summarize(out, ["state", "month"])
t2 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "load_seconds": round(t1 - t0, 2),
    "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    "summarize_seconds": round(t2 - t1, 2),
    "rows": manifest["tables"]["detainers"]["rows"],
    "dup_flagged": manifest["tables"]["detainers"]["dup_flagged"],
    "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    "output_mib": round(sum(p.stat().st_size for p in out.iterdir()) / 2**20, 1),
}))
"""


def main() -> None:
    """Generate, load in a child process, print one JSON line of results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scomm-bench-") as tmp:
        src = Path(tmp) / f"detainers.{args.format}"
        t0 = time.perf_counter()
        synthetic.write(src, "detainers", args.rows, seed=args.seed)
        generate = time.perf_counter() - t0
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(src), str(Path(tmp) / "loaded")],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout)
        result.update(
            {
                "input_format": args.format,
                "input_mib": round(src.stat().st_size / 2**20, 1),
                "generate_seconds": round(generate, 2),
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {_cpus()} CPUs",
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    print(json.dumps(result))


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
