"""The library's front door, on the issue's own examples."""

from __future__ import annotations

import json

from scomm.api import run
from scomm.io import json_bytes
from scomm.jurisdictions.counties import counties


def test_gao_period_run_meets_gao_and_covers_every_state_and_dc():
    """`scomm run --start 2008-10 --end 2012-03 --json` (GAO-12-708: ~183,000, ~74% convicted)."""
    doc = run(start="2008-10", end="2012-03").summary
    t = doc["totals"]
    assert 183_000 * 0.9 <= t["removals"] <= 183_000 * 1.1
    assert 0.71 <= t["removals_convicted"] / t["removals"] <= 0.77
    assert set(doc["by_state"]) == set(counties().states())
    assert len(doc["by_state"]) == 51 and "DC" in doc["by_state"]
    assert sum(s["removals"] for s in doc["by_state"].values()) == t["removals"]


def test_same_inputs_and_seed_give_byte_identical_summaries():
    a = json_bytes(run(states=["NM"], start="2010-01", end="2011-12", seed=5).summary)
    b = json_bytes(run(states=["NM"], start="2010-01", end="2011-12", seed=5).summary)
    assert a == b
    assert json.loads(a)["scenario_hash"]
