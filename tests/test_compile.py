"""Compiling a scenario: parameters declared by the pipeline become the engine's arrays as
the declaration says (one array per field, several parameters stacked in their order)."""

from __future__ import annotations

import numpy as np

from scomm import periods
from scomm.compile import compile_inputs
from scomm.rules.categories import LEVEL_KEYS
from scomm.scenario import packaged


def test_criminal_history_is_stacked_lawful_then_undocumented_as_cumulative_shares():
    """``level_cdf`` is (month, lawful/undocumented, level): each status group draws its
    ICE level from its own cited criminal history, in the declared order."""
    scn = packaged("baseline")
    m = periods.parse_month("2012-06")
    inputs = compile_inputs(scn, m, m, ["NY"])
    day = periods.first_day(m)
    assert inputs.level_cdf.shape == (1, 2, len(LEVEL_KEYS))
    for row, name in enumerate(("lawful", "undocumented")):
        p = scn.params[f"population.criminal_history_{name}"]
        shares = np.array([p.at(day, k) for k in LEVEL_KEYS], dtype=float)
        expected = np.cumsum(shares) / shares.sum()
        expected[-1] = 1.0
        np.testing.assert_allclose(inputs.level_cdf[0, row], expected, rtol=1e-12)
    assert not np.allclose(inputs.level_cdf[0, 0], inputs.level_cdf[0, 1])
