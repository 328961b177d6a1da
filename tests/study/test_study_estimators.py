"""The estimators agree with independent implementations on the same simulated panel."""

from __future__ import annotations

import warnings

import numpy as np
import pyfixest as pf
import pytest
from study_helpers import sample

from scomm.study.design import NEVER
from scomm.study.estimators import callaway_santanna, sun_abraham

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def panel():
    return sample(7, "dynamic")[0]


def test_sun_abraham_matches_diff_diff_and_pyfixest_saturated(panel):
    import diff_diff as dd

    ours = sun_abraham(panel).to_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = dd.SunAbraham(control_group="never_treated", cluster="cluster").fit(
            panel.frame, "y", "unit", "t", "g"
        )
        sat = pf.event_study(panel.frame, yname="y", idname="unit", tname="t", gname="g",
                             cluster="cluster", estimator="saturated").aggregate()  # fmt: skip
    assert ours["att"] == pytest.approx(ref.overall_att, rel=1e-9)
    assert ours["se"] == pytest.approx(ref.overall_se, rel=1e-6)
    for row in ours["event_study"]:
        assert row["estimate"] == pytest.approx(
            ref.event_study_effects[row["event_time"]]["effect"]
        )
        assert row["estimate"] == pytest.approx(
            float(sat.loc[float(row["event_time"]), "Estimate"])
        )


def test_callaway_santanna_group_time_atts_are_the_two_by_two_differences(panel):
    # ATT(g, t) = change from g-1 to t in cohort g minus the same change in counties not yet
    # activated at t (and not activating at g either): the paper's unconditional estimand.
    df = panel.frame
    wide = df.pivot(index="unit", columns="t", values="y")
    cohort = df.groupby("unit")["g"].first()
    est = callaway_santanna(panel).extra["group_time"]
    assert est
    for row in est:
        g, t = int(row["cohort"]), int(row["period"])
        diff = wide[t] - wide[g - 1]
        treated = cohort == g
        control = (cohort == NEVER) | (cohort > t)
        expected = diff[treated].mean() - diff[control & ~treated].mean()
        assert row["att"] == pytest.approx(expected, rel=1e-9, abs=1e-12), (g, t)


def test_overall_att_is_cohort_size_weighted_average_of_group_time_atts(panel):
    fit = callaway_santanna(panel)
    rows = fit.extra["group_time"]
    sizes = panel.frame.groupby("g")["unit"].nunique()
    w = np.array([sizes[int(r["cohort"])] for r in rows], dtype=float)
    assert fit.att == pytest.approx(float(np.dot(w, [r["att"] for r in rows]) / w.sum()), rel=1e-9)
