"""The profiling monitor and its detection power (docs/metrics.md#the-monitor): a large
injected effect is flagged, no injected effect is flagged at about the nominal 5%."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scomm.metrics import monitor
from scomm.metrics.stats import binomial_draws, upper_tail
from scomm.rng import Stream, entity_keys, uniforms

MONTHS = np.arange(138, 174)  # 36 months from 2011-07
ODDS, RATE = 1.5, 0.05


def _county(j: int, share: float, n: int = 60, m: int = 600, p: float = 0.7):
    """Synthetic monthly counts: a county with n matches a month at ``share`` low-level,
    its peers with m matches at ``p``."""
    u = uniforms(99, Stream.MONITOR, entity_keys(MONTHS[None, :], j, np.arange(2)[:, None]))
    x = np.array([binomial_draws(n, share, u[0, t : t + 1])[0] for t in range(len(MONTHS))])
    y = np.array([binomial_draws(m, p, u[1, t : t + 1])[0] for t in range(len(MONTHS))])
    return (
        x.astype(float),
        np.full(len(MONTHS), n, float),
        y.astype(float),
        np.full(len(MONTHS), m, float),
    )


def _flag(j: int, share: float) -> int | None:
    x, n, y, m = _county(j, share)
    return monitor.flagged_at(x, n, y, m, ODDS, RATE, monitor.monitor_uniforms(0, MONTHS, j))


def test_rule_the_cusum_adds_the_log_likelihood_ratio_of_each_month():
    """8 of 10 matches low-level against a share of 0.5, tuned to double the odds:
    8 log 2 - 10 log 1.5 = 1.490; a month at the peer share pulls it back toward 0."""
    s = monitor.cusum(np.array([8.0, 5.0]), np.array([10.0, 10.0]), np.array([0.5, 0.5]), 2.0)
    assert s[0] == pytest.approx(8 * np.log(2) - 10 * np.log(1.5))
    assert s[1] == pytest.approx(max(0.0, s[0] + 5 * np.log(2) - 10 * np.log(1.5)))
    assert monitor.cusum(np.array([0.0]), np.array([0.0]), np.array([0.5]), 2.0)[0] == 0.0


def test_case_with_no_injected_effect_about_five_percent_of_counties_are_flagged():
    flags = [_flag(j, 0.7) is not None for j in range(300)]
    assert 0.02 <= np.mean(flags) <= 0.09


def test_case_a_large_injected_effect_is_flagged_within_months():
    """Low-level share 0.85 against 0.70 at comparable counties."""
    months = [_flag(j, 0.85) for j in range(40)]
    assert all(t is not None for t in months)
    assert np.median(months) <= 6


def test_rule_the_binomial_upper_tail_is_exact():
    # P(X >= 9 | 10, 0.5) = 11 / 1024
    assert upper_tail(np.array([9]), np.array([10]), np.array([0.5]))[0] == pytest.approx(11 / 1024)
    assert upper_tail(np.array([0, 3]), np.array([5, 5]), np.array([0.3, 1.0])).tolist() == [1, 1]


@pytest.fixture(scope="module")
def maricopa():
    return monitor.detection_power("04013", 1.0, replicates=3, seed=2)


@pytest.mark.slow
def test_case_in_the_model_pretextual_arrests_in_maricopa_are_flagged(maricopa):
    at = maricopa["months_to_detection"]
    assert at["detected_share"] == 1.0 and at["median_months"] <= 6
    curve = {row["intensity"]: row for row in maricopa["power_curve"]}
    assert curve[0.0]["pretextual_matches_per_month"] == 0
    # more pretext, sooner found
    assert curve[1.0]["median_months"] <= curve[0.25]["median_months"]
    assert curve[0.0]["detected_share"] <= 1 / 3


@pytest.mark.slow
def test_case_in_the_model_few_counties_are_flagged_without_pretext():
    """Georgia's 159 counties, one run with no injected effect."""
    doc = monitor.detection_power("13121", 0.5, replicates=1)
    chance = doc["false_alarms_in_state"]
    assert chance["counties"] > 100
    assert chance["flagged"] / chance["counties"] <= 0.1


def test_the_monitor_document_says_what_it_did(maricopa):
    assert maricopa["effect_from"] == "2011-07" and maricopa["horizon_months"] == 41
    method = maricopa["method"]
    assert method["false_alarm_rate"] == 0.05 and method["sources"]
    json.dumps(maricopa)  # plain JSON


@pytest.mark.slow
def test_monitor_cli_json_and_its_refusals(cli):
    res = cli("monitor", "--county", "10003", "--intensity", "1", "--replicates", "2", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["county"] == "10003" and len(doc["power_curve"]) == 6
    for args, word in (
        (["--county", "99999", "--intensity", "1"], "99999"),
        (["--county", "10003", "--intensity", "9"], "--intensity"),
        (["--county", "11001", "--intensity", "1"], "11001"),  # DC: no county to compare with
        (["--county", "10003", "--intensity", "1", "--replicates", "0"], "--replicates"),
    ):
        bad = cli("monitor", *args)
        lines = bad.stderr.strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1, bad.stderr
        assert lines[0].startswith("scomm: error:") and word in lines[0]
