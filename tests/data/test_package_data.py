"""Checks on the packaged jurisdiction and population data (read through importlib.resources)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from functools import cache
from importlib.resources import files

import yaml

PACKAGE = "scomm.data"


def read_bytes(name: str) -> bytes:
    return files(PACKAGE).joinpath(name).read_bytes()


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    return tuple(csv.DictReader(io.StringIO(read_bytes(name).decode("utf-8"))))


@cache
def counties() -> dict[str, dict[str, str]]:
    return {row["county_fips"]: row for row in table("counties.csv")}


def test_state_codes_are_the_50_states_and_dc():
    states = table("state_codes.csv")
    assert len(states) == 51
    assert {s["state"] for s in states} >= {"DC", "NY", "CA", "TX", "AK", "HI"}
    assert all(re.fullmatch(r"\d{2}", s["state_fips"]) for s in states)


def test_every_state_and_dc_has_counties():
    states = {s["state"]: s["state_fips"] for s in table("state_codes.csv")}
    rows = counties().values()
    assert {c["state"] for c in rows} == set(states)
    assert all(states[c["state"]] == c["state_fips"] == c["county_fips"][:2] for c in rows)


def test_county_count_and_unique_fips():
    rows = table("counties.csv")
    # 3,143 facts rows minus Bedford city VA (51515), folded into 51019 (see fixes.csv).
    assert len(rows) == 3142
    assert len(counties()) == len(rows)
    assert all(re.fullmatch(r"\d{5}", c["county_fips"]) for c in rows)
    assert "51515" not in counties()
    assert counties()["35013"]["name"] == "Doña Ana"


def test_every_county_has_its_full_official_name():
    # Case: every county has its full official name; e.g. 51019 is Bedford County, 02020 Anchorage
    # Municipality, 35013 Doña Ana County, 11001 District of Columbia.
    assert list(table("counties.csv")[0])[-1] == "full_name"  # appended: old readers keep working
    expected = {
        "51019": "Bedford County",
        "02020": "Anchorage Municipality",
        "35013": "Doña Ana County",
        "11001": "District of Columbia",
        "01001": "Autauga County",
        "02110": "Juneau City and Borough",
        "02195": "Petersburg Borough",
        "02270": "Kusilvak Census Area",  # Wade Hampton, renamed in 2015
        "46113": "Oglala Lakota County",  # Shannon, renamed in 2015
        "22071": "Orleans Parish",
        "22059": "LaSalle Parish",
        "27111": "Otter Tail County",  # the Census file's city says 'Todd County'
        "51520": "Bristol city",
        "24510": "Baltimore city",
        "32510": "Carson City",
    }
    for fips, name in expected.items():
        assert counties()[fips]["full_name"] == name, fips
    suffixes = (" County", " Parish", " Borough", " Census Area", " Municipality", " city")
    renamed = {"02270", "46113", "22059"}  # their fixes.csv rows explain the new name
    for fips, c in counties().items():
        full = c["full_name"]
        assert full == full.strip() and "  " not in full and full != "NA", fips
        assert full.isascii() or fips == "35013", fips  # no mis-encoded bytes
        assert full.endswith(suffixes) or fips in {"11001", "32510"}, fips
        assert full.startswith(c["name"]) or fips in renamed, fips  # name is a truncated form
        if c["state"] == "VA" and fips >= "51500":  # Virginia independent cities
            assert full.endswith(" city"), fips
    fixed = {f["key"]: f["old_value"] for f in table("fixes.csv") if f["field"] == "full_name"}
    assert set(fixed) == renamed | {"35013", "27111", "27165", "02195"}
    assert {k for k, old in fixed.items() if not old} == {"02270", "46113"}  # not in Census file


def test_populations_positive_and_shares_in_unit_interval():
    for c in counties().values():
        assert int(c["population"]) > 0 and int(c["population_2010"]) > 0
        for field in ("hispanic_share", "foreign_born_share"):
            assert re.fullmatch(r"\d\.\d{4}", c[field])
            assert 0.0 <= float(c[field]) <= 1.0


def test_every_county_has_an_activation_date_and_a_known_aor():
    aors = {r["aor"] for r in table("aor_population.csv")}
    for c in counties().values():
        assert date(2008, 10, 27) <= date.fromisoformat(c["activation_date"]) <= date(2013, 1, 22)
        assert c["aor"] in aors
        assert c["activation_month_hhadah"] == "" or re.fullmatch(
            r"20\d\d-\d\d", c["activation_month_hhadah"]
        )


def test_first_activation_is_harris_county():
    first = min(counties().values(), key=lambda c: c["activation_date"])
    assert (first["county_fips"], first["activation_date"]) == ("48201", "2008-10-27")
    assert sum(c["activation_date"] == "2008-10-27" for c in counties().values()) == 1


def test_cumulative_activations_by_calendar_year():
    # The reference README counts 14 / 105 / 895 / 1,994 / 3,037 / 3,143 over its 3,147 codes.
    # Here: retired Clifton Forge (51560) and South Boston (51780), both 2010, are not counties,
    # Bedford city (51515, 2010) is folded into 51019, and the five post-2007 Alaska codes take
    # the 2012 dates of the three codes they replaced.
    dates = [c["activation_date"] for c in counties().values()]
    expected = {2008: 14, 2009: 105, 2010: 892, 2011: 1991, 2012: 3036, 2013: 3142}
    for year, n in expected.items():
        assert sum(d <= f"{year}-12-31" for d in dates) == n, year


def test_known_activation_dates():
    assert counties()["06037"]["activation_date"] == "2009-08-27"  # Los Angeles
    ny = [c["activation_date"] for c in counties().values() if c["state"] == "NY"]
    assert min(ny) == "2011-01-11"
    assert counties()["36061"]["activation_date"] == "2012-05-15"  # New York County (Manhattan)


def test_disagreements_list_every_county_where_sources_differ():
    expected = {
        fips
        for fips, c in counties().items()
        if c["activation_month_hhadah"] != c["activation_date"][:7]
    }
    rows = table("activation_disagreements.csv")
    assert {r["county_fips"] for r in rows} == expected
    assert len(rows) == 49
    for r in rows:
        assert r["date_secure"] == counties()[r["county_fips"]]["activation_date"]
        assert (r["months_apart"] == "") == (r["activation_month_hhadah"] == "")
        assert r["note"]


def test_fixes_document_fips_changes():
    keys = {(f["table"], f["key"], f["field"]) for f in table("fixes.csv")}
    for retired in ("02231", "12025", "30113", "41006"):  # reference rows without a date
        assert ("reference_activation", retired, "county_fips") in keys
    for split in ("02105", "02195", "02198", "02230", "02275"):
        assert ("counties", split, "activation_date") in keys
    assert ("counties", "51515", "county_fips") in keys
    assert ("counties", "02270", "aor") in keys and ("counties", "46113", "aor") in keys
    assert all(f["reason"] for f in table("fixes.csv"))


def test_ca_bookings_2008_and_shape():
    rows = table("ca_jail_bookings_monthly.csv")
    total_2008 = sum(int(r["bookings"] or 0) for r in rows if r["month"].startswith("2008"))
    assert abs(total_2008 - 1_280_000) <= 0.02 * 1_280_000
    assert min(r["month"] for r in rows) == "2005-01"
    assert max(r["month"] for r in rows) == "2020-03"
    assert len({(r["county_fips"], r["month"]) for r in rows}) == len(rows)
    for r in rows:
        assert counties()[r["county_fips"]]["state"] == "CA"
        n, missing = int(r["n_jurisdictions"]), int(r["n_missing"])
        assert 0 <= missing <= n
        assert (r["bookings"] == "") == (missing == n)


def test_aor_population():
    rows = table("aor_population.csv")
    assert len(rows) == 24 * 8
    assert {int(r["year"]) for r in rows} == set(range(2012, 2020))
    for r in rows:
        total, born, nonc, undoc = (
            int(r[k]) for k in ("total_pop", "forborn_pop", "noncitizen_pop", "undocu_pop")
        )
        assert total > born > nonc > undoc > 0
        assert int(r["undocu_pop_low"]) <= undoc <= int(r["undocu_pop_upp"])


def test_manifest_lists_every_file_with_matching_sha256():
    manifest = yaml.safe_load(read_bytes("MANIFEST.yaml"))["files"]
    packaged = {
        p.name
        for p in files(PACKAGE).iterdir()
        if p.is_file() and p.name not in {"__init__.py", "MANIFEST.yaml"}
    }
    assert set(manifest) == packaged
    for name, entry in manifest.items():
        data = read_bytes(name)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["rows"] == len(table(name)), name
        assert [c["name"] for c in entry["columns"]] == list(table(name)[0]), name
        assert entry["build_command"] and entry["description"]
        for inp in entry["inputs"]:
            assert re.fullmatch(r"[0-9a-f]{64}", inp["sha256"]) and inp["bytes"] > 0
            assert inp["origin"] and inp["publisher"] and inp["terms"]
