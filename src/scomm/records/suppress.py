"""Small-cell suppression with complementary suppression, for any table of counts.

Every table that ``scomm records`` prints or writes goes through ``suppress``:

1. **Margins.** The table (rows × value columns) gets a total column (when it has two or
   more value columns) and a total row (when it has two or more rows); margins are cells too.
2. **Primary suppression.** Every cell with ``0 < count < min_cell`` is suppressed.
3. **Complementary suppression.** Published cells and the additivity of rows and columns
   give linear equations in the suppressed cells. A suppressed cell can be recovered exactly
   iff it is a *bridge* of the graph whose vertices are the table's lines (rows, columns) and
   whose edges are the suppressed cells: the solutions of the equations differ exactly by
   cycles of that graph (the extended table's incidence structure, rescaled by ±1, is a
   bipartite incidence matrix). So while the graph has a bridge, the cheapest path of
   published cells that closes a cycle through it is suppressed too (cheapest = smallest
   non-zero interior counts; zeros and margins only when nothing else can). No suppressed cell
   can then be recovered by subtracting, or by any linear combination of, published rows and
   columns.
4. **Flags.** The result is long (one row per cell) with ``flag`` = primary / complementary
   and a ``reason``; ``add_shares`` derives rates only from published cells.

The graph argument and its test (``tests/records/test_records_suppress.py``, which solves the
equations with linear algebra) are in docs/records.md.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import polars as pl

from scomm.errors import UserError

DEFAULT_MIN_CELL = 11
TOTAL = "Total"
TOTAL_COLUMN = "total"
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
_ZERO_COST = 1e6
_MARGIN_COST = 1e9


def check_min_cell(min_cell: int) -> int:
    """The minimum cell size may only be raised above the default (11)."""
    if not isinstance(min_cell, int) or min_cell < DEFAULT_MIN_CELL:
        raise UserError(
            f"--min-cell {min_cell}: the minimum cell size may only be raised; expected an "
            f"integer >= {DEFAULT_MIN_CELL}"
        )
    return min_cell


def _bridges(n_vertices: int, edges: list[tuple[int, int]]) -> list[int]:
    """Indices of bridge edges in a multigraph (iterative Tarjan, parallel edges allowed)."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_vertices)]
    for idx, (u, v) in enumerate(edges):
        adj[u].append((v, idx))
        adj[v].append((u, idx))
    disc = [-1] * n_vertices
    low = [0] * n_vertices
    out: list[int] = []
    timer = 0
    for root in range(n_vertices):
        if disc[root] == -1 and adj[root]:
            timer = _bridge_search(root, adj, disc, low, timer, out)
    return out


def _bridge_search(
    root: int,
    adj: list[list[tuple[int, int]]],
    disc: list[int],
    low: list[int],
    timer: int,
    out: list[int],
) -> int:
    """Depth-first search of ``root``'s component: discovery times and low links into
    ``disc`` and ``low``, the bridges found into ``out``; returns the next free time."""
    disc[root] = low[root] = timer
    timer += 1
    stack = [(root, -1, iter(adj[root]))]
    while stack:
        node, via, it = stack[-1]
        step = next(((nxt, idx) for nxt, idx in it if idx != via), None)
        if step is None:  # every edge of node seen: back up to its parent
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > disc[parent]:
                    out.append(via)
            continue
        nxt, idx = step
        if disc[nxt] == -1:
            disc[nxt] = low[nxt] = timer
            timer += 1
            stack.append((nxt, idx, iter(adj[nxt])))
        else:
            low[node] = min(low[node], disc[nxt])
    return timer


class _Grid:
    """The extended table (with margins) and the line graph of its cells."""

    def __init__(self, counts: np.ndarray) -> None:
        rows, cols = counts.shape
        self.has_total_col = cols > 1
        self.has_total_row = rows > 1
        ext = counts
        if self.has_total_col:
            ext = np.column_stack([ext, ext.sum(axis=1)])
        if self.has_total_row:
            ext = np.vstack([ext, ext.sum(axis=0)])
        self.values = ext
        self.n_rows, self.n_cols = ext.shape
        self.interior = (rows, cols)
        # Vertex ids: rows 0..n_rows-1 (all merged into one ground vertex when rows have no
        # equation, i.e. no total column), then columns likewise.
        self.row_vertex = list(range(self.n_rows)) if self.has_total_col else [0] * self.n_rows
        base = max(self.row_vertex) + 1
        self.col_vertex = (
            [base + j for j in range(self.n_cols)] if self.has_total_row else [base] * self.n_cols
        )
        self.n_vertices = max(self.col_vertex) + 1

    def endpoints(self, cell: tuple[int, int]) -> tuple[int, int]:
        return self.row_vertex[cell[0]], self.col_vertex[cell[1]]

    def is_margin(self, cell: tuple[int, int]) -> bool:
        return cell[0] >= self.interior[0] or cell[1] >= self.interior[1]

    def cost(self, cell: tuple[int, int]) -> float:
        value = float(self.values[cell])
        if self.is_margin(cell):
            return _MARGIN_COST + value
        return value if value > 0 else _ZERO_COST

    def cells(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(self.n_rows) for j in range(self.n_cols)]


def _component(edges: list[tuple[int, int]], start: int) -> set[int]:
    """The vertices reachable from ``start`` along ``edges``."""
    adj: dict[int, list[int]] = defaultdict(list)
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)
    seen, todo = {start}, [start]
    while todo:
        for nxt in adj[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _cheapest_path(
    grid: _Grid,
    suppressed: set[tuple[int, int]],
    bridge: tuple[int, int],
    sources: set[int],
    targets: set[int],
) -> list[tuple[int, int]] | None:
    """Cheapest chain of cells linking a source vertex to a target vertex, avoiding the
    bridge; cells already suppressed cost nothing."""
    adj: dict[int, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
    for cell in grid.cells():
        if cell == bridge:
            continue
        u, v = grid.endpoints(cell)
        adj[u].append((v, cell))
        adj[v].append((u, cell))
    dist = {s: 0.0 for s in sources}
    back: dict[int, tuple[int, tuple[int, int]]] = {}
    heap = [(0.0, s) for s in sorted(sources)]
    heapq.heapify(heap)
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist.get(node, float("inf")):
            continue
        if node in targets:
            path = []
            while node not in sources:
                prev, cell = back[node]
                path.append(cell)
                node = prev
            return path
        for nxt, cell in sorted(adj[node], key=lambda t: t[1]):
            nd = d + (0.0 if cell in suppressed else grid.cost(cell))
            if nd < dist.get(nxt, float("inf")):
                dist[nxt] = nd
                back[nxt] = (node, cell)
                heapq.heappush(heap, (nd, nxt))
    return None


def protect(counts: np.ndarray, min_cell: int = DEFAULT_MIN_CELL) -> tuple[np.ndarray, np.ndarray]:
    """Suppression pattern for a 2-D array of non-negative counts.

    Returns the extended table (with margins, see module doc) and a same-shape array of
    flags: 0 published, 1 primary, 2 complementary.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.ndim != 2 or counts.size == 0:
        raise ValueError("protect() needs a non-empty 2-D array of counts")
    if (counts < 0).any():
        raise ValueError("counts must be non-negative")
    grid = _Grid(counts)
    flags = np.zeros(grid.values.shape, dtype=np.int8)
    flags[(grid.values > 0) & (grid.values < min_cell)] = 1
    if grid.n_vertices == 1:  # a single cell: nothing to add up
        return grid.values, flags
    while True:
        suppressed = sorted(zip(*np.nonzero(flags), strict=True))
        suppressed = [(int(i), int(j)) for i, j in suppressed]
        edges = [grid.endpoints(c) for c in suppressed]
        bridges = _bridges(grid.n_vertices, edges)
        if not bridges:
            return grid.values, flags
        idx = min(bridges, key=lambda b: (grid.values[suppressed[b]], suppressed[b]))
        u, v = edges[idx]
        rest = edges[:idx] + edges[idx + 1 :]
        side_a = _component(rest, u)
        side_b = _component(rest, v)
        path = _cheapest_path(grid, set(suppressed), suppressed[idx], side_a, side_b)
        if path is None:  # no way to close a cycle: withhold the whole table
            flags[flags == 0] = 2
            return grid.values, flags
        for cell in path:
            if flags[cell] == 0:
                flags[cell] = 2


def _labels(frame: pl.DataFrame, index: Sequence[str]) -> pl.DataFrame:
    return frame.select(pl.col(c).cast(pl.String).fill_null("(missing)") for c in index)


def suppress(
    table: pl.DataFrame,
    index: Sequence[str],
    values: Sequence[str] | None = None,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
) -> pl.DataFrame:
    """Suppress a wide table of counts; return it long, margins included, with flags.

    ``table`` has one row per category of ``index`` (one or more key columns) and one count
    column per category of the other dimension (``values``; default: all other columns).
    The result has the ``index`` columns (as strings; the margin row says "Total"),
    ``column`` (the value column's name; the margin column is "total"), ``count`` (null when
    suppressed), ``flag`` (null, "primary" or "complementary") and ``reason``.
    """
    check_min_cell(min_cell)
    index = list(index)
    values = list(values) if values is not None else [c for c in table.columns if c not in index]
    if not values:
        raise ValueError("suppress() needs at least one value column")
    if table.height == 0:
        return pl.DataFrame(
            schema={
                **{c: pl.String for c in index},
                "column": pl.String,
                "count": pl.Int64,
                "flag": pl.String,
                "reason": pl.String,
            }
        )
    counts = table.select(pl.col(v).fill_null(0).cast(pl.Int64) for v in values).to_numpy()
    ext, flags = protect(counts, min_cell)
    labels = _labels(table, index).rows()
    if ext.shape[0] > len(labels):
        labels.append(tuple(TOTAL for _ in index))
    columns = [*values, TOTAL_COLUMN] if ext.shape[1] > len(values) else values
    reasons = {
        1: f"count below the minimum cell size {min_cell}",
        2: "withheld so that row and column totals cannot reveal a suppressed cell",
    }
    records = []
    for i, key in enumerate(labels):
        for j, col in enumerate(columns):
            flag = int(flags[i, j])
            records.append(
                (
                    *key,
                    col,
                    None if flag else int(ext[i, j]),
                    {0: None, 1: PRIMARY, 2: COMPLEMENTARY}[flag],
                    reasons.get(flag),
                )
            )
    schema = {
        **{c: pl.String for c in index},
        "column": pl.String,
        "count": pl.Int64,
        "flag": pl.String,
        "reason": pl.String,
    }
    return pl.DataFrame(records, schema=schema, orient="row")


def add_shares(long: pl.DataFrame, index: Sequence[str]) -> pl.DataFrame:
    """Add ``share`` = count / the row's total, only where both are published."""
    index = list(index)
    totals = long.filter(pl.col("column") == TOTAL_COLUMN).select(
        *index, pl.col("count").alias("__total")
    )
    if totals.height == 0:
        return long.with_columns(pl.lit(None, pl.Float64).alias("share"))
    out = long.join(totals, on=index, how="left", nulls_equal=True, maintain_order="left")
    share = pl.when(pl.col("__total") > 0).then(pl.col("count") / pl.col("__total"))
    return out.with_columns(share.round(4).alias("share")).drop("__total")
