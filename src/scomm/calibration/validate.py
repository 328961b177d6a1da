"""``scomm validate``: the calibrated model against every target and record it was fitted to,
out of its own sample where it can be.

1. Every likelihood term's observation beside its posterior predictive 90% interval: the full
   stochastic engine at posterior draws × seeds (``DRAWS`` runs, each its own particle and
   seed), the model quantity as the source counted it, then the term's error model on top.
2. Leave one term out: the posterior's heaviest particles reweighted without that term's
   likelihood (Pareto-smoothed importance sampling); the Pareto k̂ of the weights says whether the reweighting can be trusted
   (k̂ < 0.7); the left-out observation's place in its leave-one-out predictive distribution.
3. The Seattle records by state and year: the engine's ICE book-ins at posterior draws × seeds
   against the CAP-local arrests, each state-year inside its 90% interval or not, and the
   2012-01..2019-07 totals within ±20% or not.

Observed counts from records (``RECORD_DATASETS``) below the minimum cell size are blanked
(``protected``) before the document is printed or stored: they never leave the program.

The results are stored beside the posterior (``<version>.validation.json``) and
docs/validation.md is rendered from them (tests/test_docs_calibration.py keeps it current).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy import stats

from scomm import aggregate
from scomm.calibration import observations as obs
from scomm.calibration import posterior as post
from scomm.calibration.draws import Draws
from scomm.calibration.infer import psis
from scomm.calibration.simulator import Simulator
from scomm.engine import simulate
from scomm.records.suppress import DEFAULT_MIN_CELL

DRAWS = 24  # posterior draws × seeds for the predictive intervals
SEED = 1000  # first seed of the validation runs (replicate r: seed SEED + r)
RNG_SEED = 7  # error-model noise on top of the engine (numpy, keyed)
LOO_DRAWS = 200  # the most particles leave-one-out reweights
LOO_MASS = 0.999  # ... the heaviest that carry this share of the posterior's weight
#: Observations counted from records or agency-level releases, not national published totals.
RECORD_DATASETS = ("seattle", "pierce", "program_287g", "landmarks")


def _engine_counts(sim: Simulator, d: Draws, seed: int):
    inputs = d.inputs(sim.scenario, sim.frame, seed)
    run = simulate(inputs, seed)
    return aggregate.realized(run, sim.cells.of_county)


def _noisy(
    t: obs.Term, value: tuple[float, float], rng: np.random.Generator, factor: float = 1.0
) -> float:
    """One draw of the observable from the term's error model around the model value (a 287(g)
    place's count scaled by the place's factor, ``factor``, drawn once per run and place)."""
    lo, hi = value[0] * factor, value[1] * factor
    if t.kind == "share":
        z = math.log(lo / (1 - lo)) + t.dispersion * rng.standard_normal()
        return 1 / (1 + math.exp(-z))
    mu = lo + rng.random() * (hi - lo)
    n = 1.0 / t.dispersion**2
    return float(stats.nbinom.rvs(n, n / (n + max(mu, 1e-9)), random_state=rng))


def model_values(sim: Simulator, d: Draws, draws: int = DRAWS) -> list[dict[str, tuple]]:
    """Every scalar term's model quantity in each of ``draws`` engine runs (run r: seed
    SEED + r and the posterior particle it draws); each run is discarded once read."""
    scalar = [t for t in sim.terms if t.kind not in ("shares", "levels")]
    out = []
    for r in range(draws):
        counts = _engine_counts(sim, d, SEED + r)
        out.append({t.obs_id: obs.model_value(t, counts) for t in scalar})
    return out


def predictive(sim: Simulator, runs: list[dict[str, tuple]]) -> dict[str, dict]:
    """Each scalar term: the model quantity's and the observable's 5-95% over the runs."""
    rng = np.random.default_rng(RNG_SEED)
    scalar = [t for t in sim.terms if t.kind not in ("shares", "levels")]
    model: dict[str, list[float]] = {t.obs_id: [] for t in scalar}
    noisy: dict[str, list[float]] = {t.obs_id: [] for t in scalar}
    places = sorted({a for t in scalar if (a := obs.agency_of(t)) is not None})
    for values in runs:
        factor = dict(zip(places, np.exp(obs.AGENCY_SD * rng.standard_normal(len(places))),
                          strict=True))  # fmt: skip
        for t in scalar:
            v = values[t.obs_id]
            f = factor.get(obs.agency_of(t) or "", 1.0)
            model[t.obs_id].append(v[0] if t.kind == "share" else 0.5 * (v[0] + v[1]))
            noisy[t.obs_id].append(_noisy(t, v, rng, f) if t.kind != "subset" else v[0])
    out = {}
    for t in scalar:
        m, y = np.array(model[t.obs_id]), np.array(noisy[t.obs_id])
        inside = bool(np.percentile(y, 5) <= t.high and t.low <= np.percentile(y, 95))
        if t.kind == "upper":
            inside = bool(np.percentile(m, 5) <= t.high)
        out[t.obs_id] = {"dataset": t.dataset, "kind": t.kind, "low": t.low, "high": t.high,
                         "model": [float(np.percentile(m, q)) for q in (5, 50, 95)],
                         "observable": [float(np.percentile(y, q)) for q in (5, 95)],
                         "inside": inside}  # fmt: skip
    return out


def heaviest(p: post.Posterior, n: int = LOO_DRAWS, mass: float = LOO_MASS) -> list[int]:
    """The fewest particles of ``p`` whose weights sum to ``mass``, at most ``n``, heaviest
    first: the draws leave-one-out reweights (the rest carry too little weight to move it)."""
    w = p.weights()
    order = np.argsort(-w, kind="stable")
    need = int(np.searchsorted(np.cumsum(w[order]), mass * w.sum())) + 1
    return order[: min(need, n, len(w))].tolist()


def leave_one_out(sim: Simulator, p: post.Posterior, n: int = LOO_DRAWS) -> dict[str, dict]:
    """Each term left out: Pareto k̂ (PSIS, arviz-stats), effective sample size, and the
    left-out observation's log predictive density, over the heaviest particles
    (``heaviest``), each ratio the particle's weight over the term's likelihood."""
    chosen = heaviest(p, n)
    log_w = np.log(p.weights()[chosen])
    per = [sim.loglik_terms(p.particle(i)) for i in chosen]
    out = {}
    for key in per[0]:  # a term, or a 287(g) place's terms together
        ll = np.array([row[key] for row in per])
        wl, k = psis(log_w - ll)
        out[key] = {"pareto_k": k, "ess": float(1 / (wl**2).sum()),
                    "reliable": k is not None and k < post.K_RELIABLE,
                    "loo_loglik": float(np.log((wl * np.exp(ll - ll.max())).sum()) + ll.max())}  # fmt: skip
    return out


SEATTLE_TABLE = "seattle_cap_local_arrests"


def seattle(sim: Simulator, runs: list[dict[str, tuple]]) -> dict:
    """WA and OR ICE book-ins by year against the records' CAP-local arrests."""
    terms = [t for t in sim.terms if t.obs_id.startswith(SEATTLE_TABLE) and t.kind == "interval"]
    draws = len(runs)
    rows, totals = [], {}
    for t in terms:
        _, year, state = t.obs_id.split(":")
        values = np.array([run[t.obs_id][0] for run in runs])
        lo, hi = np.percentile(values, [5, 95])
        rows.append({"state": state, "year": year, "records": t.low, "model_median":
                     float(np.median(values)), "model_90": [float(lo), float(hi)],
                     "inside": bool(lo <= t.low <= hi)})  # fmt: skip
        tot = totals.setdefault(state, {"records": 0.0, "model": np.zeros(draws)})
        tot["records"] += t.low
        tot["model"] = tot["model"] + values
    summary = {
        s: {"records": v["records"], "model_median": float(np.median(v["model"])),
            "ratio": float(np.median(v["model"]) / v["records"]),
            "within_20pct": bool(abs(np.median(v["model"]) / v["records"] - 1) <= 0.2)}
        for s, v in totals.items()
    }  # fmt: skip
    return {"by_year": rows, "totals": summary}


def validate(p: post.Posterior, draws: int = DRAWS) -> dict:
    """Every check, as one JSON-able document."""
    from scomm.calibration import draws as dr

    sim = Simulator.default()
    d = dr.Draws(p, dr._space_of(p), ())
    runs = model_values(sim, d, draws)
    return protected(
        {
            "posterior": p.provenance.get("version"),
            "caveat": post.caveat(p),
            "draws": draws,
            "seeds": [SEED, SEED + draws - 1],
            "predictive": predictive(sim, runs),
            "leave_one_out": leave_one_out(sim, p),
            "seattle": seattle(sim, runs),
        }
    )


def small(value: float | None, min_cell: int = DEFAULT_MIN_CELL) -> bool:
    """Whether a record count is one the minimum cell rule keeps back (1 to min_cell - 1)."""
    return value is not None and 0 < value < min_cell


def withheld(min_cell: int = DEFAULT_MIN_CELL) -> set[str]:
    """The observation ids whose values the minimum cell rule keeps back: every cell the
    datasets' public views withhold (small counts and what could reveal them), and every
    287(g) term that sums a withheld agency count."""
    from scomm.calibration_data import load

    hidden: set[str] = set()
    for name in RECORD_DATASETS:
        public = load(name).public(min_cell)
        hidden |= set(public.filter(pl.col("suppressed").is_not_null())["obs_id"].to_list())
    hidden |= {oid for oid, parts in obs.members_287g().items() if hidden.intersection(parts)}
    return hidden


def protected(doc: dict, min_cell: int = DEFAULT_MIN_CELL) -> dict:
    """The validation document with every observed record count the minimum cell rule keeps
    back (``withheld``, or itself from 1 to ``min_cell`` - 1) set to None, rendered '<11':
    the terms of ``RECORD_DATASETS`` and the Seattle state-years. Whether each is inside its
    interval was decided before."""
    hidden = withheld(min_cell)
    for oid, row in doc["predictive"].items():
        if row["dataset"] in RECORD_DATASETS and row["kind"] != "share":
            for end in ("low", "high"):
                row[end] = None if oid in hidden or small(row[end], min_cell) else row[end]
    for row in doc["seattle"]["by_year"]:
        oid = f"{SEATTLE_TABLE}:{row['year']}:{row['state']}"
        if oid in hidden or small(row["records"], min_cell):
            row["records"] = None
    return doc
