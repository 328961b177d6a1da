"""One study: panel -> sample -> the four estimators, sensitivity, robustness, intensity and the
post-period check -> one JSON-ready document."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scomm import __version__
from scomm.errors import UserError
from scomm.study import design, panel
from scomm.study.estimators import ESTIMATORS
from scomm.study.literature import PUBLISHED


@dataclass(frozen=True)
class StudySpec:
    """What to estimate: outcome, panel, estimator, places and design choices."""

    outcome: str = "violent"
    estimator: str = "cs"
    states: list[str] | None = None
    panel_file: Path | None = None
    weight: str | None = None
    weighted: bool = False
    timing: str = "half"
    min_comparison: int = design.MIN_COMPARISON
    intensity_replicates: int = 5


def load_panel(spec: StudySpec) -> panel.Panel:
    """The built-in crime panel, or the user's file."""
    if spec.panel_file is None:
        if spec.weight is not None:
            raise UserError("--weight: only with --panel (the crime panel weighs by population)")
        return panel.crime_panel(spec.outcome)
    return panel.read_user_panel(spec.panel_file, spec.outcome, spec.weight)


def check_spec(spec: StudySpec) -> None:
    if spec.estimator not in ESTIMATORS:
        raise UserError(f"--estimator: {spec.estimator!r} is not one of {', '.join(ESTIMATORS)}")
    if spec.timing not in design.TIMINGS:
        raise UserError(f"--timing: {spec.timing!r} is not one of {', '.join(design.TIMINGS)}")
    if spec.intensity_replicates < 0:
        raise UserError(f"--replicates: {spec.intensity_replicates} must be 0 or more")


def run_study(spec: StudySpec) -> tuple[dict, design.Sample]:
    """The study document (see docs/study.md for its keys) and the sample behind it."""
    check_spec(spec)
    pnl = load_panel(spec)
    sample = design.build_sample(pnl, spec.states, spec.timing, spec.min_comparison)
    fits = {name: fn(sample, spec.weighted) for name, fn in ESTIMATORS.items()}
    head = fits[spec.estimator].to_dict()
    doc = _header(spec, pnl, sample) | _headline(head, sample)
    doc["estimates"] = {name: _public(f.to_dict()) for name, f in fits.items()}
    doc["side_by_side"] = _side_by_side(doc["estimates"])
    doc["sensitivity"] = _sensitivity(fits["cs"])
    doc["robustness"] = robustness(spec, pnl)
    doc["intensity"] = _intensity(spec, sample)
    doc["post_period_check"] = _post_check(spec, sample)
    doc["literature"] = list(PUBLISHED) if spec.panel_file is None else []
    return doc, sample


def _header(spec: StudySpec, pnl: panel.Panel, sample: design.Sample) -> dict:
    return {
        "scomm_version": __version__,
        "study": "crime" if spec.panel_file is None else "panel",
        "outcome": pnl.outcome,
        "unit": pnl.unit,
        "source": pnl.source,
        "frequency": pnl.frequency,
        "timing": spec.timing,
        "weighted": spec.weighted,
        "states": sorted(sample.frame["state"].unique().tolist()),
        "window": {"first": sample.label(sample.first), "last": sample.label(sample.last)},
        "n_counties": sample.n_counties,
        "n_states": sample.n_states,
        "n_cohorts": len(sample.cohorts),
        "cohorts": sample.cohorts,
        "dropped": sample.dropped,
    }


def _headline(head: dict, sample: design.Sample) -> dict:
    pre_mean = _treated_pre_mean(sample)
    return {
        "estimator": head["estimator"],
        "estimator_label": head["label"],
        "att": head["att"],
        "se": head["se"],
        "ci": head["ci"],
        "interval": f"95%, standard errors clustered by {sample.clustered_by} "
        f"({sample.n_states} states, {sample.n_counties} counties); sampling uncertainty only",
        "clustered_by": sample.clustered_by,
        "att_percent_of_pre_mean": 100 * head["att"] / pre_mean if pre_mean else None,
        "treated_pre_mean": pre_mean,
        "pretrend": head["pretrend"],
        "pretrend_p": head["pretrend"]["p_value"],
        "event_study": head["event_study"],
    }


def _treated_pre_mean(sample: design.Sample) -> float | None:
    df = sample.frame
    pre = df[(df["g"] != design.NEVER) & (df["treat"] == 0)]
    return float(pre["y"].mean()) if len(pre) else None


def _public(d: dict) -> dict:
    return {k: v for k, v in d.items() if not k.startswith("_")}


def _side_by_side(estimates: dict) -> list[dict]:
    """CS and SA (then the others) at each event time: one row per event time."""
    times = sorted({r["event_time"] for e in estimates.values() for r in e["event_study"]})
    rows = []
    for t in times:
        row: dict = {"event_time": t}
        for name, e in estimates.items():
            hit = next((r for r in e["event_study"] if r["event_time"] == t), None)
            row[name] = None if hit is None else {"estimate": hit["estimate"], "ci": hit["ci"]}
        rows.append(row)
    overall = {name: {"att": e["att"], "ci": e["ci"]} for name, e in estimates.items()}
    return [{"event_time": "overall", **overall}, *rows]


def _sensitivity(cs_fit) -> dict:
    from scomm.study.sensitivity import relative_magnitudes

    return relative_magnitudes(cs_fit.extra["_results"])


ROBUSTNESS = (
    ("log(1 + outcome)", {"transform": "log1p"}),
    ("calendar-year timing (activation year counts as treated)", {"timing": "calendar"}),
    ("population-weighted", {"weighted": True}),
)


def robustness(spec: StudySpec, pnl: panel.Panel) -> list[dict]:
    """CS and SA under other specifications, each on its own rebuilt sample."""
    rows = []
    for label, change in ROBUSTNESS:
        p = pnl
        if change.get("transform") == "log1p":
            if (pnl.data["y"] < 0).any():
                continue
            p = dataclasses.replace(pnl, data=pnl.data.with_columns(pl.col("y").log1p()))
        timing = change.get("timing", spec.timing)
        weighted = change.get("weighted", spec.weighted)
        s = design.build_sample(p, spec.states, timing, spec.min_comparison)
        for name in ("cs", "sa"):
            e = ESTIMATORS[name](s, weighted).to_dict()
            rows.append({"specification": label, "estimator": name, "att": e["att"],
                         "ci": e["ci"], "pretrend_p": e["pretrend"]["p_value"],
                         "n_counties": s.n_counties})  # fmt: skip
    return rows


def _intensity(spec: StudySpec, sample: design.Sample) -> dict | None:
    if spec.intensity_replicates == 0 or sample.frequency != "year":
        return None
    from scomm.study.intensity import intensity

    return intensity(sample, spec.intensity_replicates, spec.weighted)


def _post_check(spec: StudySpec, sample: design.Sample) -> dict | None:
    if spec.panel_file is not None:
        return None
    from scomm.study.checks import post_period_check

    return post_period_check(sample, spec.outcome)


def finite_document(doc: dict) -> None:
    """A bug guard: no NaN or infinity may reach a user (json would print NaN)."""
    bad: list[str] = []

    def walk(x: object, path: str) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")
        elif isinstance(x, float) and not np.isfinite(x):
            bad.append(path)

    walk(doc, "")
    if bad:
        raise RuntimeError(f"non-finite values in the study document: {bad[:5]}")
