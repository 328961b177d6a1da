"""The screening sees a coordinate the data pin whether or not the baseline sits at its mode:
the spread is the predicted variance of the log-likelihood ratio under prior draws."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest

from scomm.calibration import identify
from scomm.calibration import space as sp

# a normal coordinate at its mode, curvature -8; a logistic one on a slope of 3; one unseen
PEAK, SLOPE, FLAT = "peak", "slope", "flat"


def loglik(x: dict[str, float]) -> float:
    return -4.0 * x[PEAK] ** 2 + 3.0 * x[SLOPE]


def stand_in():
    coords = (sp.Coordinate(PEAK, "p", None, None, "normal"),
              sp.Coordinate(SLOPE, "s", None, None, "uniform"),
              sp.Coordinate(FLAT, "f", None, None, "normal"))  # fmt: skip
    return SimpleNamespace(space=SimpleNamespace(informed=coords), anchor={k: 0.0 for k in
                           (PEAK, SLOPE, FLAT)})  # fmt: skip


def serial(fn, items):
    return [fn(i) for i in items]


def test_the_screening_reads_slope_and_curvature_from_a_step_either_way(monkeypatch):
    monkeypatch.setattr(identify, "_loglik_at", loglik)
    frame = {r["coordinate"]: r for r in identify.screen(stand_in(), serial).iter_rows(named=True)}
    assert frame[PEAK]["slope"] == pytest.approx(0.0, abs=1e-12)
    assert frame[PEAK]["curvature"] == pytest.approx(-8.0)
    assert frame[PEAK]["sensitivity"] == pytest.approx(4.0 * identify.SCREEN_STEP**2)
    assert frame[PEAK]["spread"] == pytest.approx(64.0 / 2)  # h² V² / 2 with V = 1
    v = math.pi**2 / 3  # the logistic's variance
    assert frame[SLOPE]["slope"] == pytest.approx(3.0)
    assert frame[SLOPE]["spread"] == pytest.approx(9.0 * v)
    assert frame[FLAT]["spread"] == 0.0


def test_the_inference_runs_over_the_largest_spreads_that_reach_the_minimum():
    spread = [50.0, identify.SCREEN_MIN, np.nextafter(identify.SCREEN_MIN, 0), *[10.0] * 12]
    labels = [f"c{i}" for i in range(len(spread))]
    frame = pl.DataFrame({"coordinate": labels, "spread": spread})
    picked = identify.chosen(frame)
    assert picked[0] == "c0" and len(picked) == identify.SCREEN_MAX
    assert "c1" not in picked  # the cap reached first
    few = identify.chosen(frame.head(3))
    assert few == ["c0", "c1"]
