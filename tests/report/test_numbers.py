"""One number formatter: each style read on both sides of its thresholds."""

from __future__ import annotations

import jinja2
import pytest

from scomm.report.numbers import (
    AS_GIVEN,
    BRIEF,
    ESTIMATES,
    REPLICATES,
    format_value,
    jinja_filters,
)


@pytest.mark.parametrize(
    ("value", "unit", "style", "shown"),
    [
        # briefs: whole numbers as integers, 3 significant figures below 100, whole dollars
        (12345, "people", BRIEF, "12,345"),
        (1234.0, "people", BRIEF, "1,234"),
        (99.94, "days", BRIEF, "99.9"),
        (1234.56, "days", BRIEF, "1,235"),
        (0.1234, "share", BRIEF, "12.3%"),
        (0.5, "probability", BRIEF, "50.0%"),
        (2_500_000.4, "usd", BRIEF, "$2,500,000"),
        (12.5, "usd_per_day", BRIEF, "$12"),
        (None, "share", BRIEF, "—"),
        (True, None, BRIEF, "yes"),
        ({"a": 0.25, "b": 1}, "share", BRIEF, "a: 25.0%; b: 100.0%"),
        ([1000, 2000], None, BRIEF, "1,000, 2,000"),
        ("Level 1", None, BRIEF, "Level 1"),
        # console estimates: 3 significant figures at every size, dollars in millions
        (1234.0, "people", ESTIMATES, "1,230"),
        (1234, "people", ESTIMATES, "1,234"),
        (99.96, "days", ESTIMATES, "100"),
        (12.345, "days", ESTIMATES, "12.3"),
        (999_999.0, "usd", ESTIMATES, "$1,000,000"),
        (1_000_000.0, "usd", ESTIMATES, "$1.0 million"),
        (123_456_789.0, "usd", ESTIMATES, "$123.5 million"),
        # replicates: 4 significant figures below 100, en dash when missing
        (12.3456, None, REPLICATES, "12.35"),
        (123.456, None, REPLICATES, "123"),
        (None, None, REPLICATES, "–"),
        # records: as given, with the unit
        (86.87, "days", AS_GIVEN, "86.87 days"),
        (1234.5, "days", AS_GIVEN, "1,234.5 days"),
        (0.4321, "share", AS_GIVEN, "43.2%"),
    ],
)
def test_case_each_style_reads_as_its_readers_expect(value, unit, style, shown):
    assert format_value(value, unit, style) == shown


def test_case_percentages_take_their_decimals():
    assert format_value(0.6789, "share", digits=0) == "68%"
    assert format_value(0.006789, "share", AS_GIVEN, digits=2) == "0.68%"


@pytest.mark.parametrize(
    ("value", "unit", "style", "shown"),
    [
        (1234, None, BRIEF, "+1,234"),
        (-1234, None, BRIEF, "−1,234"),
        (0, None, BRIEF, "0"),
        (None, None, BRIEF, "—"),
        (0.0, "share", BRIEF, "+0.0%"),
        (-0.0004, "share", BRIEF, "−0.0%"),
        (0.05, "share", BRIEF, "+5.0%"),
        (0, None, ESTIMATES, "+0"),
        (-1234, None, ESTIMATES, "-1,234"),
    ],
)
def test_case_a_change_carries_its_sign(value, unit, style, shown):
    assert format_value(value, unit, style, signed=True) == shown


def test_case_templates_format_through_the_same_function():
    env = jinja2.Environment()
    env.filters.update(jinja_filters())
    text = env.from_string(
        '{{ n | number }} {{ s | number("share", digits=0) }} {{ d | signed }} '
        '{{ r | signed("share") }}'
    ).render(n=12345, s=0.456, d=-20, r=0.125)
    assert text == "12,345 46% −20 +12.5%"


@pytest.mark.parametrize(
    ("value", "unit", "kw", "shown"),
    [
        (-50_237_086, "usd", {"signed": True}, "−$50.2 million"),
        (2.5e9, "usd", {}, "$2.5 billion"),
        (82.69, "usd_per_day", {}, "$82.69"),
        (412_345, "usd", {}, "$412,000"),
        (1.002, "ratio", {}, "1.002"),
        (1.0, "ratio", {}, "1.000"),
        (0.005, "share", {"signed": True, "points": True}, "+0.5 pp"),
        (-0.0423, "share", {"signed": True, "points": True}, "−4.2 pp"),
        (0.453, "share", {}, "45.3%"),
        (22345, None, {}, "22,345"),
        (-22345, None, {"signed": True}, "−22,345"),
        (0, None, {"signed": True}, "0"),
        (29.63, "days", {}, "29.6"),
        (None, "share", {}, "—"),
        (float("nan"), "share", {}, "—"),
    ],
)
def test_case_readable_numbers_read_as_a_staffer_writes_them(value, unit, kw, shown):
    from babel import Locale

    from scomm.report.numbers import readable

    assert readable(value, unit, Locale.parse("en_US"), **kw) == shown
