"""Every law with a modeled effect has its cases (tests/laws/<law-id>.yaml), on both sides of its
start (the month before and the first month it applies) and its end, with at least three cases
and a control where it is not in effect; every case runs through the real compile and rules
(law_cases.py) and must come out as the law reads."""

from __future__ import annotations

import pytest
from law_cases import (
    RULE_287G,
    all_cases,
    case_files,
    first_month,
    last_month,
    load,
    outcome,
)

from scomm import periods
from scomm.jurisdictions.agreements_287g import agreements
from scomm.jurisdictions.laws import all_laws

LAWS = {lw.id: lw for lw in all_laws()}
CASES = all_cases()
BY_LAW = {path.stem: load(path) for path in case_files()}


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_case_comes_out_as_the_law_reads(case):
    got = outcome(case, LAWS.get(case.law))
    wrong = {k: (got[k], v) for k, v in case.expect.items() if got[k] != v}
    assert not wrong, f"{case.label} ({periods.month_label(case.month)}, {case.county}): " + (
        ", ".join(f"{k}: model {g}, law {v}" for k, (g, v) in wrong.items()) + f" - {case.why}"
    )


def test_every_case_file_names_a_law_or_the_287g_agreements():
    assert set(BY_LAW) - set(LAWS) <= {RULE_287G}


@pytest.mark.parametrize("law", [lw for lw in LAWS.values() if lw.has_effect], ids=lambda lw: lw.id)
def test_a_law_with_a_modeled_effect_has_its_cases_on_both_sides_of_its_dates(law):
    cases = BY_LAW.get(law.id)
    assert cases, f"{law.id}: no tests/laws/{law.id}.yaml"
    assert len(cases) >= 3, f"{law.id}: {len(cases)} cases; at least three"
    months = {c.month for c in cases}
    start = first_month(law.effective)
    assert {start - 1, start} <= months, (
        f"{law.id}: needs cases in {periods.month_label(start - 1)} and "
        f"{periods.month_label(start)} (the month before it applies and its first month)"
    )
    if law.ends is not None:
        end = last_month(law.ends)
        assert {end, end + 1} <= months, (
            f"{law.id}: needs cases in {periods.month_label(end)} and "
            f"{periods.month_label(end + 1)} (its last month and the month after)"
        )
    assert any(c.expect.get("applies") is False for c in cases), f"{law.id}: no control case"
    assert any(c.expect.get("applies") is True for c in cases), f"{law.id}: no case in force"


def test_the_287g_agreements_have_cases_at_the_confirmed_ends():
    cases = BY_LAW[RULE_287G]
    months = {(c.county, c.month) for c in cases}
    for a in agreements():
        if a.end_kind == "confirmed" and a.scope.until is not None:
            end = last_month(a.scope.until)
            assert {(a.county, end), (a.county, end + 1)} <= months, a.label()
