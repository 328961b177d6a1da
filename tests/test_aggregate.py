"""The aggregate mode is the engine's exact expectation: over many seeds, the stochastic
engine's mean of every count the calibration uses (every stage, by place, window, status,
level, charge, channel, removals completed by an earlier month) equals the expectation within
Monte Carlo error, in every era (the 2008-2012 rollout, the 2012 guidance and PEP, EO 13768,
the 2021 interim priorities and the Mayorkas guidelines, 2025) and in both identification
channels (S-Comm and the 287(g) jail screen); and a stage changed in one place or era is
caught."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scomm import aggregate, periods
from scomm.compile import compile_inputs
from scomm.engine import simulate
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties
from scomm.rules import pipeline
from scomm.rules.categories import CITIZEN_STATUSES, Charge, Level
from scomm.scenario import packaged

SEEDS = 24
# Every count is a sum of independent 0/1 outcomes, one per booking, so its variance is at most
# its mean: the mean of SEEDS runs has a standard error of at most sqrt(expected / SEEDS), an
# exact bound that needs no estimate. |z| < 4.5 over ~650 comparisons: a false alarm in about
# 1 in 200 full runs of this file.
LIMIT = 4.5
CASES = {
    "rollout and 287(g) AZ RI 2008-10..2012-03": (("AZ", "RI"), "2008-10", "2012-03"),
    "guidance and PEP WA OR 2012-01..2016-12": (("WA", "OR"), "2012-01", "2016-12"),
    "EO 13768 and SB 54 CA TX 2017-01..2019-12": (("CA", "TX"), "2017-01", "2019-12"),
    "2021 priorities to 2025 NC IL 2020-10..2025-06": (("NC", "IL"), "2020-10", "2025-06"),
}
FILTERS = {
    "all": {},
    "citizens": {"status": CITIZEN_STATUSES},
    "level1": {"level": (Level.LEVEL1,)},
    "noncriminal": {"level": (Level.NONCRIMINAL,)},
    "felony": {"charge": (Charge.FELONY,)},
    "level2 misdemeanor": {"level": (Level.LEVEL2,), "charge": (Charge.MISDEMEANOR,)},
}


def state_cells(states) -> np.ndarray:
    state = counties().state
    return np.array([states.index(s) if s in states else 0 for s in state])


def compiled(states, start, end):
    return compile_inputs(
        packaged("baseline"), periods.parse_month(start), periods.parse_month(end), list(states)
    )


def queries(e, states) -> dict[str, tuple]:
    """Every (stage, cell, window, filter, completed_by) the comparison makes."""
    months = e.inputs.months
    half = int(months[len(months) // 2])
    windows = {"all": None, "first half": months <= half, "second half": months > half}
    out = {}
    for stage in STAGES:
        for k, st in enumerate(states):
            for wname, w in windows.items():
                for fname, f in FILTERS.items():
                    out[f"{stage} {st} {wname} {fname}"] = (stage, [k], w, {**f}, None)
            for chan in ("287g", None):
                out[f"{stage} {st} channel {chan}"] = (stage, [k], None, {"channel": chan}, None)
    for k, st in enumerate(states):
        out[f"removals completed by mid-period {st}"] = ("removals", [k], None, {}, half)
        out[f"287(g) removals completed by mid-period {st}"] = (
            "removals", [k], None, {"channel": "287g"}, half)  # fmt: skip
    return out


STAGES = ("ident_matches", "identified_287g", "removable", "detainers", "release_notifications",
          "detainers_honored", "ice_book_ins", "held_or_booked", "eventually_removed",
          "removals")  # fmt: skip


def t_statistics(inputs, states, engine_inputs=None) -> dict[str, float]:
    cells = state_cells(list(states))
    e = aggregate.expect(inputs, cells)
    asked = queries(e, list(states))
    seen = {k: [] for k in asked}
    for seed in range(SEEDS):
        r = aggregate.realized(simulate(engine_inputs or inputs, seed), cells)
        for k, (stage, c, w, f, done) in asked.items():
            seen[k].append(r.count(stage, c, w, completed_by=done, **f))
    out = {}
    for k, (stage, c, w, f, done) in asked.items():
        v = np.array(seen[k])
        expected = e.count(stage, c, w, completed_by=done, **f)
        se = np.sqrt(max(expected, 1e-12) / len(v))
        out[k] = (v.mean() - expected) / se
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_engine_means_equal_the_expectation(case):
    states, start, end = CASES[case]
    t = t_statistics(compiled(states, start, end), states)
    worst = max(t, key=lambda k: abs(t[k]))
    assert abs(t[worst]) < LIMIT, f"{worst}: t = {t[worst]:.2f}"


def test_submissions_and_bookings_are_the_engines_own():
    inputs = compiled(("RI",), "2011-01", "2011-06")  # Rhode Island activated 22 Mar 2011
    e = aggregate.expect(inputs, np.zeros(len(inputs.county_mask), dtype=int))
    sim = simulate(inputs, 0)
    assert e.submissions.sum() == sim.submissions[inputs.county_mask].sum()
    assert e.bookings.sum() == inputs.bookings[inputs.county_mask].sum()


@pytest.mark.slow
def test_a_detainer_rate_changed_in_one_area_is_caught():
    states = ("WA", "OR")
    inputs = compiled(states, "2012-01", "2016-12")
    odds = inputs.area_odds.copy()
    odds[:, pipeline.AORS.index("SEA")] *= 1.15  # the Seattle area only
    changed = dataclasses.replace(inputs, area_odds=odds)
    t = t_statistics(inputs, states, engine_inputs=changed)
    assert max(abs(t[f"detainers {s} all all"]) for s in states) > LIMIT


@pytest.mark.slow
def test_a_removal_rate_changed_in_one_era_is_caught():
    states = ("AZ", "RI")
    inputs = compiled(states, "2008-10", "2012-03")
    p = inputs.p_removal.copy()
    late = inputs.months > periods.parse_month("2010-06")
    p[late, Level.LEVEL3] *= 0.9  # Level 3, after the Morton memo only
    changed = dataclasses.replace(inputs, p_removal=p)
    t = t_statistics(inputs, states, engine_inputs=changed)
    assert abs(t["eventually_removed AZ second half all"]) > LIMIT
    assert abs(t["removals AZ first half all"]) < LIMIT  # the first era is untouched


@pytest.mark.slow
def test_a_287g_identification_rate_changed_is_caught():
    states = ("AZ", "RI")
    inputs = compiled(states, "2008-10", "2012-03")
    q = inputs.p_identify.copy()
    q[:, 4:] *= 1.05  # unauthorized people, the 287(g) screen only
    changed = dataclasses.replace(inputs, p_identify=q)
    t = t_statistics(inputs, states, engine_inputs=changed)
    assert abs(t["identified_287g AZ all all"]) > LIMIT


@pytest.mark.slow
def test_a_287g_officers_detainer_rate_changed_is_caught():
    states = ("AZ", "RI")
    inputs = compiled(states, "2008-10", "2012-03")
    changed = dataclasses.replace(inputs, p_detainer_287g=inputs.p_detainer_287g * 0.93)
    t = t_statistics(inputs, states, engine_inputs=changed)
    assert abs(t["detainers AZ channel 287g"]) > LIMIT


@pytest.mark.slow
def test_a_detention_time_changed_in_one_era_is_caught():
    states = ("WA", "OR")
    inputs = compiled(states, "2012-01", "2016-12")
    median = inputs.days_median.copy()
    pep = inputs.months >= periods.parse_month("2014-11")
    median[pep] *= 1.5  # longer detention under PEP only
    changed = dataclasses.replace(inputs, days_median=median)
    t = t_statistics(inputs, states, engine_inputs=changed)
    assert max(abs(t[f"removals completed by mid-period {s}"]) for s in states) > LIMIT or max(
        abs(t[f"removals {s} second half all"]) for s in states) > LIMIT  # fmt: skip


def test_scenarios_with_pretextual_arrests_are_refused(tmp_path):
    from scomm.scenario import resolve

    path = tmp_path / "pretext.yaml"
    path.write_text(
        "name: pretext-test\ndescription: pretextual arrests of Hispanic residents in one "
        "county.\nbase: baseline\npretext:\n  - {counties: ['04013'], from: 2011-04-01, "
        "until: 2012-06-30, rate: 1.5}\n"
    )
    start, end = periods.parse_period("2011-01", "2011-06")
    inputs = compile_inputs(resolve(str(path)), start, end, ["AZ"])
    with pytest.raises(UserError, match="pretextual"):
        aggregate.expect(inputs)


def profile_by_profile(inputs, e) -> dict[str, np.ndarray]:
    """A deliberately simple reference for ``Expectation.reach``: for each regime on its own,
    every stage's probability profile by profile, straight from the rule functions, summed
    into (status, level, charge) bins only at the end (no grouping, no sparse sums)."""
    pr = aggregate.profiles()
    who = aggregate._person(inputs, pr)
    share, comply = inputs.notification_share[:, None], inputs.base_compliance[:, None]
    out = {}
    regimes = zip(e.regime_area, e.regime_policy, e.regime_channel, strict=True)
    for r, (area, policy, channel) in enumerate(regimes):
        lodged = aggregate._lodged(inputs, pr, who, int(area), int(channel))
        hold, notify = inputs.hold_masks[policy][who.cell], inputs.notify_masks[policy][who.cell]
        held_d, told_d = aggregate._jail_given_request(hold, notify, False)
        _, told_n = aggregate._jail_given_request(hold, notify, True)
        held = lodged * (1 - share) * held_d * comply
        sentenced = inputs.sentenced_share[:, None] if inputs.notice_sentenced[policy] else 1.0
        told = lodged * ((1 - share) * told_d + share * told_n) * comply * sentenced
        book_in = held * inputs.p_transfer[:, None] + told * inputs.p_pickup[:, None]
        removed = book_in * inputs.p_removal[:, pr.level]
        stages = {"identified": who.prob, "removable": who.prob * who.removable,
                  "detainers": lodged, "release_notifications": told, "detainers_honored": held,
                  "ice_book_ins": book_in, "held_or_booked": held + told * inputs.p_pickup[:, None],
                  "eventually_removed": removed, "removed_summary": removed * who.summary,
                  "removed_hearing": removed * (1 - who.summary)}  # fmt: skip
        for stage, p in stages.items():
            binned = np.stack([np.bincount(pr.bin, weights=row, minlength=aggregate.N_BINS)
                               for row in p])  # fmt: skip
            out.setdefault(stage, np.zeros((len(e.regime_area), *binned.shape)))[r] = binned
    return out


@pytest.mark.parametrize("case", ["guidance and PEP WA OR 2012-01..2016-12",
                                  "rollout and 287(g) AZ RI 2008-10..2012-03"])  # fmt: skip
def test_the_expectation_is_the_profile_by_profile_sum(case):
    states, start, end = CASES[case]
    inputs = compiled(states, start, end)
    e = aggregate.expect(inputs, state_cells(list(states)))
    ref = profile_by_profile(inputs, e)
    others = np.setdiff1d(np.arange(aggregate.N_BINS), e.bins)
    for stage, p in ref.items():
        got = np.broadcast_to(e.reach[stage], (len(e.regime_area), *e.reach[stage].shape[1:]))
        np.testing.assert_allclose(got, p[..., e.bins], rtol=1e-9, atol=1e-15, err_msg=stage)
        assert not p[..., others].any(), stage  # no profile falls outside the bins kept


def test_the_identified_pairs_add_up_to_each_cell_and_channel():
    states = ("AZ", "RI")
    inputs = compiled(states, "2008-10", "2012-03")
    cells = state_cells(list(states))
    e = aggregate.expect(inputs, cells)
    chosen = np.flatnonzero(inputs.county_mask)
    shares = inputs.composition.status[chosen]
    q = inputs.p_identify[None] * inputs.agreement_287g[chosen][..., None]
    n = inputs.bookings[chosen][..., None]
    for k in range(len(states)):
        here = cells[chosen] == k
        by_287g = (n * shares * q)[here].sum(axis=0)
        in_pairs = e.identified[(e.pair_cell == k) & (e.regime_channel[e.pair_regime] == 1)]
        np.testing.assert_allclose(in_pairs.sum(axis=0), by_287g, rtol=1e-9, atol=1e-9)
    assert np.unique(np.stack([e.pair_cell, e.pair_regime]), axis=1).shape[1] == len(e.pair_cell)
