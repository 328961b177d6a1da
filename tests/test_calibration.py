"""Calibration targets (reference/scomm-facts.md §2), each with its tolerance beside it.

Tolerances: ±10% for totals the sources give as round figures ('about 183,000'),
'more than X' targets as [X, upper], ±3 percentage points for shares, and upper bounds
for all-program totals that S-Comm is only part of. See docs/calibration.md.
"""

from __future__ import annotations

import pytest

from scomm.calibration import TARGETS, evaluate
from scomm.scenario import packaged


@pytest.fixture(scope="module")
def results():
    return {t.name: v for t, v in evaluate(packaged("baseline"), seed=0)}


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_model_meets_calibration_target(target, results):
    value = results[target.name]
    assert target.low <= value <= target.high, (
        f"{target.description}: model {value:,.3f} outside {target.low:,.3f}..{target.high:,.3f} "
        f"({target.source})"
    )


def test_targets_hold_for_another_seed():
    """The fit is not an artefact of seed 0: the fitted totals hold within tolerance."""
    for target, value in evaluate(packaged("baseline"), seed=11):
        if target.fitted:
            assert target.low <= value <= target.high, target.name
