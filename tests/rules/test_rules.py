"""The pipeline rules, as cases that read like the program's rules (citations beside each)."""

from __future__ import annotations

import numpy as np

from scomm.rules import biometrics, custody, detainer, jail, match, removal, status
from scomm.rules.categories import Charge, Level, Status


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


def test_case_ice_deems_an_unauthorized_person_removable_and_a_citizen_only_in_error():
    by_status = np.array([0.0, 0.0, 0.3, 0.5, 1.0, 1.0])
    st = np.array([Status.US_BORN, Status.UNDOCUMENTED_PRIOR])
    assert list(status.deemed_removable(by_status[st], np.array([0.5, 0.999]))) == [False, True]


P_LEVEL = np.array([0.9, 0.8, 0.5, 0.4])


def _p(level, charge, traffic=False, minor=1.0):
    return detainer.detainer_probability(
        np.array([level]),
        np.array([charge]),
        P_LEVEL[[level]],
        np.array([traffic]),
        np.array([minor]),
    )[0]


def test_case_after_27_apr_2012_no_detainer_for_a_traffic_only_arrest_without_conviction():
    """ICE's response to the HSAC task force, 27 Apr 2012 (NILC, May 2012)."""
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, traffic=True) == 0.0
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, traffic=False) == 0.4
    # a conviction record keeps the person in scope
    assert _p(Level.LEVEL3, Charge.TRAFFIC, traffic=True) == 0.5


def test_case_dec_2012_guidance_restricts_minor_offense_detainers_without_conviction():
    """ICE detainer guidance, 21 Dec 2012 (ILRC practice advisory)."""
    assert np.isclose(_p(Level.NONCRIMINAL, Charge.MISDEMEANOR, minor=0.3), 0.12)
    assert _p(Level.NONCRIMINAL, Charge.FELONY, minor=0.3) == 0.4
    assert _p(Level.LEVEL1, Charge.MISDEMEANOR, minor=0.3) == 0.9


def test_case_only_a_removable_person_gets_a_detainer():
    out = detainer.lodged(np.array([False, True]), np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    assert list(out) == [False, True]


def test_case_a_jail_bound_by_a_law_declines_what_the_law_forbids():
    out = jail.honored(
        np.array([True, True, False]),
        np.array([False, True, True]),
        np.array([1.0, 1.0, 1.0]),
        np.array([0.1, 0.1, 0.1]),
    )
    assert list(out) == [False, True, False]


def test_case_ice_takes_custody_only_of_people_held_for_it():
    out = custody.booked_into_ice(np.array([True, False]), np.array([1.0, 1.0]), np.zeros(2))
    assert list(out) == [True, False]


def test_case_detention_length_has_the_cited_mean():
    u = (np.arange(100_000) + 0.5) / 100_000
    days = removal.detention_days(np.full(u.size, 29.6), u)
    assert abs(days.mean() - 29.6) < 0.1


def test_case_a_summary_removal_is_a_removal_without_a_hearing():
    removed = np.array([True, True, False])
    out = removal.summary_removal(removed, np.full(3, 0.75), np.array([0.5, 0.9, 0.1]))
    assert list(out) == [True, False, False]
