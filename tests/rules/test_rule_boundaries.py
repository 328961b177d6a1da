"""The rules' edges, written after `make mutate` showed which changes no test noticed
(docs/testing.md): every Bernoulli rule passes only for a draw strictly below its probability,
so a stage with probability p happens with probability exactly p for u in [0, 1); the shares
and cumulative distributions of the identification stages hold on county x month x status
arrays, not only on one row; the routes and days of removal keep their types and order."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.rules import (
    biometrics,
    custody,
    detainer,
    jail,
    level,
    match,
    person,
    record,
    removal,
    screening,
)
from scomm.rules import status as status_rule
from scomm.rules.categories import Charge, Level, Route, Status

P = np.array([0.25, 0.5, 0.75])
YES = np.ones(3, dtype=bool)
NO = np.zeros(3, dtype=bool)

AT_THE_PROBABILITY = {
    "jail.honored": lambda u: jail.honored(YES, NO, YES, P, u),
    "jail.notified": lambda u: jail.notified(YES, NO, YES, P, u),
    "custody.transfer": lambda u: custody.booked_into_ice(YES, NO, P, P, u),
    "custody.pickup": lambda u: custody.booked_into_ice(NO, YES, P, P, u),
    "status.deemed_removable": lambda u: status_rule.deemed_removable(P, u),
    "detainer.lodged": lambda u: detainer.lodged(YES, P, u),
    "detainer.notification_request": lambda u: detainer.notification_request(YES, P, 1.0, u),
    "record.serious_charge": lambda u: record.serious_charge(P, u),
    "record.magistrate_pc": lambda u: record.magistrate_pc(np.full(3, Charge.FELONY), P, u),
    "record.serious_record": lambda u: record.serious_record(P, u),
    "record.aggravated_felony": lambda u: record.aggravated_felony(np.full(3, Level.LEVEL1), P, u),
    "record.prior_removal": lambda u: record.prior_removal(
        np.full(3, Status.UNDOCUMENTED_PRIOR), P, u
    ),
    "record.entered_without_inspection": lambda u: record.entered_without_inspection(YES, P, u),
    "record.laken_riley_offense": lambda u: record.laken_riley_offense(
        np.full(3, Charge.MISDEMEANOR), P, u
    ),
    "removal.summary_removal": lambda u: removal.summary_removal(YES, P, u),
    "removal.represented": lambda u: removal.represented(YES, P, u),
    "removal.removed": lambda u: removal.removed(YES, P, u),
    "person.male": lambda u: person.male(P, u),
    "person.hispanic": lambda u: person.hispanic(P, u, NO),
}


def test_case_a_pretextual_arrest_is_of_a_hispanic_resident_whatever_the_draw():
    assert person.hispanic(P, np.ones(3), YES).all()
    assert not removal.removed(NO, P, np.zeros(3)).any()  # no removal without an ICE book-in


def test_case_a_draw_on_a_cumulative_boundary_falls_in_the_next_category():
    """Category k holds u in [cdf[k-1], cdf[k]): the level and the charge alike."""
    cdf = np.tile([0.2, 0.5, 0.9, 1.0], (5, 1))
    u = np.array([0.0, 0.2, 0.5, 0.9, np.nextafter(0.5, 0.0)])
    want = [0, 1, 2, 3, 1]
    for draw in (match.draw_category, lambda u, c: level.offense_level(c, u)):
        got = draw(u, cdf)
        assert got.dtype == np.int8 and list(got) == want
    assert list(level.arrest_charge(cdf[:3, 1:], u[:3])) == [0, 0, 1]


@pytest.mark.parametrize("rule", AT_THE_PROBABILITY, ids=list(AT_THE_PROBABILITY))
def test_case_a_draw_equal_to_the_probability_fails_and_one_just_below_passes(rule):
    decide = AT_THE_PROBABILITY[rule]
    assert not decide(P.copy()).any()
    assert decide(np.nextafter(P, 0.0)).all()


def test_case_an_unauthorized_recent_entrant_with_a_prior_encounter_can_be_expedited():
    """Interior expedited removal reaches every unauthorized status, the people DHS
    fingerprinted before included, if they entered without inspection and were never removed."""
    st = np.array([Status.UNDOCUMENTED_PRIOR, Status.UNDOCUMENTED_NEW, Status.LPR])
    none, ewi = np.zeros(3, dtype=bool), np.ones(3, dtype=bool)
    routes = (np.zeros(3), np.zeros(3), np.full(3, 0.2), np.zeros(3), np.ones(3, dtype=bool))
    p = removal.summary_probability(st, np.full(3, Level.LEVEL3), (none, none, ewi), routes)
    assert list(p) == pytest.approx([0.2, 0.2, 0.0])


def test_case_routes_are_small_integers_and_longer_stays_follow_larger_draws():
    r = removal.route(np.array([True, True, False]), np.array([True, False, False]))
    assert r.dtype == np.int8 and list(r) == [Route.SUMMARY, Route.HEARING, Route.RELEASED]
    u = np.array([0.1, 0.5, 0.9])
    days = removal.detention_days(np.full(3, 30.0), np.full(3, 0.8), u)
    assert days[0] < days[1] < days[2] and days[1] == pytest.approx(30.0)


SHARES = np.array(  # (county, month, status): two counties, two months, three statuses
    [[[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]]
)
P_STATUS = np.array([0.0, 0.5, 1.0])


def test_case_identification_probability_sums_over_statuses_on_every_county_month():
    want = (SHARES * P_STATUS).sum(axis=2)
    assert np.allclose(match.match_probability(SHARES, P_STATUS), want)
    assert np.allclose(screening.identification_probability(SHARES, P_STATUS), want)


def test_case_the_people_287g_did_not_identify_keep_the_rest_of_the_status_mix():
    rest = screening.unidentified_shares(SHARES, P_STATUS)
    assert rest.shape == SHARES.shape
    assert np.allclose(rest[0, 0], [0.5 / 0.65, 0.15 / 0.65, 0.0])
    assert np.allclose(rest[1, 0], [1.0, 0.0, 0.0])
    assert np.allclose(rest[1, 1], [0.0, 0.0, 0.0])  # everyone identified: nobody left


def test_case_the_matched_status_distribution_is_per_county_month_and_ends_at_one():
    cdf = match.matched_status_cdf(SHARES, P_STATUS)
    assert cdf.shape == SHARES.shape
    assert np.allclose(cdf[0, 0], [0.0, 0.15 / 0.35, 1.0])
    assert np.allclose(cdf[0, 1], [0.0, 0.15 / 0.65, 1.0])  # its own month, not a running sum
    assert np.allclose(cdf[1, 1], [0.0, 0.0, 1.0])
    assert np.allclose(cdf[1, 0], [0.0, 0.0, 1.0])  # no match possible: the last entry is one
    assert np.all(cdf[..., -1] == 1.0)


def test_case_checked_prints_round_half_up_below_one_per_booking_and_are_all_at_one():
    active = np.array([3, 5, 7, 4])
    got = biometrics.checked_count(active, np.array([0.5, 0.5, 1.0, 1.5]))
    assert got.dtype == np.int64 and list(got) == [2, 3, 7, 4]
    assert list(biometrics.checked_count(np.array([1, 2]), 0.25)) == [0, 1]


def test_case_submissions_count_passes_the_prints_per_booking_and_clips_the_fraction():
    """Of 10 bookings with interoperability from mid-month, 5 are active and at half a print
    set per booking 3 are checked (2.5 rounded half up); a fraction outside [0, 1] is clipped:
    before the month, every booking; after it, none."""
    ten = np.array([10, 10, 10])
    got = biometrics.submissions_count(ten, np.array([0.5, -0.5, 1.5]), np.array([0.5, 1, 1]))
    assert list(got) == [3, 10, 0]
