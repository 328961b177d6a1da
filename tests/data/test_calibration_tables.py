"""The packaged bookings-model and calibration tables keep the sources' counts.

Each check ties a packaged table back to a figure its source's SOURCES.md states (or to the
source's own total row), so a build that drops or double-counts rows fails.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

PACKAGE = "scomm.data"


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    text = files(PACKAGE).joinpath(name).read_bytes().decode("utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def total(name: str, column: str, **where: str) -> int:
    rows = table(name)
    return sum(int(r[column]) for r in rows if all(r[k] == v for k, v in where.items()))


def test_covariates_cover_every_model_county_with_valid_values():
    fips = [r["county_fips"] for r in table("counties.csv")]
    cov = table("county_covariates.csv")
    assert [r["county_fips"] for r in cov] == fips
    for r in cov:
        assert float(r["density_2010"]) >= 0 and float(r["land_area_sq_mi"]) > 0
        for k in ("poverty_share", "black_share", "under_18_share", "age_65_plus_share"):
            assert 0.0 <= float(r[k]) <= 1.0, (r["county_fips"], k)
        assert float(r["median_household_income"]) > 0
        assert r["jail_287g"] in ("0", "1")


def test_jail_287g_flags_the_jail_agreements_known_active_in_2008_2014():
    flag = {r["county_fips"]: r["jail_287g"] for r in table("county_covariates.csv")}
    # Maricopa, Harris, Los Angeles, Mecklenburg: jail-enforcement agreements in the window.
    assert all(flag[f] == "1" for f in ("04013", "48201", "06037", "37119"))
    # Riverside's ended 2013-09-30 (still in the window); New York County never had one.
    assert flag["06065"] == "1" and flag["36061"] == "0"
    # Durham's agreement was a task-force model only: not a jail agreement.
    assert flag["37063"] == "0"


def test_287g_rows_naming_several_counties_are_split():
    rows = [r for r in table("county_287g.csv") if r["agency"] == "Carrollton Police Department"]
    assert sorted(r["county_fips"] for r in rows) == ["48085", "48113", "48121"]
    assert all(r["shared_fips"] == "yes" for r in rows)


def test_landmark_arrests_keep_the_published_totals():
    # uwchr_ice_enforce/SOURCES.md: 13,272 AOR x landmark rows summing to 1,724,652, of which
    # landmarks containing "JAIL" sum to 476,667; 24 AORs.
    rows = table("ice_arrests_aor_landmark.csv")
    assert len(rows) == 13272
    assert total("ice_arrests_aor_landmark.csv", "arrests") == 1_724_652
    assert sum(int(r["arrests"]) for r in rows if "JAIL" in r["apprehension_landmark"]) == 476_667
    assert len({r["aor"] for r in rows}) == 24


def test_seattle_monthly_counts_add_up_to_the_record_files():
    # SOURCES.md: 32,549 arrests (19,136 'CAP Local Incarceration') and 36,811 book-ins.
    assert total("seattle_arrests_monthly.csv", "count") == 32_549
    assert total("seattle_arrests_monthly.csv", "count", method="CAP Local Incarceration") == 19_136
    assert total("seattle_bookins_monthly.csv", "count") == 36_811
    months = {r["month"] for r in table("seattle_arrests_monthly.csv")}
    assert min(months) == "2012-01" and max(months) == "2019-07"


def test_287g_agency_counts_keep_the_released_sums_and_blanks():
    # deportationdata_287g/SOURCES.md: 584 rows = 73 agencies x 8 years; identified 268,065
    # and removed 175,104, blanks (166 and 171) skipped, not read as zero.
    rows = table("ice_287g_agency_fy.csv")
    assert len(rows) == 584 and len({(r["state"], r["agency"]) for r in rows}) == 73
    assert sum(int(r["identified"]) for r in rows if r["identified"]) == 268_065
    assert sum(int(r["removed"]) for r in rows if r["removed"]) == 175_104
    assert sum(r["identified"] == "" for r in rows) == 166
    assert sum(r["removed"] == "" for r in rows) == 171


def test_pierce_tables_match_the_study_totals():
    # race_hold_table.csv's Total row: 29,312 bookings, 188 with a detainer; allholds: 204
    # bookings with an immigration hold.
    assert total("pierce_race_holds.csv", "bookings") == 29_312
    assert total("pierce_race_holds.csv", "bookings_with_detainer") == 188
    assert total("pierce_hold_bookings.csv", "bookings") == 204


def test_seattle_landmark_crosswalk_adds_up_to_the_arrests():
    assert total("seattle_arrests_landmarks.csv", "count") == 32_549
    cap = total("seattle_arrests_landmarks.csv", "count", method="CAP Local Incarceration")
    assert cap == 19_136
