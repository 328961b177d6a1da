"""`scomm params` names the eras and laws in force for a place and date, each cited."""

from __future__ import annotations

import json

import pytest

from scomm.params_view import rules_in_force


def laws_by_id(doc: dict) -> dict:
    return {lw["id"]: lw for lw in doc["laws"]}


def test_new_york_after_ices_letter_of_5_aug_2011(cli):
    """`scomm params --date 2011-08-06 --state NY`: S-Comm active in New York despite the
    1 Jun 2011 suspension, citing ICE's 5 Aug 2011 letter (NILC copy)."""
    res = cli("params", "--date", "2011-08-06", "--state", "NY", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    active = doc["place_status"][0]
    assert active.startswith("S-Comm") and " 0 of" not in active
    letter = "https://www.nilc.org/scomm-ltr-morton-to-govmarkwell-2011-08-05/"
    assert any("did not take effect" in s and letter in s for s in doc["place_status"])
    laws = laws_by_id(doc)
    assert laws["fed-moa-termination-2011"]["citation"]["url"] == letter
    assert laws["ny-suspension-2011"]["applied"] is False
    assert "not applied" in laws["ny-suspension-2011"]["status"]


def test_the_suspension_takes_effect_in_the_ny_optout_honored_scenario():
    doc = rules_in_force("2011-08-06", None, "NY", "ny-optout-honored")
    assert "active in 0 of" in doc["place_status"][0]
    assert laws_by_id(doc)["ny-suspension-2011"]["applied"] is True


def test_los_angeles_in_august_2015_names_pep_and_the_trust_act(cli):
    """`scomm params --date 2015-08-01 --county 06037` names PEP and the TRUST Act."""
    res = cli("params", "--date", "2015-08-01", "--county", "06037", "--json")
    assert res.returncode == 0, res.stderr
    laws = laws_by_id(json.loads(res.stdout))
    for law_id in ("fed-pep-2014", "fed-pep-rollout-2015", "ca-trust-act"):
        assert laws[law_id]["citation"]["url"].startswith("http"), law_id
    assert "PEP" in laws["fed-pep-2014"]["title"]
    assert "TRUST Act" in laws["ca-trust-act"]["title"]
    assert laws["ca-trust-act"]["conditions"].startswith("honored only for")
    assert laws["ca-sheriffs-no-holds-2014"]["conditions"].startswith("no holds")
    assert "fed-moa-termination-2011" in laws and "fed-june-2011-reforms" not in laws


def test_travis_county_in_march_2017_names_the_sheriffs_february_policy(cli):
    """`scomm params --date 2017-03-01 --county 48453` names Travis County's 1 Feb 2017 policy."""
    res = cli("params", "--date", "2017-03-01", "--county", "48453", "--json")
    assert res.returncode == 0, res.stderr
    laws = laws_by_id(json.loads(res.stdout))
    travis = laws["travis-county-2017"]
    assert travis["effective"] == "2017-02-01" and travis["status"] == "in force"
    assert "Travis County" in travis["title"] and travis["citation"]["url"].startswith("http")
    assert "fed-eo13768-2017" in laws and "tx-sb4-2017" not in laws


@pytest.mark.parametrize(
    ("date", "county", "present", "absent"),
    [
        ("2012-06-01", "36061", "nyc-ll62-2011", "nyc-ll58-59-2014"),
        ("2015-06-01", "36061", "nyc-ll58-59-2014", "nyc-ll21-22-2013"),
        ("2017-10-01", "48453", "tx-sb4-2017", "travis-county-2017"),
        ("2016-06-01", "12086", "miami-dade-2013", "tx-sb4-2017"),
        ("2017-06-01", "12086", "fed-i247a-2017", "miami-dade-2013"),
        ("2019-01-01", "06085", "ca-sb54", "ca-trust-act"),
        ("2021-06-01", "36001", "ny-protect-our-courts-2020", "fed-eo13768-2017"),
        ("2025-03-01", "04013", "fed-laken-riley-2025", "fed-mayorkas-2021"),
    ],
)
def test_each_law_is_listed_only_while_in_force_where_it_binds(date, county, present, absent):
    laws = laws_by_id(rules_in_force(date, county, None))
    assert present in laws and absent not in laws


def test_the_human_output_groups_place_status_laws_and_parameters(cli):
    res = cli("params", "--date", "2015-08-01", "--county", "06037", env={"COLUMNS": "100"})
    assert res.returncode == 0, res.stderr
    text = res.stdout
    heads = [text.index(h) for h in ("Place status", "Laws and policies", "Parameters")]
    assert heads == sorted(heads)
    assert "California TRUST Act" in text and "source: [statute] California AB 4" in text
    assert "detainer.priority_categories" in text and "source: [agency] Johnson" in text
    assert "287(g) jail agreements (0)" in text  # LA's agreement ended on 12 May 2015
    assert all(len(line) <= 100 or "http" in line for line in text.splitlines())


@pytest.mark.parametrize(
    ("args", "law_id", "words"),
    [
        (("--date", "2014-06-01", "--county", "41051"), "or-counties-2014", "judicial warrant"),
        (("--date", "2019-06-01", "--state", "NJ"), "nj-itd-2019", "no holds"),
        (("--date", "2017-09-01", "--county", "17031"), "il-trust-2017", "judicial warrant"),
    ],
    ids=["Multnomah 2014 refusal", "New Jersey directive", "Illinois TRUST Act"],
)
def test_the_issues_checks_name_the_law_in_force(cli, args, law_id, words):
    """Issue 11, "What it must show": each law listed, in force, with its conditions."""
    res = cli("params", *args, "--json")
    assert res.returncode == 0, res.stderr
    lw = laws_by_id(json.loads(res.stdout))[law_id]
    assert lw["status"] == "in force" and words in lw["conditions"]
    assert lw["citation"]["kind"] in ("statute", "court", "agency", "news", "advocacy")


def test_los_angeles_on_1_jun_2010_has_its_287g_jail_agreement(cli):
    """`scomm params --date 2010-06-01 --county 06037`: LA's jail agreement of 2005."""
    res = cli("params", "--date", "2010-06-01", "--county", "06037", "--json")
    assert res.returncode == 0, res.stderr
    (a,) = json.loads(res.stdout)["agreements_287g"]
    assert a["county"] == "06037" and a["start"] == "2005-02-01" and a["end"] == "2015-05-12"
    assert a["model"] == "jail enforcement" and a["end_kind"] == "confirmed"
    assert a["citation"]["kind"] == "report"
    later = rules_in_force("2015-06-01", "06037", None)
    assert later["agreements_287g"] == []
