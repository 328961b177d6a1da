"""Golden baselines: exact outputs of the model, pinned before any refactor moves code.

Each case is a function returning a JSON-able document. ``make golden`` (this file run with
``--write``) regenerates ``tests/golden/<case>.json``; ``test_golden.py`` recomputes every
case and compares it with the file. A commit that changes a golden says why in its message.

Float rule: integers, strings, booleans and nulls must be equal; floats must agree to a
relative 1e-9 (absolute 1e-12 near zero). Model counts are integers, so every count is pinned
exactly; the rule only absorbs last-bit differences of floating-point sums (SIMD width,
summation order) that are not changes of the model.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REL_TOL = 1e-9
ABS_TOL = 1e-12


def scomm_json(*args: str) -> Any:
    """The JSON document a real `scomm ... --json` prints."""
    res = subprocess.run(
        [sys.executable, "-m", "scomm", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "COLUMNS": "200"},
    )
    if res.returncode != 0:
        raise RuntimeError(f"scomm {' '.join(args)} exited {res.returncode}: {res.stderr}")
    return json.loads(res.stdout)


def plain(obj: Any) -> Any:
    """Dataclasses, the brief's numbered sources and tuples as plain JSON values."""
    from scomm.report.sources import Sources

    if isinstance(obj, Sources):
        return [plain(s) for s in obj.entries()]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


def county_flows(fips: str, state: str, start: str, end: str) -> dict:
    """Every stage's monthly counts for one county, from a run of its state."""
    import polars as pl

    from scomm import api

    result = api.run("baseline", start=start, end=end, states=[state])
    rows = result.flows.filter(pl.col("county_fips") == fips).sort("stage", "month")
    months = sorted(set(rows["month"].to_list()))
    by_stage = {
        stage: part.sort("month")["count"].to_list()
        for (stage,), part in rows.group_by("stage", maintain_order=True)
    }
    return {"county": fips, "period": [start, end], "months": months, "stages": by_stage}


def _strip_state_metrics(doc: dict) -> dict:
    return {
        **doc,
        "by_state": {
            st: {k: v for k, v in part.items() if k != "metrics"}
            for st, part in doc["by_state"].items()
        },
    }


def national_2017_2025() -> dict:
    """The revived era, nationally: the summary document without the per-state metric
    sections (they repeat every metric's sources 51 times; the national ones stay)."""
    return _strip_state_metrics(scomm_json("run", "--start", "2017-01", "--end", "2025-06"))


def records_summary() -> Any:
    """`scomm records summarize --by state,year` of the packaged Seattle-area arrests."""
    raw = ROOT / "data/raw/uwchr_ice_enforce/seattle_aor_arrests_with_state.csv.gz"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rec"
        res = subprocess.run(
            [sys.executable, "-m", "scomm", "records", "load", str(raw), "--out", str(folder)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if res.returncode != 0:
            raise RuntimeError(f"records load exited {res.returncode}: {res.stderr}")
        doc = scomm_json("records", "summarize", str(folder), "--by", "state,year")
    doc["folder"] = "<loaded folder>"  # a temporary path, not an output of the model
    return doc


def brief_data_ny() -> Any:
    """The data layer of the NY brief compared with ending S-Comm in Aug 2011."""
    from scomm.api import run
    from scomm.report.brief import BriefRequest, place_runs
    from scomm.report.data import build, resolve_place

    place = resolve_place("NY", None)
    req = BriefRequest(state="NY", compare="terminate-2011-08", replicates=3)
    a, b = place_runs(place, req, run)
    return plain(build(a, place, b))


CASES: dict[str, Callable[[], Any]] = {
    "run_ny_2008-10_2014-11": lambda: scomm_json(
        "run", "--states", "NY", "--start", "2008-10", "--end", "2014-11"
    ),
    "run_national_2017-01_2025-06": national_2017_2025,
    "run_az_2009-01_2012-12": lambda: _strip_state_metrics(
        scomm_json("run", "--states", "AZ", "--start", "2009-01", "--end", "2012-12")
    ),
    "county_cook_17031_2012-07_2013-06": lambda: county_flows("17031", "IL", "2012-07", "2013-06"),
    "county_miami-dade_12086_2013-06_2014-05": lambda: county_flows(
        "12086", "FL", "2013-06", "2014-05"
    ),
    "county_travis_48453_2016-10_2017-12": lambda: county_flows(
        "48453", "TX", "2016-10", "2017-12"
    ),
    "compare_ny_terminate-2011-08": lambda: scomm_json(
        "compare",
        "baseline",
        "terminate-2011-08",
        "--states",
        "NY",
        "--start",
        "2011-08",
        "--end",
        "2014-11",
    ),
    "compare_az_no-scomm_2009-01_2012-12": lambda: scomm_json(
        "compare",
        "baseline",
        "no-scomm",
        "--states",
        "AZ",
        "--start",
        "2009-01",
        "--end",
        "2012-12",
    ),
    "params_2014-06-01_36081": lambda: scomm_json(
        "params", "--date", "2014-06-01", "--county", "36081"
    ),
    "records_summarize_seattle_arrests": records_summary,
    "brief_data_ny_terminate-2011-08": brief_data_ny,
}


def path_of(case: str) -> Path:
    """The golden file of a case."""
    return HERE / f"{case}.json"


def dump(doc: Any) -> str:
    """The canonical text of a golden file (floats as Python's shortest round-trip repr)."""
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _close(expected: Any, actual: Any) -> bool:
    """Two numbers equal under the float rule (a bool is never a number here)."""
    numbers = all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in (expected, actual)
    )
    return numbers and math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _dict_differences(expected: dict, actual: dict, path: str) -> Iterator[str]:
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            yield f"{path}.{key}: missing"
        elif key not in expected:
            yield f"{path}.{key}: unexpected"
        else:
            yield from differences(expected[key], actual[key], f"{path}.{key}")


def _list_differences(expected: list, actual: list, path: str) -> Iterator[str]:
    if len(expected) != len(actual):
        yield f"{path}: expected {len(expected)} items, got {len(actual)}"
    for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
        yield from differences(e, a, f"{path}[{i}]")


def differences(expected: Any, actual: Any, path: str = "$") -> Iterator[str]:
    """Where ``actual`` departs from ``expected`` under the float rule."""
    if isinstance(expected, float) or isinstance(actual, float):
        if not _close(expected, actual):
            yield f"{path}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, dict) and isinstance(actual, dict):
        yield from _dict_differences(expected, actual, path)
    elif isinstance(expected, list) and isinstance(actual, list):
        yield from _list_differences(expected, actual, path)
    elif type(expected) is not type(actual) or expected != actual:
        yield f"{path}: expected {expected!r}, got {actual!r}"


def write(cases: list[str]) -> None:
    """Regenerate the named golden files (all when ``cases`` is empty)."""
    for case in cases or list(CASES):
        path_of(case).write_text(dump(CASES[case]()), encoding="utf-8")
        print(f"wrote {path_of(case).relative_to(ROOT)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "--write":
        sys.exit("usage: python tests/golden/golden_cases.py --write [CASE ...]")
    write(args[1:])
