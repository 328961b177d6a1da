"""State and local detainer laws, as cases that read like the law (citation beside each).

Each case compiles the baseline for one month and reads the honor mask of one county:
``mask[level, charge]`` says whether a jail bound by the laws in force may hold the person.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pytest

from scomm import periods
from scomm.compile import compile_inputs
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import all_laws
from scomm.rules import jail
from scomm.rules.categories import Charge, Level
from scomm.scenario import packaged

NYC = ["36005", "36047", "36061", "36081", "36085"]


@cache
def _inputs(scenario: str, month: str, state: str):
    m = periods.parse_month(month)
    return compile_inputs(packaged(scenario), m, m, [state])


def mask(fips: str, month: str, scenario: str = "baseline") -> np.ndarray:
    """The (level, charge) honor mask of a county on the first day of ``month``."""
    cty = counties()
    i = cty.index_of(fips)
    inp = _inputs(scenario, month, cty.state[i])
    return inp.policy_masks[inp.policy[i, 0]]


def honors(m: np.ndarray, level: Level, charge: Charge) -> bool:
    return bool(m[level, charge])


def law(law_id: str):
    return {lw.id: lw for lw in all_laws()}[law_id]


def test_every_packaged_law_is_dated_cited_and_binds_known_places():
    laws = all_laws()
    assert len({lw.id for lw in laws}) == len(laws) >= 30
    for lw in laws:
        assert lw.citation.url.startswith(("http://", "https://")), lw.id
        assert lw.ends is None or lw.ends >= lw.effective
        if lw.effect == "honor_only_if" and not lw.judicial_warrant:
            assert lw.note and "pproximation" in lw.note, f"{lw.id} must state its approximation"


def test_case_no_law_means_every_detainer_may_be_honoured():
    """Erie County, NY, in 2012: no state or local detainer law."""
    assert mask("36029", "2012-06").all()


def test_case_under_nyc_local_law_58_of_2014_a_detainer_without_a_judicial_warrant_is_declined():
    """NYC Local Laws 58 and 59 of 2014, in effect 14 Dec 2014 (practice advisory, scribd
    350361171): DOC and NYPD honor only a detainer with a federal judge's warrant; ICE
    detainers carry at most an administrative warrant."""
    for fips in NYC:
        m = mask(fips, "2015-01")
        assert not m.any(), fips
    # even a Level 1 person held on a felony is released
    assert not honors(mask("36061", "2015-01"), Level.LEVEL1, Charge.FELONY)


def test_case_under_nyc_local_law_62_of_2011_a_person_with_no_conviction_is_declined():
    """NYC Local Law 62 of 2011 (Int 0656-2011, enacted 22 Nov 2011): DOC does not honor a
    detainer for a person with no criminal conviction."""
    m = mask("36047", "2012-06")
    assert not honors(m, Level.NONCRIMINAL, Charge.MISDEMEANOR)
    assert not honors(m, Level.NONCRIMINAL, Charge.FELONY)
    assert honors(m, Level.LEVEL3, Charge.TRAFFIC)


def test_case_under_nyc_local_laws_21_and_22_of_2013_a_pending_felony_counts():
    """NYC Local Laws 21-22 of 2013 (Int 0989-2012, enacted 18 Mar 2013): a pending covered
    criminal case keeps the detainer; a non-criminal misdemeanor arrestee is released."""
    m = mask("36081", "2013-06")
    assert honors(m, Level.NONCRIMINAL, Charge.FELONY)
    assert not honors(m, Level.NONCRIMINAL, Charge.MISDEMEANOR)
    assert honors(m, Level.LEVEL3, Charge.MISDEMEANOR)


def test_case_under_the_california_trust_act_a_level_3_arrestee_is_declined():
    """California TRUST Act, AB 4, in effect 1 Jan 2014 (ILRC guide): a hold needs a listed
    conviction or a probable-cause finding on a felony."""
    m = mask("06037", "2014-06")
    assert not honors(m, Level.LEVEL3, Charge.MISDEMEANOR)
    assert not honors(m, Level.NONCRIMINAL, Charge.TRAFFIC)
    assert honors(m, Level.LEVEL3, Charge.FELONY)  # the felony probable-cause route
    assert honors(m, Level.LEVEL1, Charge.MISDEMEANOR)
    assert honors(m, Level.LEVEL2, Charge.TRAFFIC)
    assert mask("06037", "2013-12").all(), "not before 1 Jan 2014"


def test_case_under_california_sb_54_a_felony_charge_alone_no_longer_keeps_a_detainer():
    """California Values Act, SB 54, in effect 1 Jan 2018: transfers only for TRUST-listed
    convictions; holds on a charge alone end."""
    m = mask("06037", "2018-03")
    assert not honors(m, Level.NONCRIMINAL, Charge.FELONY)
    assert not honors(m, Level.LEVEL3, Charge.FELONY)
    assert honors(m, Level.LEVEL2, Charge.MISDEMEANOR)


@pytest.mark.parametrize(
    ("fips", "month", "why"),
    [
        ("17031", "2013-06", "Cook County ordinance, 7 Sep 2011 (Cook County legislative record)"),
        ("06085", "2012-06", "Santa Clara Board Policy 3.54, 18 Oct 2011 (Silicon Valley De-Bug)"),
        ("12086", "2014-06", "Miami-Dade R-1008-13, in effect 1 Jan 2014 (Miami-Dade item 132196)"),
        ("48453", "2017-03", "Travis County Sheriff's policy of 1 Feb 2017 (KVUE)"),
    ],
)
def test_case_a_reimbursement_condition_ice_never_met_declines_every_detainer(fips, month, why):
    assert not mask(fips, month).any(), why


def test_case_miami_dade_honours_detainers_again_after_the_mayors_order_of_26_jan_2017():
    """AP, 26 Jan 2017: Mayor Gimenez reverses R-1008-13."""
    assert not mask("12086", "2017-01").any()
    assert mask("12086", "2017-02").all()


def test_case_texas_sb_4_overrides_travis_county_from_25_sep_2017():
    """Texas SB 4: detainer mandate in force once the Fifth Circuit stayed the injunction on
    25 Sep 2017 (Law360); it overrides local limits that took effect before it."""
    assert not mask("48453", "2017-09").any()
    assert mask("48453", "2017-10").all()
    assert mask("48201", "2018-01").all()


def test_case_a_jail_releases_a_person_its_law_forbids_holding():
    """The jail stage: a detainer the law forbids is never honored, whatever the draw."""
    lodged = np.array([True, True])
    allows = np.array([False, True])
    out = jail.honored(lodged, allows, np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    assert list(out) == [False, True]


def test_case_state_opt_outs_did_not_stop_fingerprint_checks_in_history():
    """ICE's letter of 5 Aug 2011 (NILC) terminated all MOAs: New York's 1 Jun 2011
    suspension changed nothing in the baseline; the ny-optout-honored scenario applies it."""
    ny = law("ny-suspension-2011")
    assert not ny.in_history and ny.overridden_by == "fed-moa-termination-2011"
    assert law("fed-moa-termination-2011").effective == dt.date(2011, 8, 5)
    i = counties().index_of("36103")  # Suffolk County, NY, active since 2011
    base = _inputs("baseline", "2011-09", "NY").active_from[i, 0]
    honored = _inputs("ny-optout-honored", "2011-09", "NY").active_from[i, 0]
    assert base == 0.0 and honored == 1.0


def test_case_the_protect_our_courts_act_changes_no_jail_rule():
    """NY Protect Our Courts Act, Chapter 322 of 2020: civil arrests at courthouses are not
    part of the jail pipeline, so it is informational."""
    assert law("ny-protect-our-courts-2020").effect == "informational"
    assert mask("36029", "2021-06").all()
