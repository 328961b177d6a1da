"""Synthetic files in the Deportation Data Project's published ICE schemas (tests, benchmarks).

The real DDP tables are millions of rows behind Git LFS and Box links, so tests and the
benchmark use look-alikes: the column names, types, value sets and missing shares of DDP's
late-July-2025 (L1) detainers, arrests and removals (see docs/records.md, "DDP schema"),
with random values. Same ``kind``, ``n`` and ``seed`` give the same rows. Files are written
in chunks, so a 1,000,000-row file needs little memory to generate.

Run ``python -m scomm.records.synthetic KIND N PATH [--seed S]`` to write one.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from scomm.errors import UserError

KINDS = ("detainers", "arrests", "removals")
START = dt.date(2023, 9, 1)
DAYS = (dt.date(2025, 7, 29) - START).days
REDACTION = "b(6), b(7)c"

STATES = ["TX", "CA", "FL", "GA", "AZ", "NY", "NC", "WA", "IL", "NJ", "OR", "CO", "TN", "PA"]
AORS = ["HOU", "LOS", "MIA", "ATL", "PHO", "NYC", "SEA", "CHI", "NEW", "DAL", "SFR", "DEN"]
COUNTRIES = [
    "MEXICO",
    "GUATEMALA",
    "HONDURAS",
    "EL SALVADOR",
    "VENEZUELA",
    "COLOMBIA",
    "ECUADOR",
    "CUBA",
    "DOMINICAN REPUBLIC",
    "INDIA",
    "CHINA, PEOPLES REPUBLIC OF",
    "NICARAGUA",
    "HAITI",
    "BRAZIL",
    "UNITED STATES",
]
COUNTRY_P = [
    0.38,
    0.14,
    0.12,
    0.07,
    0.05,
    0.04,
    0.04,
    0.03,
    0.03,
    0.02,
    0.02,
    0.02,
    0.02,
    0.01,
    0.01,
]
CRIMINALITY = ["1 Convicted Criminal", "2 Pending Criminal Charges", "3 Other Immigration Violator"]
METHODS = [
    "CAP Local Incarceration",
    "CAP State Incarceration",
    "CAP Federal Incarceration",
    "Located",
    "Non-Custodial Arrest",
    "287(g) Program",
    "Other efforts",
]
METHOD_P = [0.45, 0.12, 0.08, 0.12, 0.13, 0.07, 0.03]
MSC = [
    "Driving Under Influence Liquor",
    "Assault",
    "Traffic Offense",
    "Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)",
    "Cocaine - Possession",
    "Larceny",
    "Burglary",
    "Domestic Violence",
    "Sex Assault",
    "Weapon Offense",
    "Robbery",
    "Homicide",
]
PROGRAMS = [
    "Criminal Alien Program",
    "287(g) Program",
    "Fugitive Operations",
    "ERO Criminal Prosecutions",
    "Detained Docket",
]
DETAINER_TYPES = [
    "Immigration Detainer - Notice of Action (I-247A)",
    "Request for Voluntary Notification of Release (I-247N)",
    "Request for Voluntary Transfer (I-247X)",
]
LIFT = [
    "Booked into Detention",
    "Detainer Declined by LEA",
    "Alien Released",
    "Detainer Lifted by ICE",
    "Other",
]
STATUS = [
    "ACTIVE",
    "8-Excluded/Removed - Inadmissibility",
    "6-Deported/Removed - Deportability",
    "3-Voluntary Departure Confirmed",
    "A-Proceedings Terminated",
]
CATEGORY = [
    "[16] Reinstated Final Order",
    "[8F] Expedited Removal",
    "[2A] Deportable - Under Adjudication by IJ",
    "[3] Deportable - Administratively Final Order",
    "[11] Administrative Deportation / Removal",
]
FACILITIES = [
    f"{name} COUNTY JAIL"
    for name in (
        "HARRIS",
        "LOS ANGELES",
        "MIAMI-DADE",
        "GWINNETT",
        "MARICOPA",
        "NASSAU",
        "MECKLENBURG",
        "YAKIMA",
        "COOK",
        "BERGEN",
        "MULTNOMAH",
        "DENVER",
    )
]
YES_NO = ["YES", "NO"]


def _pick(
    rng: np.random.Generator,
    vocab: list[str],
    n: int,
    p: list[float] | None = None,
    missing: float = 0.0,
) -> pl.Series:
    idx = rng.choice(len(vocab), size=n, p=p)
    values = pl.Series(vocab, dtype=pl.String).gather(idx)
    if missing:
        values = values.scatter(np.flatnonzero(rng.random(n) < missing), None)
    return values


def _dates(rng: np.random.Generator, n: int, start: dt.date = START, days: int = DAYS) -> pl.Series:
    offsets = rng.integers(0, days, size=n)
    return pl.Series(np.datetime64(start, "D") + offsets.astype("timedelta64[D]"))


def _seconds(rng: np.random.Generator, n: int) -> pl.Series:
    """A random time of day, as a duration."""
    return pl.Series(rng.integers(0, 86_400_000_000, size=n)).cast(pl.Duration("us"))


def _after(rng: np.random.Generator, base: pl.Series, max_days: int, missing: float) -> pl.Series:
    days = pl.Series(rng.integers(0, max_days, size=len(base)) * 86_400_000_000)
    later = base + days.cast(pl.Duration("us"))
    return later.scatter(np.flatnonzero(rng.random(len(base)) < missing), None)


def _people(
    rng: np.random.Generator, dates: pl.Series, missing: float
) -> tuple[pl.Series, pl.Series]:
    """Person ids and event dates; ~2% of rows repeat the previous row's person and date."""
    n = len(dates)
    ids = pl.Series([f"{x:012x}" for x in rng.integers(0, 2**47, size=n)], dtype=pl.String)
    repeat = np.flatnonzero(rng.random(n) < 0.02)
    repeat = repeat[repeat > 0]
    ids = ids.scatter(repeat, ids.gather(repeat - 1))
    dates = dates.scatter(repeat, dates.gather(repeat - 1))
    return ids.scatter(np.flatnonzero(rng.random(n) < missing), None), dates


def _lineage(n: int, offset: int, workbook: str) -> dict[str, pl.Series]:
    rows = np.arange(offset, offset + n)
    return {
        "file_original": pl.Series([workbook] * n, dtype=pl.String),
        "sheet_original": pl.Series([f"Sheet {r // 1_000_000 + 1}" for r in rows], dtype=pl.String),
        "row_original": pl.Series(rows % 1_000_000 + 7, dtype=pl.Int64),
    }


def _duplicates(people: pl.Series, dates: pl.Series) -> pl.Series:
    """DDP's flag: same person and same date on more than one row; null without an id."""
    frame = pl.DataFrame({"p": people, "d": dates})
    flag = pl.when(pl.col("p").is_null()).then(None).otherwise(pl.len().over("p", "d") > 1)
    return frame.select(flag.alias("duplicate_likely")).to_series()


def _detainers(rng: np.random.Generator, n: int, offset: int) -> pl.DataFrame:
    people, prepare = _people(rng, _dates(rng, n), missing=0.13)
    convicted = rng.random(n) < 0.31
    msc = _pick(rng, MSC, n)
    msc = msc.scatter(np.flatnonzero(~convicted), None)
    apprehended = _after(rng, prepare, 60, missing=0.78)
    apprehension_ts = apprehended.cast(pl.Datetime("us")) + _seconds(rng, n)
    crim = np.where(convicted, 0, rng.choice([1, 2], size=n, p=[0.55, 0.45]))
    birth_country = _pick(rng, COUNTRIES, n, COUNTRY_P)
    birth_country = birth_country.scatter(np.flatnonzero(rng.random(n) < 0.001), REDACTION)
    cols: dict[str, pl.Series] = {
        "detainer_prepare_date": prepare,
        "facility_state": _pick(rng, STATES, n, missing=0.001),
        "facility_aor": _pick(rng, AORS, n, missing=0.21),
        "port_of_departure": _pick(
            rng, ["BROWNSVILLE, TX", "ALEXANDRIA, LA", "EL PASO, TX"], n, missing=0.78
        ),
        "departure_country": _pick(rng, COUNTRIES[:5], n, missing=0.78),
        "departed_date": _after(rng, prepare, 400, missing=0.78),
        "case_status": _pick(rng, STATUS, n, missing=0.53),
        "detainer_prepared_criminality": pl.Series(CRIMINALITY, dtype=pl.String).gather(crim),
        "detention_facility": _pick(rng, FACILITIES, n),
        "detention_facility_code": _pick(rng, [f"F{i:04d}" for i in range(12)], n),
        "facility_city": _pick(rng, ["HOUSTON", "LOS ANGELES", "MIAMI", "PHOENIX"], n),
        "detainer_prep_threat_level": _pick(rng, ["1", "2", "3"], n, missing=0.05),
        "gender": _pick(rng, ["Male", "Female"], n, [0.88, 0.12]),
        "citizenship_country": _pick(rng, COUNTRIES, n, COUNTRY_P),
        "birth_country": birth_country,
        "birth_year": pl.Series(rng.integers(1950, 2007, size=n), dtype=pl.Int32),
        "entry_status": _pick(
            rng,
            ["Entry Without Inspection", "B2 - Visitor for Pleasure", "Lawful Permanent Resident"],
            n,
            missing=0.23,
        ),
        "most_serious_conviction_charge": msc,
        "msc_sentence_days": pl.Series(rng.integers(0, 365, size=n), dtype=pl.Float64),
        "msc_charge_code": msc.str.slice(0, 4).str.to_uppercase(),
        "felon": _pick(rng, YES_NO, n),
        "processing_disposition": _pick(
            rng, ["Notice to Appear", "Reinstatement of Deport Order", "Expedited Removal"], n
        ),
        "case_category": _pick(rng, CATEGORY, n, missing=0.53),
        "final_program": _pick(rng, PROGRAMS, n),
        "apprehension_method": _pick(rng, METHODS, n, METHOD_P, missing=0.78),
        "apprehension_date": apprehension_ts.dt.replace_time_zone("UTC"),
        "final_order_yes_no": _pick(rng, YES_NO, n, missing=0.53),
        "deportation_ordered_yes_no": _pick(rng, YES_NO, n, missing=0.26),
        "resume_custody_yes_no": _pick(rng, YES_NO, n),
        "detainer_lift_reason": _pick(rng, LIFT, n, missing=0.40),
        "detainer_type": _pick(rng, DETAINER_TYPES, n, [0.9, 0.07, 0.03]),
        "unique_identifier": people,
    }
    cols["duplicate_likely"] = _duplicates(people, prepare)
    cols.update(_lineage(n, offset, "ERO Detainers (synthetic).xlsx"))
    return pl.DataFrame(cols)


def _arrests(rng: np.random.Generator, n: int, offset: int) -> pl.DataFrame:
    people, day = _people(rng, _dates(rng, n), missing=0.008)
    ts = day.cast(pl.Datetime("us")) + _seconds(rng, n)
    cols = {
        "apprehension_date": day,
        "apprehension_state": _pick(rng, STATES, n, missing=0.21),
        "apprehension_aor": _pick(rng, AORS, n),
        "final_program": _pick(rng, PROGRAMS, n),
        "final_program_group": _pick(rng, ["ICE", "Other"], n, [0.95, 0.05]),
        "apprehension_method": _pick(rng, METHODS, n, METHOD_P),
        "apprehension_criminality": _pick(rng, CRIMINALITY, n, [0.4, 0.25, 0.35]),
        "case_status": _pick(rng, STATUS, n, missing=0.015),
        "case_category": _pick(rng, CATEGORY, n, missing=0.015),
        "departed_date": _after(rng, day, 300, missing=0.45),
        "departure_country": _pick(rng, COUNTRIES[:5], n, missing=0.45),
        "final_order_yes_no": _pick(rng, YES_NO, n),
        "birth_year": pl.Series(rng.integers(1950, 2007, size=n), dtype=pl.Int32),
        "citizenship_country": _pick(rng, COUNTRIES, n, COUNTRY_P),
        "gender": _pick(rng, ["Male", "Female"], n, [0.9, 0.1]),
        "apprehension_site_landmark": _pick(rng, [*FACILITIES, "NON-SPECIFIC LANDMARK"], n),
        "unique_identifier": people,
        "apprehension_date_time": ts.dt.replace_time_zone("UTC"),
    }
    cols["duplicate_likely"] = _duplicates(people, day)
    cols.update(_lineage(n, offset, "ERO Admin Arrests (synthetic).xlsx"))
    return pl.DataFrame(cols)


def _removals(rng: np.random.Generator, n: int, offset: int) -> pl.DataFrame:
    people, departed = _people(rng, _dates(rng, n, START, DAYS), missing=0.002)
    days = pl.Series(rng.integers(0, 200, size=n) * 86_400_000_000).cast(pl.Duration("us"))
    arrested = departed - days
    crim = _pick(rng, CRIMINALITY, n, [0.33, 0.12, 0.55])
    msc = _pick(rng, MSC, n)
    msc = msc.scatter(np.flatnonzero((crim != CRIMINALITY[0]).to_numpy()), None)
    cols = {
        "departed_date": departed,
        "port_of_departure": _pick(rng, ["BROWNSVILLE, TX", "ALEXANDRIA, LA", "EL PASO, TX"], n),
        "departure_country": _pick(rng, COUNTRIES[:5], n),
        "docket_aor": _pick(rng, AORS, n),
        "apprehension_state": _pick(rng, STATES, n, missing=0.76),
        "case_status": _pick(rng, STATUS[1:3], n),
        "gender": _pick(rng, ["Male", "Female"], n, [0.87, 0.13]),
        "birth_country": _pick(rng, COUNTRIES, n, COUNTRY_P),
        "citizenship_country": _pick(
            rng, COUNTRIES[:-1], n, list(np.array(COUNTRY_P[:-1]) / sum(COUNTRY_P[:-1]))
        ),
        "birth_year": pl.Series(rng.integers(1950, 2007, size=n), dtype=pl.Int32),
        "msc_ncic_charge": msc,
        "msc_ncic_charge_code": msc.str.slice(0, 4).str.to_uppercase(),
        "case_threat_level": _pick(rng, ["1", "2", "3"], n, missing=0.67),
        "case_criminality": crim,
        "processing_disposition": _pick(
            rng, ["Expedited Removal", "Reinstatement of Deport Order", "Notice to Appear"], n
        ),
        "case_category": _pick(rng, CATEGORY, n),
        "final_program": _pick(rng, PROGRAMS, n),
        "latest_person_apprehension_date": arrested,
        "final_order_yes_no": _pick(rng, YES_NO, n, [0.95, 0.05]),
        "prior_deport_yes_no": _pick(rng, YES_NO, n),
        "unique_identifier": people,
    }
    cols["duplicate_likely"] = _duplicates(people, departed)
    cols.update(_lineage(n, offset, "ERO Removals (synthetic).xlsx"))
    return pl.DataFrame(cols)


BUILDERS = {"detainers": _detainers, "arrests": _arrests, "removals": _removals}


def generate(kind: str, n: int, seed: int = 0, *, offset: int = 0) -> pl.DataFrame:
    """``n`` synthetic rows of one DDP table (rows ``offset``.. of the seed's sequence)."""
    if kind not in BUILDERS:
        raise UserError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    rng = np.random.default_rng([seed, offset])
    return BUILDERS[kind](rng, n, offset)


def write(path: Path, kind: str, n: int, seed: int = 0, chunk: int = 250_000) -> Path:
    """Write ``n`` rows to ``path`` (.parquet zstd or .csv) in chunks; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parquet = path.suffix == ".parquet"
    if not parquet and path.suffix != ".csv":
        raise UserError(f"{path}: expected a .parquet or .csv path")
    writer = None
    with path.open("wb") as fh:
        for start in range(0, n, chunk):
            frame = generate(kind, min(chunk, n - start), seed, offset=start)
            if parquet:
                table = frame.to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(fh, table.schema, compression="zstd")
                writer.write_table(table)
            else:
                frame.write_csv(fh, include_header=start == 0)
        if writer is not None:
            writer.close()
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: write one synthetic file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("n", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write(args.path, args.kind, args.n, args.seed)


if __name__ == "__main__":
    main()
