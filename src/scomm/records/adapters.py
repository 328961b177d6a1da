"""Adapters: one per input format, each mapping source columns to the canonical schema.

An adapter is declarative: for each canonical column, the source column(s) and the kind of
conversion. ``Adapter.build`` turns a lazily scanned input (all-string CSV or typed Parquet)
into a LazyFrame with every canonical column plus ``_raw_*`` helper columns that the
validation step reads (the source value before conversion) and drops afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from scomm.errors import UserError
from scomm.records import clean
from scomm.records.schema import COLUMNS, SCHEMA

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")


@dataclass(frozen=True)
class F:
    """How one canonical column is filled.

    ``src`` lists alternative source names (cleaned, first present wins); two-source kinds
    (``days_between``, ``felony_misdemeanor``) use ``args`` instead. ``kind`` is one of
    text, upper, date, int, gender, state, bool, criminality, const, days_between,
    felony_misdemeanor.
    """

    kind: str
    src: tuple[str, ...] = ()
    const: object = None
    args: tuple[str, ...] = ()


def f(kind: str, *src: str, const: object = None, args: tuple[str, ...] = ()) -> F:
    """Shorthand for a field spec."""
    return F(kind, tuple(src), const, args)


@dataclass(frozen=True)
class Adapter:
    """An input format: its canonical table, how to read it, and its column map."""

    name: str
    table: str
    description: str
    fields: dict[str, F]
    required: tuple[str, ...]
    upstream_lineage: bool = False

    # -- documentation ---------------------------------------------------------------------
    def describe_source(self, column: str) -> str:
        """The source of a canonical column, for the data dictionary."""
        spec = self.fields.get(column)
        if column in (
            "record_id",
            "source_file",
            "source_sheet",
            "source_row",
            "adapter",
            "table",
            "redacted_fields",
            "dup_group",
            "dup_basis",
        ):
            return "(load)"
        if column in ("origin_file", "origin_sheet", "origin_row"):
            part = column.removeprefix("origin_")
            return f"`{part}_original` / `{part}`" if self.upstream_lineage else "—"
        if spec is None:
            return self._derived_source(column)
        if spec.kind == "const":
            return f"= {spec.const!r}"
        names = spec.args if spec.args else spec.src
        return " / ".join(f"`{n}`" for n in names)

    def _derived_source(self, column: str) -> str:
        if column == "jail_based" and "arrest_method" in self.fields:
            return "from arrest_method"
        if column == "convicted":
            if "criminality" in self.fields:
                return "from criminality"
            if "msc" in self.fields:
                return "msc present"
        if column == "msc_category" and "msc" in self.fields:
            return "from msc"
        return "—"

    # -- detection -------------------------------------------------------------------------
    def present(self, columns: set[str], spec: F) -> list[str]:
        """The source names of ``spec`` that exist in ``columns`` (alternatives: the first)."""
        if spec.args:
            return [a for a in spec.args if a in columns]
        return (
            [next(s for s in spec.src if s in columns)]
            if any(s in columns for s in spec.src)
            else []
        )

    def missing_required(self, columns: set[str]) -> list[str]:
        """Required source columns (or their alternatives) absent from ``columns``."""
        out = []
        for name in self.required:
            spec = self.fields[name]
            wanted = spec.args or spec.src
            if spec.args:
                out += [a for a in spec.args if a not in columns]
            elif not any(s in columns for s in wanted):
                out.append(" or ".join(wanted))
        return out

    def known_sources(self) -> set[str]:
        """Every source column name this adapter reads (all alternatives)."""
        names = (
            {"file_original", "sheet_original", "row_original", "file", "sheet", "row"}
            if self.upstream_lineage
            else set()
        )
        for spec in self.fields.values():
            names.update(spec.src)
            names.update(spec.args)
        return names

    # -- mapping ---------------------------------------------------------------------------
    def build(
        self, lf: pl.LazyFrame, schema: dict[str, pl.DataType], keep: list[str] | None = None
    ) -> pl.LazyFrame:
        """Canonical columns plus ``_raw_*`` helpers (and ``keep``) from a scanned input.

        Two projections: first each string source used is cleaned once (markers and
        null spellings to null, hand fixes applied) with its redaction flag beside it; then
        the canonical columns are converted from those.
        """
        cols = set(schema)
        plan = {name: self.present(cols, spec) for name, spec in self.fields.items()}
        text_sources = sorted({u for used in plan.values() for u in used if schema[u] == pl.String})
        prepared = lf.with_columns(expr for u in text_sources for expr in self._prepare(u))
        exprs: list[pl.Expr] = []
        redacted: list[pl.Expr] = []
        for name, spec in self.fields.items():
            used = plan[name]
            if spec.kind == "const":
                exprs.append(pl.lit(spec.const, SCHEMA[name]).alias(name))
                continue
            if len(used) < max(1, len(spec.args)):
                exprs.append(pl.lit(None, SCHEMA[name]).alias(name))
                continue
            sources = [pl.col(f"__src_{u}") if schema[u] == pl.String else pl.col(u) for u in used]
            redacted += [
                pl.when(pl.col(f"__red_{u}")).then(pl.lit(name))
                for u in used
                if schema[u] == pl.String
            ]
            dtypes = [schema[u] for u in used]
            exprs.append(_convert(spec.kind, sources, dtypes).alias(name))
            if len(used) == 1:
                exprs.append(_as_text(sources[0], schema[used[0]]).alias(f"_raw_{name}"))
        if self.upstream_lineage:
            exprs += _upstream(cols, schema)
        red_list = (
            pl.concat_list(redacted).list.drop_nulls()
            if redacted
            else pl.lit([], pl.List(pl.String))
        )
        out = prepared.select(*(keep or []), *exprs, red_list.alias("redacted_fields"))
        return out.with_columns(self._derive())

    def _prepare(self, name: str) -> tuple[pl.Expr, pl.Expr]:
        """A string source cleaned once (``__src_``) and its redaction flag (``__red_``)."""
        raw = pl.col(name).str.strip_chars()
        red = clean.is_redacted(raw)
        value = pl.when(red | raw.is_in(clean.NULL_STRINGS)).then(pl.lit(None, pl.String))
        value = value.otherwise(raw)
        fixes = clean.fixes_for(self.name, name)
        if fixes:
            good = pl.Series([fx.good for fx in fixes], dtype=pl.String)
            value = value.replace([fx.bad for fx in fixes], good)
        return value.alias(f"__src_{name}"), red.alias(f"__red_{name}")

    def _derive(self) -> list[pl.Expr]:
        out: list[pl.Expr] = []
        if "arrest_method" in self.fields:
            method = pl.col("arrest_method").str.to_lowercase()
            out.append((method == "cap local incarceration").alias("jail_based"))
        else:
            out.append(pl.lit(None, pl.Boolean).alias("jail_based"))
        if "criminality" in self.fields:
            out.append((pl.col("criminality") == "convicted").alias("convicted"))
        elif "msc" in self.fields:
            out.append(pl.col("msc").is_not_null().alias("convicted"))
        else:
            out.append(pl.lit(None, pl.Boolean).alias("convicted"))
        if "msc" in self.fields:
            out.append(clean.msc_category(pl.col("msc")).alias("msc_category"))
        else:
            out.append(pl.lit(None, pl.String).alias("msc_category"))
        return out


def _as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return expr if dtype == pl.String else expr.cast(pl.String)


def _upstream(cols: set[str], schema: dict[str, pl.DataType]) -> list[pl.Expr]:
    out = []
    for canon, names, dtype in (
        ("origin_file", ("file_original", "file"), pl.String),
        ("origin_sheet", ("sheet_original", "sheet"), pl.String),
        ("origin_row", ("row_original", "row"), pl.Int64),
    ):
        name = next((n for n in names if n in cols), None)
        expr = pl.col(name).cast(dtype, strict=False) if name else pl.lit(None, dtype)
        out.append(expr.alias(canon))
    return out


def _to_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    text = expr.cast(pl.String).str.strip_chars()
    head = text.str.slice(0, 10)
    return pl.coalesce(
        *[head.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS],
    )


def _to_datetime(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        return expr.dt.replace_time_zone(None) if dtype.time_zone else expr
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us"),
        text.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us"),
        text.str.to_datetime("%m/%d/%Y %H:%M", strict=False, time_unit="us"),
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
    )


def _mapped(expr: pl.Expr, table: dict[str, object], dtype: pl.DataType) -> pl.Expr:
    key = expr.cast(pl.String).str.strip_chars().str.to_uppercase()
    return key.replace_strict(list(table), list(table.values()), default=None, return_dtype=dtype)


def _convert(kind: str, src: list[pl.Expr], dtypes: list[pl.DataType]) -> pl.Expr:
    """One canonical value from its source expression(s)."""
    s, dtype = src[0], dtypes[0]
    if kind == "text":
        return s.cast(pl.String)
    if kind == "upper":
        return s.cast(pl.String).str.to_uppercase()
    if kind == "date":
        return _to_date(s, dtype)
    if kind == "int":
        return s.cast(pl.Float64, strict=False).cast(pl.Int32, strict=False)
    if kind == "gender":
        return _mapped(s, clean.GENDER, pl.String)
    if kind == "criminality":
        return _mapped(s, clean.CRIMINALITY, pl.String)
    if kind == "bool":
        if dtype == pl.Boolean:
            return s
        return _mapped(s, clean.BOOLEAN, pl.Boolean)
    if kind == "state":
        key = s.cast(pl.String).str.strip_chars().str.to_uppercase()
        names = list(clean.STATE_NAMES)
        by_name = key.replace_strict(
            names, list(clean.STATE_NAMES.values()), default=None, return_dtype=pl.String
        )
        return pl.when(key.is_in(sorted(clean.USPS))).then(key).otherwise(by_name)
    if kind == "days_between":
        start, end = (_to_datetime(e, t) for e, t in zip(src, dtypes, strict=True))
        return (end - start).dt.total_seconds(fractional=True) / 86400.0
    if kind == "felony_misdemeanor":
        fel, mis = (_mapped(e, clean.BOOLEAN, pl.Boolean) for e in src)
        return (
            pl.when(fel)
            .then(pl.lit("felony"))
            .when(mis)
            .then(pl.lit("misdemeanor"))
            .when(fel.is_not_null() & mis.is_not_null())
            .then(pl.lit("other"))
            .otherwise(pl.lit(None, pl.String))
        )
    raise ValueError(f"unknown field kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# The formats. Source names are cleaned (janitor-style), so raw ICE headers such as
# "Detainer Prepare Date" match as detainer_prepare_date.
# ---------------------------------------------------------------------------------------------

SEA = "SEA"

SEATTLE_ARRESTS = Adapter(
    name="seattle-arrests",
    table="arrests",
    description="UWCHR ice-enforce aor-seattle arrests_with_state.csv: ICE arrests in the "
    "Seattle AOR (WA, OR, AK), 2012-01-01..2019-07-05, FOIA 2018-ICFO-36170",
    fields={
        "event_date": f("date", "arrest_date"),
        "state": f("state", "state"),
        "state_raw": f("text", "state"),
        "aor": f("const", const=SEA),
        "facility": f("text", "apprehension_landmark"),
        "arrest_method": f("text", "arrest_method"),
        "msc": f("text", "most_serious_conviction"),
        "gender": f("gender", "gender"),
        "citizenship": f("upper", "country_of_citizenship"),
        "birth_date": f("date", "date_of_birth"),
        "event_number": f("text", "event_number"),
    },
    required=(
        "event_date",
        "state",
        "facility",
        "arrest_method",
        "msc",
        "gender",
        "citizenship",
        "birth_date",
        "event_number",
    ),
)

SEATTLE_BOOKINS = Adapter(
    name="seattle-bookins",
    table="book_ins",
    description="UWCHR ice-enforce aor-seattle bookins_with_state.csv: book-ins into ICE "
    "detention in the Seattle AOR, 2012-01-01..2019-07-05",
    fields={
        "event_date": f("date", "book_in_date"),
        "state": f("state", "state"),
        "state_raw": f("text", "state"),
        "aor": f("const", const=SEA),
        "facility": f("text", "detention_facility"),
        "arrest_method": f("text", "apprehension_method"),
        "msc": f("text", "most_serious_conviction"),
        "gender": f("gender", "gender"),
        "citizenship": f("upper", "country_of_citizenship"),
        "birth_date": f("date", "date_of_birth"),
    },
    required=(
        "event_date",
        "state",
        "facility",
        "arrest_method",
        "msc",
        "gender",
        "citizenship",
        "birth_date",
    ),
)

PIERCE_HOLDS = Adapter(
    name="pierce-holds",
    table="jail_charges",
    description="UWCHR ice-detainers-pierce charges/output/allholds.csv (pipe-delimited): "
    "charges on Pierce County (WA) jail bookings, 2015-12..2018-07; the published file holds "
    "the bookings with an immigration hold; the full booking file has the same columns",
    fields={
        "event_date": f("date", "booking_dt"),
        "state": f("const", const="WA"),
        "aor": f("const", const=SEA),
        "county": f("const", const="Pierce"),
        "facility": f("const", const="PIERCE COUNTY JAIL"),
        "gender": f("gender", "gender_desc"),
        "race": f("upper", "race_desc"),
        "birth_country": f("upper", "country_of_birth"),
        "booking_key": f("text", "booking_id"),
        "release_date": f("date", "release_dt"),
        "custody_days": f("days_between", args=("booking_dt", "release_dt")),
        "immigration_hold": f("bool", "imm_hold"),
        "charge": f("text", "booking_charge_desc"),
        "charge_level": f("felony_misdemeanor", args=("felony", "misdemeanor")),
        "release_disposition": f("text", "final_release_disp"),
    },
    required=(
        "event_date",
        "booking_key",
        "release_date",
        "immigration_hold",
        "charge",
        "charge_level",
        "custody_days",
        "release_disposition",
        "gender",
    ),
)

GRANT_DETAINERS = Adapter(
    name="grant-detainers",
    table="detainers",
    description="UWCHR ice-enforce analyze/hand/grant_detainers.csv (pipe-delimited): ICE "
    "detainers lodged at the Grant County (WA) jail, 2019-05-24..2020-11-30",
    fields={
        "event_date": f("date", "date"),
        "state": f("const", const="WA"),
        "aor": f("const", const=SEA),
        "county": f("const", const="Grant"),
        "facility": f("const", const="GRANT COUNTY JAIL"),
        "citizenship": f("upper", "citizenship"),
        "gender": f("gender", "sex"),
        "immigration_hold": f("const", const=True),
    },
    required=("event_date", "citizenship", "gender"),
)

DDP_DETAINERS = Adapter(
    name="ddp-detainers",
    table="detainers",
    description="Deportation Data Project ICE detainers (detainers-latest, L1-L3 published "
    "names; raw ICE headers after name cleaning)",
    upstream_lineage=True,
    fields={
        "event_date": f("date", "detainer_prepare_date", "detainer_prepared_date"),
        "state": f("state", "facility_state", "state"),
        "state_raw": f("text", "facility_state", "state"),
        "aor": f("text", "facility_aor", "aor"),
        "facility": f("text", "detention_facility", "detainer_facility"),
        "arrest_method": f("text", "apprehension_method"),
        "program": f("text", "final_program", "tod_final_program"),
        "criminality": f("criminality", "detainer_prepared_criminality", "detainer_criminality"),
        "msc": f(
            "text",
            "most_serious_conviction_charge",
            "most_serious_conviction_msc_charge",
            "msc_charge",
        ),
        "msc_code": f("text", "msc_charge_code"),
        "threat_level": f(
            "text",
            "detainer_prep_threat_level",
            "detainer_threat_level",
            "detainer_prepared_threat_level",
        ),
        "gender": f("gender", "gender"),
        "citizenship": f("upper", "citizenship_country"),
        "birth_country": f("upper", "birth_country"),
        "birth_year": f("int", "birth_year"),
        "person_key": f(
            "text", "unique_identifier", "anonymized_identifier", "anonymized_unique_identifier"
        ),
        "arrest_date": f("date", "apprehension_date"),
        "departed_date": f("date", "departed_date"),
        "immigration_hold": f("const", const=True),
        "detainer_type": f("text", "detainer_type"),
        "detainer_lift_reason": f("text", "detainer_lift_reason"),
    },
    required=("event_date", "state", "facility", "criminality", "detainer_type"),
)

DDP_ARRESTS = Adapter(
    name="ddp-arrests",
    table="arrests",
    description="Deportation Data Project ICE arrests (arrests-latest L1-L3; 2012-2023 era "
    "files carry only date, method and id)",
    upstream_lineage=True,
    fields={
        "event_date": f("date", "apprehension_date"),
        "state": f(
            "state",
            "apprehension_state",
            "apprehension_state_filled_in",
            "apprehension_state_original",
            "state",
        ),
        "state_raw": f(
            "text",
            "apprehension_state",
            "apprehension_state_filled_in",
            "apprehension_state_original",
            "state",
        ),
        "aor": f("text", "apprehension_aor", "toa_current_duty_aor", "aor"),
        "facility": f("text", "apprehension_site_landmark", "event_landmark"),
        "arrest_method": f("text", "apprehension_method"),
        "program": f("text", "final_program", "apprehension_final_program"),
        "criminality": f("criminality", "apprehension_criminality"),
        "threat_level": f("text", "case_threat_level"),
        "gender": f("gender", "gender"),
        "citizenship": f("upper", "citizenship_country"),
        "birth_year": f("int", "birth_year"),
        "person_key": f(
            "text", "unique_identifier", "anonymized_identifier", "anonymized_unique_identifier"
        ),
        "departed_date": f("date", "departed_date"),
    },
    required=("event_date", "arrest_method", "person_key"),
)

DDP_REMOVALS = Adapter(
    name="ddp-removals",
    table="removals",
    description="Deportation Data Project ICE removals (removals L1 published names; "
    "2012-2023 era departure_date / anonymized_identifer)",
    upstream_lineage=True,
    fields={
        "event_date": f("date", "departed_date", "departure_date"),
        "state": f("state", "apprehension_state"),
        "state_raw": f("text", "apprehension_state"),
        "aor": f("text", "docket_aor"),
        "program": f("text", "final_program", "current_program"),
        "criminality": f("criminality", "case_criminality"),
        "msc": f("text", "msc_ncic_charge", "msc_charge"),
        "msc_code": f("text", "msc_ncic_charge_code", "msc_charge_code"),
        "threat_level": f("text", "case_threat_level"),
        "gender": f("gender", "gender"),
        "citizenship": f("upper", "citizenship_country"),
        "birth_country": f("upper", "birth_country"),
        "birth_year": f("int", "birth_year"),
        "person_key": f(
            "text", "unique_identifier", "anonymized_identifier", "anonymized_identifer"
        ),
        "arrest_date": f("date", "latest_person_apprehension_date", "apprehension_date"),
    },
    required=("event_date", "person_key", "citizenship"),
)

ADAPTERS: tuple[Adapter, ...] = (
    SEATTLE_ARRESTS,
    SEATTLE_BOOKINS,
    PIERCE_HOLDS,
    GRANT_DETAINERS,
    DDP_DETAINERS,
    DDP_ARRESTS,
    DDP_REMOVALS,
)
BY_NAME = {a.name: a for a in ADAPTERS}
FORMATS = ("auto", *BY_NAME)

# Every canonical column must be either mapped, derived or filled by the load step.
assert {c.name for c in COLUMNS} >= {n for a in ADAPTERS for n in a.fields}


def detect(path_label: str, columns: list[str]) -> Adapter:
    """The adapter whose required columns are all present (the most specific if several).

    No match raises UserError naming the closest format, its missing columns and the
    columns it did not expect.
    """
    cols = set(columns)
    matches = [a for a in ADAPTERS if not a.missing_required(cols)]
    if matches:
        return max(matches, key=lambda a: (len(a.required), -ADAPTERS.index(a)))

    def closeness(a: Adapter) -> tuple[float, int]:
        missing = len(a.missing_required(cols))
        return (1 - missing / len(a.required), -missing)

    best = max(ADAPTERS, key=closeness)
    raise UserError(
        f"{path_label}: header matches no known records format; closest is {best.name}, "
        f"which needs {_missing_text(best, cols)}"
    )


def check(path_label: str, adapter: Adapter, columns: list[str]) -> None:
    """Refuse an input that lacks a column the chosen adapter requires."""
    missing = adapter.missing_required(set(columns))
    if missing:
        raise UserError(
            f"{path_label}: not a valid {adapter.name} file: it needs "
            f"{_missing_text(adapter, set(columns))}"
        )


def _missing_text(adapter: Adapter, cols: set[str]) -> str:
    missing = adapter.missing_required(cols)
    unexpected = sorted(cols - adapter.known_sources())
    text = "column " + ", ".join(repr(m) for m in missing) + " (missing)"
    if unexpected:
        text += "; unexpected column(s): " + ", ".join(repr(u) for u in unexpected[:8])
        if len(unexpected) > 8:
            text += f" and {len(unexpected) - 8} more"
    return text
