"""Activation cohorts on both sides of each threshold, and the comparison-cohort rule."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from scomm.errors import UserError
from scomm.study.design import build_sample, cohort_of
from scomm.study.panel import crime_panel


@pytest.mark.parametrize(
    "date,half,calendar",
    [
        (dt.date(2010, 6, 30), 2010, 2010),  # six months of 2010 under S-Comm: 2010 counts
        (dt.date(2010, 7, 1), 2011, 2010),  # under six months: the first treated year is 2011
        (dt.date(2008, 10, 27), 2009, 2008),  # the first activation (Harris County, TX)
        (dt.date(2013, 1, 22), 2013, 2013),  # the last
    ],
)
def test_year_cohorts(date, half, calendar):
    assert cohort_of(date, "year", "half") == half
    assert cohort_of(date, "year", "calendar") == calendar


def test_month_cohorts_count_a_month_from_the_15th():
    jan = 2011 * 12
    assert cohort_of(dt.date(2011, 1, 15), "month", "half") == jan
    assert cohort_of(dt.date(2011, 1, 16), "month", "half") == jan + 1
    assert cohort_of(dt.date(2011, 1, 31), "month", "calendar") == jan


def test_unknown_timing_is_a_user_error():
    with pytest.raises(UserError, match="--timing"):
        cohort_of(dt.date(2011, 1, 1), "year", "soon")


def test_crime_sample_covers_more_than_1000_counties_and_says_what_it_dropped():
    s = build_sample(crime_panel("violent"), None)
    assert s.n_counties >= 1000
    assert (s.first, s.last, s.comparison) == (2006, 2011, 2012)
    # 2013 (January 2013 activations) has too few balanced counties to be the comparison
    reasons = " | ".join(d["reason"] for d in s.dropped)
    assert "cohort 2013: only" in reasons and "footnote" in reasons
    assert "periods from 2012 on" in reasons
    assert [c["cohort"] for c in s.cohorts] == ["2009", "2010", "2011", "2012"]
    assert s.frame.groupby("unit")["t"].nunique().eq(6).all()  # balanced


def test_min_comparison_one_keeps_the_small_last_cohort():
    s = build_sample(crime_panel("violent"), None, min_comparison=1)
    assert s.comparison == 2013 and s.last == 2012


def test_state_filter_applies_before_cohorts():
    s = build_sample(crime_panel("property"), ["TX", "OK", "NM", "AZ", "CO"])
    assert set(s.frame["state"]) <= {"TX", "OK", "NM", "AZ", "CO"}
    assert not pl.Series(s.frame["county_fips"]).str.starts_with("06").any()
