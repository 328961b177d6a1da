"""Load record files into canonical zstd Parquet tables with a manifest.

Memory stays flat whatever the input's length: every pass reads bounded batches.
1. Each input is hashed, its format detected, and read in batches; each batch is mapped to
   the canonical schema by the adapter's lazy Polars plan, checked by the validation rules,
   keyed for duplicate detection, and appended to a staging Parquet file.
2. Any stop-level finding refuses the whole load; nothing is written to the output folder.
3. Per canonical table, duplicate groups are found from the staged keys alone (a count per
   key, then the first record of each repeated key), and the table is rewritten batch by
   batch as ``<table>.parquet`` with ``dup_group`` filled, next to ``manifest.json`` and
   ``validation.json``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import scomm
from scomm.errors import UserError
from scomm.io import atomic_dir, check_output_dir, is_file, read_json, write_json
from scomm.params import validation_message
from scomm.records import clean, reader, validate
from scomm.records.schema import NAMES, NON_CONTENT, SCHEMA, TABLES

MANIFEST = "manifest.json"
VALIDATION = "validation.json"
DUPKEY = "__dupkey"
DUPBASIS = "__dupbasis"
MAX_MANIFEST_BYTES = 64 << 20


@dataclass
class Staged:
    """One input after mapping: where its staged rows are and what was learned."""

    opened: reader.Opened
    path: Path
    rows: int
    findings: list[validate.Finding] = field(default_factory=list)
    redacted: dict[str, int] = field(default_factory=dict)
    fixes: list[dict[str, object]] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _polars_failure(label: str, exc: Exception) -> UserError:
    text = str(exc).strip().splitlines()
    first = next((t for t in text if t.strip()), type(exc).__name__)
    return UserError(f"{label}: cannot be read: {first}")


def _mapper(opened: reader.Opened) -> tuple[Callable[[pl.DataFrame], pl.DataFrame], dict]:
    """The per-batch mapping (adapter + lineage) and the staged schema it produces."""
    a = opened.adapter
    sha12 = opened.sha256[:12]
    row = pl.col(reader.ROW)

    def lazy(frame: pl.LazyFrame) -> pl.LazyFrame:
        mapped = (
            a.build(frame, opened.schema, keep=[reader.ROW])
            .with_columns(
                (pl.lit(f"{sha12}:") + row.cast(pl.String)).alias("record_id"),
                pl.lit(opened.label).alias("source_file"),
                pl.lit(None, pl.String).alias("source_sheet"),
                row.cast(pl.Int64).alias("source_row"),
                pl.lit(a.name).alias("adapter"),
                pl.lit(a.table).alias("table"),
            )
            .drop(reader.ROW)
        )
        present = set(mapped.collect_schema().names())
        return mapped.with_columns(
            pl.lit(None, SCHEMA[n]).alias(n) for n in NAMES if n not in present
        )

    names = lazy(pl.LazyFrame(schema=opened.schema)).collect_schema().names()
    schema = {n: SCHEMA.get(n, pl.String()) for n in names}
    schema.update({DUPKEY: pl.UInt64(), DUPBASIS: pl.String()})

    def run(batch: pl.DataFrame) -> pl.DataFrame:
        out = lazy(batch.lazy()).collect(engine="in-memory")
        out = out.with_columns(dup_key_columns())
        return out.select(pl.col(n).cast(t) for n, t in schema.items())

    return run, schema


def _fix_counters(a: Any, cols: set[str]) -> tuple[list[pl.Expr], list[dict[str, Any]]]:
    """Per hand fix that applies to the input: an expression counting the rows it fixes,
    and its manifest entry (``rows_fixed`` filled batch by batch)."""
    fix_exprs: list[pl.Expr] = []
    fix_meta: list[dict[str, Any]] = []
    for spec in a.columns.values():
        for src in spec.present(cols):
            for fx in clean.fixes_for(a.name, src):
                fix_meta.append(
                    {
                        "column": src,
                        "bad_value": fx.bad,
                        "fixed_value": fx.good,
                        "reason": fx.reason,
                        "fixes_file": fx.file,
                        "rows_fixed": 0,
                    }
                )
                fix_exprs.append(
                    (pl.col(src).str.strip_chars() == fx.bad).sum().alias(f"fix{len(fix_exprs)}")
                )
    return fix_exprs, fix_meta


def stage(opened: reader.Opened, target: Path, today: dt.date) -> Staged:
    """Map one input, batch by batch, to the canonical columns in ``target`` (Parquet),
    validating against ``today`` (no date may be later)."""
    a = opened.adapter
    cols = set(opened.schema)
    fix_exprs, fix_meta = _fix_counters(a, cols)
    run, schema = _mapper(opened)
    checker = validate.Checker(set(schema), today)
    writer = None
    try:
        for batch in opened.batches():
            for meta, n in zip(
                fix_meta, batch.select(fix_exprs).row(0) if fix_exprs else [], strict=True
            ):
                meta["rows_fixed"] += int(n or 0)
            mapped = run(batch)
            checker.update(mapped)
            table = mapped.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema, compression="zstd")
            writer.write_table(table)
        if writer is None:  # no records: an empty table with the staged schema
            pl.DataFrame(schema=schema).write_parquet(target, compression="zstd")
    except pl.exceptions.PolarsError as exc:
        raise _polars_failure(opened.label, exc) from None
    finally:
        if writer is not None:
            writer.close()
    stats = (
        pl.scan_parquet(target)
        .select(
            pl.len().alias("rows"),
            pl.col("redacted_fields").explode().value_counts().implode().alias("red"),
        )
        .collect(engine="streaming")
    )
    rows = int(stats["rows"][0])
    counts = {
        r["redacted_fields"]: int(r["count"])
        for r in stats["red"][0].to_list()
        if r["redacted_fields"] is not None
    }
    redacted = {name: counts[name] for name in NAMES if name in counts}  # schema order
    absent = [name for name, spec in a.columns.items() if spec.absent(cols)]
    ignored = sorted(cols - a.known_sources() - {reader.ROW})
    out = Staged(
        opened, target, rows, redacted=redacted, fixes=fix_meta, absent=absent, ignored=ignored
    )
    out.findings = checker.findings(opened.label, a.name, rows)
    if opened.cut_row:
        out.findings.append(validate.cut_row(opened.label, a.name, rows))
    return out


def dup_key_columns() -> list[pl.Expr]:
    """The duplicate key (a 64-bit hash) and the rule behind it, for canonical rows.

    With a person id: same source_file, person_key and event_date (and facility, for
    detainers) is a likely duplicate. Without one: every content field equal.
    """
    content = [c for c in NAMES if c not in NON_CONTENT]
    has_person = pl.col("person_key").is_not_null()
    facility = pl.when(pl.col("table") == "detainers").then(pl.col("facility"))
    person_key = pl.struct("source_file", "person_key", "event_date", facility, "table").hash()
    return [
        pl.when(has_person).then(person_key).otherwise(pl.struct(content).hash()).alias(DUPKEY),
        pl.when(has_person)
        .then(pl.lit("person_date"))
        .otherwise(pl.lit("identical_fields"))
        .alias(DUPBASIS),
    ]


def duplicate_groups(parts: list[str]) -> pl.DataFrame:
    """Keys seen more than once across staged files, each with its first record's id."""
    keyed = pl.concat([pl.scan_parquet(p).select(DUPKEY, "record_id") for p in parts])
    keys = keyed.select(DUPKEY)
    repeated = (
        keys.group_by(DUPKEY).agg(pl.len().alias("n")).filter(pl.col("n") > 1).select(DUPKEY)
    ).collect(engine="streaming")
    if repeated.height == 0:
        return pl.DataFrame(schema={DUPKEY: pl.UInt64(), "dup_group": pl.String()})
    return (
        keyed.with_row_index("__order")
        .filter(pl.col(DUPKEY).is_in(repeated.get_column(DUPKEY).implode()))
        .group_by(DUPKEY)
        .agg(pl.col("record_id").get(pl.col("__order").arg_min()).alias("dup_group"))
        .collect(engine="streaming")
    )


def write_table(parts: list[str], target: Path, batch_rows: int = reader.BATCH_ROWS) -> None:
    """Stack staged files into one canonical table, labelling duplicates, batch by batch."""
    groups = duplicate_groups(parts)
    dup_group = pl.col(DUPKEY).replace_strict(
        groups.get_column(DUPKEY),
        groups.get_column("dup_group"),
        default=None,
        return_dtype=pl.String,
    )
    dup_basis = pl.when(pl.col("dup_group").is_not_null()).then(pl.col(DUPBASIS))
    writer = None
    try:
        for part in parts:
            for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows):
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                frame = frame.with_columns(dup_group.alias("dup_group")).with_columns(
                    dup_basis.alias("dup_basis")
                )
                table = canonical(frame.lazy()).collect(engine="in-memory").to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(target, table.schema, compression="zstd")
                writer.write_table(table)
        if writer is None:
            canonical(pl.LazyFrame(schema=SCHEMA)).collect().write_parquet(
                target, compression="zstd"
            )
    finally:
        if writer is not None:
            writer.close()


def canonical(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Exactly the canonical columns, in order, with their declared types."""
    names = set(lf.collect_schema().names())
    return lf.select(
        [(pl.col(n) if n in names else pl.lit(None)).cast(SCHEMA[n]).alias(n) for n in NAMES]
    )


def open_all(paths: list[Path], fmt: str) -> list[reader.Opened]:
    """Open every input (header, adapter, hash); duplicate file names are refused."""
    if not paths:
        raise UserError("no input files given")
    opened = [reader.open_input(Path(p), fmt) for p in paths]
    labels = [o.label for o in opened]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise UserError(f"input file names must be unique (lineage uses them): {', '.join(dupes)}")
    return opened


def run_validation(
    paths: list[Path], fmt: str = "auto", today: dt.date | None = None
) -> tuple[list[Staged], list[dict]]:
    """Stage and validate inputs in a temporary folder; return the staged facts and findings.

    ``today`` is the day of the check (default: the day of the call)."""
    opened = open_all(paths, fmt)
    day = today or dt.date.today()
    with tempfile.TemporaryDirectory(prefix="scomm-records-") as tmp:
        staged = [stage(o, Path(tmp) / f"{i}.parquet", day) for i, o in enumerate(opened)]
    return staged, [f.as_dict() for s in staged for f in s.findings]


def load(paths: list[Path], out: Path, fmt: str = "auto", today: dt.date | None = None) -> dict:
    """Load inputs into ``out``: ``<table>.parquet`` per table, manifest.json, validation.json.

    Returns the manifest. ``out`` is checked before any input is read; a stop-level
    validation finding (or any other failure) raises and leaves ``out`` and its parent
    without new files: inputs are staged inside the temporary folder of ``atomic_dir``.
    ``today`` is the day of the check (default: the day of the call).
    """
    check_output_dir(out)
    opened = open_all(paths, fmt)
    day = today or dt.date.today()
    with atomic_dir(Path(out)) as final:
        with tempfile.TemporaryDirectory(prefix=".stage-", dir=final) as tmp:
            staged = [stage(o, Path(tmp) / f"{i}.parquet", day) for i, o in enumerate(opened)]
            validate.raise_on_stop([f for s in staged for f in s.findings])
            tables = {
                table: _write_canonical(staged, table, final)
                for table in sorted({s.opened.adapter.table for s in staged})
            }
        manifest = _manifest(staged, tables)
        write_json(final / MANIFEST, manifest)
        write_json(final / VALIDATION, [f.as_dict() for s in staged for f in s.findings])
    return manifest


def _write_canonical(staged: list[Staged], table: str, folder: Path) -> dict:
    """``<table>.parquet`` from the staged inputs of that table; its manifest entry."""
    parts = [str(s.path) for s in staged if s.opened.adapter.table == table]
    target = folder / f"{table}.parquet"
    try:
        write_table(parts, target)
    except pl.exceptions.PolarsError as exc:
        raise _polars_failure(table, exc) from None
    summary = (
        pl.scan_parquet(target)
        .select(
            pl.len().alias("rows"),
            pl.col("dup_group").is_not_null().sum().alias("dup_flagged"),
        )
        .collect()
        .row(0, named=True)
    )
    return {"file": target.name, **summary}


def _manifest(staged: list[Staged], tables: dict[str, dict]) -> dict:
    inputs = []
    for s in staged:
        o = s.opened
        inputs.append(
            {
                "file": o.label,
                "sha256": o.sha256,
                "bytes": o.size,
                "format": o.kind,
                "adapter": o.adapter.name,
                "table": o.adapter.table,
                "rows_in": s.rows,
                "rows_out": s.rows,
                "redacted_cells": s.redacted,
                "fixes": s.fixes,
                "canonical_fields_absent": s.absent,
                "columns_ignored": s.ignored,
                "validation": {
                    lvl: sum(f.level == lvl for f in s.findings) for lvl in ("ok", "warn", "stop")
                },
            }
        )
    return {
        "scomm_version": scomm.__version__,
        "schema": "scomm.records canonical v1",
        "inputs": inputs,
        "tables": tables,
    }


class _InputEntry(BaseModel):
    """One input of a manifest (the keys its readers use; others are kept)."""

    model_config = ConfigDict(extra="allow")
    file: str
    sha256: str
    adapter: str
    table: str


class _TableEntry(BaseModel):
    """One canonical table of a manifest."""

    model_config = ConfigDict(extra="allow")
    file: str
    rows: int = Field(ge=0)
    dup_flagged: int = Field(ge=0)


class _Manifest(BaseModel):
    """What a loaded folder's manifest.json must hold for summarize and compare to read it."""

    model_config = ConfigDict(extra="allow")
    inputs: list[_InputEntry]
    tables: dict[str, _TableEntry]

    @model_validator(mode="after")
    def _files(self) -> _Manifest:
        for name, entry in self.tables.items():
            if name not in TABLES:
                raise ValueError(f"tables: {name!r} is not a canonical table")
            if entry.file != f"{name}.parquet":
                raise ValueError(f"tables.{name}.file: {entry.file!r}; expected {name}.parquet")
        return self


def read_manifest(folder: Path) -> dict:
    """The manifest of a loaded folder; a folder without one, or with one that is not the
    manifest ``load`` writes, is refused."""
    path = Path(folder) / MANIFEST
    if not is_file(path):
        raise UserError(
            f"{folder}: not a records folder (no {MANIFEST}); run "
            "`scomm records load PATH... --out DIR` first"
        )
    raw = read_json(path, str(path), limit=MAX_MANIFEST_BYTES)
    try:
        _Manifest.model_validate(raw)
    except ValidationError as err:
        raise UserError(
            validation_message(str(path), err)
            + " (was the folder written by `scomm records load`?)"
        ) from None
    return raw


def check_table(path: Path) -> None:
    """A canonical table file: readable Parquet with exactly the canonical columns."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        first = next((t for t in str(exc).splitlines() if t.strip()), type(exc).__name__)
        raise UserError(
            f"{path}: not a readable Parquet file ({first}); the file is truncated or corrupt"
        ) from None
    got = pl.from_arrow(schema.empty_table())
    assert isinstance(got, pl.DataFrame)
    if tuple(got.columns) != NAMES or dict(got.schema) != SCHEMA:
        wrong = sorted(set(got.columns) ^ set(NAMES)) or [
            n for n in NAMES if got.schema.get(n) != SCHEMA[n]
        ]
        raise UserError(
            f"{path}: not a canonical records table (columns differ from the canonical schema: "
            f"{', '.join(wrong[:5])}); reload the records with `scomm records load`"
        )


def scan_table(folder: Path, table: str) -> pl.LazyFrame | None:
    """A canonical table of a loaded folder, lazily; None when the load had no such table.
    The file is checked first (readable, the canonical columns and types)."""
    manifest = read_manifest(folder)
    entry = manifest["tables"].get(table)
    if entry is None:
        return None
    path = Path(folder) / entry["file"]
    if not is_file(path):
        raise UserError(f"{path}: listed in {MANIFEST} but missing")
    check_table(path)
    return pl.scan_parquet(path)


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn a failure to read a loaded table (a damaged Parquet page, found only when the
    data is read) into a UserError naming the file."""
    try:
        yield
    except (pl.exceptions.PolarsError, pa.ArrowException, OSError) as exc:
        first = next((t for t in str(exc).splitlines() if t.strip()), type(exc).__name__)
        raise UserError(
            f"{path}: cannot be read ({first}); the file is damaged: load the records again"
        ) from None
