"""Submissions per booking: below 1 it leaves bookings unchecked, above 1 it adds repeat
prints to ICE's counts without adding people; the contract's bookings >= submissions holds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.bookings.submissions import checked_count, checked_share, ice_counted


@pytest.mark.parametrize(("rate", "share"), [(0.6, 0.6), (0.999, 0.999), (1.0, 1.0), (1.4, 1.0)])
def test_checked_share_on_both_sides_of_one(rate, share):
    assert float(checked_share(rate)) == share


def test_people_checked_and_ice_counts_on_both_sides_of_one():
    active = np.array([1000, 3])
    assert checked_count(active, 0.75).tolist() == [750, 2]  # 2.25 rounds to 2
    assert checked_count(active, 1.5).tolist() == [1000, 3]  # repeats add no people
    assert ice_counted(checked_count(active, 0.75), 0.75).tolist() == [750.0, 2.0]
    assert ice_counted(checked_count(active, 1.5), 1.5).tolist() == [1500.0, 4.5]


@given(
    st.integers(min_value=0, max_value=10**9),
    st.floats(min_value=0.05, max_value=5.0, allow_nan=False),
)
def test_the_contract_funnel_holds_for_any_rate(bookings, rate):
    people = int(checked_count(np.array([bookings]), rate)[0])
    assert 0 <= people <= bookings
    assert ice_counted(np.array([people]), rate)[0] >= people


@pytest.mark.parametrize("rate", [0.0, -1.0, float("nan"), float("inf")])
def test_a_rate_that_is_not_positive_and_finite_is_refused(rate):
    with pytest.raises(ValueError):
        checked_share(rate)
