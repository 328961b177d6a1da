"""The typed table of observations every calibration dataset produces, and its public view.

One row per observed figure. The columns say what was counted and how the source counted it,
so a calibration can compare each figure with the model quantity the way its source counted:

- ``quantity``: what was counted, in words; ``unit``: people, arrests, book-ins, ...
- ``stage``: the pipeline stage (or model quantity) it corresponds to, e.g. ``ice_book_ins``,
  ``detainers``, ``ident_matches_prior_record``; ``none`` if it corresponds to none.
- ``relation``: how the figure relates to that quantity:
  ``measures`` (the same quantity, within the error model), ``upper_bound`` (the figure is at
  least the model quantity: all-program totals, broader categories), ``lower_bound``,
  ``analogue`` (the same stage of another program, informative only through an assumption),
  ``context`` (not comparable; kept for reference).
- ``period_start`` / ``period_end`` (inclusive), ``geography_level`` (nation, state, county,
  aor, agency, jail) and ``geography`` (US, a USPS code, a FIPS code, an AOR code, an agency);
  ``county_fips``: the counties an agency or jail observation covers (space-separated).
- the error model: ``error`` (one of ERRORS), ``low`` / ``high`` (the range of the model
  quantity the figure implies, where it implies one), ``dispersion`` (extra relative noise
  beyond counting, where a count likelihood applies) and ``error_note``.
- ``from_records``: the figure is a count from individual records (the small-cell rule
  applies); ``table`` / ``row`` / ``column``: the observation's cell in a table whose rows and
  columns add up (margins labelled ``Total`` and ``total``), for complementary suppression.

A ``Dataset`` holds the full table for likelihoods inside the program. Everything that leaves
the program (printing, docs, files) goes through ``Dataset.public()``: counts from records below
the minimum cell size are withheld, with complementary suppression inside each table
(scomm.records.suppress), so no withheld count can be recovered by subtraction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from scomm.records.suppress import DEFAULT_MIN_CELL, TOTAL, TOTAL_COLUMN, check_min_cell, protect

RELATIONS = ("measures", "upper_bound", "lower_bound", "analogue", "context")
ERRORS = {
    "exact": "the source's own tally; no noise beyond what the records cover",
    "count": "a count from records; compare with a count likelihood on the model's expected "
    "count (dispersion, if given, adds relative noise)",
    "rounded": "a published figure rounded as written; low..high is the rounding interval",
    "more_than": "'more than N': low is N, high the next rounding step",
    "about": "'about N': low..high is the range the wording allows",
    "bound": "the figure bounds the model quantity (see relation); low..high is that range",
    "classified": "counted through a hand classification with a measured misclassification; "
    "low..high is the range the classification allows",
    "undercount": "records missing or redacted: the figure is at most the true count",
}
SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String(),
    "obs_id": pl.String(),
    "quantity": pl.String(),
    "unit": pl.String(),
    "stage": pl.String(),
    "relation": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "geography_level": pl.String(),
    "geography": pl.String(),
    "county_fips": pl.String(),
    "value": pl.Float64(),
    "low": pl.Float64(),
    "high": pl.Float64(),
    "error": pl.String(),
    "dispersion": pl.Float64(),
    "error_note": pl.String(),
    "from_records": pl.Boolean(),
    "table": pl.String(),
    "row": pl.String(),
    "column": pl.String(),
}
GEOGRAPHY_LEVELS = ("nation", "state", "county", "aor", "agency", "jail")


@dataclass(frozen=True)
class Obs:
    """One observation (the columns of SCHEMA but ``dataset``)."""

    obs_id: str
    quantity: str
    unit: str
    stage: str
    relation: str
    period: tuple[dt.date, dt.date]
    geography_level: str
    geography: str
    value: float
    error: str
    error_note: str = ""
    low: float | None = None
    high: float | None = None
    dispersion: float | None = None
    county_fips: str | None = None
    from_records: bool = False
    table: str | None = None
    row: str | None = None
    column: str | None = None

    def record(self, dataset: str) -> dict[str, object]:
        return {
            "dataset": dataset,
            "obs_id": self.obs_id,
            "quantity": self.quantity,
            "unit": self.unit,
            "stage": self.stage,
            "relation": self.relation,
            "period_start": self.period[0],
            "period_end": self.period[1],
            "geography_level": self.geography_level,
            "geography": self.geography,
            "county_fips": self.county_fips,
            "value": float(self.value),
            "low": None if self.low is None else float(self.low),
            "high": None if self.high is None else float(self.high),
            "error": self.error,
            "dispersion": None if self.dispersion is None else float(self.dispersion),
            "error_note": self.error_note,
            "from_records": self.from_records,
            "table": self.table,
            "row": self.row,
            "column": self.column,
        }


def frame(dataset: str, observations: list[Obs]) -> pl.DataFrame:
    """The typed observation table of a dataset, checked (see ``check``)."""
    out = pl.DataFrame([o.record(dataset) for o in observations], schema=SCHEMA, orient="row")
    check(out)
    return out


def _fail(frame: pl.DataFrame, mask: pl.Expr, what: str) -> None:
    bad = frame.filter(mask)
    if bad.height:
        raise ValueError(f"observations {bad['obs_id'].head(3).to_list()}: {what}")


def check(frame: pl.DataFrame) -> None:
    """Every observation is well formed: known relation, error and geography level; finite
    values; low <= high; a period that runs forwards; unique ids; table cells labelled."""
    if frame.schema != pl.Schema(SCHEMA):
        raise ValueError(f"observation table: schema {dict(frame.schema)} is not SCHEMA")
    if frame["obs_id"].n_unique() != frame.height:
        raise ValueError("observation table: obs_id values repeat")
    _fail(frame, ~pl.col("relation").is_in(RELATIONS), "unknown relation")
    _fail(frame, ~pl.col("error").is_in(list(ERRORS)), "unknown error model")
    _fail(frame, ~pl.col("geography_level").is_in(GEOGRAPHY_LEVELS), "unknown geography level")
    for c in ("value", "low", "high", "dispersion"):
        _fail(frame, pl.col(c).is_not_null() & ~pl.col(c).is_finite(), f"non-finite {c}")
    _fail(frame, pl.col("value") < 0, "negative value")
    _fail(frame, pl.col("low") > pl.col("high"), "low above high")
    _fail(frame, pl.col("period_start") > pl.col("period_end"), "period runs backwards")
    cell = pl.col("table").is_not_null()
    _fail(frame, cell & (pl.col("row").is_null() | pl.col("column").is_null()), "unlabelled cell")
    _fail(frame, cell & ~pl.col("from_records"), "only record counts form suppressible tables")
    _fail(
        frame,
        pl.col("from_records") & (pl.col("value") != pl.col("value").round(0)),
        "a record count that is not a whole number",
    )


@dataclass(frozen=True)
class Dataset:
    """A calibration dataset: its observations and what they can and cannot pin down."""

    name: str
    title: str
    source: str
    pins: str
    cannot_tell: str
    observations: pl.DataFrame

    def __post_init__(self) -> None:
        check(self.observations)

    def public(self, min_cell: int = DEFAULT_MIN_CELL) -> pl.DataFrame:
        """The observations safe to print or write: small record counts withheld."""
        return public_view(self.observations, min_cell)

    def __repr__(self) -> str:  # never show values: a repr can leave the program
        n = self.observations.height
        return f"Dataset({self.name!r}, {n} observations; values via .public())"


def _table_flags(part: pl.DataFrame, min_cell: int) -> dict[str, int]:
    """obs_id -> suppression flag (0 published, 1 primary, 2 complementary) for one table."""
    interior = part.filter((pl.col("row") != TOTAL) & (pl.col("column") != TOTAL_COLUMN))
    rows = sorted(set(interior["row"].to_list()))
    cols = sorted(set(interior["column"].to_list()))
    counts = np.zeros((len(rows), len(cols)), dtype=np.int64)
    r_ix = {r: i for i, r in enumerate(rows)}
    c_ix = {c: j for j, c in enumerate(cols)}
    for r, c, v in interior.select("row", "column", "value").iter_rows():
        counts[r_ix[r], c_ix[c]] = int(v)
    ext, flags = protect(counts, min_cell)
    present = np.zeros(counts.shape, dtype=bool)
    for r, c in interior.select("row", "column").iter_rows():
        present[r_ix[r], c_ix[c]] = True
    n_rows, n_cols = counts.shape
    flags[:n_rows, :n_cols] = _secure(counts, flags[:n_rows, :n_cols], present)
    if ext.shape[0] > len(rows):
        r_ix[TOTAL] = len(rows)
    if ext.shape[1] > len(cols):
        c_ix[TOTAL_COLUMN] = len(cols)
    out = {}
    for oid, r, c, v in part.select("obs_id", "row", "column", "value").iter_rows():
        if r not in r_ix or c not in c_ix or int(ext[r_ix[r], c_ix[c]]) != int(v):
            raise ValueError(f"observation {oid}: a margin cell that is not its table's sum")
        out[oid] = int(flags[r_ix[r], c_ix[c]])
    return out


def determined(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Withheld cells of a table fixed by its margins: row sums when it has two or more
    columns, column sums when it has two or more rows (the margins ``protect`` adds)."""
    unknown = [(int(i), int(j)) for i, j in np.argwhere(hidden)]
    if not unknown:
        return []
    n_rows, n_cols = hidden.shape
    rows = (
        [[1.0 if r == i else 0.0 for r, _ in unknown] for i in range(n_rows)] if n_cols > 1 else []
    )
    cols = (
        [[1.0 if c == j else 0.0 for _, c in unknown] for j in range(n_cols)] if n_rows > 1 else []
    )
    a = np.array(rows + cols)
    rank = np.linalg.matrix_rank(a)
    out = []
    for k, cell in enumerate(unknown):
        unit = np.zeros((1, len(unknown)))
        unit[0, k] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(cell)
    return out


def _secure(counts: np.ndarray, flags: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Complementary suppression that only counts real cells. ``protect`` may hide a cell
    the table does not have (a blank the source never reported, known to be zero) or a
    margin; those hide nothing. While a withheld cell follows from the sums, also withhold the
    smallest published cell sharing its row (or column)."""
    flags = np.where(present, flags, 0)
    while found := determined(flags > 0):
        i, j = found[0]
        candidates = [
            (counts[i, c], i, c)
            for c in range(counts.shape[1])
            if present[i, c] and not flags[i, c]
        ]
        candidates += [
            (counts[r, j], r, j)
            for r in range(counts.shape[0])
            if present[r, j] and not flags[r, j]
        ]
        if not candidates:
            raise ValueError("a withheld cell cannot be protected: withhold the whole table")
        _, r, c = min(candidates)
        flags[r, c] = 2
    return flags


def public_view(frame: pl.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pl.DataFrame:
    """``frame`` with every small record count (and what could reveal it) withheld: value,
    low and high set to null and ``suppressed`` = primary / complementary."""
    check_min_cell(min_cell)
    flags: dict[str, int] = {}
    for (_,), part in frame.filter(pl.col("table").is_not_null()).group_by(
        "table", maintain_order=True
    ):
        flags.update(_table_flags(part, min_cell))
    loose = frame.filter(pl.col("table").is_null() & pl.col("from_records"))
    for oid, v in loose.select("obs_id", "value").iter_rows():
        flags[oid] = 1 if 0 < v < min_cell else 0
    names = {0: None, 1: "primary", 2: "complementary"}
    flag = pl.Series(
        "suppressed", [names[flags.get(o, 0)] for o in frame["obs_id"]], dtype=pl.String
    )
    out = frame.with_columns(flag)
    hidden = pl.col("suppressed").is_not_null()
    # low/high may combine the cells of a row (e.g. jail + 287(g) + ambiguous), so a row with a
    # withheld cell shows no interval at all.
    row_hidden = hidden.any().over("table", "row") & pl.col("table").is_not_null()
    return out.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col("value")).alias("value"),
        *(
            pl.when(hidden | row_hidden).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("low", "high")
        ),
    )
