"""Federal policy eras: each dated and cited as in reference/scomm-facts.md §1.3-§1.5 and §1.8,
the Laken Riley Act's mandatory detainer as a rule case, and runs across the later eras."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scomm import api
from scomm.jurisdictions.laws import all_laws
from scomm.params import default_parameters

D = dt.date


def law(law_id: str):
    return {lw.id: lw for lw in all_laws()}[law_id]


@pytest.mark.parametrize(
    ("name", "day", "cited"),
    [
        ("detainer.probability", D(2010, 6, 30), "Morton"),
        ("detainer.probability", D(2011, 6, 17), "Prosecutorial Discretion"),
        ("detainer.traffic_only_deferred", D(2012, 4, 27), "Task Force"),
        ("detainer.priority_categories", D(2012, 12, 21), "Guidance on the Use of Detainers"),
        ("detainer.priority_categories", D(2014, 11, 20), "Secure Communities"),
        ("detainer.notification_share", D(2014, 11, 20), "Secure Communities"),
        ("detainer.probability", D(2017, 1, 25), "Executive Order 13768"),
        ("detainer.priority_categories", D(2021, 2, 1), "Interim Guidance"),
        ("detainer.probability", D(2021, 11, 29), "Mayorkas"),
        ("detainer.probability", D(2022, 6, 10), "22-40367"),
        ("detainer.probability", D(2023, 6, 23), "United States v. Texas"),
        ("detainer.probability", D(2025, 1, 20), "Executive Order 14159"),
        ("detainer.laken_riley_mandate", D(2025, 1, 29), "Laken Riley"),
        ("removal.expedited_interior", D(2019, 7, 23), "84 FR 35409"),
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
        ("fed-i247-2011", D(2011, 12, 29)),
        ("fed-ice-response-2012", D(2012, 4, 27)),
        ("fed-i247-2012", D(2012, 12, 21)),
        ("fed-pep-2014", D(2014, 11, 20)),
        ("fed-priorities-2014", D(2015, 1, 5)),
        ("fed-pep-rollout-2015", D(2015, 7, 2)),
        ("fed-eo13768-2017", D(2017, 1, 25)),
        ("fed-kelly-2017", D(2017, 2, 20)),
        ("fed-i247a-2017", D(2017, 4, 2)),
        ("fed-expedited-removal-2019", D(2019, 7, 23)),
        ("fed-eo13993-2021", D(2021, 1, 20)),
        ("fed-interim-priorities-2021", D(2021, 2, 1)),
        ("fed-mayorkas-2021", D(2021, 11, 29)),
        ("fed-mayorkas-vacatur-2022", D(2022, 6, 10)),
        ("fed-mayorkas-2023", D(2023, 6, 23)),
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
    assert "86 FR 7051" in c.title and "2021-01768" in c.url and c.kind == "agency"
    assert law("fed-eo13768-2017").ends == D(2021, 1, 19)


def test_the_mayorkas_guidelines_have_the_gap_of_the_vacatur():
    """Vacated by the S.D. Tex. on 10 Jun 2022, applied again after United States v. Texas
    (23 Jun 2023): two periods, and the vacatur between them."""
    first, gap, second = (
        law("fed-mayorkas-2021"),
        law("fed-mayorkas-vacatur-2022"),
        law("fed-mayorkas-2023"),
    )
    assert first.ends == D(2022, 6, 9) and gap.effective == D(2022, 6, 10)
    assert gap.ends == D(2023, 6, 22) and second.effective == D(2023, 6, 23)
    assert second.ends == D(2025, 1, 19)


def test_the_i247_of_december_2011_is_dated_when_issued_not_when_promised():
    """Promised on 17 Jun 2011, issued 29 Dec 2011 (ICE detainer FAQ of 28 Dec 2011)."""
    lw = law("fed-i247-2011")
    assert lw.effective == D(2011, 12, 29) and lw.ends == D(2012, 12, 20)
    assert law("fed-i247-interim-2010").ends == D(2017, 4, 1)


@pytest.mark.slow
def test_scomm_run_covers_the_reinstatement_and_later_eras(cli):
    """`scomm run --start 2017-01 --end 2025-06` works: S-Comm reinstated by EO 13768 runs
    everywhere, and the funnel holds."""
    res = cli("run", "--start", "2017-01", "--end", "2025-06", "--states", "TX,DE", "--json")
    assert res.returncode == 0, res.stderr
    t = json.loads(res.stdout)["totals"]
    # every county active after 2013: the submission rate's share of each county-month's
    # bookings reach IDENT (each count rounded half up, so equal to the share within 0.1%)
    entries = default_parameters()["program.submissions_per_booking"].values
    rate = min(entries[max(entries)].value, 1.0)
    assert (
        t["submissions"] == pytest.approx(rate * t["bookings"], rel=1e-3) and t["submissions"] > 0
    )
    assert t["submissions"] >= t["ident_matches"] >= t["detainers"] >= t["detainers_honored"]
    assert t["ice_book_ins"] >= t["removals"] >= t["removals_convicted"]


@pytest.mark.slow
def test_the_laken_riley_act_adds_detainers_only_from_february_2025(tmp_path):
    """Same people, same draws: a scenario without the Act differs only from 2025-02."""
    no_act = tmp_path / "no-act.yaml"
    no_act.write_text(
        "name: no-laken-riley\ndescription: History without the Laken Riley Act.\n"
        "base: baseline\nparameters:\n"
        "  - {name: detainer.laken_riley_mandate, from: 2025-01-29, value: false}\n"
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
