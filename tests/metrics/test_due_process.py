"""Due process, pinned on hand-built cohorts (docs/metrics.md#due-process)."""

from __future__ import annotations

import pytest
from metrics_helpers import Person, context, held, mask_of, tiny_sim

from scomm.metrics import due_process
from scomm.rules.categories import Status


def _metrics(people, seed=0):
    sim = tiny_sim(people, seed=seed)
    ctx = context(sim)
    return due_process.compute(due_process.tally(sim, ctx), ctx, mask_of(sim))


def _removed(summary: bool, days: float = 30.0) -> Person:
    return Person("36061", **held(book_in=True, removed=True, summary=summary), detention_days=days)


def test_case_three_of_four_removals_bypass_an_immigration_judge():
    m = _metrics([_removed(True), _removed(True), _removed(True), _removed(False)])
    assert m["removals_without_hearing"].value == 3
    assert m["removals_without_hearing_share"].value == 0.75


def test_case_representation_counts_only_people_whose_case_went_before_a_judge():
    """Eagly & Shafer: 14% of detained respondents had counsel. Here: of 4 people in ICE
    detention, 1 was removed summarily (no judge); of the 3 before a judge, 1 had counsel."""
    people = [
        _removed(True),
        Person("36061", **held(book_in=True, represented=True)),
        Person("36061", **held(book_in=True)),
        Person("36061", **held(book_in=True, removed=True)),
    ]
    assert _metrics(people)["represented_share"].value == pytest.approx(1 / 3)


def test_case_share_detained_and_mean_days_in_ice_detention():
    people = [_removed(False, days=10.0), _removed(False, days=50.0)]
    people += [Person("36061"), Person("36061"), Person("36061", removable=False)]
    m = _metrics(people)
    assert m["detained_share"].value == 0.5  # 2 booked in of 4 deemed removable
    assert m["mean_detention_days"].value == 30.0


def test_case_us_citizens_held_on_a_detainer_count_whether_or_not_ice_took_them():
    people = [
        Person("36061", status=Status.US_BORN, **held()),
        Person("36061", status=Status.NATURALIZED, **held(book_in=True)),
        Person("36061", status=Status.US_BORN, detainer=True),  # not held: not counted
        Person("36061", status=Status.LPR, **held()),  # not a citizen
    ]
    assert _metrics(people)["us_citizens_detained"].value == 2


def test_case_removed_parents_of_us_citizen_children_at_the_cited_share():
    """ICE: more than 22% of removals in Jan-Jun 2011 were of people claiming a U.S.-citizen
    child. Drawn per removal: about 22% of 5,000, never more than the removals."""
    m = _metrics([_removed(False) for _ in range(5000)])
    parents = m["removed_parents_of_us_citizen_children"].value
    assert 0.20 * 5000 < parents < 0.24 * 5000
    again = _metrics([_removed(False) for _ in range(5000)])
    assert again["removed_parents_of_us_citizen_children"].value == parents
    other_seed = _metrics([_removed(False) for _ in range(5000)], seed=1)
    assert other_seed["removed_parents_of_us_citizen_children"].value != parents


def test_case_no_removals_gives_no_shares():
    m = _metrics([Person("36061")])
    assert m["removals_without_hearing_share"].value is None
    assert m["mean_detention_days"].value is None
