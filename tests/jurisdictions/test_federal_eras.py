"""Federal policy eras: each dated and cited as in reference/scomm-facts.md §1.3-§1.5 and §1.8,
the Laken Riley Act's mandatory detainer as a rule case, and runs across the later eras."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from scomm import api
from scomm.jurisdictions.laws import all_laws
from scomm.params import default_parameters
from scomm.rules import detainer
from scomm.rules.categories import Charge, Level

D = dt.date


def law(law_id: str):
    return {lw.id: lw for lw in all_laws()}[law_id]


@pytest.mark.parametrize(
    ("name", "day", "cited"),
    [
        ("detainer.probability", D(2010, 6, 30), "Morton"),
        ("detainer.probability", D(2011, 6, 17), "prosecutorial-discretion"),
        ("detainer.traffic_only_deferred", D(2012, 4, 27), "Task Force"),
        ("detainer.minor_offense_factor", D(2012, 12, 21), "2012 ICE detainer guidance"),
        ("detainer.probability", D(2014, 11, 20), "PEP"),
        ("detainer.probability", D(2017, 1, 25), "Executive Order 13768"),
        ("detainer.probability", D(2021, 1, 20), "Executive Order 13993"),
        ("detainer.minor_offense_factor", D(2021, 1, 20), "86 FR 7051"),
        ("detainer.probability", D(2021, 11, 29), "Mayorkas"),
        ("detainer.probability", D(2025, 1, 20), "Executive Order 14159"),
        ("detainer.laken_riley_share", D(2025, 1, 29), "FBI"),
    ],
)
def test_each_era_changes_a_parameter_on_its_date_with_its_citation(name, day, cited):
    entry = default_parameters()[name].values[day]
    assert cited in entry.citation.title


@pytest.mark.parametrize(
    ("law_id", "day"),
    [
        ("fed-morton-priorities-2010", D(2010, 6, 30)),
        ("fed-morton-reissue-2011", D(2011, 3, 2)),
        ("fed-june-2011-reforms", D(2011, 6, 17)),
        ("fed-moa-termination-2011", D(2011, 8, 5)),
        ("fed-i247-2012", D(2012, 12, 21)),
        ("fed-pep-2014", D(2014, 11, 20)),
        ("fed-pep-rollout-2015", D(2015, 7, 2)),
        ("fed-eo13768-2017", D(2017, 1, 25)),
        ("fed-i247a-2017", D(2017, 4, 2)),
        ("fed-eo13993-2021", D(2021, 1, 20)),
        ("fed-mayorkas-2021", D(2021, 11, 29)),
        ("fed-eo14159-2025", D(2025, 1, 20)),
        ("fed-laken-riley-2025", D(2025, 1, 29)),
    ],
)
def test_each_federal_event_binds_every_state_from_its_date(law_id, day):
    lw = law(law_id)
    assert lw.effective == day and lw.binds.all_states and lw.effect == "informational"


def test_eo_13993_is_cited_to_the_federal_register():
    """EO 13993 of 20 Jan 2021, 86 FR 7051 (FR Doc 2021-01768), revokes EO 13768."""
    c = law("fed-eo13993-2021").citation
    assert "86 FR 7051" in c.title and "2021-01768" in c.url
    assert law("fed-eo13768-2017").ends == D(2021, 1, 19)


P_LEVEL = np.array([0.9, 0.8, 0.5, 0.4])


def _p(level, charge, unauthorized, share):
    return detainer.detainer_probability(
        np.array([level]),
        np.array([charge]),
        P_LEVEL[[level]],
        np.array([False]),
        np.array([1.0]),
        unauthorized=np.array([unauthorized]),
        laken_riley_share=np.array([share]),
    )[0]


def test_case_under_the_laken_riley_act_an_unauthorized_theft_arrestee_gets_a_detainer():
    """Laken Riley Act, signed 29 Jan 2025 (congress.wiki): DHS must issue a detainer for an
    unlawfully present person charged with burglary, theft, larceny or shoplifting. With every
    charge theft-type (share 1) the detainer is certain; with the cited share it is
    share + (1 - share) * p."""
    assert _p(Level.NONCRIMINAL, Charge.MISDEMEANOR, True, 1.0) == 1.0
    assert np.isclose(_p(Level.LEVEL3, Charge.FELONY, True, 0.13), 0.13 + 0.87 * 0.5)


def test_case_the_laken_riley_act_does_not_reach_lawful_residents_or_traffic_charges():
    assert _p(Level.NONCRIMINAL, Charge.MISDEMEANOR, False, 1.0) == 0.4
    assert _p(Level.NONCRIMINAL, Charge.TRAFFIC, True, 1.0) == 0.4
    assert _p(Level.NONCRIMINAL, Charge.MISDEMEANOR, True, 0.0) == 0.4


def test_the_laken_riley_share_is_zero_before_the_act():
    p = default_parameters()["detainer.laken_riley_share"]
    assert p.at(D(2025, 1, 28)) == 0.0 and 0 < p.at(D(2025, 1, 29)) < 1


@pytest.mark.slow
def test_scomm_run_covers_the_reinstatement_and_later_eras(cli):
    """`scomm run --start 2017-01 --end 2025-06` works: S-Comm reinstated by EO 13768 runs
    everywhere, and the funnel holds."""
    res = cli("run", "--start", "2017-01", "--end", "2025-06", "--states", "TX,DE", "--json")
    assert res.returncode == 0, res.stderr
    t = json.loads(res.stdout)["totals"]
    assert t["bookings"] == t["submissions"] > 0  # every county active after 2013
    assert t["submissions"] >= t["ident_matches"] >= t["detainers"] >= t["detainers_honored"]
    assert t["ice_book_ins"] >= t["removals"] >= t["removals_convicted"]


@pytest.mark.slow
def test_the_laken_riley_act_adds_detainers_only_from_february_2025(tmp_path):
    """Same people, same draws: a scenario without the Act differs only from 2025-02."""
    no_act = tmp_path / "no-act.yaml"
    no_act.write_text(
        "name: no-laken-riley\ndescription: History without the Laken Riley Act.\n"
        "base: baseline\nparameters:\n"
        "  - {name: detainer.laken_riley_share, from: 2025-01-29, value: 0.0}\n"
    )
    with_act = api.run("baseline", "2024-10", "2025-06", ["AZ"]).flows
    without = api.run(str(no_act), "2024-10", "2025-06", ["AZ"]).flows
    keys = ["county_fips", "month", "stage"]
    joined = with_act.join(without, on=keys, suffix="_no_act")
    det = joined.filter(joined["stage"] == "detainers")
    before = det.filter(det["month"] < "2025-02")
    after = det.filter(det["month"] >= "2025-02")
    assert (before["count"] == before["count_no_act"]).all()
    assert (after["count"] >= after["count_no_act"]).all()
    assert after["count"].sum() > after["count_no_act"].sum()
