"""County-year crime panels for ``scomm study`` (read by build_package_data.py).

Two sources:

- FBI *Crime in the United States* Table 10, offenses known to county law-enforcement agencies
  (sheriffs and county police), 2006-2016: one CSV a year, year-specific layouts. Agency rows are
  matched to a county by state and name, then summed per county and year.
- Urban Institute all-agency county crime rates for 2015 and 2017 (a post-period check).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict

TABLE10_YEARS = tuple(range(2006, 2017))

# Offense columns after the two label columns, by layout (SOURCES.md of the shared folder).
LAYOUT_2006 = (
    "violent", "murder", "rape", "robbery", "aggravated_assault",
    "property", "burglary", "larceny", "motor_vehicle_theft", "arson",
)  # fmt: skip
LAYOUT_2013 = (
    "violent", "murder", "rape", "rape_legacy", "robbery", "aggravated_assault",
    "property", "burglary", "larceny", "motor_vehicle_theft", "arson",
)  # fmt: skip
OFFENSES = LAYOUT_2006

# Suffixes that name a county police department rather than the sheriff (longest first).
POLICE_SUFFIXES = (
    " County Unified Police Department",
    " County Police Department",
    " County Bureau of Police",
    " Police Department",
    " Public Safety",
)

# Table 10 names that do not match a county of the state as printed: (state, name) -> (county
# name to look up, reason). Each was checked against the row's neighbors in the file.
NAME_ALIASES = {
    ("IN", "Bartholemew"): ("Bartholomew", "misspelled in the 2016 file"),
    ("KS", "Pottawattamie"): ("Pottawatomie", "Kansas's Pottawatomie County, printed with the "
                                              "spelling of Iowa's Pottawattamie"),
    ("MI", "Allegany"): ("Allegan", "Michigan has Allegan County (no Allegany)"),
    ("MD", "Allegheny"): ("Allegany", "Maryland's Allegany County, misspelled"),
    ("NV", "Story"): ("Storey", "Nevada's Storey County, misspelled"),
    ("NY", "Duchess"): ("Dutchess", "New York's Dutchess County, misspelled"),
    ("GA", "Augusta-Richmond"): ("Richmond", "Augusta-Richmond County (consolidated 1996) is "
                                            "Richmond County, 13245"),
    ("TN", "Hartsville-Trousdale"): ("Trousdale", "Hartsville/Trousdale County (consolidated) "
                                                  "is Trousdale County, 47169"),
    ("TN", "Hartsville/Trousdale"): ("Trousdale", "Hartsville/Trousdale County (consolidated) "
                                                  "is Trousdale County, 47169"),
}  # fmt: skip

AGENCY_COLUMNS = (
    "state", "agency", "county_fips", "kind", "match", "note", "first_year", "last_year",
    "years",
)  # fmt: skip


def normalize(name: str) -> str:
    """Lower-case letters only, accents removed: 'Prince George's' -> 'princegeorges'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def county_keys(counties: list[dict]) -> dict[tuple[str, str], str]:
    """(USPS, normalized name) -> FIPS for every county that is not an independent city.

    Both the QuickFacts short name and the Census full name (less its legal suffix) are keys,
    so renamed counties match under either name (Shannon / Oglala Lakota, 46113)."""
    suffix = re.compile(r" (County|Parish|Borough|Census Area|Municipality|City and Borough)$")
    keys: dict[tuple[str, str], str] = {}
    for c in counties:
        if c["full_name"].endswith(" city"):  # independent cities have no county agency
            continue
        for name in (c["name"], suffix.sub("", c["full_name"])):
            key = (c["state"], normalize(name))
            if keys.setdefault(key, c["county_fips"]) != c["county_fips"]:
                raise ValueError(f"two counties share the name key {key}")
    return keys


def parse_state(label: str, names: dict[str, str]) -> str:
    """'ALABAMA - Metropolitan Counties2' (any year's layout) -> 'AL'."""
    match = re.match(r"([A-Z][A-Z ]*[A-Z])", label.strip())
    if match is None or match.group(1) not in names:
        raise ValueError(f"Table 10: unreadable state label {label!r}")
    if not re.search(r"(Nonmetropolitan|Metropolitan) Counties", label):
        raise ValueError(f"Table 10: label without county group {label!r}")
    return names[match.group(1)]


def split_agency(raw: str) -> tuple[str, bool, str]:
    """'Glynn County Police Department5' -> ('Glynn County Police Department', True, 'Glynn')."""
    text = raw.strip()
    base = re.sub(r"[\d,\s]+$", "", text)
    footnoted = base != text and bool(re.search(r"\d", text[len(base) :]))
    county = base
    for suffix in POLICE_SUFFIXES:
        if county.endswith(suffix):
            county = county[: -len(suffix)]
            break
    county = re.sub(r" County$", "", county)
    return base, footnoted, county


def to_count(cell: str) -> int | None:
    """'1,977' -> 1977; '' -> None (not reported)."""
    text = cell.strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"Table 10: not a count {cell!r}")
    return int(text)


def read_table10(year: int, data: bytes, state_names: dict[str, str]) -> list[dict]:
    """Agency rows of one year: state, agency, footnoted, county (name) and the offense counts."""
    layout = LAYOUT_2006 if year <= 2012 else LAYOUT_2013
    out, state = [], None
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        if row[0].strip():
            state = parse_state(row[0], state_names)
        if state is None or not row[1].strip():
            raise ValueError(f"Table 10 {year}: row before any state label or without name")
        agency, footnoted, county = split_agency(row[1])
        counts = dict(zip(layout, (to_count(c) for c in row[2 : 2 + len(layout)]), strict=True))
        if any(c.strip() for c in row[2 + len(layout) :]):
            raise ValueError(f"Table 10 {year}: values past the layout in {row!r}")
        out.append({"year": year, "state": state, "agency": agency, "footnoted": footnoted,
                    "county": county, **{k: counts[k] for k in OFFENSES}})  # fmt: skip
    return out


def match_agency(row: dict, keys: dict[tuple[str, str], str]) -> tuple[str, str, str]:
    """(FIPS, 'exact' | 'alias', note) for an agency row; unknown names raise ValueError."""
    alias = NAME_ALIASES.get((row["state"], row["county"]))
    name, how, note = (alias[0], "alias", alias[1]) if alias else (row["county"], "exact", "")
    fips = keys.get((row["state"], normalize(name)))
    if fips is None:
        raise ValueError(f"Table 10 {row['year']}: no county for {row['state']} {row['agency']!r}")
    return fips, how, note


def _sum(values: list[int | None]) -> int | None:
    """Sum over agencies; unknown if any agency left the cell blank."""
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def build_agency_crime(
    years: dict[int, bytes], counties: list[dict], state_names: dict[str, str]
) -> tuple[list[dict], list[dict]]:
    """County-year sums of Table 10 agency rows, and the agency -> county matches."""
    keys = county_keys(counties)
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    agencies: dict[tuple[str, str], dict] = {}
    for year, data in sorted(years.items()):
        for row in read_table10(year, data, state_names):
            fips, how, note = match_agency(row, keys)
            groups[(fips, year)].append(row)
            kind = "sheriff" if row["county"] == re.sub(r" County$", "", row["agency"]) else (
                "county police")  # fmt: skip
            entry = agencies.setdefault(
                (row["state"], row["agency"]),
                {"state": row["state"], "agency": row["agency"], "county_fips": fips,
                 "kind": kind, "match": how, "note": note, "years": []},
            )  # fmt: skip
            if entry["county_fips"] != fips:
                raise ValueError(f"Table 10: {row['agency']!r} matched two counties")
            entry["years"].append(year)
    panel = [_county_year(fips, year, rows) for (fips, year), rows in groups.items()]
    panel.sort(key=lambda r: (r["county_fips"], r["year"]))
    matches = [_agency_row(a) for a in agencies.values()]
    matches.sort(key=lambda r: (r["state"], r["agency"]))
    return panel, matches


def _distinct(fips: str, year: int, rows: list[dict]) -> list[dict]:
    """Drop exact repeats of an agency row (2011 prints Clark IN and Story IA under both the
    metropolitan and the nonmetropolitan heading with the same counts); a repeat with other
    counts raises."""
    seen: dict[str, dict] = {}
    for r in rows:
        kept = seen.setdefault(r["agency"], r)
        if any(kept[k] != r[k] for k in (*OFFENSES, "footnoted")):
            raise ValueError(f"Table 10 {year}: {r['agency']!r} ({fips}) listed twice, differently")
    return list(seen.values())


def _county_year(fips: str, year: int, listed: list[dict]) -> dict:
    rows = _distinct(fips, year, listed)
    names = sorted(r["agency"] for r in rows)
    out: dict[str, object] = {"county_fips": fips, "year": year}
    for k in OFFENSES:
        out[k] = _sum([r[k] for r in rows])
    out["n_agencies"] = len(rows)
    out["footnoted"] = int(any(r["footnoted"] for r in rows))
    out["agencies"] = "; ".join(names)
    out["repeated_rows"] = len(listed) - len(rows)
    return out


def _agency_row(a: dict) -> dict:
    years = sorted(set(a["years"]))
    return {**{k: a[k] for k in AGENCY_COLUMNS[:6]}, "first_year": years[0],
            "last_year": years[-1], "years": len(years)}  # fmt: skip


# ---------------------------------------------------------------- Urban Institute all-agency rates

# Urban's 2015/2017 file uses the post-2015 codes; the model's counties keep the older ones.
URBAN_SUCCESSOR = {"02158": "02270", "46102": "46113"}


def build_all_agency_rates(rows: list[dict[str, str]], fips: set[str]) -> list[dict]:
    """Urban Institute rates per county-year, on the model's FIPS codes (values as printed)."""
    out = []
    for r in rows:
        code = r["state"].zfill(2) + r["county"].zfill(3)
        code = URBAN_SUCCESSOR.get(code, code)
        if code not in fips:
            raise ValueError(f"crimerate_county_2015_2017.csv: {code} is not a model county")
        for col in ("violent_crime_rate", "property_crime_rate"):
            if r[col]:
                float(r[col])  # must parse
        out.append(
            {
                "county_fips": code,
                "year": int(r["year"]),
                "violent_rate": r["violent_crime_rate"],
                "property_rate": r["property_crime_rate"],
                "quality": r["crime_rate_quality"],
            }
        )
    out.sort(key=lambda r: (r["county_fips"], r["year"]))
    keys = [(r["county_fips"], r["year"]) for r in out]
    if len(set(keys)) != len(keys):
        raise ValueError("crimerate_county_2015_2017.csv: duplicate county-year")
    return out


# ---------------------------------------------------------------- schema

AGENCY_CRIME_COLUMNS = (
    ("county_fips", "string", "5-digit county FIPS code (model counties; independent cities "
                              "never appear: they have no county agency)"),
    ("year", "int", "calendar year of the CIUS edition, 2006-2016"),
    ("violent", "int", "violent crime known to the county's sheriff and county police "
                       "(murder, rape, robbery, aggravated assault; rape under the revised "
                       "definition from 2013); empty if any agency left it blank"),
    ("murder", "int", "murder and nonnegligent manslaughter"),
    ("rape", "int", "forcible rape to 2012, rape (revised definition) from 2013"),
    ("robbery", "int", "robbery"),
    ("aggravated_assault", "int", "aggravated assault"),
    ("property", "int", "property crime (burglary, larceny-theft, motor vehicle theft; arson "
                        "is not part of the FBI total)"),
    ("burglary", "int", "burglary"),
    ("larceny", "int", "larceny-theft"),
    ("motor_vehicle_theft", "int", "motor vehicle theft"),
    ("arson", "int", "arson"),
    ("n_agencies", "int", "agency rows summed (a sheriff and a county police department "
                          "can both report)"),
    ("footnoted", "int", "1 if any summed agency carries a CIUS footnote mark (incomplete or "
                         "non-comparable reporting; the footnote text is in the .xls tables, "
                         "not copied)"),
    ("repeated_rows", "int", "exact repeats of an agency row dropped (2011 prints two agencies "
                             "under both headings)"),
    ("agencies", "string", "the agency names summed, '; '-separated, footnote marks removed"),
)  # fmt: skip

AGENCY_MATCH_COLUMNS = (
    ("state", "string", "USPS state code (from the state heading)"),
    ("agency", "string", "agency name as printed, footnote marks removed"),
    ("county_fips", "string", "county it was matched to"),
    ("kind", "string", "sheriff (the county's name alone) or county police (a police "
                       "department, bureau of police or public-safety agency)"),
    ("match", "string", "exact (state and name, accents, case and punctuation ignored) or "
                        "alias (a misspelling or consolidated name, see note)"),
    ("note", "string", "why an alias maps where it does"),
    ("first_year", "int", "first year the agency appears"),
    ("last_year", "int", "last year the agency appears"),
    ("years", "int", "number of years it appears"),
)  # fmt: skip

ALL_AGENCY_COLUMNS = (
    ("county_fips", "string", "5-digit county FIPS code (46102 and 02158 mapped to the model's "
                              "46113 and 02270)"),
    ("year", "int", "2015 or 2017"),
    ("violent_rate", "float", "violent crimes per 100,000 residents, all agencies in the county "
                              "(as printed; empty if no data)"),
    ("property_rate", "float", "property crimes (incl. arson) per 100,000 residents, all "
                               "agencies"),
    ("quality", "int", "1 NYC (state DCJS data), 2 coverage indicator >= 80, 3 below 80, "
                       "empty no data"),
)  # fmt: skip

COLUMNS = {
    "county_agency_crime.csv": AGENCY_CRIME_COLUMNS,
    "county_agency_crime_agencies.csv": AGENCY_MATCH_COLUMNS,
    "county_crime_all_agencies.csv": ALL_AGENCY_COLUMNS,
}

DESCRIPTIONS = {
    "county_agency_crime.csv": "FBI CIUS Table 10, 2006-2016: offenses known to county "
    "law-enforcement agencies (sheriffs and county police) summed per county and year. Covers "
    "the areas those agencies police (mostly unincorporated), not whole counties; only counties "
    "that appear in a year's table have a row.",
    "county_agency_crime_agencies.csv": "Every Table 10 agency name and the county it was "
    "matched to, with the rule used (exact or a documented alias).",
    "county_crime_all_agencies.csv": "Urban Institute (mobility-from-poverty) all-agency county "
    "crime rates for 2015 and 2017, from Kaplan's county UCR file: a post-period check.",
}
