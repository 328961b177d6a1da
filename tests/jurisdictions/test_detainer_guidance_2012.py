"""Issue 11, "What it must show": `scomm run --start 2011-10 --end 2013-09 --json` shows
detainers falling from FY2012 to FY2013, and the fall is what the 21 Dec 2012 guidance's text
takes away (docs/laws.md, "The December 2012 detainer guidance").

The guidance lets ICE lodge a detainer "only where" the person is in one of its listed groups
(a felony conviction or charge, three misdemeanor convictions, a significant misdemeanor, a
prior removal or an outstanding order, ...); outside them the model keeps
``detainer.outside_priorities_factor`` (0.1) of the rate. Run with and without the guidance
on the same draws, the difference in FY2013 is exactly the guidance's, and it equals the
expected count computed from the people outside its groups.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scomm import api, periods
from scomm.rules import detainer
from scomm.rules.categories import Charge, Level

FIXTURE = Path(__file__).resolve().parents[1] / "laws" / "scenarios" / "no-dec-2012-guidance.yaml"
START, END = "2011-10", "2013-09"


def _fiscal_year(sim) -> np.ndarray:
    """Federal fiscal year of each cohort row (FY2013 = Oct 2012 - Sep 2013)."""
    first = [periods.first_day(int(m)) for m in sim.inputs.months[sim.cohort.month]]
    return np.array([d.year + (d.month >= 10) for d in first])


def _detainers_by_fy(sim) -> dict[int, int]:
    scomm = ~sim.cohort.identified_287g
    fy = _fiscal_year(sim)
    return {y: int((sim.cohort.detainer & scomm & (fy == y)).sum()) for y in (2012, 2013)}


def _expected_guidance_effect(sim) -> tuple[float, float]:
    """Expected detainers the guidance removes in the run, and its variance: for each S-Comm
    row deemed removable under the guidance and outside its groups, the rate lost,
    p x (1 - factor), p the level's rate with its odds scaled by the ICE area's intensity."""
    c, inp = sim.cohort, sim.inputs
    member = detainer.priority_membership(
        c.level, c.charge, c.serious_charge, c.serious_record, c.aggravated_felony, c.prior_removal
    )
    inside = detainer.prioritized(member, inp.priority[c.month])
    factor = inp.outside_factor[c.month]
    area = inp.area_odds[c.month, inp.county_area[c.county]]
    p_level = detainer.with_area_intensity(inp.p_detainer[c.month, c.level], area)
    traffic = (c.level == Level.NONCRIMINAL) & (c.charge == Charge.TRAFFIC)
    traffic &= inp.traffic_deferred[c.month]
    rows = c.removable & ~inside & ~c.identified_287g & ~traffic & (factor < 1)
    lost = (p_level - p_level * factor)[rows]
    return float(lost.sum()), float((lost * (1 - lost)).sum())


@pytest.fixture(scope="module")
def runs():
    return api.run("baseline", START, END), api.run(str(FIXTURE), START, END)


def _by_month(sim, rows) -> np.ndarray:
    return np.bincount(sim.cohort.month[rows], minlength=len(sim.inputs.months))


@pytest.mark.slow
def test_the_guidance_removes_what_its_text_excludes(runs):
    """With and without the guidance on the same draws: FY2012 is untouched, and the FY2013
    detainers it removes equal the expected count over the removable people outside its
    listed groups (their rate times 1 - factor), within four standard deviations."""
    base, without = runs
    d, w = _detainers_by_fy(base.simulation), _detainers_by_fy(without.simulation)
    assert w[2012] == d[2012]
    removed = w[2013] - d[2013]
    expected, variance = _expected_guidance_effect(base.simulation)
    assert removed > 0 and abs(removed - expected) <= 4 * np.sqrt(variance) + 1, (
        removed,
        expected,
    )


@pytest.mark.slow
def test_detainers_fall_in_the_month_the_guidance_applies(runs):
    """January 2013, the first month under the guidance: S-Comm detainers fall from December
    2012 although IDENT matches do not."""
    sim = runs[0].simulation
    c, scomm = sim.cohort, ~sim.cohort.identified_287g
    jan = int(np.flatnonzero(sim.inputs.months == periods.parse_month("2013-01"))[0])
    det, mat = _by_month(sim, c.detainer & scomm), _by_month(sim, c.matched & scomm)
    assert mat[jan] >= mat[jan - 1] and det[jan] < det[jan - 1]


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="the calibrated model (posterior 20261204-e1e78da0, written back) does not show it: "
    "the guidance removes about 9% of FY2013's S-Comm detainers, but the activations of FY2012 "
    "raise matches by about a sixth, so FY2013's total is 2% above FY2012's; the values that "
    "decide it are ones the calibration's data barely see (docs/laws.md, the FY2012-FY2013 "
    "figures)",
)
def test_detainers_fall_from_fy2012_to_fy2013(runs):
    d = _detainers_by_fy(runs[0].simulation)
    assert d[2013] < d[2012], d
