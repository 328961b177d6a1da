"""Scenarios as files: the packaged ones resolve and do what they say; a bad file is refused
before anything runs, with one line naming the file and the field."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from scomm import api
from scomm.errors import UserError
from scomm.scenario import packaged, resolve, scenario_names

D = dt.date
SHIPPED = {
    "baseline",
    "ny-optout-honored",
    "state-optouts-honored",
    "terminate-2011-08",
    "reforms-2011-full",
    "trust-act-nationwide",
    "no-scomm",
}


def write(tmp_path, body: str, name: str = "mine.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_the_shipped_scenarios_resolve_and_are_listed(cli):
    assert set(scenario_names()) >= SHIPPED
    for name in scenario_names():
        assert packaged(name).name == name
    res = cli("scenarios")
    assert res.returncode == 0, res.stderr
    listed = {line.split()[0] for line in res.stdout.splitlines()}
    assert listed >= SHIPPED


def test_reforms_2011_full_halves_low_level_detainer_rates_while_s_comm_ran():
    """HSAC Task Force (Sep 2011) and the June 2011 discretion memo applied in full."""
    base, reform = packaged("baseline").params, packaged("reforms-2011-full").params
    day = D(2012, 6, 1)
    b, r = base.at("detainer.probability", day), reform.at("detainer.probability", day)
    assert r["level1"] == b["level1"] and r["level2"] == b["level2"]
    assert r["level3"] == pytest.approx(b["level3"] / 2)
    assert r["noncriminal"] == pytest.approx(b["noncriminal"] / 2)
    assert reform.at("detainer.traffic_only_deferred", D(2011, 9, 1)) is True
    assert base.at("detainer.traffic_only_deferred", D(2011, 9, 1)) is False
    for name in ("detainer.probability", "detainer.priority_categories"):
        for day in (D(2011, 8, 31), D(2014, 11, 20), D(2018, 1, 1)):
            assert reform.at(name, day) == base.at(name, day), (name, day)


def test_terminate_2011_08_stops_submissions_from_august_2011_only():
    base = api.run("baseline", "2011-05", "2011-10", ["DE", "AZ"]).flows
    term = api.run("terminate-2011-08", "2011-05", "2011-10", ["DE", "AZ"]).flows
    joined = base.join(term, on=["county_fips", "month", "stage"], suffix="_t")
    before = joined.filter(joined["month"] < "2011-08")
    after = joined.filter((joined["month"] >= "2011-08") & (joined["stage"] == "submissions"))
    assert (before["count"] == before["count_t"]).all()
    assert after["count"].sum() > 0 and after["count_t"].sum() == 0


def test_no_scomm_checks_no_fingerprints():
    t = api.run("no-scomm", "2009-01", "2009-06", ["TX"]).summary["totals"]
    assert t["bookings"] > 0 and t["submissions"] == 0 and t["detainers"] == 0


def test_a_users_own_scenario_file_runs(tmp_path):
    path = write(
        tmp_path,
        """\
        name: half-detainers
        description: Every detainer rate halved from 2012 on, a user's own file.
        base: baseline
        parameters:
          - name: detainer.probability
            from: 2012-01-01
            scale: 0.5
            note: a what-if
        """,
    )
    scn = resolve(str(path))
    assert scn.params.at("detainer.probability", D(2013, 1, 1), "level1") == pytest.approx(
        packaged("baseline").params.at("detainer.probability", D(2013, 1, 1), "level1") / 2
    )
    a = api.run("baseline", "2012-01", "2012-03", ["DE"]).summary["totals"]
    b = api.run(str(path), "2012-01", "2012-03", ["DE"]).summary["totals"]
    assert b["submissions"] == a["submissions"] and b["detainers"] <= a["detainers"]


BAD = {
    "typo": (
        """\
        name: bad
        description: A typo in a top-level key.
        base: baseline
        paramters: []
        """,
        "paramters",
    ),
    "unknown-county": (
        """\
        name: bad
        description: A county that does not exist.
        base: baseline
        parameters:
          - {name: program.interoperability, from: 2011-06-01, counties: ['99999'], value: false}
        """,
        "99999",
    ),
    "unknown-state": (
        """\
        name: bad
        description: A state that does not exist.
        base: baseline
        parameters:
          - {name: program.interoperability, from: 2011-06-01, states: [ZZ], value: false}
        """,
        "'ZZ'",
    ),
    "end-before-start": (
        """\
        name: bad
        description: An override that ends before it starts.
        base: baseline
        parameters:
          - {name: detainer.outside_priorities_factor, from: 2012-01-01, until: 2011-01-01, value: 0.5}
        """,
        "until",
    ),
    "unknown-parameter": (
        """\
        name: bad
        description: A parameter that does not exist.
        base: baseline
        parameters:
          - {name: detainer.probabilty, from: 2012-01-01, value: 0.5}
        """,
        "detainer.probabilty",
    ),
    "unknown-law": (
        """\
        name: bad
        description: A law that does not exist.
        base: baseline
        laws: {enable: [ny-suspension-2012]}
        """,
        "ny-suspension-2012",
    ),
    "unknown-base": (
        """\
        name: bad
        description: A base scenario that does not exist.
        base: baseline-2
        """,
        "base",
    ),
    "wrong-keys": (
        """\
        name: bad
        description: A mapping value missing a level.
        base: baseline
        parameters:
          - {name: detainer.probability, from: 2012-01-01, value: {level1: 0.5}}
        """,
        "level2",
    ),
    "value-and-scale": (
        """\
        name: bad
        description: Both a value and a scale.
        base: baseline
        parameters:
          - {name: detainer.outside_priorities_factor, from: 2012-01-01, value: 0.5, scale: 0.5}
        """,
        "scale",
    ),
    "probability-above-one": (
        """\
        name: bad
        description: A scale that pushes a probability above one.
        base: baseline
        parameters:
          - {name: jail.base_compliance, from: 2012-01-01, scale: 3}
        """,
        "jail.base_compliance",
    ),
    "law-in-unknown-county": (
        """\
        name: bad
        description: An added law binding a county that does not exist.
        base: baseline
        laws:
          add:
            - id: mine
              title: My county's law
              summary: Declines every detainer in a county.
              binds: {counties: ['06999']}
              agency: sheriff
              effective: 2012-01-01
              effect: decline_all
              citation: {title: my source, url: 'https://example.org', date: 2012-01-01, kind: report}
        """,
        "06999",
    ),
    "law-ends-before-it-starts": (
        """\
        name: bad
        description: An added law that ends before it takes effect.
        base: baseline
        laws:
          add:
            - id: mine
              title: My state's law
              summary: Declines every detainer in a state.
              binds: {states: [OR]}
              agency: sheriffs
              effective: 2012-01-01
              ends: 2011-01-01
              effect: decline_all
              citation: {title: my source, url: 'https://example.org', date: 2012-01-01, kind: report}
        """,
        "ends",
    ),
    "pretext-nowhere": (
        """\
        name: bad
        description: Pretextual arrests that name no place would silently add none.
        base: baseline
        pretext:
          - {from: 2011-04-01, rate: 0.5}
        """,
        "pretext",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_scenario_file_is_refused_naming_the_file_and_field(tmp_path, case):
    body, culprit = BAD[case]
    path = write(tmp_path, body, f"{case}.yaml")
    with pytest.raises(UserError) as err:
        resolve(str(path))
    assert f"{case}.yaml" in str(err.value) and culprit in str(err.value), str(err.value)


@pytest.mark.parametrize("case", ["typo", "unknown-county", "end-before-start"])
def test_the_command_line_exits_2_with_one_line_for_a_bad_scenario(cli, tmp_path, case):
    body, culprit = BAD[case]
    path = write(tmp_path, body, f"{case}.yaml")
    out = tmp_path / "out"
    res = cli("run", "--scenario", str(path), "--states", "DE", "--out", str(out), "--json")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error:"), res.stderr
    assert f"{case}.yaml" in lines[0] and culprit in lines[0]
    assert res.stdout == "" and not out.exists()


def test_compare_refuses_a_bad_second_scenario_before_running(cli, tmp_path):
    body, _ = BAD["typo"]
    path = write(tmp_path, body, "typo.yaml")
    res = cli("compare", "baseline", str(path), "--states", "DE", "--json")
    assert res.returncode == 2 and "typo.yaml" in res.stderr and res.stdout == ""


def test_scenarios_json_lists_each_with_a_description(cli):
    res = cli("scenarios", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)["scenarios"]
    assert {r["name"] for r in rows} >= SHIPPED
    assert all(len(r["description"]) > 10 for r in rows)
