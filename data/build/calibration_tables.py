"""Tables for the bookings model and the calibration data, built from the raw copies.

Called by ``build_package_data.py``; each function takes parsed raw rows and returns the rows of
one packaged table. The tables keep the sources' own categories (landmark strings, arrest
methods, conviction labels, agency names): every interpretation of them (landmark classes,
conviction levels, agency -> county) is a hand table under ``src/scomm/calibration_data/lookups``
applied when the data are loaded, so a reader can see and change it without a rebuild.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

# county_facts.csv columns kept as bookings-model covariates: (output column, facts code, kind).
# kind "share" divides a percent by 100 (4 decimals); "number" keeps the published figure.
COVARIATES = (
    ("land_area_sq_mi", "LND110210", "number"),
    ("density_2010", "POP060210", "number"),
    ("poverty_share", "PVY020213", "share"),
    ("median_household_income", "INC110213", "number"),
    ("black_share", "RHI225214", "share"),
    ("white_non_hispanic_share", "RHI825214", "share"),
    ("under_18_share", "AGE295214", "share"),
    ("age_65_plus_share", "AGE775214", "share"),
    ("bachelors_share", "EDU685213", "share"),
    ("homeownership_share", "HSG445213", "share"),
)
# A 287(g) jail-enforcement agreement counts for a county's covariate when the reconstruction
# attests it at some time in this window (the California fit window and the S-Comm years).
JAIL_287G_WINDOW = ("2008-01-01", "2014-12-31")
JAIL_MODEL = "Jail Enforcement"


def _share(percent: str) -> str:
    value = (Decimal(percent) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"share out of range: {percent}%")
    return f"{value:.4f}"


def _split_fips(text: str) -> list[str]:
    """'49053; 5143' -> ['05143', '49053'] (leading zeros restored, duplicates dropped)."""
    return sorted({part.strip().zfill(5) for part in text.split(";") if part.strip()})


# Hand fixes of the reconstruction's county codes: (state, agency) -> (raw FIPS, fixed, reason).
FIPS_FIXES_287G = {
    ("ARKANSAS", "Washington County Sheriff's Office"): (
        "49053; 5143",
        "05143",
        "the row joins two agencies (county_name 'Washington County, UT; Washington County, AR'); "
        "this row is the Arkansas sheriff (state ARKANSAS, ICE's FOIA counts under 'Washington "
        "County Sheriff Office AR'), so only 05143; 49053 is Washington County, Utah, whose own "
        "agreement the reconstruction lists without a county, model or dates",
    ),
}


def fixed_287g_fips(row: dict[str, str], fixes: list[dict[str, str]] | None = None) -> str:
    """The row's county FIPS with the hand fixes applied (each recorded in ``fixes``)."""
    found = FIPS_FIXES_287G.get((row["state"], row["agency"]))
    if found is None or row["county_fips"] != found[0]:
        return row["county_fips"]
    if fixes is not None:
        fixes.append(
            {
                "table": "county_287g",
                "key": f"{row['state']}|{row['agency']}",
                "field": "county_fips",
                "old_value": found[0],
                "new_value": found[1],
                "reason": found[2],
            }
        )
    return found[1]


def build_287g_agreements(
    agreements: list[dict[str, str]], fips: set[str], fixes: list[dict[str, str]] | None = None
) -> list[dict]:
    """One row per (county, agreement) of the reconstruction that names a county (county codes
    hand-fixed, ``FIPS_FIXES_287G``)."""
    out = []
    for row in agreements:
        raw = fixed_287g_fips(row, fixes)
        for code in _split_fips(raw):
            if code not in fips:
                raise ValueError(f"287(g) agreements: {row['agency']}: unknown county {code}")
            out.append(
                {
                    "county_fips": code,
                    "state": row["state"],
                    "agency": row["agency"],
                    "models": row["models"],
                    "first_signed": row["first_signed_best"],
                    "active_from": row["active_from"],
                    "active_to": row["active_to"],
                    "terminated": row["terminated"],
                    "confidence": row["confidence"],
                    "shared_fips": "yes" if ";" in raw else "no",
                }
            )
    out.sort(key=lambda r: (r["county_fips"], r["agency"]))
    return out


# The jail channel (scomm.jurisdictions.agreements_287g): one spell per county and
# jail-enforcement agreement. The reconstruction's dates are interval-censored attestations;
# these are the hand-set dates where a source says more, each with its reason.
_NEW_MOA_2009 = (
    "2009-07-10",
    "DHS announced eleven new 287(g) agreements, this one among them, on 10 Jul 2009 (DHS "
    "release pr_1247246453625, quoted in the ACLU's FOIA request of 14 Jul 2009); the "
    "reconstruction's date is the re-signing of every agreement under the standardized MOA",
)
START_FIXES_287G = {
    ("13135", "Gwinnett County Sheriff's Office"): _NEW_MOA_2009,
    ("34025", "Monmouth County Sheriff's Office"): _NEW_MOA_2009,
    ("45019", "Charleston County Sheriff's Office"): _NEW_MOA_2009,
}
_NJ_2019 = (
    "2019-09-26",
    "New Jersey's revised Immigrant Trust Directive of 27 Sep 2019 barred 287(g) deputization "
    "(NorthJersey.com; secondary): the agreement ends the day before",
)
END_FIXES_287G = {
    ("04013", "Maricopa County Sheriff's Office"): (
        "2011-12-15",
        "ICE Director's letter to the Maricopa County Attorney of 15 Dec 2011: 'effective "
        "immediately, DHS is terminating MCSO's 287(g) jail model agreement' (agency letter, "
        "read in the Scribd copy 75878015)",
    ),
    ("06037", "Los Angeles County Sheriff's Office"): (
        "2015-05-12",
        "the Board of Supervisors voted 3-2 on 12 May 2015 to end the agreement, effective "
        "immediately (ABC7; LA Times, 13 May 2015; news)",
    ),
    ("48201", "Harris County Sheriff's Office"): (
        "2017-02-21",
        "the sheriff's notice to ICE of 21 Feb 2017 ending the jail agreement (KHOU; Houston "
        "Public Media; news)",
    ),
    ("06059", "Orange County Sheriff's Office"): (
        "2017-12-31",
        "California's SB 54, in effect 1 Jan 2018, bars California law enforcement from "
        "performing the functions of an immigration officer under 8 U.S.C. 1357(g) (Gov. Code "
        "7284.6(a)(1)(G); statute)",
    ),
    ("34025", "Monmouth County Sheriff's Office"): _NJ_2019,
    ("34009", "Cape May County Sheriffs Office"): _NJ_2019,
}
LAST_ROSTER_287G = "2017-08-01"  # still listed on ICE's last roster: an attestation, not an end


def _city_police(agency: str) -> bool:
    """A city police department (its holding facility books a part of the county's arrests);
    a metropolitan police department that runs the county jail (Las Vegas) is not one."""
    return "Police Department" in agency and "Metropolitan" not in agency


def _spell_start(row: dict, key: tuple[str, str]) -> tuple[str, str, str]:
    """(start, kind, reason): the signing date where it is not after the first attestation,
    else the attestation (the signing date is then a re-signing), unless a source dates it."""
    if key in START_FIXES_287G:
        day, why = START_FIXES_287G[key]
        return day, "announced", why
    signed, seen = row["first_signed"], row["active_from"]
    if signed and (not seen or signed <= seen):
        return signed, "signed", ""
    return seen, "attested", "signing date later than the first attestation (a re-signing)"


def _spell_end(row: dict, key: tuple[str, str]) -> tuple[str, str, str]:
    """(end, kind, reason): a confirmed end, else the last attestation; still on ICE's last
    roster means no end is known (censored: the spell stays open)."""
    if key in END_FIXES_287G:
        day, why = END_FIXES_287G[key]
        return day, "confirmed", why
    if row["active_to"] == LAST_ROSTER_287G:
        return "", "censored", "still on ICE's last roster (2017-08-01): assumed to continue"
    return row["active_to"], "attested", "last attestation (the true end is on or after it)"


def build_jail_287g_spells(agreements: list[dict], fixes: list[dict[str, str]]) -> list[dict]:
    """One row per county and 287(g) jail-enforcement agreement (``county_287g.csv`` rows),
    with the start and end the jail channel uses and where each comes from; city police
    departments are left out (recorded in ``fixes``)."""
    out = []
    for row in agreements:
        if JAIL_MODEL not in row["models"]:
            continue
        key = (row["county_fips"], row["agency"])
        if _city_police(row["agency"]):
            fixes.append(
                {
                    "table": "jail_287g_spells",
                    "key": f"{key[0]}|{key[1]}",
                    "field": "included",
                    "old_value": "yes",
                    "new_value": "no",
                    "reason": "a city police department: its holding facility books a part of "
                    "the county's arrests, so a county-wide jail channel would overstate it",
                }
            )
            continue
        start, start_kind, start_why = _spell_start(row, key)
        end, end_kind, end_why = _spell_end(row, key)
        out.append(
            {
                "county_fips": key[0],
                "state": row["state"],
                "agency": key[1],
                "start": start,
                "start_kind": start_kind,
                "end": end,
                "end_kind": end_kind,
                "confidence": row["confidence"],
                "basis": "; ".join(x for x in (start_why, end_why) if x),
            }
        )
    return out


def _jail_287g_in_window(row: dict) -> bool:
    """A jail-model agreement attested (or signed) by the window's end and active after its
    start: the reconstruction's dates are interval-censored, so this is "known active"."""
    if JAIL_MODEL not in row["models"]:
        return False
    starts = [d for d in (row["first_signed"], row["active_from"]) if d]
    start = min(starts) if starts else ""
    end = row["active_to"] or start
    lo, hi = JAIL_287G_WINDOW
    return bool(start) and start <= hi and end >= lo


def build_covariates(
    counties: list[dict], facts: list[dict[str, str]], agreements: list[dict]
) -> list[dict]:
    """County covariates of the bookings model, one row per model county."""
    by_fips = {r["fips"].zfill(5): r for r in facts}
    jail = Counter(a["county_fips"] for a in agreements if _jail_287g_in_window(a))
    out = []
    for c in counties:
        row = by_fips[c["county_fips"]]
        rec: dict[str, object] = {"county_fips": c["county_fips"]}
        for name, code, kind in COVARIATES:
            value = row[code].strip()
            if not value:
                raise ValueError(f"county_facts.csv: {c['county_fips']}: {code} is empty")
            rec[name] = _share(value) if kind == "share" else value
        rec["jail_287g"] = 1 if jail[c["county_fips"]] else 0
        out.append(rec)
    return out


def build_landmarks(rows: list[dict[str, str]], aors: set[str]) -> list[dict]:
    """ICE ERO arrests FY2012-FY2023 by AOR and apprehension landmark, as published (the
    unnamed row-index column dropped; 'NA' landmarks kept as the text 'NA')."""
    out, seen = [], set()
    for row in rows:
        key = (row["aor"], row["apprehension_landmark"])
        if row["aor"] not in aors:
            raise ValueError(f"apprehension_landmark_aor: unknown AOR {row['aor']!r}")
        if key in seen:
            raise ValueError(f"apprehension_landmark_aor: repeated AOR x landmark {key}")
        seen.add(key)
        n = int(row["total"])
        if n <= 0:
            raise ValueError(f"apprehension_landmark_aor: {key}: total {n}")
        out.append({"aor": key[0], "apprehension_landmark": key[1], "arrests": n})
    out.sort(key=lambda r: (r["aor"], r["apprehension_landmark"]))
    return out


def build_seattle_monthly(rows: list[dict[str, str]], date: str, method: str) -> list[dict]:
    """Seattle-AOR events by state, month, method and most serious conviction (counts)."""
    cells: Counter[tuple[str, str, str, str]] = Counter()
    for row in rows:
        day = row[date]
        if len(day) < 7 or day[4] != "-":
            raise ValueError(f"Seattle records: bad {date} {day!r}")
        cells[(row["state"], day[:7], row[method], row["most_serious_conviction"])] += 1
    return [
        {"state": s, "month": m, "method": a, "most_serious_conviction": c, "count": n}
        for (s, m, a, c), n in sorted(cells.items())
    ]


def build_seattle_landmarks(rows: list[dict[str, str]]) -> list[dict]:
    """Seattle-AOR arrests by apprehension landmark and arrest method (counts): the one place
    where a landmark and the method of the same arrest are both known."""
    cells: Counter[tuple[str, str]] = Counter(
        (row["apprehension_landmark"], row["arrest_method"]) for row in rows
    )
    return [
        {"apprehension_landmark": lm, "method": m, "count": n}
        for (lm, m), n in sorted(cells.items())
    ]


def build_287g_removals(rows: list[dict[str, str]]) -> list[dict]:
    """ICE's 287(g) identified / removed counts by agency and fiscal year, as released
    (blank = not reported, kept blank)."""
    keep = (
        "state",
        "agency",
        "agency_raw",
        "fiscal_year",
        "identified",
        "removed",
        "attests_active",
        "source_footnote",
    )
    out = []
    for row in rows:
        for k in ("identified", "removed"):
            if row[k] and int(row[k]) < 0:
                raise ValueError(f"287(g) removals: {row['agency']} {row['fiscal_year']}: {k}")
        out.append({k: row[k] for k in keep})
    out.sort(key=lambda r: (r["state"], r["agency"], int(r["fiscal_year"])))
    return out


def build_pierce_race(rows: list[dict[str, str]]) -> list[dict]:
    """Pierce County jail bookings and bookings with an ICE detainer by race (UWCHR's table;
    the 'Total' row dropped after checking it is the sum)."""
    body = [r for r in rows if r["race"] != "Total"]
    total = next(r for r in rows if r["race"] == "Total")
    for k in ("n", "detainer_count"):
        if sum(int(r[k]) for r in body) != int(total[k]):
            raise ValueError(f"race_hold_table.csv: {k} does not add up to the Total row")
    return [
        {
            "race": r["race"].replace(" \\cr ", " "),
            "bookings": int(r["n"]),
            "bookings_with_detainer": int(r["detainer_count"]),
        }
        for r in body
    ]


def build_pierce_holds(rows: list[dict[str, str]]) -> list[dict]:
    """Pierce County bookings with an immigration hold, one row per booking reduced to
    counts by month, race, born in the U.S., release to immigration, cancelled detainer and
    the most serious charge's felony flag."""
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        first.setdefault(row["booking_id"], row)
    cells: Counter[tuple[str, ...]] = Counter()
    for row in first.values():
        if row["imm_hold"] != "1":
            raise ValueError(f"allholds.csv: booking {row['booking_id'][:8]} has no hold flag")
        cells[
            (
                row["booking_dt"][:7],
                row["race_desc"],
                row["born_in_us"].lower(),
                row["release_to_imm"],
                row["cancel_detainer"],
                row["felony"],
            )
        ] += 1
    names = ("month", "race", "born_in_us", "released_to_ice", "detainer_cancelled", "felony")
    return [dict(zip(names, key, strict=True), bookings=n) for key, n in sorted(cells.items())]


# ---------------------------------------------------------------- schema and descriptions

_COVARIATE_MEANINGS = {
    "land_area_sq_mi": "land area in square miles, 2010 (LND110210)",
    "density_2010": "persons per square mile, 2010 (POP060210)",
    "poverty_share": "persons in poverty, 2009-2013 (PVY020213 / 100)",
    "median_household_income": "median household income in dollars, 2009-2013 (INC110213)",
    "black_share": "Black or African American alone, 2014 (RHI225214 / 100)",
    "white_non_hispanic_share": "White alone, not Hispanic or Latino, 2014 (RHI825214 / 100)",
    "under_18_share": "persons under 18 years, 2014 (AGE295214 / 100)",
    "age_65_plus_share": "persons 65 years and over, 2014 (AGE775214 / 100)",
    "bachelors_share": "bachelor's degree or higher, age 25+, 2009-2013 (EDU685213 / 100)",
    "homeownership_share": "homeownership rate, 2009-2013 (HSG445213 / 100)",
}
_MODEL_TERMS = ("intercept", "log_density", "poverty_share", "log_alpha")

COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "county_287g.csv": (
        ("county_fips", "string", "5-digit county FIPS code (leading zero restored; a row "
                                  "naming several counties is repeated for each)"),
        ("state", "string", "state as the reconstruction spells it (upper case)"),
        ("agency", "string", "agency name (ICE's latest spelling)"),
        ("models", "string", "287(g) support types seen, e.g. 'Jail Enforcement'"),
        ("first_signed", "date", "earliest signing date found in any source"),
        ("active_from", "date", "first date a source attests the agreement (true start is on "
                                "or before it)"),
        ("active_to", "date", "last date a source attests it (true end is on or after it)"),
        ("terminated", "string", "TRUE if absent from ICE's final roster (2017-08-01)"),
        ("confidence", "string", "high / medium / low, as the reconstruction grades it"),
        ("shared_fips", "string", "yes if the source row names several counties"),
    ),
    "jail_287g_spells.csv": (
        ("county_fips", "string", "5-digit county FIPS code"),
        ("state", "string", "state as the reconstruction spells it (upper case)"),
        ("agency", "string", "agency name (ICE's latest spelling)"),
        ("start", "date", "first day the jail channel counts the agreement"),
        ("start_kind", "string", "signed (earliest signing date), attested (first attestation, "
                                 "where the signing date is a later re-signing) or announced "
                                 "(a dated announcement)"),
        ("end", "date", "last day (empty: no end known, the spell stays open)"),
        ("end_kind", "string", "confirmed (a dated termination), attested (last attestation: "
                               "the true end is on or after it) or censored (still on ICE's "
                               "last roster, 2017-08-01)"),
        ("confidence", "string", "high / medium / low, as the reconstruction grades it"),
        ("basis", "string", "why a date was set or chosen, with its source"),
    ),
    "county_covariates.csv": (
        ("county_fips", "string", "5-digit county FIPS code (the model's 3,142 counties)"),
        *((name, "float", meaning) for name, meaning in _COVARIATE_MEANINGS.items()),
        ("jail_287g", "int", "1 if a 287(g) Jail Enforcement agreement of the county is attested "
                             f"between {JAIL_287G_WINDOW[0]} and {JAIL_287G_WINDOW[1]} "
                             "(county_287g.csv), else 0"),
    ),
    "bookings_model.csv": (
        ("term", "string", f"coefficient ({', '.join(_MODEL_TERMS[:-1])}) or log_alpha, the "
                           "log of the NB2 dispersion (variance of the gamma county effect)"),
        ("estimate", "float", "maximum-likelihood estimate (8 significant digits)"),
        ("std_error", "float", "standard error (square root of the covariance diagonal)"),
        ("fit_min", "float", "smallest value of the term among the fitting counties (terms "
                             "are clipped to [fit_min, fit_max] when predicting)"),
        ("fit_max", "float", "largest value of the term among the fitting counties"),
        *((f"cov_{t}", "float", f"covariance with {t}") for t in _MODEL_TERMS),
    ),
    "bookings_loco.csv": (
        ("county_fips", "string", "California county left out of the fit"),
        ("months", "int", "complete months of the county in the fit window"),
        ("observed_per_year", "int", "reported bookings per year (over those months)"),
        ("model_per_year", "int", "bookings per year predicted by the model fitted without "
                                  "the county"),
        ("baseline_per_year", "int", "bookings per year under the population-share baseline "
                                     "(the other counties' pooled rate)"),
        ("model_log_error", "float", "log(model / observed)"),
        ("baseline_log_error", "float", "log(baseline / observed)"),
        ("interval_05_per_year", "int", "5% point of the model's predictive distribution "
                                        "(coefficients, dispersion, county effect, Poisson)"),
        ("interval_95_per_year", "int", "95% point of that distribution"),
        ("inside_interval", "string", "yes if the observed value lies in the 90% interval"),
    ),
    "bookings_specs.csv": (
        ("specification", "string", "the covariates compared (first row: the baseline)"),
        ("terms", "string", "term names (scomm.bookings.covariates)"),
        ("log_likelihood", "float", "NB2 log-likelihood of the fit on all counties"),
        ("alpha", "float", "NB2 dispersion of that fit"),
        ("median_abs_log_error", "float", "leave-one-county-out median |log(pred / obs)|"),
        ("rms_log_error", "float", "leave-one-county-out root mean square log error"),
        ("weighted_abs_log_error", "float", "leave-one-county-out |log error| weighted by "
                                            "observed bookings"),
        ("chosen", "string", "yes for the specification the model uses"),
    ),
    "ice_arrests_aor_landmark.csv": (
        ("aor", "string", "ICE ERO area of responsibility (24 AOR codes)"),
        ("apprehension_landmark", "string", "apprehension landmark as released ('NA' as in "
                                            "the source)"),
        ("arrests", "int", "ICE ERO arrests FY2012-FY2023 (year to date) at that landmark, "
                           "summed over the years (the source has no year)"),
    ),
    "seattle_arrests_monthly.csv": (
        ("state", "string", "state of the arrest as UWCHR assigned it (WA, OR, OTHER, "
                            "AMBIGUOUS, NA)"),
        ("month", "month", "YYYY-MM of arrest_date, 2012-01 .. 2019-07"),
        ("method", "string", "arrest_method as released (e.g. 'CAP Local Incarceration')"),
        ("most_serious_conviction", "string", "most_serious_conviction as released ('NA' = "
                                              "none recorded)"),
        ("count", "int", "ICE arrests"),
    ),
    "seattle_bookins_monthly.csv": (
        ("state", "string", "state as UWCHR assigned it (WA, OR, AK)"),
        ("month", "month", "YYYY-MM of book_in_date, 2012-01 .. 2019-07"),
        ("method", "string", "apprehension_method as released"),
        ("most_serious_conviction", "string", "most_serious_conviction as released ('NA' = "
                                              "none recorded)"),
        ("count", "int", "book-ins into ICE detention"),
    ),
    "seattle_arrests_landmarks.csv": (
        ("apprehension_landmark", "string", "apprehension_landmark as released"),
        ("method", "string", "arrest_method as released"),
        ("count", "int", "ICE arrests in the Seattle AOR 2012-01..2019-07"),
    ),
    "ice_287g_agency_fy.csv": (
        ("state", "string", "state (upper case, as released)"),
        ("agency", "string", "ICE's internal agency name"),
        ("agency_raw", "string", "name as released; a trailing '*' marks an unexplained "
                                 "footnote"),
        ("fiscal_year", "int", "federal fiscal year (Oct-Sep), 2006-2013"),
        ("identified", "int", "people identified under the agency's 287(g) agreement; empty = "
                              "not reported"),
        ("removed", "int", "of those, removed; empty = not reported"),
        ("attests_active", "string", "TRUE when identified > 0 or removed > 0"),
        ("source_footnote", "string", "TRUE when agency_raw carries the footnote mark"),
    ),
    "pierce_race_holds.csv": (
        ("race", "string", "race as the Pierce County jail recorded it"),
        ("bookings", "int", "bookings 2015-12-22 .. 2018-07-23"),
        ("bookings_with_detainer", "int", "of those, bookings with an ICE detainer (UWCHR's "
                                          "count)"),
    ),
    "pierce_hold_bookings.csv": (
        ("month", "month", "YYYY-MM of the booking"),
        ("race", "string", "race as recorded"),
        ("born_in_us", "string", "true / false: place of birth recorded in the U.S."),
        ("released_to_ice", "string", "1 if any charge was released to immigration"),
        ("detainer_cancelled", "string", "1 if a detainer was cancelled"),
        ("felony", "string", "1 if the most serious booking charge is a felony"),
        ("bookings", "int", "bookings with an immigration hold"),
    ),
}  # fmt: skip

DESCRIPTIONS = {
    "county_287g.csv": "287(g) agreements of the Deportation Data Project reconstruction that "
    "name a county, one row per county and agreement (statewide agreements and rows without a "
    "county are left out).",
    "jail_287g_spells.csv": "The 287(g) jail-enforcement agreements the model's 287(g) channel "
    "uses: one row per county and agreement of county_287g.csv with a jail model, from its "
    "start to its end, with the source of each hand-set date (city police departments left "
    "out; see fixes.csv).",
    "county_covariates.csv": "Covariates of the bookings model for every model county: Census "
    "QuickFacts density, poverty, income, age, race, education, homeownership, and 287(g) jail "
    "agreements known active in 2008-2014.",
    "bookings_model.csv": "The bookings model fitted by scomm.bookings.fit: NB2 regression of "
    "California county bookings 2008-01..2014-12 (complete months, 57 counties; exposure = Census "
    "2010 population x months / 12) on log density and poverty; coefficients, log dispersion and "
    "their joint covariance.",
    "bookings_loco.csv": "Leave-one-county-out check of the bookings model inside California: "
    "each county's bookings predicted by the model fitted without it and by the population-share "
    "baseline, with the model's 90% predictive interval.",
    "bookings_specs.csv": "The covariate specifications compared by leaving counties out, with "
    "the population-share baseline; the chosen one is stored in bookings_model.csv.",
    "ice_arrests_aor_landmark.csv": "ICE ERO arrests by area of responsibility and apprehension "
    "landmark, summed over FY2012-FY2023 (year to date), as UWCHR published them.",
    "seattle_arrests_monthly.csv": "ICE arrests in the Seattle AOR 2012-01..2019-07 counted by "
    "state, month, arrest method and most serious conviction (from the individual records).",
    "seattle_bookins_monthly.csv": "Book-ins into ICE detention in the Seattle AOR 2012-01..2019-07 "
    "counted by state, month, apprehension method and most serious conviction.",
    "seattle_arrests_landmarks.csv": "ICE arrests in the Seattle AOR 2012-01..2019-07 counted "
    "by apprehension landmark and arrest method: the crosswalk that checks how landmarks "
    "classify arrest methods.",
    "ice_287g_agency_fy.csv": "ICE's 287(g) identified and removed counts by agency and fiscal "
    "year FY2006-2013 (FOIA), as the Deportation Data Project released them.",
    "pierce_race_holds.csv": "Pierce County (WA) jail bookings 2015-12..2018-07 and those with an "
    "ICE detainer, by race (UWCHR's published table).",
    "pierce_hold_bookings.csv": "Pierce County (WA) jail bookings with an immigration hold, "
    "2015-12..2018-07, counted by month, race, U.S. birth, release to ICE, cancelled detainer and "
    "felony charge (from UWCHR's hold-level file).",
}
