"""Small-cell suppression: the rules a published table must obey."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scomm.errors import UserError
from scomm.records.suppress import (
    COMPLEMENTARY,
    PRIMARY,
    TOTAL,
    TOTAL_COLUMN,
    add_shares,
    protect,
    suppress,
)

SMALLISH = st.sampled_from([0, 0, 1, 2, 3, 5, 8, 10, 11, 12, 15, 30, 80, 400])


@st.composite
def count_tables(draw: st.DrawFn) -> np.ndarray:
    rows = draw(st.integers(1, 6))
    cols = draw(st.integers(1, 6))
    return np.array(
        draw(
            st.lists(st.lists(SMALLISH, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
        )
    )


def _frame(counts: np.ndarray) -> pl.DataFrame:
    data = {"place": [f"p{i}" for i in range(counts.shape[0])]}
    data.update({f"c{j}": counts[:, j].tolist() for j in range(counts.shape[1])})
    return pl.DataFrame(data)


def _as_grid(long: pl.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values with NaN for suppressed cells, true values) of the extended table."""
    rows = [f"p{i}" for i in range(counts.shape[0])] + ([TOTAL] if counts.shape[0] > 1 else [])
    cols = [f"c{j}" for j in range(counts.shape[1])]
    cols += [TOTAL_COLUMN] if counts.shape[1] > 1 else []
    truth = counts.astype(float)
    if counts.shape[1] > 1:
        truth = np.column_stack([truth, truth.sum(axis=1)])
    if counts.shape[0] > 1:
        truth = np.vstack([truth, truth.sum(axis=0)])
    shown = np.full(truth.shape, np.nan)
    lookup = {(r["place"], r["column"]): r["count"] for r in long.iter_rows(named=True)}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            value = lookup[(r, c)]
            shown[i, j] = np.nan if value is None else value
    return shown, truth


def _equations(shape: tuple[int, int], interior: tuple[int, int]) -> list[dict]:
    """The additivity a reader knows: each row sums to its total, each column likewise."""
    n_rows, n_cols = shape
    eqs = []
    if interior[1] > 1:
        for i in range(n_rows):
            eqs.append({(i, j): (1.0 if j < n_cols - 1 else -1.0) for j in range(n_cols)})
    if interior[0] > 1:
        for j in range(n_cols):
            eqs.append({(i, j): (1.0 if i < n_rows - 1 else -1.0) for i in range(n_rows)})
    return eqs


def subtraction_attack(shown: np.ndarray, interior: tuple[int, int]) -> dict:
    """Repeatedly solve any row or column with exactly one unknown cell; return what it finds."""
    known = shown.copy()
    recovered = {}
    eqs = _equations(shown.shape, interior)
    progress = True
    while progress:
        progress = False
        for eq in eqs:
            unknown = [c for c in eq if np.isnan(known[c])]
            if len(unknown) == 1:
                cell = unknown[0]
                rest = sum(coef * known[c] for c, coef in eq.items() if c != cell)
                known[cell] = -rest / eq[cell]
                recovered[cell] = known[cell]
                progress = True
    return recovered


def linearly_determined(shown: np.ndarray, interior: tuple[int, int]) -> list:
    """Suppressed cells whose value follows from the published cells by any linear algebra."""
    unknown = [tuple(int(x) for x in c) for c in zip(*np.nonzero(np.isnan(shown)), strict=True)]
    eqs = _equations(shown.shape, interior)
    if not unknown or not eqs:
        return []
    col = {c: n for n, c in enumerate(unknown)}
    a = np.zeros((len(eqs), len(unknown)))
    for e, eq in enumerate(eqs):
        for cell, coef in eq.items():
            if cell in col:
                a[e, col[cell]] = coef
    rank = np.linalg.matrix_rank(a)
    found = []
    for cell, n in col.items():
        unit = np.zeros((1, len(unknown)))
        unit[0, n] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(cell)
    return found


@settings(max_examples=300, deadline=None)
@given(count_tables())
def test_case_no_published_count_is_below_the_minimum_cell(counts: np.ndarray) -> None:
    long = suppress(_frame(counts), ["place"], min_cell=11)
    published = long.filter(pl.col("count").is_not_null())["count"]
    assert not ((published > 0) & (published < 11)).any()


@settings(max_examples=300, deadline=None)
@given(count_tables())
def test_case_a_suppressed_cell_cannot_be_recovered_from_the_totals(counts: np.ndarray) -> None:
    long = suppress(_frame(counts), ["place"], min_cell=11)
    shown, truth = _as_grid(long, counts)
    # Published cells are the true values, margins included.
    mask = ~np.isnan(shown)
    assert np.array_equal(shown[mask], truth[mask])
    # Subtracting along rows and columns recovers nothing ...
    assert subtraction_attack(shown, counts.shape) == {}
    # ... and neither does solving all the equations at once.
    assert linearly_determined(shown, counts.shape) == []


def test_case_the_attack_works_without_complementary_suppression() -> None:
    """The attack is real: primary suppression alone gives the cell away."""
    counts = np.array([[3, 50, 60], [40, 50, 60], [30, 20, 40]])
    ext, _ = protect(counts)
    shown = ext.astype(float)
    shown[0, 0] = np.nan  # only the primary cell withheld
    assert subtraction_attack(shown, counts.shape) == {(0, 0): 3.0}


def test_case_flags_say_primary_or_complementary_and_why() -> None:
    table = pl.DataFrame({"state": ["WA", "OR", "AK"], "male": [120, 40, 3], "female": [30, 12, 9]})
    long = suppress(table, ["state"])
    ak = {r["column"]: r for r in long.filter(pl.col("state") == "AK").iter_rows(named=True)}
    assert ak["male"]["flag"] == PRIMARY and ak["male"]["count"] is None
    assert "minimum cell size 11" in ak["male"]["reason"]
    flagged = long.filter(pl.col("flag") == COMPLEMENTARY)
    assert flagged.height >= 1
    assert all("cannot reveal" in r for r in flagged["reason"])
    # The grand total is published and right.
    grand = long.filter((pl.col("state") == TOTAL) & (pl.col("column") == TOTAL_COLUMN))
    assert grand["count"].item() == 214


def test_case_the_minimum_cell_size_may_only_go_up() -> None:
    table = pl.DataFrame({"k": ["a", "b"], "n": [12, 30]})
    with pytest.raises(UserError, match="may only be raised"):
        suppress(table, ["k"], min_cell=5)
    long = suppress(table, ["k"], min_cell=20)
    assert long.filter(pl.col("k") == "a")["flag"].item() == PRIMARY


def test_case_rates_on_suppressed_counts_are_suppressed() -> None:
    table = pl.DataFrame({"state": ["WA", "OR"], "yes": [100, 4], "no": [50, 60]})
    long = add_shares(suppress(table, ["state"]), ["state"])
    shares = {(r["state"], r["column"]): r["share"] for r in long.iter_rows(named=True)}
    assert shares[("WA", "yes")] is None or shares[("WA", "yes")] == pytest.approx(
        100 / 150, abs=1e-4
    )
    assert shares[("OR", "yes")] is None
    published = long.filter(pl.col("share").is_not_null())
    assert published["count"].null_count() == 0


def test_case_each_published_rate_is_its_count_over_the_rows_published_total() -> None:
    """A share is count / the row's total, exactly (to four places), in the table's own row
    order, wherever both are published (a row with no key, "(missing)", included); a
    suppressed count or total gives no share."""
    table = pl.DataFrame(
        {"state": ["WA", None, "OR", "ID"], "yes": [100, 30, 4, 40], "no": [50, 70, 60, 45]}
    )
    long = suppress(table, ["state"])
    out = add_shares(long, ["state"])
    assert out.columns == [*long.columns, "share"]
    assert out.select(long.columns).equals(long)  # same rows, same order
    totals = dict(long.filter(pl.col("column") == TOTAL_COLUMN).select("state", "count").rows())
    for row in out.iter_rows(named=True):
        total = totals[row["state"]]
        if row["count"] is None or not total:
            assert row["share"] is None, row
        else:
            assert row["share"] == round(row["count"] / total, 4), row
    shares = {(r["state"], r["column"]): r["share"] for r in out.iter_rows(named=True)}
    assert shares[("(missing)", "yes")] == 0.3 and shares[("WA", "no")] == 0.3333
    assert shares[("OR", "yes")] is None


def test_case_a_one_row_table_has_its_rates_and_a_one_column_table_has_none() -> None:
    """One row (no total row, one total cell): the row's shares are published. One value
    column (no total column): no share can be formed, so the column is all null, typed."""
    one_row = add_shares(suppress(pl.DataFrame({"k": ["a"], "x": [20], "y": [60]}), ["k"]), ["k"])
    assert dict(zip(one_row["column"], one_row["share"], strict=True)) == {
        "x": 0.25,
        "y": 0.75,
        TOTAL_COLUMN: 1.0,
    }
    one_col = add_shares(suppress(pl.DataFrame({"k": ["a", "b"], "x": [20, 60]}), ["k"]), ["k"])
    assert one_col.schema["share"] == pl.Float64
    assert one_col["share"].null_count() == one_col.height == 3


def test_case_a_row_of_zeros_has_no_rate():
    """A published total of zero gives no share (0 / 0 is not a rate), not NaN."""
    table = pl.DataFrame({"state": ["WA", "OR"], "yes": [0, 40], "no": [0, 60]})
    long = add_shares(suppress(table, ["state"]), ["state"])
    wa = long.filter(pl.col("state") == "WA")
    assert wa["count"].to_list() == [0, 0, 0]
    assert wa["share"].null_count() == 3
    assert long.filter(pl.col("state") == "OR")["share"].to_list() == [0.4, 0.6, 1.0]
