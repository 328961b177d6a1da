"""Reforms from Python: a mapping of parameter changes (or a ParameterSet) instead of a
scenario file, validated like one, on the same random numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from scomm import api
from scomm.errors import UserError
from scomm.reform import parse
from scomm.scenario import resolve

NARROW = {"level1": 0.95, "level2": 0.8, "level3": 0.1, "noncriminal": 0.05}
KW = {"states": ["NM"], "start": "2011-05", "end": "2011-10"}


@pytest.fixture(scope="module")
def base():
    return api.run("baseline", **KW)


def _monthly(result, stage):
    f = (
        result.flows.filter(stage=stage)
        .group_by("month")
        .agg(__import__("polars").col("count").sum())
    )
    return dict(f.sort("month").iter_rows())


@pytest.mark.parametrize(
    ("spec", "start", "until"),
    [
        ({"2011-08-01": NARROW}, dt.date(2011, 8, 1), None),
        ({"2011-08-01.2011-09-30": NARROW}, dt.date(2011, 8, 1), dt.date(2011, 9, 30)),
        ({"from": "2011-08-01", "value": NARROW}, dt.date(2011, 8, 1), None),
        (NARROW, dt.date(2005, 1, 1), None),
    ],
)
def test_case_each_way_of_writing_a_reform_names_the_same_override(spec, start, until):
    (ov,) = parse({"detainer.probability": spec})
    assert (ov.name, ov.start, ov.until, ov.value) == ("detainer.probability", start, until, NARROW)


def test_case_a_dated_reform_changes_detainers_from_its_date_only(base):
    """Case: before 1 Aug 2011 the reformed run is the baseline, draw for draw; from August
    fewer detainers are lodged."""
    reformed = api.run("baseline", reform={"detainer.probability": {"2011-08-01": NARROW}}, **KW)
    a, b = _monthly(base, "detainers"), _monthly(reformed, "detainers")
    for month in ("2011-05", "2011-06", "2011-07"):
        assert a[month] == b[month]
    assert sum(b[m] for m in ("2011-08", "2011-09", "2011-10")) < sum(
        a[m] for m in ("2011-08", "2011-09", "2011-10")
    )
    assert reformed.scenario.name == "baseline+reform"
    assert reformed.summary["scenario_hash"] != base.summary["scenario_hash"]


def test_case_a_parameter_set_is_used_as_the_runs_parameters(base):
    params = resolve("baseline").params
    same = api.run("baseline", reform=params, **KW)
    assert same.summary["totals"] == base.summary["totals"]
    p = params["jail.base_compliance"]
    zero = p.model_copy(
        update={"values": {d: e.model_copy(update={"value": 0.0}) for d, e in p.values.items()}}
    )
    none = api.run("baseline", reform=params.with_overrides({"jail.base_compliance": zero}), **KW)
    assert (
        none.summary["totals"]["detainers_honored"]
        == 0
        < base.summary["totals"]["detainers_honored"]
    )


@pytest.mark.parametrize(
    ("reform", "message"),
    [
        ({"detainer.probabilty": 0.5}, "unknown parameter 'detainer.probabilty'"),
        ({"detainer.probability": 0.5}, "expected a mapping with keys"),
        (
            {
                "detainer.probability": {
                    "level1": 2.0,
                    "level2": 0.5,
                    "level3": 0.5,
                    "noncriminal": 0.5,
                }
            },
            "detainer.probability",
        ),
        (
            {"jail.base_compliance": {"from": "2011-13-01", "value": 0.5}},
            "reform['jail.base_compliance']",
        ),
        ("detainer.probability=0.5", "expected a mapping"),
    ],
)
def test_case_a_bad_reform_is_one_readable_error(reform, message):
    with pytest.raises(UserError, match=re.escape(message)):
        api.run("baseline", reform=reform, **KW)
