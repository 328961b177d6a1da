"""What the data pin down: posterior against prior for every coordinate, posterior
correlations, and a global sensitivity analysis (Morris elementary effects, SALib) of the
calibration's summaries over the priors.

- *Contraction*: 1 − posterior variance / prior variance, in the sampling scale (a bounded
  prior's logit position, a normal's z): near 1 the data pin the value, near 0 the posterior
  is the prior.
- *Correlations*: weighted posterior correlations; a strong pair is a ridge the data cannot
  resolve (e.g. a detainer rate against a removal rate that only their product meets).
- *Screening* (``screen``): the log-likelihood at each coordinate moved ±``SCREEN_STEP`` on
  its sampling scale from the baseline's value (every other coordinate there,
  ``Simulator.anchor``), whose slope and curvature predict how much the fit varies when the
  coordinate alone is drawn from its prior's spread there (``spread``); a coordinate whose
  spread is below ``SCREEN_MIN`` is one the data barely see; the inference runs over the
  ``SCREEN_MAX`` of largest spread at most and holds the rest at the baseline's values (the
  posterior is conditional on them, or on their draws in calibration.held; the
  identifiability report says they were screened out, not that the data pin them).
- *Morris*: for each summary the calibration compares (each term's model quantity), the mean
  absolute elementary effect μ* of each inferred coordinate over its prior, normalized by the
  largest for that summary: which parameters can move which targets at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import polars as pl

from scomm.calibration import observations as obs
from scomm.calibration import posterior as post
from scomm.calibration import space as sp

PRIOR_VARIANCE = {"normal": 1.0, "uniform": math.pi**2 / 3, "loguniform": math.pi**2 / 3}
MORRIS_TRAJECTORIES = 8
MORRIS_LEVELS = 4
SCREEN_STEP = 0.5  # sampling-scale step (a logistic prior's sd is 1.8, a normal's 1)
SCREEN_MIN = 1.0  # predicted log-likelihood-ratio variance (``spread``) below which the data
# barely see a coordinate drawn alone from its prior's spread
SCREEN_MAX = 12  # the most coordinates the inference runs over on this budget (2 shared cores):
# importance sampling in 16 failed its diagnostic at every round of the 2 Dec 2026 run


def _weighted_moments(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    mean = float((w * x).sum())
    return mean, float((w * (x - mean) ** 2).sum())


def _quantiles(x: np.ndarray, w: np.ndarray, qs=(0.05, 0.5, 0.95)) -> list[float]:
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return [float(x[order][min(np.searchsorted(cum, q), len(x) - 1)]) for q in qs]


def contraction(p: post.Posterior, space: sp.Space) -> pl.DataFrame:
    """One row per coordinate: prior and posterior 90% ranges in natural units, the posterior
    median, and the contraction."""
    w = p.weights()
    rows = []
    for c in space.coordinates:
        if c.label not in p.table.columns:
            continue
        x = p.table[c.label].to_numpy().astype(float)
        _, var = _weighted_moments(x, w)
        q = [c.from_scale(v) for v in _quantiles(x, w)]
        prior = [c.from_scale(float(v)) for v in c.sample(np.array([0.05, 0.5, 0.95]))]
        rows.append({
            "coordinate": c.label, "informed": c in space.informed,
            "prior_05": prior[0], "prior_95": prior[2],
            "post_05": q[0], "post_median": q[1], "post_95": q[2],
            "contraction": 1.0 - var / PRIOR_VARIANCE[c.kind],
        })  # fmt: skip
    return pl.DataFrame(rows)


def correlations(p: post.Posterior, space: sp.Space, threshold: float = 0.5) -> pl.DataFrame:
    """Pairs of informed coordinates with weighted posterior |correlation| >= threshold."""
    labels = [c.label for c in space.informed if c.label in p.table.columns]
    x = p.table.select(labels).to_numpy().astype(float)
    w = p.weights()
    mean = (w[:, None] * x).sum(axis=0)
    d = x - mean
    cov = (w[:, None] * d).T @ d
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-300))
    r = cov / np.outer(sd, sd)
    i, j = np.triu_indices(len(labels), k=1)
    keep = np.abs(r[i, j]) >= threshold
    return pl.DataFrame({
        "a": [labels[k] for k in i[keep]], "b": [labels[k] for k in j[keep]],
        "correlation": r[i, j][keep],
    }).sort(pl.col("correlation").abs(), descending=True)  # fmt: skip


def summaries(sim, x: dict[str, float]) -> dict[str, float]:
    """Every model quantity the likelihood compares, at ``x``: each scalar term's model value
    (a bracket's low end), the level shares of the Seattle term, each area's share."""
    e = sim.expectation(x)
    out = {}
    for t in sim.terms:
        if t.kind == "levels":
            for g, v in obs.model_level_shares(t, e).items():
                out[f"{t.obs_id}:{g}"] = v
        elif t.kind == "shares":
            m, _, _ = obs.area_shares(t, e)
            for (aor, *_), v in zip(t.extra, m, strict=True):
                out[f"{t.obs_id}:{aor}"] = float(v)
        else:
            out[t.obs_id] = obs.model_value(t, e)[0]
    return out


def _loglik_at(x: dict[str, float]) -> float:
    from scomm.calibration.simulator import Simulator

    return Simulator.default().loglik(x)


def screen(sim, mapped: Callable) -> pl.DataFrame:
    """The log-likelihood's change at each informed coordinate moved ±SCREEN_STEP from the
    baseline's value (all others there, ``Simulator.anchor``), evaluated through ``mapped``:
    one row per coordinate, most sensitive first. ``up``, ``down``: the two changes;
    ``sensitivity``: the larger in size (a step either way: at a mode, where the slope is
    nil, the curvature still shows); ``slope`` and ``curvature``: their central differences;
    ``spread``: the predicted variance of the log-likelihood ratio when the coordinate alone
    is drawn from its prior's spread (variance V) around that value, to second order,
    slope² V + curvature² V² / 2 (what calibration.held spends)."""
    coords = list(sim.space.informed)
    x0 = sim.anchor
    points = [x0] + [{**x0, c.label: x0[c.label] + d} for c in coords
                     for d in (SCREEN_STEP, -SCREEN_STEP)]  # fmt: skip
    values = np.array(list(mapped(_loglik_at, points)), dtype=float)
    up, down = values[1::2] - values[0], values[2::2] - values[0]
    slope = (up - down) / (2 * SCREEN_STEP)
    curvature = (up + down) / SCREEN_STEP**2
    v = np.array([PRIOR_VARIANCE[c.kind] for c in coords])
    frame = pl.DataFrame({
        "coordinate": [c.label for c in coords], "up": up, "down": down,
        "sensitivity": np.maximum(np.abs(up), np.abs(down)), "slope": slope,
        "curvature": curvature, "spread": slope**2 * v + curvature**2 * v**2 / 2,
    })  # fmt: skip
    return frame.sort("sensitivity", descending=True)


def chosen(screening: pl.DataFrame) -> list[str]:
    """The coordinates the inference runs over: the SCREEN_MAX the data see most (largest
    ``spread``, which does not vanish at a mode as a one-sided change does) whose spread
    reaches SCREEN_MIN."""
    ranked = screening.sort("spread", descending=True)
    return ranked.filter(pl.col("spread") >= SCREEN_MIN).head(SCREEN_MAX)["coordinate"].to_list()


def morris(sim, mapped: Callable, seed: int, labels: list[str] | None = None) -> pl.DataFrame:
    """Morris μ* of the informed coordinates (or ``labels`` of them) on every summary (SALib),
    the others at the baseline's values, evaluated through ``mapped`` (a map over workers)."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    coords = [c for c in sim.space.informed if labels is None or c.label in labels]
    problem = {"num_vars": len(coords), "names": [c.label for c in coords],
               "bounds": [[0.0, 1.0]] * len(coords)}  # fmt: skip
    u = sample.sample(problem, MORRIS_TRAJECTORIES, num_levels=MORRIS_LEVELS, seed=seed)
    points = [{c.label: float(c.sample(np.array([v]))[0]) for c, v in zip(coords, row, strict=True)}
              for row in u]  # fmt: skip
    outputs = list(mapped(_summaries_at, points))
    names = list(outputs[0])
    rows = []
    for name in names:
        y = np.array([o[name] for o in outputs], dtype=float)
        si = analyze.analyze(problem, u, y, num_levels=MORRIS_LEVELS)
        top = max(float(np.nanmax(si["mu_star"])), 1e-300)
        rows += [{"summary": name, "coordinate": c, "mu_star": float(m), "relative": float(m) / top}
                 for c, m in zip(problem["names"], si["mu_star"], strict=True)]  # fmt: skip
    return pl.DataFrame(rows)


def _summaries_at(x: dict[str, float]) -> dict[str, float]:
    from scomm.calibration.simulator import Simulator

    return summaries(Simulator.default(), x)
