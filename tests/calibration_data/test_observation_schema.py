"""The observation table refuses malformed rows, and its public view withholds small record
counts with complementary suppression, intervals included."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from scomm.calibration_data.schema import Dataset, Obs, frame, public_view
from scomm.records.suppress import TOTAL, TOTAL_COLUMN, protect

PERIOD = (dt.date(2012, 1, 1), dt.date(2012, 12, 31))


def obs(oid: str, value: float, **kw) -> Obs:
    base = {
        "obs_id": oid,
        "quantity": "ICE arrests",
        "unit": "arrests",
        "stage": "ice_book_ins",
        "relation": "measures",
        "period": PERIOD,
        "geography_level": "state",
        "geography": "WA",
        "value": value,
        "error": "count",
    }
    return Obs(**{**base, **kw})


@pytest.mark.parametrize(
    ("kw", "culprit"),
    [
        ({"relation": "about right"}, "unknown relation"),
        ({"error": "vibes"}, "unknown error model"),
        ({"geography_level": "planet"}, "unknown geography level"),
        ({"low": 5.0, "high": 4.0}, "low above high"),
        ({"high": float("inf")}, "non-finite high"),
        ({"period": (dt.date(2013, 1, 1), dt.date(2012, 1, 1))}, "period runs backwards"),
        ({"table": "t"}, "unlabelled cell"),
        ({"table": "t", "row": "a", "column": "b"}, "only record counts"),
        ({"from_records": True, "value": 2.5}, "not a whole number"),
    ],
    ids=[
        "relation",
        "error",
        "geography",
        "interval",
        "infinite",
        "period",
        "cell",
        "cell kind",
        "fraction",
    ],
)
def test_malformed_observations_are_refused(kw, culprit):
    with pytest.raises(ValueError, match=culprit):
        frame("d", [obs("x", kw.pop("value", 3.0), **kw)])


def test_ids_must_be_unique_and_values_non_negative():
    with pytest.raises(ValueError, match="repeat"):
        frame("d", [obs("x", 1.0), obs("x", 2.0)])
    with pytest.raises(ValueError, match="negative"):
        frame("d", [obs("x", -1.0)])


def grid(counts: np.ndarray, with_margins: bool = True) -> list[Obs]:
    rows, cols = counts.shape
    out = []
    ext = counts
    if with_margins:
        ext = np.vstack(
            [np.column_stack([counts, counts.sum(1)]), np.append(counts.sum(0), counts.sum())]
        )
    for i in range(ext.shape[0]):
        for j in range(ext.shape[1]):
            r = TOTAL if i == rows else f"r{i}"
            c = TOTAL_COLUMN if j == cols else f"c{j}"
            out.append(
                obs(f"{r}:{c}", int(ext[i, j]), from_records=True, table="t", row=r, column=c,
                    low=float(ext[i, j]), high=float(ext[i, j]) + 1)
            )  # fmt: skip
    return out


def test_public_view_matches_complementary_suppression_of_each_table():
    counts = np.array([[40, 3, 25], [17, 30, 12], [50, 60, 70]])
    pub = public_view(frame("d", grid(counts)))
    ext, flags = protect(counts)
    names = {0: None, 1: "primary", 2: "complementary"}
    for i in range(ext.shape[0]):
        for j in range(ext.shape[1]):
            r = TOTAL if i == 3 else f"r{i}"
            c = TOTAL_COLUMN if j == 3 else f"c{j}"
            row = pub.filter((pl.col("row") == r) & (pl.col("column") == c)).row(0, named=True)
            assert row["suppressed"] == names[int(flags[i, j])]
            assert (row["value"] is None) == bool(flags[i, j])
    # The 3 is withheld, and the row holding it shows no interval anywhere.
    r0 = pub.filter(pl.col("row") == "r0")
    assert r0["low"].null_count() == r0.height
    assert pub.filter(pl.col("row") == "r2")["low"].null_count() == 0


def test_a_margin_that_is_not_the_sum_of_its_cells_is_refused():
    cells = grid(np.array([[40, 30], [20, 50]]))
    bad = [o if o.obs_id != f"{TOTAL}:{TOTAL_COLUMN}" else obs(o.obs_id, 999, from_records=True,
           table="t", row=TOTAL, column=TOTAL_COLUMN) for o in cells]  # fmt: skip
    with pytest.raises(ValueError, match="margin"):
        public_view(frame("d", bad))


def test_loose_record_counts_below_the_minimum_are_withheld():
    pub = public_view(
        frame("d", [obs("a", 4, from_records=True), obs("b", 4), obs("c", 40, from_records=True)])
    )
    shown = dict(zip(pub["obs_id"], pub["value"], strict=True))
    assert shown == {"a": None, "b": 4.0, "c": 40.0}  # b is a published figure, not a record count


def test_a_dataset_repr_shows_no_values():
    d = Dataset("d", "t", "s", "p", "c", frame("d", [obs("a", 7, from_records=True)]))
    assert "7" not in repr(d)
