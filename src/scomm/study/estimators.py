"""The four estimators, each from a maintained library, on one ``Sample``.

- ``twfe``: two-way fixed effects, static and dynamic (pyfixest ``feols``).
- ``sa``: Sun & Abraham's interaction-weighted event study: the cohort × relative-period
  saturated regression of pyfixest (its ``SaturatedEventStudy`` formula, last cohort as control),
  aggregated with the cohort-share weights of Sun & Abraham (2021).
- ``did2s``: Gardner's two-stage DiD (pyfixest ``did2s``).
- ``cs``: Callaway & Sant'Anna group-time ATTs with not-yet-treated controls (diff-diff).

Standard errors are clustered by state (by county when the sample has fewer than 10
states); intervals are estimate ± 1.96 SE. The pre-trend test is
a Wald test (chi-squared) that every pre-period coefficient is zero, on each estimator's own
covariance matrix.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np
import pandas as pd
from scipy import stats

from scomm.study.design import NEVER, Sample

Z = float(stats.norm.ppf(0.975))
LABELS = {
    "cs": "Callaway–Sant'Anna (not-yet-treated controls)",
    "sa": "Sun–Abraham interaction-weighted (last cohort as control)",
    "twfe": "two-way fixed effects",
    "did2s": "Gardner two-stage DiD",
}


@dataclass
class Estimate:
    """An overall ATT, the event-study path and the pre-trend test of one estimator."""

    estimator: str
    att: float
    se: float
    event_study: list[dict]
    pretrend: dict
    package: str
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        lo, hi = self.att - Z * self.se, self.att + Z * self.se
        return {
            "estimator": self.estimator,
            "label": LABELS[self.estimator],
            "package": self.package,
            "att": self.att,
            "se": self.se,
            "ci": [lo, hi],
            "event_study": self.event_study,
            "pretrend": self.pretrend,
            **self.extra,
        }


def _row(e: float, b: float, se: float, n: int | None = None) -> dict:
    row = {"event_time": int(e), "estimate": float(b), "se": float(se)}
    row["ci"] = [float(b - Z * se), float(b + Z * se)]
    if n is not None:
        row["counties"] = int(n)
    return row


def wald(b: np.ndarray, vcov: np.ndarray, what: str) -> dict:
    """Chi-squared Wald test that every coefficient in ``b`` is zero."""
    if len(b) == 0:
        return {"test": what, "stat": None, "df": 0, "p_value": None}
    stat = float(b @ np.linalg.pinv(vcov) @ b)
    df = int(np.linalg.matrix_rank(vcov))
    return {"test": what, "stat": stat, "df": df, "p_value": float(stats.chi2.sf(stat, df))}


def _pkg(name: str) -> str:
    return f"{name} {version(name)}"


def _fit_kwargs(weighted: bool) -> dict:
    return {"vcov": {"CRV1": "cluster"}, "weights": "w" if weighted else None}


# ---------------------------------------------------------------- pyfixest


def twfe(sample: Sample, weighted: bool = False) -> Estimate:
    """Static TWFE for the ATT; the dynamic TWFE (reference: the period before) for the path."""
    import pyfixest as pf

    df = sample.frame
    static = pf.feols("y ~ treat | unit + t", data=df, **_fit_kwargs(weighted))
    dynamic = pf.feols("y ~ i(rel, ref=-1.0) | unit + t", data=df, **_fit_kwargs(weighted))
    path, pre_b, pre_v = _path_from_names(dynamic, r"rel::(-?[\d.]+)$", df)
    pretrend = wald(pre_b, pre_v, "Wald: all dynamic-TWFE leads = 0")
    att, se = float(static.coef()["treat"]), float(static.se()["treat"])
    return Estimate("twfe", att, se, path, pretrend, _pkg("pyfixest"))


def did2s(sample: Sample, weighted: bool = False, path: bool = True) -> Estimate:
    """Gardner's two-stage DiD: fixed effects fitted on untreated county-periods, then the
    treatment effect on the residuals (leads and lags for the path, reference: the comparison
    cohort; ``path=False`` skips them)."""
    import pyfixest as pf

    df = sample.frame.assign(
        rel2=np.where(sample.frame["g"] == NEVER, -1000.0, sample.frame["rel"])
    )
    common = {"yname": "y", "first_stage": "~ 0 | unit + t", "treatment": "treat"}
    w = "w" if weighted else None
    static = pf.did2s(df, second_stage="~ treat", cluster="cluster", weights=w, **common)
    att, se = float(static.coef()["treat"]), float(static.se()["treat"])
    if not path:
        return Estimate("did2s", att, se, [], wald(np.array([]), np.zeros((0, 0)), ""), "")
    dynamic = pf.did2s(
        df, second_stage="~ i(rel2, ref=-1000.0)", cluster="cluster", weights=w, **common
    )
    path, pre_b, pre_v = _path_from_names(dynamic, r"rel2::(-?[\d.]+)$", df)
    pretrend = wald(pre_b, pre_v, "Wald: all two-stage leads = 0")
    return Estimate("did2s", att, se, path, pretrend, _pkg("pyfixest"))


def _path_from_names(
    fit, pattern: str, df: pd.DataFrame
) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Event-study rows from coefficients named like ``rel::-2.0``; the leads' b and vcov."""
    names = list(fit.coef().index)
    b, se, vcov = fit.coef().to_numpy(), fit.se().to_numpy(), fit._vcov  # pyfixest keeps it here
    counts = df[df["g"] != NEVER].groupby("rel")["unit"].nunique()
    rows, leads = [], []
    for i, name in enumerate(names):
        e = float(re.search(pattern, name).group(1))
        rows.append(_row(e, b[i], se[i], counts.get(e)))
        if e < -1:
            leads.append(i)
    rows.sort(key=lambda r: r["event_time"])
    idx = np.array(leads, dtype=int)
    return rows, b[idx], vcov[np.ix_(idx, idx)]


def sun_abraham(sample: Sample, weighted: bool = False) -> Estimate:
    """Cohort × relative-period coefficients (the comparison cohort as control), aggregated by
    each cohort's share of the treated county-periods at that relative period."""
    import pyfixest as pf

    df = sample.frame
    with warnings.catch_warnings():  # cohort × period cells outside the window are empty
        warnings.simplefilter("ignore")
        fit = pf.feols(
            "y ~ i(rel, g, ref=-1.0, ref2=0) | unit + t", data=df, **_fit_kwargs(weighted)
        )
    b, vcov = fit.coef().to_numpy(), fit._vcov
    cells = [_cell(n) for n in fit.coef().index]
    share = _cell_shares(df, weighted)
    path = []
    for e in sorted({e for _, e in cells}):
        r = _weights(cells, share, e)
        n = df[(df["g"] != NEVER) & (df["rel"] == e)]["unit"].nunique()
        path.append(_row(e, r @ b, float(np.sqrt(r @ vcov @ r)), n))
    post = np.array([share.get(c, 0.0) if c[1] >= 0 else 0.0 for c in cells])
    post = post / post.sum()
    lead_rows = np.array(
        [_weights(cells, share, e) for e in sorted({e for _, e in cells if e < -1})]
    )
    pretrend = _lincomb_wald(
        lead_rows, b, vcov, "Wald: all pre-period event-study coefficients = 0"
    )
    leads = np.array([i for i, (_, e) in enumerate(cells) if e < -1], dtype=int)
    by_cohort = wald(
        b[leads], vcov[np.ix_(leads, leads)], "Wald: all cohort × lead coefficients = 0"
    )
    att, se = float(post @ b), float(np.sqrt(post @ vcov @ post))
    extra = {"pretrend_by_cohort": by_cohort}
    return Estimate("sa", att, se, path, pretrend, _pkg("pyfixest"), extra)


def _weights(cells: list[tuple[int, float]], share: dict, e: float) -> np.ndarray:
    r = np.array([share.get((g, ee), 0.0) if ee == e else 0.0 for g, ee in cells])
    return r / r.sum()


def _lincomb_wald(rows: np.ndarray, b: np.ndarray, vcov: np.ndarray, what: str) -> dict:
    if len(rows) == 0:
        return wald(np.array([]), np.zeros((0, 0)), what)
    return wald(rows @ b, rows @ vcov @ rows.T, what)


def _cell(name: str) -> tuple[int, float]:
    m = re.search(r"rel::(-?[\d.]+):g::(\d+)$", name)
    return int(m.group(2)), float(m.group(1))


def _cell_shares(df: pd.DataFrame, weighted: bool) -> dict[tuple[int, float], float]:
    """(cohort, relative period) -> number (or population weight) of county-periods."""
    treated = df[df["g"] != NEVER]
    col = treated["w"] if weighted else pd.Series(1.0, index=treated.index)
    return {
        (int(g), float(e)): float(v)
        for (g, e), v in col.groupby([treated["g"], treated["rel"]]).sum().items()
    }


# ---------------------------------------------------------------- diff-diff


def callaway_santanna(sample: Sample, weighted: bool = False) -> Estimate:
    """Group-time ATTs against not-yet-treated counties (outcome regression, no covariates,
    universal base period), aggregated by diff-diff to an overall ATT and an event study."""
    import diff_diff as dd

    est = dd.CallawaySantAnna(
        control_group="not_yet_treated",
        estimation_method="reg",
        cluster="cluster",
        base_period="universal",
    )
    survey = dd.SurveyDesign(weights="w", psu="cluster") if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = est.fit(sample.frame, "y", "unit", "t", "g", aggregate="all", survey_design=survey)
    df = sample.frame
    counts = df[df["g"] != NEVER].groupby("rel")["unit"].nunique()
    path = [
        _row(e, v["effect"], v["se"], counts.get(float(e)))
        for e, v in sorted(res.event_study_effects.items())
        if np.isfinite(v["se"])
    ]
    index = [int(e) for e in res.event_study_vcov_index]
    leads = [i for i, e in enumerate(index) if e < -1]
    pre_b = np.array([res.event_study_effects[index[i]]["effect"] for i in leads])
    pre_v = np.asarray(res.event_study_vcov)[np.ix_(leads, leads)]
    pretrend = wald(pre_b, pre_v, "Wald: all pre-period event-study ATTs = 0")
    extra = {"group_time": _group_time(res, sample)}
    est_ = Estimate("cs", float(res.overall_att), float(res.overall_se), path, pretrend,
                    _pkg("diff-diff"), extra)  # fmt: skip
    est_.extra["_results"] = res  # for the sensitivity analysis; dropped from documents
    return est_


def _group_time(res, sample: Sample) -> list[dict]:
    rows = []
    for (g, t), v in sorted(res.group_time_effects.items()):
        if int(t) >= int(g):
            rows.append({"cohort": sample.label(int(g)), "period": sample.label(int(t)),
                         "att": float(v["effect"]), "se": float(v["se"])})  # fmt: skip
    return rows


ESTIMATORS: dict[str, Callable[[Sample, bool], Estimate]] = {
    "cs": callaway_santanna,
    "sa": sun_abraham,
    "twfe": twfe,
    "did2s": did2s,
}
