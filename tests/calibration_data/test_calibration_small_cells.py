"""No dataset's public view shows a record count below the minimum cell, and no withheld cell
of a table follows from its published cells and margins."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scomm.calibration_data import NAMES, load
from scomm.calibration_data.schema import determined
from scomm.records.suppress import DEFAULT_MIN_CELL, TOTAL, TOTAL_COLUMN


@pytest.mark.parametrize("name", NAMES)
def test_no_small_record_count_is_shown(name):
    pub = load(name).public()
    shown = pub.filter(pl.col("from_records") & pl.col("value").is_not_null())
    assert not ((shown["value"] > 0) & (shown["value"] < DEFAULT_MIN_CELL)).any()
    hidden = pub.filter(pl.col("suppressed").is_not_null())
    assert hidden["low"].null_count() == hidden.height == hidden["high"].null_count()


@pytest.mark.parametrize("name", NAMES)
def test_withheld_cells_cannot_be_recovered_from_the_margins(name):
    d = load(name)
    pub = d.public().filter(pl.col("table").is_not_null())
    for (table,), part in pub.group_by("table"):
        inner = part.filter((pl.col("row") != TOTAL) & (pl.col("column") != TOTAL_COLUMN))
        rows = sorted(set(inner["row"]))
        cols = sorted(set(inner["column"]))
        hidden = np.zeros((len(rows), len(cols)), dtype=bool)
        for r, c, s in inner.select("row", "column", "suppressed").iter_rows():
            hidden[rows.index(r), cols.index(c)] = s is not None
        assert determined(hidden) == [], (name, table)
