"""Racial profiling metrics, pinned on hand-built cohorts (docs/metrics.md#racial-profiling)."""

from __future__ import annotations

import numpy as np
import pytest
from metrics_helpers import Person, context, held, mask_of, tiny_sim

from scomm.metrics import profiling
from scomm.rules.categories import Charge

MIX = np.array([0.8, 0.0, 0.1, 0.0, 0.1, 0.0])  # U.S.-born 80%, LPR 10%, unauthorized 10%
HISPANIC = np.array([0.2, 0.3, 0.4, 0.1, 0.8, 0.8])


def _metrics(people, **kw):
    sim = tiny_sim(people, status_mix=MIX, hispanic_by_status=HISPANIC, **kw)
    ctx = context(sim)
    return profiling.compute(profiling.tally(sim, ctx), ctx, mask_of(sim))


def test_case_hispanic_share_of_book_ins_against_the_removable_population():
    """3 of 4 people booked into ICE are Hispanic; the removable residents are the
    unauthorized (80% Hispanic) and LPRs at ICE's 30% removable rate (40% Hispanic):
    (0.5 x 0.3 x 0.4 + 0.5 x 0.8) / (0.5 x 0.3 + 0.5) = 0.46 / 0.65."""
    people = [Person("36061", hispanic=h, **held(book_in=True)) for h in (1, 1, 1, 0)]
    people.append(Person("36061", hispanic=False))  # matched, never booked in: not counted
    m = _metrics(people)
    assert m["hispanic_share_ice_book_ins"].value == 0.75
    assert m["hispanic_share_removable_population"].value == pytest.approx(0.46 / 0.65)
    assert m["hispanic_disparity_ratio"].value == pytest.approx(0.75 / (0.46 / 0.65))
    assert not m["hispanic_share_removable_population"].stochastic


def test_case_no_book_ins_means_no_share_and_no_ratio():
    m = _metrics([Person("36061")])
    assert m["hispanic_share_ice_book_ins"].value is None
    assert m["hispanic_disparity_ratio"].value is None


def test_case_low_level_shares_count_misdemeanor_and_traffic_arrests():
    """Matches: felony, misdemeanor, traffic, misdemeanor → 3 of 4 low-level; detainers
    on the felony and the traffic arrest → 1 of 2."""
    charges = [Charge.FELONY, Charge.MISDEMEANOR, Charge.TRAFFIC, Charge.MISDEMEANOR]
    detained = [True, False, True, False]
    people = [Person("36061", charge=c, detainer=d) for c, d in zip(charges, detained, strict=True)]
    m = _metrics(people)
    assert m["low_level_share_matches"].value == 0.75
    assert m["low_level_share_detainers"].value == 0.5


def test_case_a_county_far_above_its_comparable_counties_is_flagged():
    """Delaware has three counties, too few per population band, so each is compared with
    the other two: Kent 90 of 100 matches low-level against New Castle and Sussex at 50
    of 100 each (peer share 0.5); New Castle against Kent and Sussex (140 of 200 = 0.7)."""
    people = []
    for fips, low in (("10001", 90), ("10003", 50), ("10005", 50)):
        for k in range(100):
            people.append(Person(fips, charge=Charge.MISDEMEANOR if k < low else Charge.FELONY))
    sim = tiny_sim(people, states=("DE",))
    ctx = context(sim)
    t = profiling.tally(sim, ctx)
    kent, new_castle = (ctx.fips == "10001").argmax(), (ctx.fips == "10003").argmax()
    assert t["peer_share"][kent] == 0.5 and t["peer_share"][new_castle] == 0.7
    assert t["p_value"][kent] < 1e-10 and t["p_value"][new_castle] > 0.99
    m = profiling.compute(t, ctx, mask_of(sim))["low_level_counties_above_peers"]
    assert m.value == 1
    assert m.extra["counties_tested"] == 3
    assert [c["name"] for c in m.extra["counties"]] == ["Kent County"]


def test_case_removable_residents_exclude_citizens():
    sim = tiny_sim([], status_mix=np.array([0.5, 0.5, 0, 0, 0, 0]))
    pop = profiling.removable_population(context(sim))
    assert pop["removable"].sum() == 0  # naturalized citizens are not removable


def test_case_the_benchmark_weights_counties_by_the_months_scomm_ran():
    sim = tiny_sim([], status_mix=MIX, hispanic_by_status=HISPANIC, active=0.25)
    pop = profiling.removable_population(context(sim))
    assert np.allclose(pop["removable_exposed"], 0.25 * pop["removable"])
