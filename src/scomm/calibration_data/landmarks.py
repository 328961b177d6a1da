"""ICE ERO arrests by area of responsibility and apprehension landmark, FY2012-FY2023.

Source: UWCHR's tabulation of ICE's national arrests (FOIA 2022-ICFO-09023), packaged as
``ice_arrests_aor_landmark.csv``: one total per AOR and landmark over FY2012 to FY2023 (year to
date). The file has no year: every count is cumulative over the twelve years.

Each landmark gets a class from the hand table ``lookups/landmark_classes.csv`` (ordered
rules, first match wins, a reason for each). The classes are grouped into four arrest sites:

- ``jail``: county or city jails, sheriffs, police lock-ups, and Secure Communities landmarks:
  the CAP local-incarceration arrests S-Comm fed;
- ``jail_287g``: landmarks naming the 287(g) program;
- ``ambiguous``: a city, county or 'general area', a bare CAP site, no landmark, or a name the
  rules do not place: the kind of arrest is not recorded;
- ``not_jail``: prisons, the Marshals, street and fugitive operations, ICE offices, detention
  facilities, probation offices, border and transport checks.

The classification's error is measured where both are known: in the Seattle-AOR records each
arrest has a landmark and an arrest method, so the share of 'jail' landmarks that are CAP
local-incarceration arrests (precision) and the share of those arrests that sit at 'jail'
landmarks (recall) are counted (``seattle_arrests_landmarks.csv``).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data.schema import Dataset, Obs, frame
from scomm.jurisdictions.counties import counties
from scomm.records.suppress import TOTAL, TOTAL_COLUMN

NAME = "landmarks"
SITE = {
    "local_jail": "jail",
    "secure_communities": "jail",
    "jail_287g": "jail_287g",
    "general_area": "ambiguous",
    "cap_other": "ambiguous",
    "unknown": "ambiguous",
    "other": "ambiguous",
    "federal_prison": "not_jail",
    "state_prison": "not_jail",
    "at_large": "not_jail",
    "ice_office": "not_jail",
    "ice_detention": "not_jail",
    "probation_parole": "not_jail",
    "border_transport": "not_jail",
}
SITES = ("jail", "jail_287g", "ambiguous", "not_jail")
PERIOD = (dt.date(2011, 10, 1), dt.date(2023, 9, 30))
SEATTLE_PERIOD = (dt.date(2012, 1, 1), dt.date(2019, 7, 5))
CAP_LOCAL = "CAP Local Incarceration"


def classified() -> pl.DataFrame:
    """The packaged AOR x landmark totals with each landmark's class and site."""
    t = pk.data("ice_arrests_aor_landmark.csv").with_columns(pl.col("arrests").cast(pl.Int64))
    cls = pk.landmark_rules().column(t["apprehension_landmark"], "class")
    unknown = set(cls.to_list()) - set(SITE)
    if unknown:
        raise ValueError(f"landmark_classes.csv: classes without a site: {sorted(unknown)}")
    return t.with_columns(cls.alias("class"), cls.replace_strict(SITE).alias("site"))


def check_crosswalk(aors: set[str]) -> None:
    """Every AOR of the arrests file is the AOR of some model county (counties.csv)."""
    known = set(counties().table["aor"].to_list())
    missing = sorted(aors - known)
    if missing:
        raise ValueError(f"AORs with arrests but no county in counties.csv: {missing}")


def seattle_check() -> pl.DataFrame:
    """Seattle-AOR arrests by landmark site and whether the method was CAP local."""
    t = pk.data("seattle_arrests_landmarks.csv").with_columns(pl.col("count").cast(pl.Int64))
    cls = pk.landmark_rules().column(t["apprehension_landmark"], "class")
    method = pl.when(pl.col("method") == CAP_LOCAL).then(pl.lit("cap_local"))
    return (
        t.with_columns(cls.replace_strict(SITE).alias("site"))
        .with_columns(method.otherwise(pl.lit("other_method")).alias("method_class"))
        .group_by("site", "method_class")
        .agg(pl.col("count").sum())
    )


def accuracy(check: pl.DataFrame) -> tuple[float, float]:
    """(precision, recall) of the 'jail' site for CAP local arrests in the Seattle records."""
    jail = check.filter(pl.col("site") == "jail")
    hit = int(jail.filter(pl.col("method_class") == "cap_local")["count"].sum())
    cap = int(check.filter(pl.col("method_class") == "cap_local")["count"].sum())
    return hit / int(jail["count"].sum()), hit / cap


def _cell(aor: str, site: str, n: int, precision: float, row: dict[str, int]) -> Obs:
    common = {
        "unit": "arrests",
        "period": PERIOD,
        "geography_level": "aor" if aor != TOTAL else "nation",
        "geography": aor if aor != TOTAL else "US",
        "value": n,
        "from_records": True,
        "table": "aor_by_site",
        "row": aor,
        "column": site,
    }
    if site != "jail":
        return Obs(
            obs_id=f"{aor}:{site}",
            quantity=f"ICE ERO arrests at '{site}' landmarks, FY2012-FY2023 summed",
            stage="none",
            relation="context",
            error="count",
            error_note="a record count; the site is a hand classification of the landmark",
            **common,
        )
    return Obs(
        obs_id=f"{aor}:jail",
        quantity="ICE ERO arrests at jail landmarks (CAP local incarceration), FY2012-FY2023 summed",
        stage="ice_book_ins",
        relation="measures",
        error="classified",
        low=math.floor(n * precision),
        high=n + row["jail_287g"] + row["ambiguous"],
        error_note=(
            "low: jail landmarks times the share of them that are CAP local arrests in the "
            f"Seattle records ({precision:.3f}); high: adding the 287(g) and ambiguous "
            "landmarks, which can hide jail pick-ups. The records count every CAP local "
            "arrest, the model only those after an S-Comm match (the excess is unknown). The "
            "FY2023 cut-off (year to date) is not stated in the file."
        ),
        **common,
    )


def _grid(t: pl.DataFrame, precision: float) -> list[Obs]:
    wide = t.group_by("aor", "site").agg(pl.col("arrests").sum())
    rows: dict[str, dict[str, int]] = {}
    for aor, site, n in wide.iter_rows():
        rows.setdefault(aor, dict.fromkeys(SITES, 0))[site] = int(n)
    rows[TOTAL] = {s: sum(r[s] for r in rows.values()) for s in SITES}
    out = []
    for aor in sorted(rows):
        row = rows[aor]
        out += [_cell(aor, s, row[s], precision, row) for s in SITES]
        out.append(
            Obs(
                obs_id=f"{aor}:{TOTAL_COLUMN}",
                quantity="ICE ERO arrests at any landmark, FY2012-FY2023 summed",
                unit="arrests",
                stage="none",
                relation="context",
                period=PERIOD,
                geography_level="aor" if aor != TOTAL else "nation",
                geography=aor if aor != TOTAL else "US",
                value=sum(row.values()),
                error="count",
                from_records=True,
                table="aor_by_site",
                row=aor,
                column=TOTAL_COLUMN,
            )
        )
    return out


def _check_cells(check: pl.DataFrame) -> list[Obs]:
    cells = {(s, m): int(n) for s, m, n in check.iter_rows()}
    out = []
    for site in (*SITES, TOTAL):
        for m in ("cap_local", "other_method", TOTAL_COLUMN):
            n = sum(
                v for (s, mm), v in cells.items() if site in (s, TOTAL) and m in (mm, TOTAL_COLUMN)
            )
            out.append(
                Obs(
                    obs_id=f"seattle_check:{site}:{m}",
                    quantity="Seattle-AOR ICE arrests by landmark site and arrest method "
                    "(the classification check)",
                    unit="arrests",
                    stage="none",
                    relation="context",
                    period=SEATTLE_PERIOD,
                    geography_level="aor",
                    geography="SEA",
                    value=n,
                    error="count",
                    from_records=True,
                    table="seattle_site_check",
                    row=site,
                    column=m,
                )
            )
    return out


def dataset() -> Dataset:
    """The AOR x arrest-site table and the Seattle classification check."""
    t = classified()
    check_crosswalk(set(t["aor"].to_list()))
    check = seattle_check()
    precision, recall = accuracy(check)
    obs = _grid(t, precision) + _check_cells(check)
    return Dataset(
        name=NAME,
        title="ICE ERO arrests by AOR and apprehension landmark, FY2012-FY2023 (summed)",
        source="UWCHR ice-enforce, analyze/note/apprehension_landmark_aor.csv (ICE FOIA "
        "2022-ICFO-09023); landmark classes: lookups/landmark_classes.csv",
        pins="the relative intensity of jail-based ICE arrests across the 24 AORs (each AOR's "
        "share of the national jail-landmark arrests, against the model's share of S-Comm "
        "ICE book-ins over the same years) and, within an AOR, the share of arrests made at "
        "jails; the county -> AOR crosswalk is counties.csv's aor column",
        cannot_tell=(
            "anything about eras: the counts are summed over FY2012-FY2023, so a high AOR "
            "total cannot say whether its intensity was high before the Dec 2012 guidance, "
            "under PEP or after 2017; nor the national level (the share of CAP arrests that "
            "followed an S-Comm match is not in the file); nor counties within an AOR. In the "
            f"Seattle records the jail landmarks' precision is {precision:.3f} and their "
            f"recall {recall:.3f}, but AORs differ in how often they record only a 'general "
            "area', so the jail count is a bounded, not exact, measure elsewhere"
        ),
        observations=frame(NAME, obs),
    )
