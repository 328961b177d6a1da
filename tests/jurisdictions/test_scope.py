"""Where and when a rule applies, asked once for laws, scenario overrides and pretext."""

from __future__ import annotations

import datetime as dt

import numpy as np

from scomm.compile import _activation, submitting
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import all_laws
from scomm.jurisdictions.scope import Scope
from scomm.periods import first_day, parse_month
from scomm.scenario import packaged, resolve

D = dt.date
NY_2011 = Scope(D(2011, 6, 1), D(2011, 12, 31), states=("NY",), counties=("06037",))


def test_case_in_force_from_the_first_day_through_the_last_and_not_a_day_beyond():
    assert not NY_2011.in_force(D(2011, 5, 31))
    assert NY_2011.in_force(D(2011, 6, 1)) and NY_2011.in_force(D(2011, 12, 31))
    assert not NY_2011.in_force(D(2012, 1, 1))
    assert Scope(D(2011, 6, 1)).in_force(D(2099, 1, 1)), "no last day: open-ended"


def test_case_a_period_overlaps_when_it_shares_one_day():
    assert NY_2011.overlaps(D(2010, 1, 1), D(2011, 6, 1))
    assert not NY_2011.overlaps(D(2010, 1, 1), D(2011, 5, 31))
    assert NY_2011.overlaps(D(2011, 12, 31), D(2013, 1, 1))
    assert not NY_2011.overlaps(D(2012, 1, 1), D(2013, 1, 1))


def test_case_binds_its_states_and_its_counties_and_nowhere_else():
    assert NY_2011.binds("NY", "36061") and NY_2011.binds("CA", "06037")
    assert not NY_2011.binds("CA", "06001")
    assert Scope(D(2011, 1, 1), everywhere=True).binds("WY", "56001")


def test_the_masks_agree_with_the_one_place_one_day_answers():
    cty = counties()
    days = [D(2011, 5, 31), D(2011, 6, 1), D(2011, 12, 31), D(2012, 1, 1)]
    mask = NY_2011.mask(days)
    assert mask.shape == (len(cty.fips), len(days))
    for i in (0, cty.index_of("36061"), cty.index_of("06037"), cty.index_of("06001")):
        for k, d in enumerate(days):
            expect = NY_2011.binds(str(cty.state[i]), str(cty.fips[i])) and NY_2011.in_force(d)
            assert mask[i, k] == expect
    assert Scope(D(2011, 1, 1), everywhere=True).county_mask().all()
    assert not Scope(D(2011, 1, 1)).county_mask().any(), "no place named: binds nowhere"


def test_every_law_scope_is_its_binds_from_effective_to_ends():
    for law in all_laws():
        s = law.scope
        assert (s.start, s.until, s.everywhere) == (law.effective, law.ends, law.binds.all_states)
        assert set(s.states) == set(law.binds.states)
        assert set(s.counties) == set(law.binds.counties)


def test_case_a_county_submits_from_its_activation_day_in_params_and_in_the_engine():
    """`scomm params` (one day) and compile (a month, prorated) read the same activation."""
    scn = packaged("baseline")
    cty = counties()
    i = cty.index_of("36061")  # New York County, activated 15 May 2012
    act = cty.activation[i]
    assert not submitting(scn, act - dt.timedelta(days=1))[i]
    assert submitting(scn, act)[i]
    m = parse_month(f"{act.year}-{act.month:02d}")
    months = np.array([m - 1, m, m + 1])
    frac = _activation(scn, months, [first_day(int(x)) for x in months])[i]
    assert frac[0] == 1.0 and 0.0 < frac[1] < 1.0 and frac[2] == 0.0


def test_case_a_place_override_stops_submissions_only_in_its_place_and_period(tmp_path):
    path = tmp_path / "manhattan-out.yaml"
    path.write_text(
        "name: manhattan-out\ndescription: New York County leaves S-Comm for the first half of "
        "2013.\nbase: baseline\nparameters:\n  - {name: program.interoperability, from: "
        "2013-01-01, until: 2013-06-30, counties: ['36061'], value: false}\n"
    )
    scn = resolve(str(path))
    cty = counties()
    ny, kings = cty.index_of("36061"), cty.index_of("36047")
    assert submitting(scn, D(2012, 12, 31))[ny]
    assert not submitting(scn, D(2013, 1, 1))[ny] and not submitting(scn, D(2013, 6, 30))[ny]
    assert submitting(scn, D(2013, 7, 1))[ny]
    assert submitting(scn, D(2013, 1, 1))[kings]


def test_case_a_law_withdrawing_interoperability_stops_submissions_in_its_state():
    scn, cty = packaged("ny-optout-honored"), counties()
    ny, nj = cty.index_of("36061"), cty.index_of("34013")
    assert not submitting(scn, D(2013, 1, 1))[ny] and submitting(scn, D(2013, 1, 1))[nj]
    assert submitting(packaged("baseline"), D(2013, 1, 1))[ny]
