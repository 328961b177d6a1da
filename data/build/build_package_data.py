"""Build the packaged jurisdiction and population tables in ``src/scomm/data/``.

Run from the repository root::

    .venv/bin/python data/build/build_package_data.py --shared /work/shared   # read ../shared
    .venv/bin/python data/build/build_package_data.py                        # read data/raw/

With ``--shared`` the raw inputs are read from the shared folder and the repository copies under
``data/raw/`` are refreshed (files over 1 MB are stored gzipped as ``<name>.gz``). Without it the
repository copies are read, so a clone can rebuild the package byte for byte. Output is
deterministic: sorted rows, fixed decimal formatting, LF line endings, UTF-8.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import yaml

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data" / "raw"
OUT = REPO / "src" / "scomm" / "data"
GZIP_OVER_BYTES = 1_000_000
BUILD_COMMAND = ".venv/bin/python data/build/build_package_data.py --shared /work/shared"
JAIL_FIRST_MONTH, JAIL_LAST_MONTH = "2005-01", "2020-03"

sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibration_tables as ct  # noqa: E402
import study_panels  # noqa: E402

from scomm.bookings.fit import fit_tables  # noqa: E402
from scomm.io import atomic_dir, atomic_write  # noqa: E402


@dataclass(frozen=True)
class Source:
    """A raw-data folder: where it sits under ``--shared`` and in the repo, and its terms."""

    folder: str
    shared_dir: str
    notes: str
    publisher: str
    terms: str


@dataclass(frozen=True)
class Input:
    """One raw file the build reads."""

    source: Source
    file: str
    origin: str

    @property
    def shared_path(self) -> str:
        return f"{self.source.shared_dir}/{self.file}"

    def repo_path(self, size: int) -> str:
        suffix = ".gz" if size > GZIP_OVER_BYTES else ""
        return f"data/raw/{self.source.folder}/{self.file}{suffix}"


FACTS_SRC = Source(
    "kaggle_county_facts",
    "data/raw/kaggle_county_facts",
    "SOURCES.md",
    "U.S. Census Bureau, State & County QuickFacts, as packaged in the Kaggle '2016 US Election' "
    "dataset",
    "U.S. government statistics; the Kaggle packaging is public; the source repository has no "
    "LICENSE file",
)
UWCHR_SRC = Source(
    "uwchr_ice_enforce",
    "data/raw/uwchr_ice_enforce",
    "SOURCES.md",
    "University of Washington Center for Human Rights (UWCHR), ice-enforce repository "
    "(ACS-derived populations; ICE area-of-responsibility assignments)",
    "GPL-3.0 (license of the UWCHR/ice-enforce repository)",
)
HHADAH_SRC = Source(
    "scomm_activation_hhadah",
    "data/raw/scomm_activation_hhadah",
    "SOURCES.md",
    "ICE Secure Communities activation schedule ('ICE SC Dates'), compiled by the "
    "hhadah/immigration-enforcement-project research team",
    "no LICENSE file in the source repository; the underlying ICE roster is U.S. government work",
)
JAILS_SRC = Source(
    "kaplan_california_jails",
    "data/raw/kaplan_california_jails",
    "SOURCES.md",
    "California Board of State and Community Corrections (BSCC), Jail Profile Survey; "
    "cleaned by Jacob Kaplan",
    "no LICENSE file in the source repository; the underlying JPS data are public California "
    "government statistics",
)
CENSUS_SRC = Source(
    "fbi_cius_table10_county_agencies",
    "data/raw/fbi_cius_table10_county_agencies",
    "SOURCES.md",
    "U.S. Census Bureau, 2016 cartographic boundary county file (attributes), with full county "
    "names, as packaged in github avinashkz/us-county-crime-visualization",
    "U.S. government work; the source repository is BSD-3-Clause",
)
REFERENCE_SRC = Source(
    "reference_activation",
    "reference/data",
    "README.md",
    "Asad and Baer-Bositis Secure Communities panel, from the replication materials of "
    "Vargas-Núñez et al. (PNAS 2026), repository asadlasad/vargasnunezetal_2026_pnas",
    "not stated in README.md (public replication repository; only the data were kept, no code)",
)

FACTS = Input(
    FACTS_SRC,
    "county_facts.csv",
    "github Tsmith5151/2016-US-Election---ML @ d1ed8d043fadcb4f2f3a617d2a2240cac3b4460d, "
    "'election results/county_facts.csv' (CR line endings converted to LF, no values changed)",
)
COUNTY_AOR = Input(
    UWCHR_SRC,
    "county_aor.csv",
    "github UWCHR/ice-enforce @ bdb224c216bc98216b5f09de32841817b623162d, "
    "share/input/county_aor.csv",
)
AOR_DEMOG = Input(
    UWCHR_SRC,
    "aor_demog_indicators.csv",
    "github UWCHR/ice-enforce @ bdb224c216bc98216b5f09de32841817b623162d, "
    "share/input/aor_demog_indicators.csv (pipe-delimited)",
)
HHADAH = Input(
    HHADAH_SRC,
    "scomm_activation_dates_county.csv",
    "derived in the shared folder (pandas read_stata, no value changes) from github "
    "hhadah/immigration-enforcement-project @ e9267eb6e79ea92d4dec90475e6b75a93800344c, "
    "data/raw/activation_dates_makayla_revisedforbalance.dta",
)
JAILS = Input(
    JAILS_SRC,
    "california_jail_county_monthly_1995_2020.csv",
    "github jacobkap/california_jails @ e8d599df38bf4010671a17e8bf4d726832a24314, "
    "clean_data/california_jail_county_monthly_1995_2020.csv",
)
REFERENCE = Input(
    REFERENCE_SRC,
    "scomm_county_activation_dates.csv",
    "securecommunities.dta in github asadlasad/vargasnunezetal_2026_pnas, reduced to one row per "
    "county (the activation date)",
)
CENSUS_NAMES = Input(
    CENSUS_SRC,
    "county_name_fips_codes.csv",
    "github avinashkz/us-county-crime-visualization @ 33ac190c7894ed3b31b6e7efae2032cf7ef28b06, "
    "data/codes.csv (renamed, no values changed)",
)
FBI_SRC = Source(
    "fbi_cius_table10_county_agencies",
    "data/raw/fbi_cius_table10_county_agencies",
    "SOURCES.md",
    "FBI Uniform Crime Reporting program, Crime in the United States, Table 10 (offenses known "
    "to law enforcement by state by metropolitan and nonmetropolitan counties), as CSV in github "
    "avinashkz/us-county-crime-visualization",
    "U.S. government work; the source repository is BSD-3-Clause",
)
URBAN_SRC = Source(
    "urban_mobility_county_crime",
    "data/raw/urban_mobility_county_crime",
    "SOURCES.md",
    "Urban Institute, Upward Mobility Framework (mobility-from-poverty), county crime rates "
    "built from Jacob Kaplan's county UCR offenses-known file (openICPSR 108164)",
    "no LICENSE file in the source repository; the underlying UCR counts are U.S. government "
    "statistics",
)
TABLE10 = {
    year: Input(
        FBI_SRC,
        f"cius_table10_{year}.csv",
        "github avinashkz/us-county-crime-visualization @ "
        f"33ac190c7894ed3b31b6e7efae2032cf7ef28b06, data/csv/{year}.csv (renamed, no values "
        "changed)",
    )
    for year in study_panels.TABLE10_YEARS
}
URBAN_RATES = Input(
    URBAN_SRC,
    "crimerate_county_2015_2017.csv",
    "github UI-Research/mobility-from-poverty @ 43f2baf629c2e285a52b8f3196fc9241cce70c27, "
    "07_safety/crime/crimerate_county_2015_2017.csv (deleted from the repository in 2023; copy "
    "from git history)",
)
DDP_287G_SRC = Source(
    "deportationdata_287g",
    "data/raw/deportationdata_287g",
    "SOURCES.md",
    "Deportation Data Project, ice-287g pre-2018 reconstruction (ICE rosters, GAO, CRS, MPI, "
    "NCLR; ICE 287(g) identification/removal statistics FY2006-2013 released under FOIA)",
    "no license found in the source repository; the underlying counts are U.S. government "
    "records (see LICENSE-NOTE.md)",
)
PIERCE_SRC = Source(
    "uwchr_pierce_detainers",
    "data/raw/uwchr_pierce_detainers",
    "SOURCES.md",
    "University of Washington Center for Human Rights (UWCHR), ice-detainers-pierce "
    "('Unequal Justice', 2019): Pierce County (WA) jail bookings with ICE holds",
    "GPL-2.0-or-later (license stated in the UWCHR/ice-detainers-pierce README)",
)
LANDMARKS = Input(
    UWCHR_SRC,
    "apprehension_landmark_aor_fy12_23.csv",
    "github UWCHR/ice-enforce @ 704c39b5049fa4b5f454180a13bde395a59dc43b, "
    "analyze/note/apprehension_landmark_aor.csv (ICE ERO arrests FY2012-FY2023YTD, FOIA "
    "2022-ICFO-09023)",
)
SEATTLE_ARRESTS = Input(
    UWCHR_SRC,
    "seattle_aor_arrests_with_state.csv",
    "github UWCHR/ice-enforce @ 6f6a284cffe55a2973c20cf4d212466f72511af7, "
    "aor-seattle/analyze/output/arrests_with_state.csv (FOIA 2018-ICFO-36170)",
)
SEATTLE_BOOKINS = Input(
    UWCHR_SRC,
    "seattle_aor_bookins_with_state.csv",
    "github UWCHR/ice-enforce @ 6f6a284cffe55a2973c20cf4d212466f72511af7, "
    "aor-seattle/analyze/output/bookins_with_state.csv (FOIA 2018-ICFO-36170)",
)
AGREEMENTS_287G = Input(
    DDP_287G_SRC,
    "pre2018-agreements-best-guess.csv",
    "github deportationdata/ice-287g @ 92556ed51e6084d8672c45611063fc2e2956160a, "
    "data/pre2018-agreements-best-guess.csv",
)
REMOVALS_287G = Input(
    DDP_287G_SRC,
    "pre2018-ice-removals-long.csv",
    "github deportationdata/ice-287g @ 92556ed51e6084d8672c45611063fc2e2956160a, "
    "data/pre2018-ice-removals-long.csv",
)
PIERCE_RACE = Input(
    PIERCE_SRC,
    "race_hold_table.csv",
    "github UWCHR/ice-detainers-pierce @ 578e5a09b23cb567a1f45ec05021a8abdbeef19f, "
    "analyze/output/race_hold_table.csv",
)
PIERCE_HOLDS = Input(
    PIERCE_SRC,
    "allholds.csv.gz",
    "github UWCHR/ice-detainers-pierce @ 578e5a09b23cb567a1f45ec05021a8abdbeef19f, "
    "charges/output/allholds.csv (gzip as published in the shared folder; pipe-delimited)",
)
INPUTS = (
    FACTS, COUNTY_AOR, AOR_DEMOG, HHADAH, JAILS, REFERENCE, CENSUS_NAMES, *TABLE10.values(),
    URBAN_RATES, LANDMARKS, SEATTLE_ARRESTS, SEATTLE_BOOKINS, AGREEMENTS_287G, REMOVALS_287G,
    PIERCE_RACE, PIERCE_HOLDS,
)  # fmt: skip

# 50 states + DC: FIPS PUB 5-2 codes, USPS abbreviations, names. Cross-checked below against the
# facts file (FIPS prefix vs USPS code) and county_aor.csv (state name after the comma).
STATES = (
    ("01", "AL", "Alabama"), ("02", "AK", "Alaska"), ("04", "AZ", "Arizona"),
    ("05", "AR", "Arkansas"), ("06", "CA", "California"), ("08", "CO", "Colorado"),
    ("09", "CT", "Connecticut"), ("10", "DE", "Delaware"), ("11", "DC", "District of Columbia"),
    ("12", "FL", "Florida"), ("13", "GA", "Georgia"), ("15", "HI", "Hawaii"),
    ("16", "ID", "Idaho"), ("17", "IL", "Illinois"), ("18", "IN", "Indiana"),
    ("19", "IA", "Iowa"), ("20", "KS", "Kansas"), ("21", "KY", "Kentucky"),
    ("22", "LA", "Louisiana"), ("23", "ME", "Maine"), ("24", "MD", "Maryland"),
    ("25", "MA", "Massachusetts"), ("26", "MI", "Michigan"), ("27", "MN", "Minnesota"),
    ("28", "MS", "Mississippi"), ("29", "MO", "Missouri"), ("30", "MT", "Montana"),
    ("31", "NE", "Nebraska"), ("32", "NV", "Nevada"), ("33", "NH", "New Hampshire"),
    ("34", "NJ", "New Jersey"), ("35", "NM", "New Mexico"), ("36", "NY", "New York"),
    ("37", "NC", "North Carolina"), ("38", "ND", "North Dakota"), ("39", "OH", "Ohio"),
    ("40", "OK", "Oklahoma"), ("41", "OR", "Oregon"), ("42", "PA", "Pennsylvania"),
    ("44", "RI", "Rhode Island"), ("45", "SC", "South Carolina"), ("46", "SD", "South Dakota"),
    ("47", "TN", "Tennessee"), ("48", "TX", "Texas"), ("49", "UT", "Utah"),
    ("50", "VT", "Vermont"), ("51", "VA", "Virginia"), ("53", "WA", "Washington"),
    ("54", "WV", "West Virginia"), ("55", "WI", "Wisconsin"), ("56", "WY", "Wyoming"),
)  # fmt: skip
STATE_NAMES = {usps: name for _, usps, name in STATES}

NAME_FIXES = {"35013": ("Doña Ana", "garbled bytes 0xEB 0xB1 for 'ñ' in county_facts.csv")}

# Census LSAD code -> legal suffix after NAME (county-level LSAD codes of the Census files).
LSAD_SUFFIX = {
    "00": "", "03": "City and Borough", "04": "Borough", "05": "Census Area", "06": "County",
    "12": "Municipality", "13": "Municipio", "15": "Parish", "25": "city",
}  # fmt: skip

# Facts-file counties with no row in the Census 2016 county file: the code changed in 2015. The
# successor's `city` is 'NA' there, so the full name is given here (checked against its NAME).
FULL_NAME_SUCCESSOR = {
    "02270": ("02158", "Kusilvak Census Area", "Wade Hampton Census Area was renamed Kusilvak "
                                               "Census Area (02158) in 2015, same area"),
    "46113": ("46102", "Oglala Lakota County", "Shannon County was renamed Oglala Lakota County "
                                               "(46102) in 2015, same area"),
}  # fmt: skip

# Census-file rows whose `city` is wrong. Each new value is checked against the row's NAME and
# LSAD and against county_aor.csv.
FULL_NAME_FIXES = {
    "02195": ("Petersburg Borough", "city is the old Petersburg Census Area; the row's NAME "
                                    "('petersburg') with LSAD 04 (Borough) and county_aor.csv "
                                    "give Petersburg Borough (incorporated 2013)"),
    "22059": ("LaSalle Parish", "city has the old spelling 'La Salle'; the row's NAME ('lasalle') "
                                "and county_aor.csv give LaSalle Parish"),
    "27111": ("Otter Tail County", "city is 'Todd County', another county (27153); the row's "
                                   "NAME is 'otter tail' with LSAD 06 (County)"),
    "27165": ("Watonwan County", "city (and state code) is 'NA'; the row's NAME is 'watonwan' "
                                 "with LSAD 06 (County)"),
    "35013": ("Doña Ana County", "mis-encoded 'ñ' in city: 'Do±a Ana County' (of the UTF-8 bytes "
                                 "C3 B1, only B1 kept, read as Latin-1 '±'); the row's NAME is "
                                 "'doña ana'"),
}  # fmt: skip

# Facts-file counties that the reference activation file lists under an older code.
ACTIVATION_PREDECESSOR = {
    "02105": ("02232", "Hoonah-Angoon Census Area was split from Skagway-Hoonah-Angoon (02232) "
                       "in 2007"),
    "02230": ("02232", "Skagway Municipality was split from Skagway-Hoonah-Angoon (02232) in 2007"),
    "02195": ("02280", "Petersburg was split from Wrangell-Petersburg Census Area (02280) in 2008"),
    "02275": ("02280", "Wrangell City and Borough was split from Wrangell-Petersburg Census Area "
                       "(02280) in 2008"),
    "02198": ("02201", "Prince of Wales-Hyder Census Area replaced Prince of Wales-Outer Ketchikan "
                       "(02201) in 2008"),
}  # fmt: skip

# Facts-file counties that hhadah lists under their post-2015 code.
HHADAH_SUCCESSOR = {
    "02270": ("02158", "Wade Hampton Census Area was renamed Kusilvak Census Area (02158) in 2015"),
    "46113": ("46102", "Shannon County was renamed Oglala Lakota County (46102) in 2015"),
}

# Facts-file counties missing from county_aor.csv (2015+ codes), and the code that replaced them.
AOR_RELATED = {
    "02270": ("02158", "renamed Kusilvak Census Area (02158) in 2015"),
    "46113": ("46102", "renamed Oglala Lakota County (46102) in 2015"),
}

# Facts-file rows with no 2014 population because the county merged into another one.
MERGED_INTO = {
    "51515": ("51019", "Bedford city merged into Bedford County (51019) on 2013-07-01; the 2014 "
                       "estimate and Hispanic share of 51019 cover the merged county"),
}  # fmt: skip

# Reference activation rows whose code is not a county in the facts file.
REFERENCE_RETIRED = {
    "02201": ("02198", "Prince of Wales-Outer Ketchikan Census Area, replaced by Prince of "
                       "Wales-Hyder (02198) in 2008; its date is used for 02198"),
    "02231": ("02232 02282", "Skagway-Yakutat-Angoon Census Area, split in 1992 into 02232 and "
                             "Yakutat (02282); retired code"),
    "02232": ("02105 02230", "Skagway-Hoonah-Angoon Census Area, split in 2007 into Hoonah-Angoon "
                             "(02105) and Skagway (02230); its date is used for both"),
    "02280": ("02195 02275", "Wrangell-Petersburg Census Area, split in 2008 into Petersburg "
                             "(02195) and Wrangell (02275); its date is used for both"),
    "12025": ("12086", "Dade County, renamed Miami-Dade County in 1997 with code 12086, which has "
                       "its own row; retired code"),
    "30113": ("30031 30067", "Yellowstone National Park (part), annexed to Gallatin (30031) and "
                             "Park (30067) counties in 1997; retired code"),
    "41006": ("", "not a county FIPS code (Oregon county codes are odd, 41001-41071); no county "
                  "in the facts file"),
    "51515": ("51019", "Bedford city, merged into Bedford County (51019) on 2013-07-01; row not "
                       "used"),
    "51560": ("51005", "Clifton Forge city, merged into Alleghany County (51005) in 2001; "
                       "row not used"),
    "51780": ("51083", "South Boston city, merged into Halifax County (51083) in 1995; "
                       "row not used"),
}  # fmt: skip

FIX_COLUMNS = ("table", "key", "field", "old_value", "new_value", "reason")


# ---------------------------------------------------------------- reading


def read_bytes(inp: Input, shared: Path | None) -> bytes:
    """Raw bytes of ``inp`` from ``--shared`` or from the repo copy (plain or ``.gz``)."""
    if shared is not None:
        return (shared / inp.shared_path).read_bytes()
    plain = RAW / inp.source.folder / inp.file
    if plain.exists():
        return plain.read_bytes()
    packed = plain.with_name(plain.name + ".gz")
    if packed.exists():
        return gzip.decompress(packed.read_bytes())
    raise FileNotFoundError(f"{plain} (or {packed.name}); run with --shared to copy it")


def rows(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    """Parse CSV bytes into dicts of strings."""
    return list(csv.DictReader(io.StringIO(data.decode(encoding)), delimiter=delimiter))


def refresh_raw_copies(shared: Path) -> None:
    """Copy each input from ``shared`` into ``data/raw/`` (gzip over 1 MB), and its folder's
    notes file when the repository has none yet: the repository's notes extend the shared ones
    (they list the copies and their license), so they are never overwritten."""
    notes = {(i.source.folder, i.source.shared_dir, i.source.notes) for i in INPUTS}
    for folder, shared_dir, name in sorted(notes):
        if not (RAW / folder / name).exists():
            atomic_write(RAW / folder / name, (shared / shared_dir / name).read_bytes())
    for inp in INPUTS:
        data = read_bytes(inp, shared)
        target = REPO / inp.repo_path(len(data))
        if target.name != inp.file:  # compressed here (a published .gz is copied as is)
            if target.exists() and gzip.decompress(target.read_bytes()) == data:
                continue
            data = gzip.compress(data, compresslevel=9, mtime=0)
        write_if_changed(target, data)


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        atomic_write(path, data)


# ---------------------------------------------------------------- helpers


def share(percent: str) -> str:
    """Percent string -> share in [0, 1] with 4 decimals."""
    value = (Decimal(percent) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"share out of range: {percent}%")
    return f"{value:.4f}"


def to_int(text: str) -> int:
    """Integer from a string that may carry a fractional part (rounded half up)."""
    return int(Decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_index(ym: str) -> int:
    year, month = ym.split("-")[:2]
    return int(year) * 12 + int(month)


def fix(table: str, key: str, field: str, old: str, new: str, reason: str) -> dict[str, str]:
    return dict(zip(FIX_COLUMNS, (table, key, field, old, new, reason), strict=True))


def to_csv(columns: tuple[str, ...], records: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


# ---------------------------------------------------------------- tables


def build_state_codes(facts: list[dict[str, str]], county_aor: list[dict[str, str]]) -> list[dict]:
    """The 51 state rows, checked against the facts file and county_aor.csv."""
    usps = {fips: code for fips, code, _ in STATES}
    names = {fips: name for fips, _, name in STATES}
    for row in facts:
        fips = row["fips"].zfill(5)
        if usps.get(fips[:2]) != row["state_abbreviation"]:
            raise ValueError(f"county_facts.csv: {fips}: state {row['state_abbreviation']}")
    for row in county_aor:
        if row["geoid_state"] in names:
            stated = row["name"].rsplit(", ", 1)[1]
            if stated != names[row["geoid_state"]].lower():
                raise ValueError(f"county_aor.csv: {row['geoid']}: state name {stated!r}")
    return [{"state_fips": f, "state": c, "state_name": n} for f, c, n in STATES]


def read_counties(facts: list[dict[str, str]], fixes: list[dict[str, str]]) -> list[dict]:
    """County rows from the facts file: names cleaned, merged counties folded into successors."""
    by_fips: dict[str, dict[str, str]] = {}
    for row in facts:
        fips = row["fips"].zfill(5)
        if fips.endswith("000"):
            continue  # a U.S. or state summary row
        if fips in by_fips:
            raise ValueError(f"county_facts.csv: duplicate county FIPS {fips}")
        by_fips[fips] = row

    for old, (new, why) in MERGED_INTO.items():
        gone, into = by_fips.pop(old), by_fips[new]
        if int(gone["PST045214"]) != 0:
            raise ValueError(f"county_facts.csv: {old} has a 2014 population; merge not needed")
        pop_into, pop_gone = int(into["POP010210"]), int(gone["POP010210"])
        pop = pop_into + pop_gone
        born = Decimal(into["POP645213"]) * pop_into + Decimal(gone["POP645213"]) * pop_gone
        merged = dict(into, POP010210=str(pop), POP645213=str(born / pop))
        fixes += [
            fix("counties", old, "county_fips", old, new,
                f"{why}; row dropped (its 2014 population is 0)"),
            fix("counties", new, "population_2010", into["POP010210"], str(pop),
                f"adds the Census 2010 population of {old} ({pop_gone}) so 2010 covers the "
                "merged county, as the 2014 estimate does"),
            fix("counties", new, "foreign_born_share", share(into["POP645213"]),
                share(merged["POP645213"]),
                f"mean of {new} ({into['POP645213']}%) and {old} ({gone['POP645213']}%) weighted "
                "by 2010 population; ACS 2009-2013 predates the merger"),
        ]  # fmt: skip
        by_fips[new] = merged

    counties = []
    for fips, row in sorted(by_fips.items()):
        if not row["PST045214"] or int(row["PST045214"]) <= 0:
            raise ValueError(f"county_facts.csv: {fips}: no 2014 population and no merge rule")
        name = row["area_name"].strip()
        if fips in NAME_FIXES:
            new, reason = NAME_FIXES[fips]
            fixes.append(fix("counties", fips, "name", name, new, reason))
            name = new
        counties.append(
            {
                "county_fips": fips,
                "state": row["state_abbreviation"],
                "state_fips": fips[:2],
                "name": name,
                "population": int(row["PST045214"]),
                "population_2010": int(row["POP010210"]),
                "hispanic_share": share(row["RHI725214"]),
                "foreign_born_share": share(row["POP645213"]),
            }
        )
    return counties


def _census_by_geoid(census: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The Census county rows by 5-digit GEOID (each must be well formed and unique)."""
    by_geoid: dict[str, dict[str, str]] = {}
    for row in census:
        geoid = row["GEOID"].zfill(5)  # stored without leading zeros for states 01-09
        if geoid != row["STATEFP"] + row["COUNTYFP"] or geoid in by_geoid:
            raise ValueError(f"county_name_fips_codes.csv: GEOID {row['GEOID']} bad or repeated")
        by_geoid[geoid] = row
    return by_geoid


def _full_name_source(
    c: dict, by_geoid: dict[str, dict[str, str]], fixes: list[dict[str, str]]
) -> tuple[str, dict[str, str], str]:
    """(Census code, Census row, full name) for a county, recording any fix it needs."""
    fips = c["county_fips"]
    row = by_geoid.get(fips)
    if fips in FULL_NAME_SUCCESSOR:
        if row is not None:
            raise ValueError(f"{fips} is in the Census file; drop its successor entry")
        code, full, why = FULL_NAME_SUCCESSOR[fips]
        row = by_geoid[code]
        fixes.append(
            fix("counties", fips, "full_name", "", full,
                f"no row for {fips} in the Census 2016 county file; {why}; name of {code} "
                f"from its NAME and LSAD there (its city is {row['city']!r})")
        )  # fmt: skip
        return code, row, full
    if row is None:
        raise ValueError(f"{fips} {c['name']}: no row in the Census county file")
    if fips in FULL_NAME_FIXES:
        full, why = FULL_NAME_FIXES[fips]
        fixes.append(fix("counties", fips, "full_name", row["city"], full, why))
        return fips, row, full
    if row["code"] != c["state"]:
        raise ValueError(f"county_name_fips_codes.csv: {fips}: state {row['code']!r}")
    return fips, row, row["city"]


def _check_full_name(c: dict, code: str, row: dict[str, str], full: str, stated: str) -> None:
    """The full name must equal NAME + LSAD and county_aor.csv's name (``stated``)."""
    fips = c["county_fips"]
    expected = f"{row['NAME']} {LSAD_SUFFIX[row['LSAD']]}".strip().lower()
    if full.lower() != expected:
        raise ValueError(f"{fips}: full name {full!r}, but NAME + LSAD give {expected!r}")
    if fips in FULL_NAME_FIXES and row["city"].lower() == expected:
        raise ValueError(f"{fips}: city {row['city']!r} is right; drop its fix")
    if stated != f"{full}, {STATE_NAMES[c['state']]}".lower():
        raise ValueError(f"{fips}: full name {full!r}, county_aor.csv {stated!r}")


def add_full_names(
    counties: list[dict],
    census: list[dict[str, str]],
    aor_names: dict[str, str],
    fixes: list[dict[str, str]],
) -> None:
    """Set each county's ``full_name`` from the Census file's ``city`` (explicit fixes only).

    Every full name must equal the Census row's NAME plus its LSAD suffix (case aside) and the
    county name in county_aor.csv, so a wrong ``city`` cannot pass unnoticed.
    """
    by_geoid = _census_by_geoid(census)
    in_model = {c["county_fips"] for c in counties}
    if not set(FULL_NAME_FIXES) | set(FULL_NAME_SUCCESSOR) <= in_model:
        raise ValueError("FULL_NAME_FIXES / FULL_NAME_SUCCESSOR name a county not in the model")
    for c in counties:
        code, row, full = _full_name_source(c, by_geoid, fixes)
        _check_full_name(c, code, row, full, aor_names[code])
        c["full_name"] = full


def _retired_reference_fixes(
    ref_date: dict[str, str], in_model: set[str], fixes: list[dict[str, str]]
) -> None:
    """Reference activation rows for codes that are not counties in the model."""
    unused = sorted(set(ref_date) - in_model)
    if unused != sorted(REFERENCE_RETIRED):
        raise ValueError(f"reference activation: unexplained codes {unused}")
    for code in unused:
        successors, why = REFERENCE_RETIRED[code]
        dates = ", ".join(f"{s} {ref_date.get(s) or 'none'}" for s in successors.split())
        reason = f"{why}; reference date {ref_date[code] or 'none'}"
        reason += f"; successor dates: {dates}" if dates else ""
        fixes.append(fix("reference_activation", code, "county_fips", code, successors, reason))


def _unused_hhadah_fixes(
    hh_month: dict[str, str], in_model: set[str], fixes: list[dict[str, str]]
) -> None:
    """hhadah rows for codes outside the model (retired codes; Puerto Rico as one row)."""
    for code in sorted(set(hh_month) - in_model):
        if code.startswith("72"):
            continue
        why = "not a county in the model (retired or renamed code)"
        if hh_month[code]:
            why += f"; its month {hh_month[code]} is not used"
        fixes.append(fix("hhadah_activation", code, "county_fips", code, "", why))
    pr = sorted(c for c in hh_month if c.startswith("72"))
    if pr:
        fixes.append(
            fix("hhadah_activation", f"{pr[0]}-{pr[-1]}", "county_fips", f"{len(pr)} codes", "",
                "Puerto Rico is outside the model (50 states + DC); "
                f"{sum(1 for c in pr if hh_month[c])} of these rows have a month")
        )  # fmt: skip


def _set_activation(c: dict, ref_date: dict[str, str], fixes: list[dict[str, str]]) -> None:
    """The county's activation date from the reference (or its predecessor's row)."""
    fips = c["county_fips"]
    ref_code = fips
    if fips not in ref_date and fips in ACTIVATION_PREDECESSOR:
        ref_code, why = ACTIVATION_PREDECESSOR[fips]
        fixes.append(
            fix("counties", fips, "activation_date", "", ref_date[ref_code],
                f"no row for {fips} in the reference; used the date of {ref_code} ({why})")
        )  # fmt: skip
    activation = ref_date.get(ref_code, "")
    if not activation:
        raise ValueError(f"{fips} {c['name']}: no activation date in the reference")
    c["activation_date"] = date.fromisoformat(activation).isoformat()


def _set_hhadah_month(c: dict, hh_month: dict[str, str], fixes: list[dict[str, str]]) -> str:
    """The county's hhadah activation month (or its successor's row); returns the code used."""
    fips = c["county_fips"]
    hh_code = fips
    if fips not in hh_month and fips in HHADAH_SUCCESSOR:
        hh_code, why = HHADAH_SUCCESSOR[fips]
        fixes.append(
            fix("counties", fips, "activation_month_hhadah", "", hh_month[hh_code],
                f"no row for {fips} in hhadah; used the row of {hh_code} ({why})")
        )  # fmt: skip
    c["activation_month_hhadah"] = hh_month.get(hh_code, "")
    return hh_code


def _set_aor(
    c: dict,
    aor_of: dict[str, str],
    state_aors: dict[str, Counter[str]],
    fixes: list[dict[str, str]],
) -> None:
    """The county's ICE area; a county missing from county_aor.csv gets its state's most
    common one, recorded as a fix."""
    fips = c["county_fips"]
    if fips in aor_of:
        c["aor"] = aor_of[fips]
        return
    counts = state_aors[c["state_fips"]]
    aor, n = counts.most_common(1)[0]
    reason = (
        f"no row for {fips} in county_aor.csv; filled with {c['state']}'s most common "
        f"AOR ({n} of {counts.total()} counties)"
    )
    if fips in AOR_RELATED:
        related, why = AOR_RELATED[fips]
        reason += f"; {why}, which county_aor.csv assigns to {aor_of[related]}"
    fixes.append(fix("counties", fips, "aor", "", aor, reason))
    c["aor"] = aor


def build_counties(
    facts: list[dict[str, str]],
    reference: list[dict[str, str]],
    hhadah: list[dict[str, str]],
    county_aor: list[dict[str, str]],
    census: list[dict[str, str]],
) -> tuple[list[dict], list[dict], list[dict]]:
    """Return (counties, disagreements, fixes)."""
    fixes: list[dict[str, str]] = []
    ref_date = {r["county_fips"]: r["date_secure"] for r in reference}
    hh_month = {r["county_fips5"]: r["activation_ym"] for r in hhadah}
    aor_of = {r["geoid"]: r["aor"] for r in county_aor}

    counties = read_counties(facts, fixes)
    add_full_names(counties, census, {r["geoid"]: r["name"] for r in county_aor}, fixes)
    in_model = {c["county_fips"] for c in counties}
    if {c["state"] for c in counties} != {code for _, code, _ in STATES}:
        raise ValueError("county_facts.csv: not every state + DC has a county")
    _retired_reference_fixes(ref_date, in_model, fixes)
    _unused_hhadah_fixes(hh_month, in_model, fixes)

    # The state's most common AOR, for counties missing from county_aor.csv.
    state_aors: dict[str, Counter[str]] = defaultdict(Counter)
    for geoid, aor in aor_of.items():
        state_aors[geoid[:2]][aor] += 1

    disagreements = []
    for c in counties:
        _set_activation(c, ref_date, fixes)
        hh_code = _set_hhadah_month(c, hh_month, fixes)
        _set_aor(c, aor_of, state_aors, fixes)
        disagreement = compare_activation(c, hh_code, hh_code in hh_month)
        if disagreement:
            disagreements.append(disagreement)

    fixes.sort(key=lambda f: (f["table"], f["key"], f["field"]))
    return counties, disagreements, fixes


def compare_activation(county: dict, hh_code: str, hh_has_row: bool) -> dict | None:
    """A disagreement row if the two activation sources differ on the month, else None."""
    reference = county["activation_date"]
    hh = county["activation_month_hhadah"]
    if hh == reference[:7]:
        return None
    if not hh:
        apart = ""
        if hh_has_row:
            note = f"hhadah row {hh_code} has no activation month"
        else:
            note = f"hhadah has no row for {hh_code}"
        if hh_code != county["county_fips"]:
            note += f" (successor code of {county['county_fips']})"
    else:
        apart = month_index(hh) - month_index(reference)
        note = f"hhadah is {abs(apart)} month(s) {'later' if apart > 0 else 'earlier'}"
        day = date.fromisoformat(reference)
        if apart == 1 and (day + timedelta(days=1)).day == 1:
            note += "; the reference date is the last day of its month"
    return {
        "county_fips": county["county_fips"],
        "state": county["state"],
        "name": county["name"],
        "date_secure": reference,
        "activation_month_hhadah": hh,
        "months_apart": apart,
        "note": note,
    }


def build_jail_bookings(jails: list[dict[str, str]], ca_counties: set[str]) -> list[dict]:
    """Monthly bookings per California county, summed over its jurisdictions."""
    cells: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    for row in jails:
        month = row["date"][:7]
        if not JAIL_FIRST_MONTH <= month <= JAIL_LAST_MONTH:
            continue
        fips = row["fips_state_county_code"]
        if fips not in ca_counties:
            raise ValueError(f"jail file: {row['jurisdiction']}: unknown county {fips}")
        booked = row["total_num_persons_booked"]
        cells[(fips, month)].append(None if booked == "NA" else int(booked))
    out = []
    for (fips, month), values in sorted(cells.items()):
        present = [v for v in values if v is not None]
        out.append(
            {
                "county_fips": fips,
                "month": month,
                "bookings": sum(present) if present else "",
                "n_jurisdictions": len(values),
                "n_missing": len(values) - len(present),
            }
        )
    return out


def build_aor_population(demog: list[dict[str, str]], aors: set[str]) -> list[dict]:
    """AOR x year population counts (ACS-derived)."""
    out = []
    for row in demog:
        if row["aor"] not in aors:
            raise ValueError(f"aor_demog_indicators.csv: AOR {row['aor']} not in county_aor.csv")
        out.append(
            {
                "aor": row["aor"],
                "year": int(row["year"]),
                "total_pop": int(row["total_pop"]),
                "forborn_pop": int(row["forborn_pop"]),
                "noncitizen_pop": int(row["noncitizen_pop"]),
                "undocu_pop": int(row["undocu_pop"]),
                "undocu_pop_low": to_int(row["undocu_pop_low"]),
                "undocu_pop_upp": to_int(row["undocu_pop_upp"]),
            }
        )
    out.sort(key=lambda r: (r["aor"], r["year"]))
    return out


# ---------------------------------------------------------------- schema and manifest

COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "counties.csv": (
        ("county_fips", "string", "5-digit county FIPS code (as in county_facts.csv, zero-padded)"),
        ("state", "string", "USPS state code"),
        ("state_fips", "string", "2-digit state FIPS code"),
        ("name", "string", "county name as in county_facts.csv (shortened there, ' County' "
                           "omitted), spaces trimmed, the Doña Ana bytes fixed"),
        ("population", "int", "population, July 2014 estimate (PST045214)"),
        ("population_2010", "int", "population, Census 2010 (POP010210; 51019 includes the "
                                  "former Bedford city 51515)"),
        ("hispanic_share", "float", "Hispanic or Latino share of the population, 2014 "
                                    "(RHI725214 / 100, 4 decimals)"),
        ("foreign_born_share", "float", "foreign-born share, ACS 2009-2013 (POP645213 / 100, "
                                        "4 decimals)"),
        ("aor", "string", "ICE ERO area-of-responsibility code (county_aor.csv; gaps filled by "
                          "the state's most common AOR, see fixes.csv)"),
        ("activation_date", "date", "Secure Communities activation date, YYYY-MM-DD (reference "
                                    "date_secure; FIPS mappings in fixes.csv)"),
        ("activation_month_hhadah", "month", "activation month YYYY-MM from the hhadah source; "
                                             "empty if absent there"),
        ("full_name", "string", "official name with its legal suffix ('Autauga County', "
                                "'Anchorage Municipality', 'Bristol city'): city in the Census "
                                "2016 county file, matched on GEOID; renamed codes and bad "
                                "entries in fixes.csv"),
    ),
    "activation_disagreements.csv": (
        ("county_fips", "string", "5-digit county FIPS code"),
        ("state", "string", "USPS state code"),
        ("name", "string", "county name as in counties.csv"),
        ("date_secure", "date", "reference activation date (= counties.activation_date)"),
        ("activation_month_hhadah", "month", "hhadah activation month; empty if absent"),
        ("months_apart", "int", "hhadah month minus reference month; empty if hhadah is absent"),
        ("note", "string", "what differs"),
    ),
    "fixes.csv": (
        ("table", "string", "which table or source the fix concerns (counties, "
                            "reference_activation, hhadah_activation)"),
        ("key", "string", "county FIPS code (or code range) the fix applies to"),
        ("field", "string", "field changed or filled"),
        ("old_value", "string", "value in the raw input (empty if absent)"),
        ("new_value", "string", "value used (for retired codes: the successor code(s))"),
        ("reason", "string", "why, with the FIPS change it reflects"),
    ),
    "ca_jail_bookings_monthly.csv": (
        ("county_fips", "string", "5-digit county FIPS code (California, 06xxx)"),
        ("month", "month", f"YYYY-MM, {JAIL_FIRST_MONTH} .. {JAIL_LAST_MONTH}"),
        ("bookings", "int", "persons booked that month, summed over the county's reporting "
                            "jurisdictions with a value; empty when every jurisdiction's value "
                            "is missing"),
        ("n_jurisdictions", "int", "jurisdiction rows for the county that month"),
        ("n_missing", "int", "of those, rows with total_num_persons_booked missing (NA)"),
    ),
    "aor_population.csv": (
        ("aor", "string", "ICE ERO area-of-responsibility code"),
        ("year", "int", "ACS year"),
        ("total_pop", "int", "total population"),
        ("forborn_pop", "int", "foreign-born population"),
        ("noncitizen_pop", "int", "noncitizen population"),
        ("undocu_pop", "int", "estimated undocumented population"),
        ("undocu_pop_low", "int", "lower bound of undocu_pop (rounded to an integer)"),
        ("undocu_pop_upp", "int", "upper bound of undocu_pop (rounded to an integer)"),
    ),
    "state_codes.csv": (
        ("state_fips", "string", "2-digit state FIPS code (FIPS PUB 5-2)"),
        ("state", "string", "USPS state code"),
        ("state_name", "string", "state name"),
    ),
    **ct.COLUMNS,
}  # fmt: skip
COLUMNS.update(study_panels.COLUMNS)

DESCRIPTIONS = {
    "counties.csv": "One row per U.S. county (50 states + DC) in the Census QuickFacts file: "
    "population, Hispanic and foreign-born shares, ICE AOR and Secure Communities activation "
    "date (reference) with the second source's month alongside, and the official full county "
    "name from the Census 2016 county file.",
    "activation_disagreements.csv": "Every county where the hhadah activation month differs from "
    "the reference date's month or is missing. Recorded, not dropped: counties.csv keeps the "
    "reference date.",
    "fixes.csv": "Every change, fill and FIPS mapping the build applied, and every raw "
    "activation row left out of the model, with its reason.",
    "ca_jail_bookings_monthly.csv": "California Jail Profile Survey monthly bookings per county "
    "(summed over jurisdictions), 2005-01 to 2020-03. Only county-months present in the survey "
    "have a row (Alpine 06003 never reports).",
    "aor_population.csv": "ICE area-of-responsibility populations (total, foreign-born, "
    "noncitizen, undocumented with bounds), 2012-2019, ACS-derived by UWCHR.",
    "state_codes.csv": "The 50 states and DC: FIPS code, USPS code, name. Embedded in the build "
    "script; checked against county_facts.csv and county_aor.csv.",
    **ct.DESCRIPTIONS,
}

FILE_INPUTS = {
    "counties.csv": (FACTS, REFERENCE, HHADAH, COUNTY_AOR, CENSUS_NAMES),
    "activation_disagreements.csv": (FACTS, REFERENCE, HHADAH),
    "fixes.csv": (FACTS, REFERENCE, HHADAH, COUNTY_AOR, CENSUS_NAMES),
    "ca_jail_bookings_monthly.csv": (JAILS, FACTS),
    "aor_population.csv": (AOR_DEMOG, COUNTY_AOR),
    "state_codes.csv": (FACTS, COUNTY_AOR),
    "county_agency_crime.csv": (*TABLE10.values(), FACTS, CENSUS_NAMES),
    "county_agency_crime_agencies.csv": (*TABLE10.values(), FACTS, CENSUS_NAMES),
    "county_crime_all_agencies.csv": (URBAN_RATES, FACTS),
    "county_287g.csv": (AGREEMENTS_287G, FACTS),
    "jail_287g_spells.csv": (AGREEMENTS_287G, FACTS),
    "county_covariates.csv": (FACTS, AGREEMENTS_287G),
    "bookings_model.csv": (JAILS, FACTS, AGREEMENTS_287G),
    "bookings_loco.csv": (JAILS, FACTS, AGREEMENTS_287G),
    "bookings_specs.csv": (JAILS, FACTS, AGREEMENTS_287G),
    "ice_arrests_aor_landmark.csv": (LANDMARKS, COUNTY_AOR),
    "seattle_arrests_monthly.csv": (SEATTLE_ARRESTS,),
    "seattle_bookins_monthly.csv": (SEATTLE_BOOKINS,),
    "seattle_arrests_landmarks.csv": (SEATTLE_ARRESTS,),
    "ice_287g_agency_fy.csv": (REMOVALS_287G,),
    "pierce_race_holds.csv": (PIERCE_RACE,),
    "pierce_hold_bookings.csv": (PIERCE_HOLDS,),
}
DESCRIPTIONS.update(study_panels.DESCRIPTIONS)


def manifest(texts: dict[str, str], raw: dict[Input, bytes]) -> str:
    """MANIFEST.yaml text for the built files."""

    def describe_input(inp: Input) -> dict[str, object]:
        data = raw[inp]
        return {
            "shared_path": inp.shared_path,
            "repo_path": inp.repo_path(len(data)),
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "origin": inp.origin,
            "publisher": inp.source.publisher,
            "terms": inp.source.terms,
            "notes": f"data/raw/{inp.source.folder}/{inp.source.notes}",
        }

    files = {}
    for name, text in texts.items():
        files[name] = {
            "description": DESCRIPTIONS[name],
            "rows": text.count("\n") - 1,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "build_command": BUILD_COMMAND,
            "columns": [{"name": n, "type": t, "meaning": m} for n, t, m in COLUMNS[name]],
            "inputs": [describe_input(i) for i in FILE_INPUTS[name]],
        }
    doc = {
        "about": "Packaged jurisdiction and population data for scomm. Rebuild with the build "
        "command (or without --shared, from the copies in data/raw/). sha256 and bytes of "
        "inputs are of the uncompressed raw file.",
        "files": files,
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


# ---------------------------------------------------------------- calibration data


def calibration_tables(
    raw: dict[Input, bytes], counties: list[dict], facts: list[dict], fixes: list[dict]
) -> dict:
    """The bookings-model covariates, the 287(g) jail spells and the calibration datasets
    (calibration_tables.py); hand fixes they apply are added to ``fixes``."""
    agreements = ct.build_287g_agreements(
        rows(raw[AGREEMENTS_287G]), {c["county_fips"] for c in counties}, fixes
    )
    holds = gzip.decompress(raw[PIERCE_HOLDS])
    return {
        "county_287g.csv": agreements,
        "jail_287g_spells.csv": ct.build_jail_287g_spells(agreements, fixes),
        "county_covariates.csv": ct.build_covariates(counties, facts, agreements),
        "ice_arrests_aor_landmark.csv": ct.build_landmarks(
            rows(raw[LANDMARKS]), {c["aor"] for c in counties}
        ),
        "seattle_arrests_monthly.csv": ct.build_seattle_monthly(
            rows(raw[SEATTLE_ARRESTS]), "arrest_date", "arrest_method"
        ),
        "seattle_bookins_monthly.csv": ct.build_seattle_monthly(
            rows(raw[SEATTLE_BOOKINS]), "book_in_date", "apprehension_method"
        ),
        "seattle_arrests_landmarks.csv": ct.build_seattle_landmarks(rows(raw[SEATTLE_ARRESTS])),
        "ice_287g_agency_fy.csv": ct.build_287g_removals(rows(raw[REMOVALS_287G])),
        "pierce_race_holds.csv": ct.build_pierce_race(rows(raw[PIERCE_RACE])),
        "pierce_hold_bookings.csv": ct.build_pierce_holds(rows(holds, delimiter="|")),
    }


def bookings_model_tables(texts: dict[str, str]) -> dict[str, list[dict]]:
    """Fit the bookings model on the tables just built (scomm.bookings.fit)."""

    def frame(name: str) -> pl.DataFrame:
        header = set(texts[name].split("\n", 1)[0].split(","))
        strings = {"county_fips", "month", "state_fips"} & header
        return pl.read_csv(
            io.BytesIO(texts[name].encode()), schema_overrides={c: pl.String for c in strings}
        )

    table = frame("counties.csv").join(frame("county_covariates.csv"), on="county_fips")
    return fit_tables(frame("ca_jail_bookings_monthly.csv"), table)


# ---------------------------------------------------------------- main


def build(shared: Path | None, out: Path) -> None:
    """Read the raw inputs, write every packaged file into ``out``, print a summary."""
    raw = {inp: read_bytes(inp, shared) for inp in INPUTS}
    facts = rows(raw[FACTS], encoding="latin-1")
    county_aor = rows(raw[COUNTY_AOR])
    states = build_state_codes(facts, county_aor)
    counties, disagreements, fixes = build_counties(
        facts, rows(raw[REFERENCE]), rows(raw[HHADAH]), county_aor, rows(raw[CENSUS_NAMES])
    )
    ca = {c["county_fips"] for c in counties if c["state"] == "CA"}
    bookings = build_jail_bookings(rows(raw[JAILS]), ca)
    aor_pop = build_aor_population(
        rows(raw[AOR_DEMOG], delimiter="|"), {c["aor"] for c in counties}
    )

    crime, agencies = study_panels.build_agency_crime(
        {y: raw[i] for y, i in TABLE10.items()},
        counties,
        {s["state_name"].upper(): s["state"] for s in states},
    )
    all_agency = study_panels.build_all_agency_rates(
        rows(raw[URBAN_RATES]), {c["county_fips"] for c in counties}
    )

    tables = {
        "counties.csv": counties,
        "activation_disagreements.csv": disagreements,
        "fixes.csv": fixes,
        "ca_jail_bookings_monthly.csv": bookings,
        "aor_population.csv": aor_pop,
        "state_codes.csv": states,
        "county_agency_crime.csv": crime,
        "county_agency_crime_agencies.csv": agencies,
        "county_crime_all_agencies.csv": all_agency,
        **calibration_tables(raw, counties, facts, fixes),
    }
    texts = {
        name: to_csv(tuple(c[0] for c in COLUMNS[name]), records)
        for name, records in tables.items()
    }
    for name, records in bookings_model_tables(texts).items():
        tables[name] = records
        texts[name] = to_csv(tuple(c[0] for c in COLUMNS[name]), records)
    with atomic_dir(out) as tmp:
        for name, text in texts.items():
            (tmp / name).write_bytes(text.encode())
        (tmp / "MANIFEST.yaml").write_bytes(manifest(texts, raw).encode())

    missing = sum(1 for d in disagreements if not d["activation_month_hhadah"])
    for name, records in tables.items():
        print(f"{name}: {len(records)} rows")
    print(
        f"activation sources disagree for {len(disagreements)} of {len(counties)} counties: "
        f"{missing} missing in hhadah, {len(disagreements) - missing} with a different month"
    )
    print(f"fixes: {len(fixes)} rows ({sum(f['table'] == 'counties' for f in fixes)} on counties)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, help="shared folder; also refreshes data/raw/")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="output folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.shared is not None:
        refresh_raw_copies(args.shared)
    build(args.shared, args.out)


if __name__ == "__main__":
    main()
