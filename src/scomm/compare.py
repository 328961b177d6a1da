"""Two scenarios on common random numbers: both summaries and their difference (B − A)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scomm import __version__
from scomm.api import RunResult
from scomm.io import atomic_dir, write_json


def difference(a: Any, b: Any) -> Any:
    """B − A for matching numeric leaves of two nested documents (None where not numeric)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: difference(a.get(k), b.get(k)) for k in a if k in b}
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) and isinstance(b, int | float):
        d = b - a
        return round(d, 10) if isinstance(d, float) else d
    return None


def _changed(totals_diff: dict) -> bool:
    return any(
        (v != 0 if not isinstance(v, dict) else _changed(v))
        for v in totals_diff.values()
        if v is not None
    )


def compare_runs(a: RunResult, b: RunResult) -> dict:
    """The compare document: ``a``, ``b`` and ``difference`` (B − A)."""
    sa, sb = a.summary, b.summary
    diff: dict[str, Any] = {
        "totals": difference(sa["totals"], sb["totals"]),
        "by_state": {
            s: _state_difference(sa["by_state"][s], sb["by_state"][s]) for s in sa["by_state"]
        },
    }
    if "metrics" in sa and "metrics" in sb:
        diff["metrics"] = metric_difference(sa["metrics"], sb["metrics"])
    diff["states_changed"] = sorted(
        s
        for s, d in diff["by_state"].items()
        if _changed({k: v for k, v in d.items() if k != "metrics"})
    )
    return {
        "scomm_version": __version__,
        "scenarios": [sa["scenario"], sb["scenario"]],
        "seed": sa["seed"],
        "period": sa["period"],
        "states": sa["states"],
        "a": sa,
        "b": sb,
        "difference": diff,
    }


def _state_difference(a: dict, b: dict) -> dict:
    """B − A of a state's totals, and of its metrics metric by metric."""
    d = difference(
        {k: v for k, v in a.items() if k != "metrics"},
        {k: v for k, v in b.items() if k != "metrics"},
    )
    if "metrics" in a and "metrics" in b:
        d["metrics"] = metric_difference(a["metrics"], b["metrics"])
    return d


def metric_difference(ma: dict, mb: dict) -> dict:
    """Per metric: B − A of its value (and of its yearly values, where it has them), with
    both values, the metric's unit and definition."""
    out: dict[str, Any] = {}
    for group, metrics in ma.items():
        if group not in mb or not isinstance(metrics, dict):
            continue
        out[group] = {}
        for name, m in metrics.items():
            other = mb[group].get(name)
            if not isinstance(m, dict) or not isinstance(other, dict) or "value" not in m:
                continue
            out[group][name] = {
                "value": difference(m["value"], other["value"]),
                "a": m["value"],
                "b": other["value"],
                "unit": m.get("unit"),
                "definition": m.get("definition"),
            }
            if "by_year" in m and "by_year" in other:
                out[group][name]["by_year"] = difference(m["by_year"], other["by_year"])
    return out


def write_compare(doc: dict, a: RunResult, b: RunResult, out: Path) -> None:
    """compare.json plus each run's flows, written atomically."""
    with atomic_dir(Path(out)) as tmp:
        write_json(tmp / "compare.json", doc)
        a.flows.write_parquet(tmp / "flows_a.parquet", compression="zstd")
        b.flows.write_parquet(tmp / "flows_b.parquet", compression="zstd")
