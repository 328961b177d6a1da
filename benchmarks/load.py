"""The dashboard under load: a real `scomm serve` (uvicorn) on 127.0.0.1 and an asyncio/aiohttp
load generator, bounded in time. Figures for docs/performance.md.

Phase 1, mixed load: ``--clients`` closed-loop clients for ``--seconds`` seconds. Most clients
pick, at random, a static file, /api/scenarios, /api/params, a cached page (/place,
/compare, /follow, warmed first) or a cached /api/run; ``--explorers`` of them ask only for
runs nobody asked before (a state and a month, cache misses, so the queue always has work).
Latency per kind of request (p50, p95, p99), requests per second and every non-2xx answer.

Phase 2, memory: ``--national`` distinct national runs (default period, seeds 1..N) asked at
once, while a few clients keep asking for /api/scenarios and a static file; the server's
peak resident set size and the cheap requests' latency meanwhile. The server is a process
tree (uvicorn's process and its worker processes): memory is summed over the tree, sampled
every 0.1 s (the peak of the sum), and each process's own peak (VmHWM) is added up too, an
upper bound, since the processes' peaks need not coincide.

    .venv/bin/python benchmarks/load.py                     # 50 clients, 60 s, 20 national
    .venv/bin/python benchmarks/load.py --seconds 10 --national 4   # a quick look

Results go to out/bench/load.json and, as Markdown, to stdout. Loopback only: the server is
bound to 127.0.0.1 and every request goes there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STATIC = [
    "/static/app.css",
    "/static/national.js",
    "/vendor/js/vega.min.js",
    "/vendor/js/topojson-client.min.js",
]
PAGES = [
    "/place?state=NY",
    "/place?state=CA&start=2011-01&end=2011-12",
    "/place?county=36059",
    "/compare?a=baseline&b=no-scomm&state=NY",
    "/compare?a=baseline&b=no-scomm&state=AZ",
    "/follow?county=48201&outcome=removed",
]
RUNS = [
    "/api/run?states=NY&start=2011-01&end=2011-12",
    "/api/run?states=CA&start=2011-01&end=2011-12",
    "/api/compare?a=baseline&b=no-scomm&states=AZ&start=2011-01&end=2011-12",
]
CHEAP = {"static": STATIC, "api_scenarios": ["/api/scenarios"]}
MIX = [  # (kind, weight): what a browsing client asks for
    ("static", 30),
    ("api_scenarios", 15),
    ("api_params", 10),
    ("page_cached", 30),
    ("run_cached", 15),
]
STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    """`scomm serve` on loopback, waited for until /api/scenarios answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "scomm", "serve", "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/scenarios", timeout=5):
                return proc
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("scomm serve did not start")


def session(base: str, connections: int, timeout: float) -> aiohttp.ClientSession:
    """A keep-alive client of the server with room for every client's connection. aiohttp
    parses responses in C: an httpx client cost about 6 ms of CPU per request here, as much
    as the server, and on two cores its own queueing counted as the server's latency."""
    return aiohttp.ClientSession(
        base_url=base,
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


def status_kib(pid: int, field: str) -> int:
    """A memory figure of the process (VmRSS, VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def tree(pid: int) -> list[int]:
    """The process and its descendants (Linux: /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_kib(pid: int, field: str) -> int:
    """A memory figure summed over the process tree, in KiB (a process gone meanwhile: 0)."""
    total = 0
    for p in tree(pid):
        try:
            total += status_kib(p, field)
        except OSError:
            continue
    return total


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes used so far, in seconds."""
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_now(pid: int) -> dict[str, float]:
    """CPU seconds so far: the server's own process, its workers, this load generator."""
    workers = [p for p in tree(pid) if p != pid]
    own = os.times()
    return {
        "server": cpu_seconds([pid]),
        "workers": cpu_seconds(workers),
        "load_generator": own.user + own.system,
    }


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of the values, in ms."""
    if not values:
        return float("nan")
    s = sorted(values)
    return 1000 * s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


class Record:
    """Latencies and failures by kind of request."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)

    async def get(self, client: aiohttp.ClientSession, kind: str, path: str) -> None:
        began = time.perf_counter()
        try:
            async with client.get(path) as r:
                await r.read()
                ok, why = r.status < 400, f"HTTP {r.status} {path}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, why = False, f"{type(exc).__name__} {path}"
        self.latency[kind].append(time.perf_counter() - began)
        if not ok:
            self.failures[kind].append(why)

    def table(self, seconds: float) -> list[dict]:
        rows = []
        for kind, values in sorted(self.latency.items()):
            rows.append(
                {
                    "kind": kind,
                    "requests": len(values),
                    "per_s": round(len(values) / seconds, 1),
                    "p50_ms": round(pct(values, 50), 1),
                    "p95_ms": round(pct(values, 95), 1),
                    "p99_ms": round(pct(values, 99), 1),
                    "max_ms": round(1000 * max(values), 1),
                    "failures": len(self.failures[kind]),
                }
            )
        return rows


def browse_path(kind: str, rng: random.Random) -> str:
    if kind == "api_params":
        return f"/api/params?date=2011-{rng.randint(1, 12):02d}-01&state={rng.choice(STATES)}"
    pool = {"page_cached": PAGES, "run_cached": RUNS, **CHEAP}[kind]
    return rng.choice(pool)


async def browser(client, rec: Record, until: float, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        await rec.get(client, kind, browse_path(kind, rng))


async def explorer(client, rec: Record, until: float, seed: int) -> None:
    """New runs only: a state and a month nobody asked for before (seed keeps them apart)."""
    n = 0
    while time.monotonic() < until:
        state, month = STATES[(seed * 7 + n) % len(STATES)], 1 + n % 12
        path = f"/api/run?states={state}&start=2012-{month:02d}&end=2012-{month:02d}&seed={seed}"
        await rec.get(client, "run_uncached", path)
        n += 1


async def mixed(
    base: str, pid: int, clients: int, explorers: int, seconds: float
) -> tuple[Record, float, dict]:
    rec = Record()
    async with session(base, clients + 10, timeout=120) as client:
        for path in PAGES + RUNS:  # warm: pages whose runs are cached
            async with client.get(path) as r:
                r.raise_for_status()
                await r.read()
        began, cpu_before = time.monotonic(), cpu_now(pid)
        until = began + seconds
        tasks = [browser(client, rec, until, i) for i in range(clients - explorers)]
        tasks += [explorer(client, rec, until, 1000 + i) for i in range(explorers)]
        await asyncio.gather(*tasks)
        elapsed, cpu_after = time.monotonic() - began, cpu_now(pid)
        cpu = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before}
        return rec, elapsed, cpu


def reset_peak(pid: int) -> bool:
    """Reset the VmHWM of every process of the tree to its current RSS (Linux: ``5`` into
    clear_refs), so the next phase's peak is its own; False when not allowed."""
    try:
        for p in tree(pid):
            Path(f"/proc/{p}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


async def national(base: str, pid: int, n: int, cheap_clients: int) -> dict:
    """n distinct national runs at once; peak RSS and cheap-request latency meanwhile."""
    rec, cheap = Record(), Record()
    lifetime_peak = tree_kib(pid, "VmHWM")
    rss_before = tree_kib(pid, "VmRSS")
    own_peak = reset_peak(pid)
    samples: list[int] = []
    async with session(base, n + cheap_clients + 10, timeout=900) as client:
        heavy = [
            asyncio.create_task(rec.get(client, "national", f"/api/run?seed={s}"))
            for s in range(1, n + 1)
        ]
        began = time.monotonic()

        async def poll() -> None:
            while not all(t.done() for t in heavy):
                samples.append(tree_kib(pid, "VmRSS"))
                await asyncio.sleep(0.1)

        async def ask_cheap(i: int) -> None:
            rng = random.Random(i)
            while not all(t.done() for t in heavy):
                kind = rng.choice(list(CHEAP))
                await cheap.get(client, kind, rng.choice(CHEAP[kind]))

        await asyncio.gather(poll(), *heavy, *(ask_cheap(i) for i in range(cheap_clients)))
        seconds = time.monotonic() - began
    return {
        "runs": n,
        "seconds": round(seconds, 1),
        "answered": rec.table(seconds),
        "failures": rec.failures["national"],
        "processes": len(tree(pid)),
        "rss_before_mib": round(rss_before / 1024),
        "peak_rss_mib": round(max(samples, default=0) / 1024),
        "peak_upper_bound_mib": round(tree_kib(pid, "VmHWM") / 1024),
        "peak_is_this_phase": own_peak,
        "lifetime_peak_before_mib": round(lifetime_peak / 1024),
        "rss_after_mib": round(tree_kib(pid, "VmRSS") / 1024),
        "cheap_meanwhile": cheap.table(seconds),
    }


def markdown(doc: dict) -> str:
    out = [
        f"mixed load: {doc['mixed']['clients']} clients ({doc['mixed']['explorers']} asking "
        f"only for new runs), {doc['mixed']['seconds']} s, "
        f"{doc['mixed']['requests_per_s']} requests/s, {doc['mixed']['errors']} errors, "
        f"server peak RSS {doc['mixed']['server_peak_rss_mib']} MiB; CPU seconds used "
        f"meanwhile: {doc['mixed']['cpu_seconds']}",
        "",
        "| request | requests | per s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in doc["mixed"]["by_kind"]:
        out.append(
            f"| {r['kind']} | {r['requests']} | {r['per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['max_ms']} | {r['failures']} |"
        )
    n = doc["national"]
    out += [
        "",
        f"{n['runs']} distinct national runs at once: done in {n['seconds']} s, failures "
        f"{len(n['failures'])}, server ({n['processes']} processes) RSS before "
        f"{n['rss_before_mib']} MiB, peak {n['peak_rss_mib']} MiB sampled, "
        f"{n['peak_upper_bound_mib']} MiB summing each process's peak (this phase's own: "
        f"{n['peak_is_this_phase']}), after {n['rss_after_mib']} MiB; the server's peak before "
        f"it {n['lifetime_peak_before_mib']} MiB",
        "",
        "| meanwhile | requests | p50 ms | p95 ms | p99 ms | failures |",
        "|---|---|---|---|---|---|",
    ]
    for r in n["cheap_meanwhile"]:
        out.append(
            f"| {r['kind']} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
            f"| {r['failures']} |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--explorers", type=int, default=5, help="clients asking only for new runs")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--national", type=int, default=20)
    ap.add_argument("--cheap-clients", type=int, default=4)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "load.json")
    a = ap.parse_args()
    port = free_port()
    env = {**os.environ}
    proc = start_server(port, env)
    base = f"http://{HOST}:{port}"
    try:
        load_before = os.getloadavg()
        rec, seconds, cpu = asyncio.run(mixed(base, proc.pid, a.clients, a.explorers, a.seconds))
        total = sum(len(v) for v in rec.latency.values())
        errors = [f for fs in rec.failures.values() for f in fs]
        doc = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_before": load_before,
            },
            "cache_bytes": env.get("SCOMM_CACHE_BYTES", "default"),
            "workers": env.get("SCOMM_WORKERS", "default"),
            "run_cache_bytes": env.get("SCOMM_RUN_CACHE_BYTES", "default"),
            "mixed": {
                "clients": a.clients,
                "explorers": a.explorers,
                "seconds": round(seconds, 1),
                "requests": total,
                "requests_per_s": round(total / seconds, 1),
                "errors": len(errors),
                "error_examples": errors[:10],
                "by_kind": rec.table(seconds),
                "server_peak_rss_mib": round(tree_kib(proc.pid, "VmHWM") / 1024),
                "cpu_seconds": cpu,
            },
        }
        doc["national"] = asyncio.run(national(base, proc.pid, a.national, a.cheap_clients))
        doc["machine"]["load_after"] = os.getloadavg()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(markdown(doc))


if __name__ == "__main__":
    main()
