"""The baseline uses the bookings model and the submission rate: bookings outside California
follow population x booking rate, national totals stay BJS's, and a rate below 1 leaves
bookings unchecked while the contract funnel holds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scomm import periods
from scomm.bookings.model import default_model
from scomm.compile import compile_inputs
from scomm.engine import simulate, trace
from scomm.jurisdictions.counties import counties
from scomm.params import default_parameters
from scomm.population import bookings
from scomm.rng import entity_keys
from scomm.rules import biometrics
from scomm.scenario import packaged

MONTHS = np.arange(periods.parse_month("2012-01"), periods.parse_month("2012-12") + 1)


def test_bookings_outside_california_follow_population_times_rate():
    params = default_parameters()
    cty = counties()
    got = bookings(params, MONTHS).sum(axis=1).astype(float)
    weight = cty.column("population") * default_model().mean_rates()
    i, j = cty.index_of("17031"), cty.index_of("28049")  # Cook IL, Hinds MS
    assert got[i] / got[j] == pytest.approx(weight[i] / weight[j], rel=1e-3)


def test_flat_rates_give_the_population_share_rule_and_totals_stay_pinned():
    params = default_parameters()
    cty = counties()
    flat = bookings(params, MONTHS, np.ones(len(cty.fips)))
    model = bookings(params, MONTHS)
    ca = cty.state == "CA"
    assert np.array_equal(flat[ca], model[ca])  # California keeps its own counts
    assert np.abs(flat.sum(axis=0) - model.sum(axis=0)).max() <= len(cty.fips)
    pop = cty.column("population")
    i, j = cty.index_of("17031"), cty.index_of("28049")
    ratio = flat[i].sum() / flat[j].sum()
    assert ratio == pytest.approx(pop[i] / pop[j], rel=1e-3)


@pytest.mark.parametrize(
    ("share", "expected"),
    [(1.0, [500, 100]), (0.999, [500, 100]), (0.8, [400, 80]), (0.5, [250, 50])],
)
def test_submissions_per_booking_below_one_scales_active_bookings(share, expected):
    got = biometrics.submissions_count(np.array([3100, 100]), np.array([26 / 31, 0.0]), share)
    assert got.tolist() == expected


def test_a_rate_below_one_lowers_submissions_and_keeps_the_funnel():
    scn = packaged("baseline")
    start, end = periods.parse_month("2011-01"), periods.parse_month("2011-03")
    inputs = compile_inputs(scn, start, end, ["DE"])
    full = simulate(dataclasses.replace(inputs, submissions_per_booking=np.ones(3)), 0)
    low = simulate(dataclasses.replace(inputs, submissions_per_booking=np.full(3, 0.7)), 0)
    chosen = inputs.county_mask
    s_full, s_low = full.submissions[chosen].sum(), low.submissions[chosen].sum()
    assert s_low == pytest.approx(0.7 * s_full, rel=0.01)
    assert inputs.bookings[chosen].sum() >= s_full >= s_low >= len(low.cohort.county)


def test_a_rate_below_one_is_traced_as_the_run_decided():
    """Every booking of a county-month traced under r = 0.7: the submitted are the run's
    submission count, the matched exactly its cohort rows there."""
    scn = packaged("baseline")
    start, end = periods.parse_month("2011-01"), periods.parse_month("2011-03")
    inputs = compile_inputs(scn, start, end, ["DE"])
    inputs = dataclasses.replace(inputs, submissions_per_booking=np.full(3, 0.7))
    sim = simulate(inputs, 3)
    ci, j = counties().index_of("10003"), 1  # New Castle County, February 2011
    n = int(inputs.bookings[ci, j])
    keys = entity_keys(np.full(n, inputs.months[j]), np.full(n, ci), np.arange(n))
    tr = trace(inputs, 3, keys)
    submitted = [tr.outcome(i)["submitted"] for i in range(n)]
    assert sum(submitted) == sim.submissions[ci, j] < n
    matched = {int(k) for i, k in enumerate(keys) if tr.outcome(i)["matched"]}
    rows = (sim.cohort.county == ci) & (sim.cohort.month == j)
    assert matched == set(sim.cohort.key[rows].tolist())
    assert tr.steps(0)[2].inputs["submissions_per_booking"] == 0.7
