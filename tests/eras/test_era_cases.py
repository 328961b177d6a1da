"""Every dated policy parameter has its value checked on both sides of every change (the month
before and the first month it applies), read through compile."""

from __future__ import annotations

import pytest
from era_cases import compiled_value, era_parameters, files, load

from scomm import periods
from scomm.params import default_parameters

CASES = [c for path in files() for c in load(path)]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.parameter} {periods.month_label(c.month)}" for c in CASES]
)
def test_value_in_force_is_the_eras(case):
    got = compiled_value(case.parameter, case.month)
    assert got == pytest.approx(case.value), (
        f"{case.parameter} in {periods.month_label(case.month)}: compiled {got}, "
        f"era {case.value} - {case.why}"
    )


@pytest.mark.parametrize("name", era_parameters())
def test_every_dated_change_has_cases_on_both_sides(name):
    months = {c.month for c in CASES if c.parameter == name}
    assert months, f"no tests/eras/{name}.yaml"
    for day in sorted(default_parameters()[name].values)[1:]:
        m = periods.month_of(day)
        first = m if periods.first_day(m) >= day else m + 1
        assert {first - 1, first} <= months, (
            f"{name}: the change of {day} needs cases in {periods.month_label(first - 1)} "
            f"and {periods.month_label(first)}"
        )
