"""Pierce County (WA) jail bookings and ICE holds, 2015-12-22 .. 2018-07-23 (UWCHR, 'Unequal
Justice', 2019; Pierce County jail records obtained by public-records requests).

Two packaged tables:

- ``pierce_race_holds.csv``: UWCHR's own table of all 29,312 bookings and the 188 with an ICE
  detainer, by race (the jail records Hispanic as a race category);
- ``pierce_hold_bookings.csv``: the 204 bookings with an immigration hold in UWCHR's hold-level
  file, counted by year, U.S. birth, release to immigration, and felony charge.

The two hold counts differ (188 and 204) and the files do not say why; both are kept and the
difference is the error model of the hold count. Records the jail keeps cover the jail: people
booked and released by city police elsewhere in the county are not in them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data.schema import Dataset, Obs, frame
from scomm.records.suppress import TOTAL, TOTAL_COLUMN

NAME = "pierce"
FIPS = "53053"
PERIOD = (dt.date(2015, 12, 22), dt.date(2018, 7, 23))
HOLD_NOTE = (
    "bookings with an ICE hold: 188 in UWCHR's race table, 204 with the hold flag in its "
    "hold-level file (the files do not explain the 16); under PEP (to Jan 2017) ICE also "
    "lodged requests for notification, which the jail may record as holds"
)
HOLD_TABLES = {
    "born_in_us": ("pierce_holds_by_birth", "detainers_us_born", "U.S.-born people with an ICE "
                   "hold (place of birth as the jail recorded it)", {"true": "born_in_us",
                                                                      "false": "born_abroad"}),
    "released_to_ice": ("pierce_holds_by_release", "ice_book_ins", "bookings with a hold in "
                        "which the jail released a charge to immigration", {"1": "released_to_ice",
                                                                            "0": "not_released"}),
    "felony": ("pierce_holds_by_charge", "detainers_by_charge", "bookings with a hold whose most "
               "serious booking charge is a felony", {"1": "felony", "0": "not_felony"}),
    "year": ("pierce_holds_by_year", "detainers", "bookings with a hold, by year", None),
}  # fmt: skip


def _obs(table: str, row: str, column: str, n: int, stage: str, quantity: str, **kw) -> Obs:
    measured = stage != "none" and row != TOTAL and column != TOTAL_COLUMN
    return Obs(
        obs_id=f"{table}:{row}:{column}",
        quantity=quantity,
        unit="bookings",
        stage=stage,
        relation=kw.pop("relation", "measures" if measured else "context"),
        period=kw.pop("period", PERIOD),
        geography_level="jail",
        geography="Pierce County Jail",
        county_fips=FIPS,
        value=n,
        error=kw.pop("error", "count"),
        error_note=kw.pop("error_note", HOLD_NOTE),
        from_records=True,
        table=table,
        row=row,
        column=column,
        **kw,
    )


def _race_cells() -> list[Obs]:
    t = pk.data("pierce_race_holds.csv")
    rows = {r: (int(b), int(h)) for r, b, h in t.iter_rows()}
    rows[TOTAL] = (sum(b for b, _ in rows.values()), sum(h for _, h in rows.values()))
    out = []
    for race, (bookings, holds) in rows.items():
        out.append(
            _obs("pierce_race", race, "bookings", bookings, "bookings", "Pierce County jail "
                 "bookings", relation="lower_bound" if race == TOTAL else "context",
                 error="exact", error_note="the county jail's bookings: the county's bookings "
                 "are at least these (city police jails are not in the records)")
        )  # fmt: skip
        out.append(
            _obs("pierce_race", race, "bookings_with_detainer", holds, "detainers",
                 "Pierce County jail bookings with an ICE detainer",
                 low=holds if race == TOTAL else None, high=204 if race == TOTAL else None,
                 relation="measures")
        )  # fmt: skip
    return out


def _hold_cells(field: str) -> list[Obs]:
    table, stage, quantity, labels = HOLD_TABLES[field]
    t = pk.data("pierce_hold_bookings.csv").with_columns(
        pl.col("bookings").cast(pl.Int64), pl.col("month").str.slice(0, 4).alias("year")
    )
    counts = {
        str(k): int(n) for k, n in t.group_by(field).agg(pl.col("bookings").sum()).iter_rows()
    }
    keys = sorted(counts) if labels is None else list(labels)
    out = []
    for key in keys:
        label = key if labels is None else labels[key]
        period = PERIOD
        if labels is None:
            period = (
                max(PERIOD[0], dt.date(int(key), 1, 1)),
                min(PERIOD[1], dt.date(int(key), 12, 31)),
            )
        out.append(
            _obs(table, label, "bookings", counts.get(key, 0), stage, quantity, period=period)
        )
    out.append(_obs(table, TOTAL, "bookings", sum(counts.values()), "detainers",
                    "bookings with an immigration hold (hold-level file)"))  # fmt: skip
    return out


def dataset() -> Dataset:
    """Bookings and holds by race; holds by birth, release, charge and year."""
    obs = _race_cells()
    for field in HOLD_TABLES:
        obs += _hold_cells(field)
    return Dataset(
        name=NAME,
        title="Pierce County (WA) jail bookings and ICE holds, 2015-12..2018-07",
        source="UWCHR ice-detainers-pierce: analyze/output/race_hold_table.csv and "
        "charges/output/allholds.csv (Pierce County jail records, public-records requests)",
        pins="holds per booking at one large jail under PEP and after EO 13768 (detainers / "
        "bookings in county 53053), the make-up of people held (Hispanic and other race "
        "categories against all bookings; felony charges; the U.S.-born, who are citizens), the "
        "share the jail released to ICE, and one county's jail bookings outside California "
        "(a check on the bookings model)",
        cannot_tell=(
            "the county's bookings outside this jail; citizenship beyond place of birth "
            "(naturalized citizens are among the foreign-born); ICE's side (matches, detainers "
            "not recorded by the jail, removals); the years before Dec 2015"
        ),
        observations=frame(NAME, obs),
    )
