"""The pipeline rules, as cases that read like the program's rules (citations beside each).
The laws and federal eras that feed them are cased in tests/laws/ and tests/eras/."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.rules import (
    biometrics,
    custody,
    detainer,
    jail,
    match,
    record,
    removal,
    screening,
    status,
)
from scomm.rules.categories import Charge, Level, Priority, Route, Status


def test_case_prints_are_checked_only_after_the_county_is_activated():
    """reference/scomm-facts.md §1.1: interoperability runs from a county's activation."""
    # Harris County TX, activated 27 Oct 2008: 5 of October's 31 days are active.
    assert biometrics.submissions_count(np.array([3100]), np.array([26 / 31]))[0] == 500
    assert biometrics.submissions_count(np.array([100]), np.array([1.0]))[0] == 0
    assert biometrics.submissions_count(np.array([100]), np.array([0.0]))[0] == 100


def test_case_a_us_born_citizen_matches_only_by_error_and_an_unrecorded_one_never():
    shares = np.array([[0.5, 0, 0, 0, 0.25, 0.25]])
    p = np.array([0.001, 0.3, 0.6, 0.9, 0.98, 0.0])
    assert np.isclose(match.match_probability(shares, p)[0], 0.5 * 0.001 + 0.25 * 0.98)
    cdf = match.matched_status_cdf(shares, p)[0]
    # no unauthorized person without an IDENT record is ever among the matches
    assert cdf[Status.UNDOCUMENTED_PRIOR] == 1.0


def test_case_a_287g_officer_finds_people_idents_records_miss():
    """ICE 287(g) fact sheet: officers interview the people booked; someone DHS never
    fingerprinted can be identified, and the match then draws from the rest."""
    shares = np.array([[0.5, 0.0, 0.0, 0.0, 0.25, 0.25]])
    q = np.array([0.0, 0.0, 0.7, 0.7, 0.8, 0.6])
    assert np.isclose(screening.identification_probability(shares, q)[0], 0.25 * 0.8 + 0.25 * 0.6)
    rest = screening.unidentified_shares(shares, q)[0]
    assert np.isclose(rest.sum(), 1.0)
    # the unidentified are richer in citizens than the bookings
    assert rest[Status.US_BORN] > 0.5 and rest[Status.UNDOCUMENTED_NEW] < 0.25
    nobody = screening.unidentified_shares(np.zeros((1, 6)), q)[0]
    assert not nobody.any()


def test_case_ice_deems_an_unauthorized_person_removable_and_a_citizen_only_in_error():
    by_status = np.array([0.0, 0.0, 0.3, 0.5, 1.0, 1.0])
    st = np.array([Status.US_BORN, Status.UNDOCUMENTED_PRIOR])
    assert list(status.deemed_removable(by_status[st], np.array([0.5, 0.999]))) == [False, True]


def test_case_an_lprs_removability_follows_the_conviction_not_the_status():
    """INA §237(a)(2): an LPR is deportable on a conviction ground."""
    st = np.array([Status.LPR, Status.LPR, Status.OTHER_LAWFUL])
    p = status.removable_probability(st, np.array([0.5, 0.5, 0.5]), np.array([0.95, 0.02, 0.95]))
    assert list(p) == [0.95, 0.02, 0.5]


def test_case_record_flags_reach_only_the_people_they_can_describe():
    u = np.zeros(3)
    ch = np.array([Charge.FELONY, Charge.MISDEMEANOR, Charge.TRAFFIC])
    assert list(record.magistrate_pc(ch, np.ones(3), u)) == [True, False, False]
    assert list(record.laken_riley_offense(ch, np.ones(3), u)) == [True, True, False]
    lv = np.array([Level.LEVEL1, Level.LEVEL2, Level.NONCRIMINAL])
    assert list(record.aggravated_felony(lv, np.ones(3), u)) == [True, False, False]
    st = np.array([Status.UNDOCUMENTED_PRIOR, Status.UNDOCUMENTED_NEW, Status.LPR])
    assert list(record.prior_removal(st, np.ones(3), u)) == [True, False, False]
    unauth = st >= Status.UNDOCUMENTED_PRIOR
    assert list(record.entered_without_inspection(unauth, np.ones(3), u)) == [True, True, False]
    p = np.array([0.3, 0.3, 0.0])
    assert list(record.serious_charge(p, np.array([0.29, 0.31, 0.0]))) == [True, False, False]
    assert list(record.serious_record(p, np.array([0.0, 0.5, 0.0]))) == [True, False, False]


P_LEVEL = np.array([0.9, 0.8, 0.5, 0.4])


def _membership(level, charge, serious_charge=False, serious_record=False, aggravated=False,
                prior=False):  # fmt: skip
    one = lambda v: np.array([v])  # noqa: E731
    return detainer.priority_membership(
        one(level), one(charge), one(serious_charge), one(serious_record), one(aggravated),
        one(prior),
    )[0]  # fmt: skip


def test_case_a_person_belongs_to_every_group_whose_description_fits():
    m = _membership(Level.LEVEL3, Charge.FELONY, serious_record=True, prior=True)
    assert m[Priority.REMOVABLE] and m[Priority.LEVEL3_SERIOUS] and m[Priority.FELONY_CHARGE]
    assert m[Priority.PRIOR_REMOVAL] and not m[Priority.LEVEL1] and not m[Priority.LEVEL2]
    assert not m[Priority.SERIOUS_MISDEMEANOR_CHARGE]
    m = _membership(Level.LEVEL1, Charge.MISDEMEANOR, serious_charge=True)
    assert m[Priority.LEVEL1] and m[Priority.SERIOUS_MISDEMEANOR_CHARGE]
    assert not m[Priority.LEVEL1_AGGRAVATED]
    assert _membership(Level.LEVEL1, Charge.TRAFFIC, aggravated=True)[Priority.LEVEL1_AGGRAVATED]
    # a significant traffic charge is not a significant misdemeanor charge
    assert not _membership(Level.NONCRIMINAL, Charge.TRAFFIC, serious_charge=True)[
        Priority.SERIOUS_MISDEMEANOR_CHARGE
    ]
    # a Level 3 person without a significant conviction is not in LEVEL3_SERIOUS
    assert not _membership(Level.LEVEL3, Charge.TRAFFIC)[Priority.LEVEL3_SERIOUS]
    assert _membership(Level.LEVEL2, Charge.TRAFFIC)[Priority.LEVEL2]


def test_case_a_person_is_a_priority_when_any_group_in_force_holds():
    m = _membership(Level.LEVEL3, Charge.MISDEMEANOR)[None, :]
    only_felonies = np.zeros((1, len(Priority)), dtype=bool)
    only_felonies[0, Priority.FELONY_CHARGE] = True
    assert not detainer.prioritized(m, only_felonies)[0]
    anyone = only_felonies.copy()
    anyone[0, Priority.REMOVABLE] = True
    assert detainer.prioritized(m, anyone)[0]


def _p(level, charge, inside=True, factor=1.0, traffic=False, mandated=False):
    return detainer.detainer_probability(
        np.array([level]),
        np.array([charge]),
        np.array([inside]),
        P_LEVEL[[level]],
        np.array([factor]),
        np.array([traffic]),
        np.array([mandated]),
    )[0]


def test_case_after_27_apr_2012_no_detainer_for_a_traffic_only_arrest_without_conviction():
    """ICE's response to the HSAC task force, 27 Apr 2012 (NILC, May 2012)."""
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, traffic=True) == 0.0
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, traffic=False) == 0.4
    # a conviction record keeps the person in scope; a misdemeanor charge too
    assert _p(Level.LEVEL3, Charge.TRAFFIC, traffic=True) == 0.5
    assert _p(Level.NONCRIMINAL, Charge.MISDEMEANOR, traffic=True) == 0.4


def test_case_outside_the_priorities_the_rate_is_cut_by_the_eras_factor():
    """Dec 2012 guidance: "absent extraordinary circumstances"."""
    assert np.isclose(_p(Level.LEVEL3, Charge.MISDEMEANOR, inside=False, factor=0.1), 0.05)
    assert _p(Level.LEVEL3, Charge.MISDEMEANOR, inside=True, factor=0.1) == 0.5


def test_case_the_laken_riley_act_makes_the_detainer_certain():
    """P.L. 119-1: DHS "shall issue a detainer", whatever else the era says."""
    assert _p(Level.NONCRIMINAL, Charge.MISDEMEANOR, inside=False, factor=0.0, mandated=True) == 1
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, traffic=True, mandated=True) == 1.0
    yes = detainer.laken_riley_mandated(np.array([True, True, False]), np.array([True, False, True]),
                                        np.array([True, True, True]))  # fmt: skip
    assert list(yes) == [True, False, False]
    assert not detainer.laken_riley_mandated(np.array([True]), np.array([True]), np.array([False]))[
        0
    ]


def test_case_only_a_removable_person_gets_a_detainer():
    out = detainer.lodged(np.array([False, True]), np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    assert list(out) == [False, True]


def test_case_under_pep_the_bottom_of_the_detainers_band_asks_only_for_notice():
    """Johnson memo, 20 Nov 2014: requests for notification replace requests for detention."""
    lodged = np.array([True, True, True, False])
    p = np.full(4, 0.5)
    u = np.array([0.1, 0.35, 0.45, 0.1])
    out = detainer.notification_request(lodged, p, np.full(4, 0.6), u)
    assert list(out) == [True, False, False, False]


def test_case_a_jail_holds_only_on_a_request_for_detention_the_law_allows():
    lodged = np.array([True, True, True, False, True])
    asks_notice = np.array([False, False, True, False, False])
    hold = np.array([False, True, True, True, True])
    comply, u = np.full(5, 0.9), np.array([0.1, 0.1, 0.1, 0.1, 0.95])
    assert list(jail.honored(lodged, asks_notice, hold, comply, u)) == [
        False,
        True,
        False,
        False,
        False,
    ]


def test_case_a_jail_that_may_not_hold_may_still_tell_ice_of_the_release():
    lodged = np.array([True, True, True, True])
    held = np.array([False, True, False, False])
    notify = np.array([True, True, False, True])
    u = np.array([0.1, 0.1, 0.1, 0.95])
    out = jail.notified(lodged, held, notify, np.full(4, 0.9), u)
    assert list(out) == [True, False, False, False]


def test_case_a_jail_reporting_only_sentenced_people_tells_ice_of_that_share_of_releases():
    """King County's Ordinance 18665 and Washington County (OR): a release date only at the
    end of a sentence, so the notice rate is the compliance rate times the sentenced share."""
    comply, share = np.array([0.9, 0.9, 0.8]), np.array([0.3, 0.3, 0.5])
    sentenced_only = np.array([True, False, True])
    assert jail.notice_rate(comply, sentenced_only, share) == pytest.approx([0.27, 0.9, 0.4])
    lodged, held, notify = np.ones(3, bool), np.zeros(3, bool), np.ones(3, bool)
    u = np.array([0.28, 0.28, 0.39])
    rate = jail.notice_rate(comply, sentenced_only, share)
    assert list(jail.notified(lodged, held, notify, rate, u)) == [False, True, True]


def test_case_ice_takes_custody_from_a_hold_or_at_the_door_after_a_notice():
    held, told = np.array([True, False, False, False]), np.array([False, True, True, False])
    u = np.array([0.85, 0.5, 0.7, 0.0])
    out = custody.booked_into_ice(held, told, np.full(4, 0.9), np.full(4, 0.6), u)
    assert list(out) == [True, True, False, False]


def _summary(status, level, prior=False, aggravated=False, ewi=False, er=False, stip=0.0):
    one = lambda v: np.array([v])  # noqa: E731
    return removal.summary_probability(
        one(status), one(level), (one(prior), one(aggravated), one(ewi)),
        (one(0.9), one(0.5), one(0.2), one(stip), one(er)),
    )[0]  # fmt: skip


def test_case_a_prior_removal_opens_reinstatement():
    """INA §241(a)(5): the prior order is reinstated."""
    assert np.isclose(_summary(Status.UNDOCUMENTED_PRIOR, Level.LEVEL3, prior=True), 0.9)
    assert _summary(Status.UNDOCUMENTED_PRIOR, Level.LEVEL3) == 0.0


def test_case_a_non_lpr_aggravated_felon_can_be_removed_administratively():
    """INA §238(b): not for a lawful permanent resident."""
    assert np.isclose(_summary(Status.UNDOCUMENTED_NEW, Level.LEVEL1, aggravated=True), 0.5)
    assert _summary(Status.LPR, Level.LEVEL1, aggravated=True) == 0.0
    assert _summary(Status.UNDOCUMENTED_NEW, Level.LEVEL2, aggravated=True) == 0.0


def test_case_expedited_removal_reaches_an_interior_recent_entrant_only_when_designated():
    """84 FR 35409 (23 Jul 2019): before it, 100 miles and 14 days."""
    assert _summary(Status.UNDOCUMENTED_NEW, Level.LEVEL3, ewi=True, er=False) == 0.0
    assert np.isclose(_summary(Status.UNDOCUMENTED_NEW, Level.LEVEL3, ewi=True, er=True), 0.2)
    # an admitted overstay, or someone already in reinstatement, is not its subject
    assert _summary(Status.UNDOCUMENTED_NEW, Level.LEVEL3, ewi=False, er=True) == 0.0
    p = _summary(Status.UNDOCUMENTED_PRIOR, Level.LEVEL3, prior=True, ewi=True, er=True)
    assert np.isclose(p, 0.9)


def test_case_routes_combine_and_a_stipulated_order_reaches_everyone_else():
    assert np.isclose(_summary(Status.LPR, Level.LEVEL3, stip=0.08), 0.08)
    p = _summary(Status.UNDOCUMENTED_PRIOR, Level.LEVEL1, prior=True, aggravated=True, stip=0.1)
    assert np.isclose(p, 1 - 0.9 * 0.1 * 0.5)


def test_case_a_summary_removal_is_a_removal_without_a_hearing():
    eventually = np.array([True, True, False])
    out = removal.summary_removal(eventually, np.full(3, 0.75), np.array([0.5, 0.9, 0.1]))
    assert list(out) == [True, False, False]
    assert list(removal.route(eventually, out)) == [Route.SUMMARY, Route.HEARING, Route.RELEASED]


def test_case_detention_length_is_lognormal_around_the_routes_median():
    """Not an exponential with a mean: half of the lengths fall below the median, and the
    spread is the route's (a wider spread moves the quartiles apart)."""
    u = (np.arange(100_000) + 0.5) / 100_000
    days = removal.detention_days(np.full(u.size, 14.0), np.full(u.size, 0.9), u)
    assert np.median(days) == pytest.approx(14.0, rel=1e-3)
    q1, q3 = np.quantile(days, [0.25, 0.75])
    assert np.log(q3 / q1) == pytest.approx(2 * 0.9 * 0.6745, rel=1e-3)
    assert days.mean() == pytest.approx(14.0 * np.exp(0.9**2 / 2), rel=1e-2)


def test_case_represented_only_if_the_case_went_before_a_judge():
    heard = np.array([True, False])
    assert list(removal.represented(heard, np.full(2, 1.0), np.zeros(2))) == [True, False]


def test_case_a_287g_officer_lodges_at_the_officers_own_rate_not_the_levels_or_areas():
    """INA §287(g)(1): the deputized officer who identified the person lodges the detainer;
    the level's rate and the field office's intensity are S-Comm's channel's."""
    level = np.array([Level.NONCRIMINAL, Level.LEVEL1, Level.NONCRIMINAL, Level.NONCRIMINAL])
    charge = np.array([Charge.MISDEMEANOR] * 3 + [Charge.TRAFFIC])
    via = np.array([True, True, False, True])
    p = detainer.detainer_probability(
        level, charge, in_priorities=np.array([True, True, True, False]),
        p_level=np.array([0.3, 0.9, 0.3, 0.3]), outside_factor=np.full(4, 0.1),
        traffic_deferred=np.array([False, False, False, True]), mandated=np.zeros(4, bool),
        area_intensity=np.full(4, 4.0), via_287g=via, p_287g=np.full(4, 0.95),
    )  # fmt: skip
    assert np.isclose(p[0], 0.95) and np.isclose(p[1], 0.95)  # whatever the level or area
    assert np.isclose(p[2], 0.3 * 4 / (1 - 0.3 + 0.3 * 4))  # S-Comm: level rate, area odds
    assert p[3] == 0.0  # the traffic rule binds the officer too
    outside = detainer.detainer_probability(
        level[:1], charge[:1], np.array([False]), np.array([0.3]), np.array([0.1]),
        np.array([False]), np.array([False]), 1.0, np.array([True]), np.array([0.95]),
    )  # fmt: skip
    assert np.isclose(outside[0], 0.095)  # and the priorities in force
