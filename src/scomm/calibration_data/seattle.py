"""Seattle-AOR ICE arrests and detention book-ins by state, year, method and conviction,
2012-01 to 2019-07 (UWCHR ice-enforce, FOIA 2018-ICFO-36170).

Counted from the individual records into ``seattle_arrests_monthly.csv`` and
``seattle_bookins_monthly.csv``. Two hand tables interpret them:

- ``lookups/arrest_methods.csv``: each arrest or apprehension method to a class; 'CAP Local
  Incarceration' (ICE took custody from a county or city jail) is the path S-Comm fed;
- ``lookups/conviction_levels.csv``: each most-serious-conviction label to the range of ICE
  offense levels it can be (reference/scomm-facts.md §1.2). The label names an offense type,
  not the sentence or the number of convictions that decide a level, so most labels map to a
  range: Level 1 only for aggravated felonies by category (murder, rape, trafficking), '1 or 2'
  for felonies that are aggravated felonies with a year's sentence, '2 or 3' for usual
  misdemeanors (Level 2 with three or more), 'any' otherwise. 'NA' is no conviction recorded.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data.schema import Dataset, Obs, frame
from scomm.records.suppress import TOTAL, TOTAL_COLUMN

NAME = "seattle"
LAST = dt.date(2019, 7, 5)
YEARS = tuple(range(2012, 2020))
# most_serious_conviction is empty ('NA') in every record before October 2014 (FY2015): the
# field was not released for FY2012-FY2014, so conviction counts start there.
CONVICTIONS_FROM = dt.date(2014, 10, 1)
FISCAL_YEARS = tuple(range(2015, 2020))
CAP_LOCAL = "cap_local"
MEASURED_STATES = ("WA", "OR", "AK")
LEVEL_LABELS = {
    ("1", "1"): "level1",
    ("1", "2"): "level1_or_2",
    ("1", "3"): "any_level",
    ("2", "3"): "level2_or_3",
    ("2", "2"): "level2",
    ("3", "3"): "level3",
}
NO_CONVICTION = "no_conviction"
SOURCE = (
    "UWCHR ice-enforce aor-seattle arrests_with_state.csv and bookins_with_state.csv (ICE ERO "
    "FOIA 2018-ICFO-36170); lookups/arrest_methods.csv, lookups/conviction_levels.csv"
)


def _table(name: str) -> pl.DataFrame:
    t = pk.data(name).with_columns(
        pl.col("count").cast(pl.Int64), pl.col("month").str.slice(0, 4).cast(pl.Int64).alias("year")
    )
    methods = pk.lookup("arrest_methods.csv")
    unknown = set(t["method"].unique().to_list()) - set(methods["method"].to_list())
    if unknown:
        raise ValueError(f"arrest_methods.csv: methods without a class: {sorted(unknown)}")
    cls = dict(zip(methods["method"], methods["class"], strict=True))
    return t.with_columns(pl.col("method").replace_strict(cls).alias("method_class"))


def arrests() -> pl.DataFrame:
    """Arrests with their method class (counts by state, month, method, conviction)."""
    return _table("seattle_arrests_monthly.csv")


def bookins() -> pl.DataFrame:
    """Detention book-ins with their method class."""
    return _table("seattle_bookins_monthly.csv")


def with_levels(t: pl.DataFrame) -> pl.DataFrame:
    """Add ``level_range`` from the most serious conviction ('no_conviction' for NA)."""
    labels = t["most_serious_conviction"]
    lo = pk.level_rules().column(labels, "level_min")
    hi = pk.level_rules().column(labels, "level_max")
    ranges = [LEVEL_LABELS[(a, b)] for a, b in zip(lo, hi, strict=True)]
    level = pl.Series("level_range", ranges, dtype=pl.String)
    none = pl.col("most_serious_conviction") == "NA"
    return t.with_columns(level).with_columns(
        pl.when(none)
        .then(pl.lit(NO_CONVICTION))
        .otherwise(pl.col("level_range"))
        .alias("level_range")
    )


def _grid(
    t: pl.DataFrame, column: str, columns: list[str], by: str = "year", rows=YEARS
) -> dict[tuple[str, str], int]:
    """(row, column value) -> count over rows ``by`` (years or fiscal years), with 'Total'
    / 'total' margins."""
    cells = {(str(y), c): 0 for y in rows for c in columns}
    for y, c, n in t.group_by(by, column).agg(pl.col("count").sum()).iter_rows():
        cells[(str(y), c)] = cells.get((str(y), c), 0) + int(n)
    for y in rows:
        cells[(str(y), TOTAL_COLUMN)] = sum(cells[(str(y), c)] for c in columns)
    for c in [*columns, TOTAL_COLUMN]:
        cells[(TOTAL, c)] = sum(cells[(str(y), c)] for y in rows)
    return cells


def _period(row: str) -> tuple[dt.date, dt.date]:
    if row == TOTAL:
        return dt.date(YEARS[0], 1, 1), LAST
    return pk.year(int(row), LAST)


def _state_cells(t: pl.DataFrame, table: str, what: str) -> list[Obs]:
    """CAP-local events by year and state; WA, OR and AK measure the model's ICE book-ins."""
    cap = t.filter(pl.col("method_class") == CAP_LOCAL)
    states = sorted(set(cap["state"].to_list()) | {"WA", "OR"})
    cells = _grid(cap, "state", states)
    unattributed = [s for s in states if s in ("AMBIGUOUS", "NA")]
    out = []
    for (row, col), n in sorted(cells.items()):
        measured = col in MEASURED_STATES
        spare = sum(cells[(row, s)] for s in unattributed)
        out.append(
            Obs(
                obs_id=f"{table}:{row}:{col}",
                quantity=f"{what} with method 'CAP Local Incarceration'",
                unit=what.split()[-1],
                stage="ice_book_ins" if measured else "none",
                relation="measures" if measured else "context",
                period=_period(row),
                geography_level="state" if measured else "aor",
                geography=col if measured else "SEA",
                value=n,
                error="count",
                high=n + spare if measured and spare else None,
                error_note=(
                    "every CAP local arrest, whatever led ICE to the person; the model counts "
                    "those after an S-Comm match, so the records exceed it by an unknown share. "
                    "high adds the events UWCHR could not place in a state"
                    if measured
                    else "events outside WA, OR and AK, or with no or an ambiguous state"
                ),
                from_records=True,
                table=table,
                row=row,
                column=col,
            )
        )
    return out


def _fy_period(row: str) -> tuple[dt.date, dt.date]:
    if row == TOTAL:
        return CONVICTIONS_FROM, LAST
    start, end = pk.fiscal_year(int(row))
    return max(start, CONVICTIONS_FROM), min(end, LAST)


def _level_cells(t: pl.DataFrame) -> list[Obs]:
    cap = t.filter(
        (pl.col("method_class") == CAP_LOCAL)
        & (pl.col("month") >= CONVICTIONS_FROM.isoformat()[:7])
    )
    cap = with_levels(cap).with_columns(
        (pl.col("year") + (pl.col("month").str.slice(5, 2).cast(pl.Int64) >= 10)).alias("fy")
    )
    columns = [*dict.fromkeys(LEVEL_LABELS.values()), NO_CONVICTION]
    present = set(cap["level_range"].to_list())
    columns = [c for c in columns if c in present]
    out = []
    cells = _grid(cap, "level_range", columns, by="fy", rows=FISCAL_YEARS)
    for (row, col), n in sorted(cells.items()):
        out.append(
            Obs(
                obs_id=f"seattle_cap_local_levels:{row}:{col}",
                quantity="ICE arrests from local jails (CAP local) by ICE offense level range "
                "of the most serious conviction",
                unit="arrests",
                stage="ice_book_ins_by_level",
                relation="measures",
                period=_fy_period(row),
                geography_level="aor",
                geography="SEA",
                value=n,
                error="classified",
                error_note=(
                    "levels from conviction labels (lookups/conviction_levels.csv): a label "
                    "fixes a range of levels, not one; the model's level shares must fall "
                    "inside the ranges these counts allow. 'no_conviction' is no conviction "
                    "recorded when ICE made the arrest (pending charges are not convictions). "
                    "Fiscal years from FY2015: the field is empty in every earlier record; "
                    "FY2019 ends with the records on 2019-07-05"
                ),
                from_records=True,
                table="seattle_cap_local_levels",
                row=row,
                column=col,
            )
        )
    return out


def _method_cells(t: pl.DataFrame) -> list[Obs]:
    columns = sorted(set(t["method_class"].to_list()))
    out = []
    for (row, col), n in sorted(_grid(t, "method_class", columns).items()):
        out.append(
            Obs(
                obs_id=f"seattle_arrests_by_method:{row}:{col}",
                quantity="ICE arrests in the Seattle AOR by method class",
                unit="arrests",
                stage="none",
                relation="context",
                period=_period(row),
                geography_level="aor",
                geography="SEA",
                value=n,
                error="count",
                error_note="the model has only the jail path (cap_local); the other methods "
                "are ICE arrests it does not simulate",
                from_records=True,
                table="seattle_arrests_by_method",
                row=row,
                column=col,
            )
        )
    return out


def dataset() -> Dataset:
    """CAP-local arrests and book-ins by state and year, their level ranges, the method mix."""
    a, b = arrests(), bookins()
    obs = (
        _state_cells(a, "seattle_cap_local_arrests", "ICE arrests")
        + _state_cells(b, "seattle_cap_local_bookins", "ICE detention book-ins")
        + _level_cells(a)
        + _method_cells(a)
    )
    return Dataset(
        name=NAME,
        title="Seattle-AOR ICE arrests and book-ins by state, year, method and conviction, "
        "2012-01..2019-07",
        source=SOURCE,
        pins="the level of jail-based ICE arrests and book-ins in Washington and Oregon by "
        "year (through the S-Comm detainer, compliance and pick-up stages there, including "
        "the Washington and Oregon counties' detainer policies after 2014), and the conviction "
        "make-up of people ICE took from jails (bounds on the model's level shares)",
        cannot_tell=(
            "what share of CAP local arrests followed an S-Comm match rather than another lead; "
            "the make-up of people arrested before October 2014 (the conviction field is empty "
            "for FY2012-FY2014, so nothing here speaks to S-Comm's first era); "
            "detainers or matches (the records start at the arrest); single ICE levels (a "
            "conviction label allows a range of levels; sentence and prior convictions are not "
            "in the records); anything outside the Seattle AOR"
        ),
        observations=frame(NAME, obs),
    )
