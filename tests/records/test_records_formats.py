"""The input formats are data (src/scomm/records/formats.yaml), checked when they are read."""

from __future__ import annotations

import polars as pl
import pytest

from scomm.errors import UserError
from scomm.records import adapters
from scomm.records.parsers import PARSERS
from scomm.records.schema import SCHEMA

GOOD = """
- name: tiny
  table: detainers
  description: one jail's detainer log
  columns:
    event_date: {parse: date, from: [date, lodged_on]}
    state: {value: "WA"}
    immigration_hold: {value: true}
    custody_days: {parse: days_between, from: [booked, released]}
  required: [event_date]
"""


def _load(text: str) -> tuple[adapters.Adapter, ...]:
    return adapters.load_formats(text, "formats.yaml")


def test_case_every_packaged_format_reads_and_fills_only_mapped_canonical_columns() -> None:
    assert [a.name for a in adapters.ADAPTERS] == list(adapters.BY_NAME)
    for a in adapters.ADAPTERS:
        assert set(a.columns) <= set(SCHEMA)
        assert all(s.parse in PARSERS for s in a.columns.values() if not s.constant)


def test_case_a_small_format_maps_alternatives_constants_and_two_source_parsers() -> None:
    (fmt,) = _load(GOOD)
    assert fmt.columns["event_date"].present({"lodged_on", "booked"}) == ["lodged_on"]
    assert fmt.columns["custody_days"].missing({"booked"}) == ["released"]
    assert fmt.missing_required({"booked"}) == ["date or lodged_on"]
    frame = pl.DataFrame(
        {
            "lodged_on": ["2019-05-24", "(b)(6)"],
            "booked": ["2019-05-24 10:00:00", "2019-05-25 00:00:00"],
            "released": ["2019-05-25 22:00:00", "2019-05-26 12:00:00"],
        }
    )
    out = fmt.build(frame.lazy(), dict(frame.schema)).collect()
    assert out["event_date"].to_list()[1] is None
    assert out["redacted_fields"].to_list() == [[], ["event_date"]]
    assert out["state"].to_list() == ["WA", "WA"]
    assert out["immigration_hold"].to_list() == [True, True]
    assert out["custody_days"].to_list() == [1.5, 1.5]
    # derived columns this format cannot support stay null
    assert out["convicted"].to_list() == [None, None]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{parse: date,", "{parse: dates,"), "unknown parser 'dates'"),
        (("from: [booked, released]", "from: [booked]"), "reads exactly 2 source columns"),
        (('{value: "WA"}', "{value: 7}"), "columns.state.value"),
        (("{value: true}", '{value: "yes"}'), "a constant of type bool is expected"),
        (("    state:", "    county_name:"), "'county_name': not a canonical column"),
        (("    state:", "    jail_based:"), "'jail_based': filled by the load step or derived"),
        (("required: [event_date]", "required: [state]"), "required 'state'"),
        (("table: detainers", "table: holds"), "table 'holds'"),
        (("  required:", "  needs: []\n  required:"), "needs"),
    ],
)
def test_case_a_bad_format_entry_is_refused_naming_the_format_and_field(change, message) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(UserError, match=r"formats\.yaml: format 'tiny'") as err:
        _load(GOOD.replace(old, new))
    assert message in str(err.value)


def test_case_a_format_declared_twice_is_refused() -> None:
    with pytest.raises(UserError, match="'tiny' is declared twice"):
        _load(GOOD + GOOD)
