"""Pretextual arrests (scenario ``pretext``): extra low-level arrests of Hispanic residents,
the mechanism behind the racial-profiling fear of the Serrano letter (scomm-facts §1.9)."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.api import run
from scomm.engine import PRETEXT_INDEX, pretext_bookings
from scomm.rules import biometrics, pretext
from scomm.rules.categories import Charge

SCENARIO = """\
name: pretext-maricopa
description: Pretextual arrests of Hispanic residents in Maricopa County from 2011.
base: baseline
pretext:
  - counties: ["04013"]
    from: 2011-03-01
    until: 2011-10-31
    rate: {rate}
"""


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("scn") / "pretext.yaml"
    path.write_text(SCENARIO.format(rate=0.5))
    kw = {"states": "AZ", "start": "2011-01", "end": "2011-12", "seed": 4}
    return run(**kw), run(scenario=str(path), **kw)


def test_case_pretextual_arrests_leave_every_real_bookings_draws_unchanged(pair):
    base, pre = pair
    a, b = base.simulation.cohort, pre.simulation.cohort
    n = len(a.county)
    assert len(b.county) > n
    for field in ("county", "month", "key", "status", "hispanic", "level", "charge", "removed"):
        assert np.array_equal(getattr(a, field), getattr(b, field)[:n]), field


def test_case_every_pretextual_match_is_hispanic_and_arrested_on_a_minor_charge(pair):
    _, pre = pair
    c = pre.simulation.cohort
    extra = (c.key & np.uint64(PRETEXT_INDEX)) > 0
    assert extra.sum() > 0
    assert c.hispanic[extra].all()
    assert set(np.unique(c.charge[extra])) <= {Charge.MISDEMEANOR, Charge.TRAFFIC}
    # only Maricopa County, only March to October 2011
    assert set(pre.simulation.inputs.months[c.month[extra]] % 12 + 1) <= set(range(3, 11))
    assert len(np.unique(c.county[extra])) == 1


def test_case_pretextual_bookings_are_counted_as_bookings_and_submissions(pair):
    base, pre = pair
    ta, tb = base.summary["totals"], pre.summary["totals"]
    inp = pre.simulation.inputs
    expected = inp.pretext.sum()
    added = tb["bookings"] - ta["bookings"]
    # a whole number per county-month: within one of the expected count per month
    assert abs(added - expected) <= 8
    # Maricopa was active all year: of each county-month's pretextual bookings, the
    # submission rate's share (rounded half up) reach IDENT, as of any other bookings
    checked = biometrics.submissions_count(
        pretext_bookings(inp, 4), inp.active_from, inp.submissions_per_booking[None, :]
    )
    assert tb["submissions"] - ta["submissions"] == checked.sum() < added
    assert tb["ident_matches"] > ta["ident_matches"]


def test_case_the_rate_is_a_multiple_of_the_county_months_hispanic_bookings(pair):
    _, pre = pair
    inp = pre.simulation.inputs
    i = np.flatnonzero(inp.pretext.sum(axis=1))[0]
    h = pretext.hispanic_share(inp.composition.status[i], inp.composition.hispanic[i])
    march = 2
    assert np.isclose(inp.pretext[i, march], 0.5 * h[march] * inp.bookings[i, march])
    assert inp.pretext[i, 0] == 0 and inp.pretext[i, 11] == 0


def test_rule_whole_bookings_round_up_with_the_fractional_part_as_probability():
    expected = np.array([2.25, 2.25, 0.0, 3.0])
    out = pretext.extra_bookings(expected, np.array([0.2, 0.3, 0.0, 0.99]))
    assert list(out) == [3, 2, 0, 3]


def test_rule_a_pretextual_charge_is_a_misdemeanor_or_traffic_offense_in_their_proportion():
    cdf = np.tile([0.3, 0.85, 1.0], (4, 1))  # felony 30%, misdemeanor 55%, traffic 15%
    u = np.array([0.0, 0.78, 0.79, 0.999])  # 55 / 70 = 0.786 of minor arrests are misdemeanors
    assert list(pretext.minor_charge(cdf, u)) == [1, 1, 2, 2]


def test_rule_the_status_mix_of_hispanic_bookings_follows_bayes_rule():
    status = np.array([0.8, 0.0, 0.0, 0.0, 0.2, 0.0])
    hisp = np.array([0.1, 0.3, 0.4, 0.2, 0.75, 0.75])
    shares = pretext.hispanic_status_shares(status, hisp)
    assert np.isclose(pretext.hispanic_share(status, hisp), 0.08 + 0.15)
    assert np.allclose(shares, [0.08 / 0.23, 0, 0, 0, 0.15 / 0.23, 0])
