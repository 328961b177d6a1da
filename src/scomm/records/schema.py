"""The canonical record schema: one table of columns shared by every canonical table.

Every input row becomes exactly one canonical record (rows are never added or dropped). The
records are split by kind into canonical tables (``arrests``, ``book_ins``, ``detainers``,
``removals``, ``jail_charges``), all with the columns below; a column that a source does not
record is null. Which source column feeds each canonical column is declared by the adapters
(``scomm.records.adapters``); ``scomm.records.docs`` joins the two into the data dictionary
printed in docs/records.md. This module imports nothing from the rest of ``scomm.records``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

TABLES: dict[str, str] = {
    "arrests": "ICE administrative arrests (apprehensions), one row per arrest event",
    "book_ins": "book-ins into ICE detention, one row per book-in",
    "detainers": "ICE detainers (immigration holds) lodged with jails and prisons",
    "removals": "removals and returns carried out by ICE, one row per departure",
    "jail_charges": (
        "charges on county-jail bookings with or without an immigration hold; one row per "
        "charge, so a booking with three charges has three rows sharing one booking_key"
    ),
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, Polars type and meaning."""

    name: str
    dtype: pl.DataType
    meaning: str
    group: str


def _c(name: str, dtype: pl.DataType, meaning: str, group: str) -> Column:
    return Column(name, dtype, meaning, group)


COLUMNS: tuple[Column, ...] = (
    # --- lineage -------------------------------------------------------------------------
    _c(
        "record_id",
        pl.String(),
        "stable id: first 12 hex digits of the input file's sha256, "
        "':' and source_row; unique across a load",
        "lineage",
    ),
    _c(
        "source_file",
        pl.String(),
        "file name of the input as given to `scomm records load`",
        "lineage",
    ),
    _c(
        "source_sheet",
        pl.String(),
        "worksheet name for spreadsheet inputs; null for CSV and Parquet",
        "lineage",
    ),
    _c(
        "source_row",
        pl.Int64(),
        "row in the input: the physical line for CSV (header = line 1, "
        "so the first record is 2), the 1-based row number for Parquet",
        "lineage",
    ),
    _c("adapter", pl.String(), "the adapter (input format) that read the row", "lineage"),
    _c(
        "origin_file",
        pl.String(),
        "upstream lineage carried by the input (DDP "
        "`file_original`/`file`): the ICE workbook the row came from",
        "lineage",
    ),
    _c("origin_sheet", pl.String(), "upstream worksheet (DDP `sheet_original`/`sheet`)", "lineage"),
    _c("origin_row", pl.Int64(), "upstream Excel row (DDP `row_original`/`row`)", "lineage"),
    # --- the event -----------------------------------------------------------------------
    _c(
        "table",
        pl.String(),
        "canonical table: arrests, book_ins, detainers, removals or jail_charges",
        "event",
    ),
    _c(
        "event_date",
        pl.Date(),
        "date of the recorded event: arrest, ICE book-in, detainer "
        "preparation, departure (removal) or jail booking",
        "event",
    ),
    _c(
        "state",
        pl.String(),
        "USPS code of the state where the event happened (jail or arrest "
        "state); null when the source has none or a non-state label (kept in state_raw)",
        "event",
    ),
    _c(
        "state_raw",
        pl.String(),
        "the source's state value before validation (e.g. UWCHR's AMBIGUOUS / OTHER labels)",
        "event",
    ),
    _c("aor", pl.String(), "ICE ERO area of responsibility (e.g. SEA = Seattle)", "event"),
    _c("county", pl.String(), "county of the jail, where the source is one county's jail", "event"),
    _c(
        "facility",
        pl.String(),
        "place: apprehension landmark (arrests), detention facility "
        "(book-ins), the jail or prison holding the person (detainers), the jail (jail_charges)",
        "event",
    ),
    _c(
        "arrest_method",
        pl.String(),
        "ICE apprehension method as recorded (e.g. 'CAP Local "
        "Incarceration', 'Non-Custodial Arrest', 'Located')",
        "event",
    ),
    _c(
        "jail_based",
        pl.Boolean(),
        "true when arrest_method is 'CAP Local Incarceration' (ICE "
        "took custody from a local jail, the route Secure Communities feeds); null when the "
        "method is not recorded",
        "event",
    ),
    _c(
        "program",
        pl.String(),
        "ICE program credited (DDP final_program, e.g. 'Criminal Alien Program', '287(g) Program')",
        "event",
    ),
    # --- the person's record ---------------------------------------------------------------
    _c(
        "criminality",
        pl.String(),
        "ICE criminality class: convicted, pending_charges or "
        "other_immigration_violator; null where the source has no such field",
        "person",
    ),
    _c(
        "convicted",
        pl.Boolean(),
        "any criminal conviction on record: criminality = convicted, "
        "or (files without criminality) a most-serious conviction is present; false when none "
        "is recorded",
        "person",
    ),
    _c(
        "msc",
        pl.String(),
        "most serious criminal conviction (NCIC description) as recorded",
        "person",
    ),
    _c("msc_code", pl.String(), "NCIC code of the most serious conviction", "person"),
    _c(
        "msc_category",
        pl.String(),
        "broad category of msc (lookups/msc_categories.csv): "
        "homicide, sex_offense, violent, weapons, drugs, dui, traffic, property_fraud, "
        "immigration, justice_violation, public_order, other; null without a conviction",
        "person",
    ),
    _c("threat_level", pl.String(), "ICE threat level 1-3 as recorded", "person"),
    _c("gender", pl.String(), "male, female or unknown", "person"),
    _c("race", pl.String(), "race as recorded by the jail (Pierce County only)", "person"),
    _c("citizenship", pl.String(), "country of citizenship, upper case", "person"),
    _c("birth_country", pl.String(), "country of birth, upper case", "person"),
    _c("birth_year", pl.Int32(), "year of birth", "person"),
    _c(
        "birth_date", pl.Date(), "date of birth (FOIA-redacted in every file seen so far)", "person"
    ),
    _c(
        "event_number",
        pl.String(),
        "ICE event number (FOIA-redacted in the Seattle files)",
        "person",
    ),
    _c(
        "person_key",
        pl.String(),
        "anonymised person identifier (DDP unique_identifier); links rows within one release only",
        "person",
    ),
    _c(
        "booking_key",
        pl.String(),
        "jail booking identifier (hashed by UWCHR); the rows of one booking share it",
        "person",
    ),
    # --- custody and outcome -------------------------------------------------------------
    _c(
        "arrest_date", pl.Date(), "ICE apprehension date linked to a detainer or removal", "custody"
    ),
    _c("release_date", pl.Date(), "date of release from jail custody", "custody"),
    _c(
        "departed_date",
        pl.Date(),
        "date the person left the United States (removal or return)",
        "custody",
    ),
    _c(
        "custody_days",
        pl.Float64(),
        "days in jail custody: release minus booking timestamp, in days (fractional)",
        "custody",
    ),
    _c(
        "immigration_hold",
        pl.Boolean(),
        "the jail held an ICE detainer (hold) on the person for this booking",
        "custody",
    ),
    _c("charge", pl.String(), "criminal charge on the jail booking (one per row)", "custody"),
    _c(
        "charge_level",
        pl.String(),
        "most serious charge class on the booking: felony, misdemeanor or other",
        "custody",
    ),
    _c(
        "release_disposition",
        pl.String(),
        "how the jail booking ended (e.g. 'Immigration', 'Cancel Detainer', 'Time Served')",
        "custody",
    ),
    _c("detainer_type", pl.String(), "ICE detainer form/type as recorded", "custody"),
    _c(
        "detainer_lift_reason",
        pl.String(),
        "why the detainer ended; null is not 'honored'",
        "custody",
    ),
    # --- quality flags ---------------------------------------------------------------------
    _c(
        "redacted_fields",
        pl.List(pl.String()),
        "canonical fields whose source value was a FOIA "
        "redaction marker such as '(b)(6),(b)(7)c)' or '(b)(7)e)'; those fields are null",
        "flag",
    ),
    _c(
        "dup_group",
        pl.String(),
        "record_id of the first record of a group of likely duplicates "
        "(see dup_basis); null when the record has no duplicate. Duplicates are never dropped",
        "flag",
    ),
    _c(
        "dup_basis",
        pl.String(),
        "rule that formed dup_group: person_date (same person_key, "
        "event_date and, for detainers, facility, within one file) or identical_fields (no person "
        "id: every recorded field equal, which two different people can share)",
        "flag",
    ),
)

SCHEMA: dict[str, pl.DataType] = {c.name: c.dtype for c in COLUMNS}
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
LINEAGE = tuple(c.name for c in COLUMNS if c.group == "lineage")
#: Columns the load step fills for every format: lineage, the table and the quality flags.
FILLED_BY_LOAD = (
    "record_id",
    "source_file",
    "source_sheet",
    "source_row",
    "adapter",
    "table",
    "redacted_fields",
    "dup_group",
    "dup_basis",
)
#: Upstream lineage, filled from a format's ``lineage`` (the DDP files carry it), else null.
UPSTREAM = ("origin_file", "origin_sheet", "origin_row")
#: Columns that are not part of a record's content (used by the identical_fields duplicate rule).
NON_CONTENT = (*LINEAGE, "redacted_fields", "dup_group", "dup_basis")


def empty_frame() -> pl.DataFrame:
    """A zero-row frame with the canonical schema."""
    return pl.DataFrame(schema=SCHEMA)
