"""ICE's own public-safety claim, pinned on a hand-built cohort (docs/metrics.md#public-safety)."""

from __future__ import annotations

from metrics_helpers import Person, context, held, mask_of, tiny_sim

from scomm.metrics import public_safety
from scomm.rules.categories import Level


def test_case_shares_of_removals_by_ice_level_and_the_top_priority():
    levels = [Level.LEVEL1, Level.LEVEL2, Level.LEVEL3, Level.NONCRIMINAL, Level.NONCRIMINAL]
    people = [Person("36061", level=lv, **held(book_in=True, removed=True)) for lv in levels]
    people.append(Person("36061", level=Level.LEVEL1, **held(book_in=True)))  # not removed
    sim = tiny_sim(people)
    ctx = context(sim)
    m = public_safety.compute(public_safety.tally(sim, ctx), ctx, mask_of(sim))
    assert m["removals_level1_share"].value == 0.2
    assert m["removals_level2_share"].value == 0.2
    assert m["removals_level3_share"].value == 0.2
    assert m["removals_noncriminal_share"].value == 0.4
    assert m["top_priority_share"].value == 0.2
    shares = [m[f"removals_{lv.name.lower()}_share"].value for lv in Level]
    assert abs(sum(shares) - 1.0) < 1e-12
