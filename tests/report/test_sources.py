"""Numbered sources: de-duplicated, and only the values in force during the period."""

from __future__ import annotations

import datetime as dt

from scomm.params import ParameterSet, parse_parameter
from scomm.report.sources import Sources, data_refs, parameter_refs

PARAM = """
description: A test parameter with three dated values.
unit: probability
values:
  2008-01-01: {value: 0.1, citation: {title: Old memo, url: https://example.org/old, date: 2008-01-01, kind: agency}}
  2011-06-17: {value: 0.2, citation: {title: June memo, url: https://example.org/june, date: 2011-06-17, kind: agency}}
  2014-11-20: {value: 0.3, citation: {title: PEP memo, url: https://example.org/pep, date: 2014-11-20, kind: agency}}
"""


def _params() -> ParameterSet:
    return ParameterSet({"detainer.test": parse_parameter("detainer.test", PARAM, "test")})


def test_case_the_same_citation_gets_one_number_whatever_it_supports():
    s = Sources()
    a = s.add("Report", "https://example.org/r", supports="bookings")
    b = s.add("Report", "https://example.org/r", supports="detainers")
    c = s.add("Other report", "https://example.org/o")
    assert (a, b, c) == (1, 1, 2)
    assert s.entries()[0].supports == ["bookings", "detainers"]


def test_case_a_citation_keeps_its_kind():
    s = Sources()
    n = s.add_citation({"title": "Memo", "url": "https://example.org/m", "kind": "agency"})
    assert s.entries()[n - 1].kind == "agency"
    m = s.add("Plain text source")
    assert s.entries()[m - 1].kind is None


def test_case_a_period_inside_one_era_cites_only_that_eras_value():
    s = Sources()
    refs = parameter_refs(
        s, _params(), {"detainer.test"}, dt.date(2012, 1, 1), dt.date(2012, 12, 31)
    )
    assert [s.entries()[n - 1].title for n in refs] == ["June memo"]


def test_case_a_period_spanning_a_change_cites_both_values():
    s = Sources()
    refs = parameter_refs(
        s, _params(), {"detainer.test"}, dt.date(2011, 1, 1), dt.date(2011, 12, 31)
    )
    assert sorted(s.entries()[n - 1].title for n in refs) == ["June memo", "Old memo"]


def test_case_parameters_not_named_are_not_cited():
    s = Sources()
    assert (
        parameter_refs(
            s, _params(), {"jail.base_compliance"}, dt.date(2011, 1, 1), dt.date(2011, 12, 31)
        )
        == []
    )


def test_packaged_data_cite_their_raw_inputs_from_the_manifest():
    s = Sources()
    refs = data_refs(s, ("counties.csv",))
    titles = [s.entries()[n - 1].title for n in refs]
    assert any("Census" in t for t in titles)
    assert all(s.entries()[n - 1].supports == ["packaged data counties.csv"] for n in refs)
