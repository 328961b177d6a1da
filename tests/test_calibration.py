"""Calibration targets (reference/scomm-facts.md §2), each with its tolerance beside it.

Tolerances: ±10% for totals the sources give as round figures ('about 183,000'),
'more than X' targets as [X, upper], ±3 percentage points for shares, and upper bounds
for all-program totals that S-Comm is only part of. See docs/calibration.md.
"""

from __future__ import annotations

import pytest

from scomm.calibration import TARGETS, evaluate
from scomm.scenario import packaged

# Targets a mechanics correction (issue 11) moved outside their tolerance, left for the
# calibration (issue 12) to refit rather than hand-tuned here. The convicted share of removals
# rose with the per-person removal routes and the lognormal book-in-to-removal lag (a removal
# completed within the period is likelier for a quick summary removal, and summary routes
# favor people with records).
AWAITING = {
    "removals_convicted_share_to_2012_03": "awaiting recalibration: issue 12 (the removal "
    "routes and the detention-length distribution of issue 11 raised the convicted share)",
}


def _cases(targets):
    return [
        pytest.param(
            t,
            id=t.name,
            marks=[pytest.mark.xfail(strict=True, reason=AWAITING[t.name])]
            if t.name in AWAITING
            else [],
        )
        for t in targets
    ]


@pytest.fixture(scope="module")
def results():
    return {t.name: v for t, v in evaluate(packaged("baseline"), seed=0)}


@pytest.fixture(scope="module")
def results_seed_11():
    return {t.name: v for t, v in evaluate(packaged("baseline"), seed=11)}


def _check(target, value):
    assert target.low <= value <= target.high, (
        f"{target.description}: model {value:,.3f} outside {target.low:,.3f}..{target.high:,.3f} "
        f"({target.source})"
    )


@pytest.mark.parametrize("target", _cases(TARGETS))
def test_model_meets_calibration_target(target, results):
    _check(target, results[target.name])


@pytest.mark.parametrize("target", _cases([t for t in TARGETS if t.fitted]))
def test_targets_hold_for_another_seed(target, results_seed_11):
    """The fit is not an artefact of seed 0: the fitted totals hold within tolerance."""
    _check(target, results_seed_11[target.name])
