"""Each observation is compared the way its source counted: the likelihoods are proper
probabilities of what the source reports, bounds are one-sided, brackets average over the
definitions they allow, and every observed place and period is a union of model cells."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from scomm import periods
from scomm.calibration import observations as obs
from scomm.calibration_data import load


def nb(mu, phi):
    n = 1 / phi
    return stats.nbinom(n, n / (n + mu))


@pytest.mark.parametrize(("low", "high", "mu"), [(10, 10, 12.0), (8, 15, 30.0), (40, 45, 20.0),
                                                  (100, 180, 140.0)])  # fmt: skip
def test_an_interval_is_the_negative_binomial_probability_of_the_range(low, high, mu):
    phi = 0.04
    direct = nb(mu, phi).pmf(np.arange(low, high + 1)).sum()
    assert obs.log_interval(low, high, mu, phi) == pytest.approx(np.log(direct), rel=1e-9)


def test_far_tails_stay_finite_and_ordered():
    near = obs.log_interval(182_500, 183_500, 150_000.0, 0.01)
    far = obs.log_interval(182_500, 183_500, 50_000.0, 0.01)
    assert np.isfinite(far) and far < near < 0


def test_a_bracket_lies_between_its_ends_and_is_the_interval_when_closed():
    ends = [obs.log_interval(32_000, 33_000, m, 0.01) for m in (30_000.0, 40_000.0)]
    mixed = obs.log_bracket(32_000, 33_000, 30_000.0, 40_000.0, 0.01)
    assert mixed > min(ends)
    assert obs.log_bracket(5, 9, 7.0, 7.0, 0.1) == obs.log_interval(5, 9, 7.0, 0.1)


def test_a_share_is_the_probability_of_its_rounding_interval():
    inside = obs.log_share(0.735, 0.745, 0.74, 0.1)
    off = obs.log_share(0.735, 0.745, 0.60, 0.1)
    assert off < inside < 0
    assert obs.log_share(0.0, 1.0, 0.3, 0.1) == pytest.approx(0.0, abs=1e-12)


def test_partial_months_count_their_days():
    months = np.arange(periods.parse_month("2008-10"), periods.parse_month("2008-12") + 1)
    w = obs.month_weights(months, dt.date(2008, 10, 27), dt.date(2008, 11, 30))
    assert w == pytest.approx([5 / 31, 1.0, 0.0])


@pytest.fixture(scope="module")
def terms():
    months = np.arange(periods.parse_month("2008-10"), periods.parse_month("2023-09") + 1)
    return obs.cells(), obs.terms(obs.cells(), months)


def test_every_measured_or_bounding_target_is_a_term_and_context_is_not(terms):
    _, ts = terms
    t = load("targets").observations
    used = set(t.filter(t["relation"].is_in(["measures", "upper_bound"]))["obs_id"].to_list())
    used.discard("all_program_removals_fy2008")  # wholly before S-Comm's first month
    context = set(t.filter(t["relation"] == "context")["obs_id"].to_list())
    ids = {x.obs_id for x in ts}
    assert used <= ids and not context & ids


def test_every_term_covers_some_cells_and_months(terms):
    _, ts = terms
    for t in ts:
        for w in t.window if isinstance(t.window, tuple) else (t.window,):
            assert len(w.cells) > 0 and w.months.sum() > 0, t.obs_id


def test_harris_and_pierce_are_cells_of_their_own(terms):
    c, _ = terms
    assert len(c.where("county", "48201")) == 1 and len(c.where("jail", "x", "53053")) == 1
    assert set(c.where("state", "WA")) >= set(c.where("jail", "x", "53053"))


def test_the_287g_counts_measure_the_287g_channel_where_an_agreement_is_in_force(terms):
    c, ts = terms
    t287 = [t for t in ts if t.dataset == "program_287g"]
    assert t287 and {t.stage for t in t287} == {"removable_287g", "removals_287g"}
    table = load("program_287g").observations
    statewide = set(table.filter(table["geography_level"] == "state")["obs_id"].to_list())
    assert not statewide & {t.obs_id for t in t287}  # a statewide agency is not a jail
    months = np.arange(periods.parse_month("2008-10"), periods.parse_month("2023-09") + 1)
    active = obs._agreement_months(months)
    for t in t287:  # each kept agency-year has an agreement in the model that year
        counties = np.isin(c.of_county, t.window.cells)
        assert (active[counties].any(axis=0) & (t.window.months > 0)).any(), t.obs_id


class FakeCounts:
    """Counts where every stage is one number: enough for scalar terms."""

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def count(self, stage, cells=None, months=None, **kw):
        return self.scale * float(np.sum(months))


def test_an_upper_bound_is_one_sided():
    t = obs.Term("u", "targets", "upper", "detainers", 0, 1000.0, 0.1,
                 obs.Window(np.array([0]), np.array([1.0]), 0))  # fmt: skip
    below = obs.LOGLIK["upper"](t, FakeCounts(500.0))
    above = obs.LOGLIK["upper"](t, FakeCounts(2000.0))
    assert below == pytest.approx(0.0, abs=1e-6) and above < -5


def test_the_likelihood_prefers_the_reported_figure():
    t = obs.Term("d", "targets", "interval", "detainers", 16_631, 16_631, 0.1,
                 obs.Window(np.array([0]), np.array([1.0]), 0))  # fmt: skip
    right = obs.LOGLIK["interval"](t, FakeCounts(16_631.0))
    wrong = obs.LOGLIK["interval"](t, FakeCounts(16_631.0 * 1.3))
    assert wrong < right - 2


def _terms_287g(values: dict[str, float]) -> list[obs.Term]:
    w = obs.Window(np.array([0]), np.array([1.0]), 0)
    stage = {"identified": "removable_287g", "removed": "removals_287g"}
    return [obs.Term(f"287g:01001:{k.split('_')[0]}:{k.split('_')[1]}", "program_287g", "interval",
                     stage[k.split("_")[0]], v, v, 0.5, w) for k, v in values.items()]  # fmt: skip


class StageCounts:
    """Counts by stage: the 287(g) channel's removable and removed people."""

    def __init__(self, **by_stage: float) -> None:
        self.by_stage = by_stage

    def count(self, stage, cells=None, months=None, channel=None, **kw):
        return self.by_stage[stage]

    def counts(self, stage, cells, months, completed_by, channel):
        return np.full(len(cells), self.by_stage[stage])


SPREADS = obs.Spreads(state=0.25, county=0.26)


def test_a_287g_agencys_counts_enter_jointly_and_its_level_is_the_agencys_own():
    """ICE's counts for one agency, five times the model's in both stages, fit as well as the
    model's own level (the agency's factor takes it); a removed-to-identified ratio off by
    five does not."""
    years = range(2009, 2014)
    ts = _terms_287g({f"{k}_{y}": v for y in years
                      for k, v in (("identified", 1000.0), ("removed", 700.0))})  # fmt: skip
    ll = obs.loglik(ts, StageCounts(removable=1000.0, removals=700.0), SPREADS)
    assert list(ll) == ["287g:01001"]  # one joint term for the agency
    level = obs.loglik(ts, StageCounts(removable=200.0, removals=140.0), SPREADS)["287g:01001"]
    ratio = obs.loglik(ts, StageCounts(removable=1000.0, removals=140.0), SPREADS)["287g:01001"]
    assert level > ll["287g:01001"] - 3  # a factor 5 is 1.6 sd of the agency's factor
    assert ratio < level - 5  # five years of a ratio off by five


def test_a_group_with_no_spread_is_the_sum_of_its_terms():
    ts = _terms_287g({"identified_2010": 1000.0, "removed_2010": 700.0})
    counts = StageCounts(removable=900.0, removals=500.0)
    joint = obs.group_loglik(ts, counts, 0.0)
    assert joint == pytest.approx(sum(obs.LOGLIK[t.kind](t, counts) for t in ts))


@pytest.mark.slow
def test_the_likelihood_is_a_deterministic_function_of_the_coordinates():
    """The bookings model's county and state effects are integrated in the likelihood, not
    drawn from a seed per particle (that draw moved it by tens of log units between two
    evaluations of the same point)."""
    from scomm.calibration.simulator import Simulator

    sim = Simulator.default()
    x = {c.label: 0.3 for c in sim.space.informed}
    assert sim.loglik(x, seed=0) == sim.loglik(x, seed=1)
    moved = {**x, "population.bookings_state_sd@2005-01-01": 2.0}
    assert sim.loglik(moved) != sim.loglik(x)  # the state effect's spread still counts
