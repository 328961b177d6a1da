"""ICE's 287(g) identified and removed counts by agency, FY2006-2013 (FOIA), joined to counties.

Source: the Deportation Data Project's ``pre2018-ice-removals-long.csv`` (packaged as
``ice_287g_agency_fy.csv``). The agency -> county crosswalk is the hand table
``lookups/agency_287g_counties.csv``: each agency matched to the reconstruction's agreements row
on state and its FY2006-2013 totals (the agreements file carries both), with the exceptions and
corrections written out with reasons; statewide agencies have no county.

How the source counted (deportationdata_287g/SOURCES.md):

- a blank cell means nothing was reported, 0 a reported zero; blanks are left out here;
- some FY2013 rows show 0 identified but removals above zero (Maricopa 0 / 234): those zeros
  are kept as lower bounds (error 'undercount'), not as zeros;
- a trailing '*' in the released agency name marks a footnote the files do not explain;
- 'attests_active' only means a count was non-zero; the rows are not a census of agreements.
"""

from __future__ import annotations

import polars as pl

from scomm.calibration_data import _packaged as pk
from scomm.calibration_data.schema import Dataset, Obs, frame
from scomm.jurisdictions.counties import counties

NAME = "program_287g"
MEASURES = {
    "identified": ("detainers", "people identified as removable through the agency's 287(g) "
                   "agreement"),
    "removed": ("removals", "of those, people removed"),
}  # fmt: skip


def crosswalk() -> pl.DataFrame:
    """The agency -> county hand table, checked against the model's counties."""
    t = pk.lookup("agency_287g_counties.csv")
    known = set(counties().fips.tolist())
    for agency, fips, level in t.select("agency", "county_fips", "level").iter_rows():
        codes = fips.split()
        if level == "state" and codes:
            raise ValueError(f"agency_287g_counties.csv: {agency}: a statewide row has FIPS")
        if level != "state" and not codes:
            raise ValueError(f"agency_287g_counties.csv: {agency}: no county FIPS")
        if set(codes) - known:
            raise ValueError(f"agency_287g_counties.csv: {agency}: unknown FIPS {fips}")
    return t


def joined() -> pl.DataFrame:
    """The agency-year counts with each agency's counties (every agency must be in the
    crosswalk)."""
    t = pk.data("ice_287g_agency_fy.csv")
    cw = crosswalk()
    out = t.join(cw, on=["state", "agency"], how="left")
    missing = out.filter(pl.col("level").is_null())["agency"].unique().to_list()
    if missing:
        raise ValueError(f"agency_287g_counties.csv: agencies missing: {sorted(missing)}")
    return out


def _obs(row: dict, measure: str) -> Obs | None:
    text = row[measure]
    if text == "":
        return None
    value = int(text)
    inconsistent = measure == "identified" and value == 0 and row["removed"] not in ("", "0")
    stage, what = MEASURES[measure]
    notes = [
        "the same stage of another program: a 287(g) officer's identification stands where "
        "S-Comm has a match and a detainer; it informs S-Comm only through an assumption"
    ]
    if inconsistent:
        notes.append("0 identified with removals above zero: identified was not reported")
    if row["source_footnote"] == "TRUE":
        notes.append("ICE's release footnotes this agency without saying why")
    state_wide = row["level"] == "state"
    fy = int(row["fiscal_year"])
    return Obs(
        obs_id=f"{row['state']}|{row['agency']}:{measure}:{fy}",
        quantity=what,
        unit="people",
        stage=stage,
        relation="lower_bound" if inconsistent else "analogue",
        period=pk.fiscal_year(fy),
        geography_level="state" if state_wide else "agency",
        geography=row["state"] if state_wide else row["agency"],
        county_fips=row["county_fips"] or None,
        value=value,
        error="undercount" if inconsistent else "count",
        error_note="; ".join(notes),
        from_records=True,
        table=f"287g_{measure}",
        row=f"{row['state']}|{row['agency']}",
        column=str(fy),
    )


def dataset() -> Dataset:
    """Identified and removed by agency and fiscal year, with each agency's counties."""
    obs = [
        o
        for row in joined().iter_rows(named=True)
        for m in MEASURES
        if (o := _obs(row, m)) is not None
    ]
    return Dataset(
        name=NAME,
        title="ICE 287(g) identified and removed counts by agency, FY2006-2013",
        source="Deportation Data Project ice-287g, data/pre2018-ice-removals-long.csv (ICE "
        "287(g) identification/removal statistics, FOIA); lookups/agency_287g_counties.csv",
        pins="in the counties with a 287(g) jail agreement, how many people jail screening "
        "identified and how many were removed, year by year from before S-Comm (FY2006-2008) "
        "into its rollout: with the model's bookings of those counties, an identification rate "
        "per booking and a removal share per identification: the targets of the model's "
        "287(g) channel (the flows' identified_287g and removals_287g, which the calibration "
        "issue fits to them), beside S-Comm's detainer and removal stages",
        cannot_tell=(
            "S-Comm quantities directly (another program, and in FY2009-2013 the same person "
            "may be counted by both); which years an agreement was active when a count is blank; "
            "what the footnotes mean; identification at agencies without a county (state "
            "police and corrections departments)"
        ),
        observations=frame(NAME, obs),
    )
