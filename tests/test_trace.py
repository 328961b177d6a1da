"""The engine's trace: recorded for chosen people, it decides them exactly as the full run did.

The trace runs the engine on the chosen people alone and records every stage; the full run
builds the cohort for everyone. The tests compare the two directly (every cohort column, every
recorded outcome, every county-month's submission count): nothing in them re-derives a stage.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scomm import periods
from scomm.cohort import Cohort
from scomm.compile import compile_inputs
from scomm.engine import PRETEXT_INDEX, Simulation, simulate, trace
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties
from scomm.rng import entity_keys, split_keys
from scomm.rules import pipeline
from scomm.scenario import packaged, resolve

STATES = ["CA", "NY", "TX", "IL", "RI", "AZ"]
# Every era of the model: before the Morton memo, the Morton and June 2011 priorities, the
# December 2012 guidance, PEP, EO 13768, the 2021 priorities, and the Laken Riley Act.
ERAS = [
    ("2008-10", "2010-06"),
    ("2010-07", "2012-12"),
    ("2013-01", "2014-11"),
    ("2014-12", "2017-01"),
    ("2017-02", "2021-01"),
    ("2021-02", "2025-01"),
    ("2025-02", "2025-06"),
]
PEOPLE = 10_000
COLUMNS = [f.name for f in dataclasses.fields(Cohort)]
DECIDED = [c for c in COLUMNS if c not in ("county", "month", "key")]


@pytest.fixture(scope="module")
def full_run() -> Simulation:
    start, end = periods.parse_period(ERAS[0][0], ERAS[-1][1])
    return simulate(compile_inputs(packaged("baseline"), start, end, STATES), seed=11)


def _rows_across_eras(sim: Simulation, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` cohort rows drawn at random, the same number from every era."""
    months = sim.inputs.months[sim.cohort.month]
    picks = []
    for i, (a, b) in enumerate(ERAS):
        pool = np.flatnonzero(
            (months >= periods.parse_month(a)) & (months <= periods.parse_month(b))
        )
        k = n // len(ERAS) + (1 if i < n % len(ERAS) else 0)
        picks.append(rng.choice(pool, size=k, replace=False))
    return np.concatenate(picks)


def _assert_traced_like_the_cohort(sim: Simulation, rows: np.ndarray) -> None:
    tr = sim.trace(rows)
    c = sim.cohort
    assert np.array_equal(tr.keys, c.key[rows])
    assert len(tr.cohort.key) == len(rows), "every cohort row is identified in its trace too"
    for name in COLUMNS:
        assert np.array_equal(getattr(tr.cohort, name), getattr(c, name)[rows]), name
        assert getattr(tr.cohort, name).dtype == getattr(c, name).dtype, name
    for i, row in enumerate(rows):
        out = tr.outcome(i)
        assert out["booked"] and (out["matched"] or out["identified_287g"])
        assert out["submitted"] or not out["matched"]
        found = {name: out[name] for name in DECIDED}
        expect = {name: getattr(c, name)[row].item() for name in DECIDED}
        assert found == expect, f"cohort row {row} (key {int(c.key[row])})"


def test_10000_random_people_across_every_era_are_traced_exactly_as_the_run_decided(full_run):
    rows = _rows_across_eras(full_run, PEOPLE, np.random.default_rng(2025))
    assert len(np.unique(rows)) == PEOPLE
    states = set(counties().state[full_run.cohort.county[rows]])
    assert states == set(STATES)
    _assert_traced_like_the_cohort(full_run, rows)


@pytest.mark.parametrize(
    ("fips", "month"),
    [
        ("48201", "2008-10"),  # Harris County, activated 27 Oct 2008, with a 287(g) agreement
        ("04013", "2009-01"),  # Maricopa, 287(g) jail agreement, activated 16 Jan 2009
        ("06059", "2009-03"),  # Orange County, 287(g) before S-Comm (activated in 2010)
        ("06037", "2014-01"),  # Los Angeles, the first month of the TRUST Act
        ("17031", "2011-09"),  # Cook County, the month its detainer ordinance took effect
        ("48453", "2017-09"),  # Travis County, the month Texas SB 4 took effect
        ("44007", "2025-03"),  # Providence, under the Laken Riley Act
    ],
)
def test_every_booking_of_a_county_month_traces_to_its_submission_count_and_matches(
    full_run, fips, month
):
    """Trace everyone booked: the submitted are the run's submission count, the identified (an
    IDENT match or a 287(g) officer) are exactly the run's cohort rows of that county-month,
    and nobody else."""
    sim, cty = full_run, counties()
    ci, j = cty.index_of(fips), periods.parse_month(month) - int(full_run.inputs.months[0])
    n = int(sim.inputs.bookings[ci, j])
    keys = entity_keys(np.full(n, sim.inputs.months[j]), np.full(n, ci), np.arange(n))
    tr = trace(sim.inputs, sim.seed, keys)
    outcomes = [tr.outcome(i) for i in range(n)]
    assert sum(o["submitted"] for o in outcomes) == sim.submissions[ci, j]
    in_cohort = set(sim.cohort.key[(sim.cohort.county == ci) & (sim.cohort.month == j)].tolist())
    found = {
        int(k) for k, o in zip(keys, outcomes, strict=True) if o["matched"] or o["identified_287g"]
    }
    assert found == in_cohort
    assert all("detainer" not in o for o in outcomes if not (o["matched"] or o["identified_287g"]))


def test_a_scenarios_pretextual_arrests_are_traced_like_the_run_decided(tmp_path):
    path = tmp_path / "pretext.yaml"
    path.write_text(
        "name: pretext-test\ndescription: pretextual arrests of Hispanic residents in two "
        "counties.\nbase: baseline\npretext:\n  - {counties: ['44007', '04013'], from: "
        "2011-04-01, until: 2012-06-30, rate: 1.5}\n"
    )
    start, end = periods.parse_period("2011-01", "2012-12")
    sim = simulate(compile_inputs(resolve(str(path)), start, end, ["RI", "AZ"]), seed=3)
    index = split_keys(sim.cohort.key)[2]
    pretextual = np.flatnonzero(index >= PRETEXT_INDEX)
    assert len(pretextual) > 200
    ordinary = np.flatnonzero(index < PRETEXT_INDEX)
    rng = np.random.default_rng(7)
    rows = np.concatenate([rng.choice(pretextual, 200, replace=False), ordinary[:200]])
    _assert_traced_like_the_cohort(sim, rows)
    tr = sim.trace(rows[:1])
    charge = next(s for s in tr.steps(0) if s.stage.name == "charge")
    assert charge.inputs["pretextual"] and tr.outcome(0)["hispanic"]


def test_a_person_is_found_in_a_trace_by_entity_key(full_run):
    c = full_run.cohort
    keys = c.key[[5, 900, 40_000]]
    tr = trace(full_run.inputs, full_run.seed, keys[::-1])
    assert len(tr) == 3
    i = tr.index_of(int(keys[1]))
    assert tr.outcome(i)["level"] == c.level[900]
    with pytest.raises(KeyError, match="not in this trace"):
        tr.index_of(int(c.key[6]))


def test_each_record_is_the_declared_stage_with_its_outputs_and_gate(full_run):
    tr = full_run.trace(np.arange(50))
    assert [r.stage for r in tr.records] == [s.name for s in pipeline.PIPELINE]
    for rec in tr.records:
        decl = pipeline.stage(rec.stage)
        assert set(rec.outcome) == set(decl.outputs), rec.stage
        assert decl.requires is None or decl.requires in rec.inputs, rec.stage
        assert (rec.draw is not None) == (decl.stream is not None), rec.stage
    steps = tr.steps(0)
    assert [s.stage.number for s in steps] == list(range(1, len(pipeline.PIPELINE) + 1))


def test_a_booking_never_submitted_stops_at_submission_and_a_key_outside_the_run_is_refused():
    start, end = periods.parse_period("2008-10", "2008-12")
    inputs = compile_inputs(packaged("baseline"), start, end, ["TX"])
    ci = counties().index_of("48453")  # Travis County: not yet activated, no 287(g) agreement
    tr = trace(inputs, 0, entity_keys(np.array([start]), np.array([ci]), np.array([0])))
    names = ["booking", "composition", "submission", "screen_287g", "match"]
    assert [s.stage.name for s in tr.steps(0)] == names
    out = tr.outcome(0)
    assert not out["submitted"] and not out["matched"] and not out["identified_287g"]
    assert len(tr.cohort.key) == 0
    with pytest.raises(UserError, match="outside the simulated period"):
        trace(inputs, 0, entity_keys(np.array([end + 1]), np.array([ci]), np.array([0])))
    ny = counties().index_of("36061")
    with pytest.raises(UserError, match="not among the simulated states"):
        trace(inputs, 0, entity_keys(np.array([start]), np.array([ny]), np.array([0])))
