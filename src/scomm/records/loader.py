"""Load record files into canonical zstd Parquet tables with a manifest.

Steps, all lazy (scan, map, sink) so a multi-million-row input streams through:
1. each input is hashed, its format detected, and mapped to the canonical schema into a
   staging Parquet file (with ``_raw_*`` helper columns);
2. the validation rules run on each staged file; any stop refuses the whole load, and
   nothing is written to the output folder;
3. per canonical table, likely duplicates are flagged (``dup_group``), never dropped, and the
   table is written as ``<table>.parquet`` with ``manifest.json`` and ``validation.json``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

import scomm
from scomm.errors import UserError
from scomm.io import atomic_dir
from scomm.records import clean, reader, validate
from scomm.records.schema import NAMES, NON_CONTENT, SCHEMA

MANIFEST = "manifest.json"
VALIDATION = "validation.json"


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


def stage(opened: reader.Opened, target: Path) -> Staged:
    """Map one input to the canonical columns and write it to ``target`` (Parquet)."""
    a = opened.adapter
    sha12 = opened.sha256[:12]
    row = pl.col(reader.ROW)
    mapped = (
        a.build(opened.frame, opened.schema, keep=[reader.ROW])
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
    mapped = mapped.with_columns(
        pl.lit(None, SCHEMA[n]).alias(n) for n in NAMES if n not in present
    )
    try:
        mapped.sink_parquet(target, compression="zstd")
    except pl.exceptions.PolarsError as exc:
        raise _polars_failure(opened.label, exc) from None
    staged_lf = pl.scan_parquet(target)
    cols = set(opened.schema)
    fix_exprs, fix_meta = [], []
    for spec in a.fields.values():
        for src in a.present(cols, spec):
            for fx in clean.fixes_for(a.name, src):
                fix_meta.append(
                    {
                        "column": src,
                        "bad_value": fx.bad,
                        "fixed_value": fx.good,
                        "reason": fx.reason,
                        "fixes_file": fx.file,
                    }
                )
                fix_exprs.append((pl.col(src) == fx.bad).sum().alias(f"fix{len(fix_exprs)}"))
    stats = staged_lf.select(
        pl.len().alias("rows"),
        pl.col("redacted_fields").explode().value_counts().implode().alias("red"),
    ).collect(engine="streaming")
    rows = int(stats["rows"][0])
    redacted = {
        r["redacted_fields"]: int(r["count"])
        for r in stats["red"][0].to_list()
        if r["redacted_fields"] is not None
    }
    if fix_exprs:
        counts = opened.frame.select(fix_exprs).collect(engine="streaming").row(0)
        for meta, n in zip(fix_meta, counts, strict=True):
            meta["rows_fixed"] = int(n or 0)
    absent = [
        name
        for name, spec in a.fields.items()
        if spec.kind != "const" and len(a.present(cols, spec)) < max(1, len(spec.args))
    ]
    ignored = sorted(cols - a.known_sources() - {reader.ROW})
    out = Staged(
        opened, target, rows, redacted=redacted, fixes=fix_meta, absent=absent, ignored=ignored
    )
    out.findings = validate.check_staged(str(target), opened.label, a.name, rows)
    return out


def flag_duplicates(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Add dup_group and dup_basis (two streaming passes: find groups, then label rows).

    With a person id: same source_file, person_key and event_date (and facility, for
    detainers) is a likely duplicate. Without one: every content field equal.
    """
    names = lf.collect_schema().names()
    content = [c for c in NAMES if c in names and c not in NON_CONTENT]
    has_person = pl.col("person_key").is_not_null()
    facility = pl.when(pl.col("table") == "detainers").then(pl.col("facility"))
    person_key = pl.struct("source_file", "person_key", "event_date", facility, "table").hash()
    content_key = pl.struct(content).hash()
    keyed = lf.with_columns(
        pl.when(has_person).then(person_key).otherwise(content_key).alias("__dupkey"),
        pl.when(has_person)
        .then(pl.lit("person_date"))
        .otherwise(pl.lit("identical_fields"))
        .alias("__basis"),
    )
    groups = (
        keyed.with_row_index("__order")
        .group_by("__dupkey")
        .agg(
            pl.col("record_id").get(pl.col("__order").arg_min()).alias("dup_group"),
            pl.len().alias("__n"),
        )
        .filter(pl.col("__n") > 1)
        .collect(engine="streaming")
    )
    dup_group = pl.col("__dupkey").replace_strict(
        groups["__dupkey"], groups["dup_group"], default=None, return_dtype=pl.String
    )
    return (
        keyed.with_columns(dup_group.alias("dup_group"))
        .with_columns(
            pl.when(pl.col("dup_group").is_not_null())
            .then(pl.col("__basis"))
            .otherwise(pl.lit(None, pl.String))
            .alias("dup_basis")
        )
        .drop("__dupkey", "__basis")
    )


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


def run_validation(paths: list[Path], fmt: str = "auto") -> tuple[list[Staged], list[dict]]:
    """Stage and validate inputs in a temporary folder; return the staged facts and findings."""
    opened = open_all(paths, fmt)
    with tempfile.TemporaryDirectory(prefix="scomm-records-") as tmp:
        staged = [stage(o, Path(tmp) / f"{i}.parquet") for i, o in enumerate(opened)]
    return staged, [f.as_dict() for s in staged for f in s.findings]


def load(paths: list[Path], out: Path, fmt: str = "auto") -> dict:
    """Load inputs into ``out``: ``<table>.parquet`` per table, manifest.json, validation.json.

    Returns the manifest. A stop-level validation finding raises UserError and leaves ``out``
    without new files.
    """
    opened = open_all(paths, fmt)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".scomm-stage-", dir=out.parent) as tmp:
        staged = [stage(o, Path(tmp) / f"{i}.parquet") for i, o in enumerate(opened)]
        validate.raise_on_stop([f for s in staged for f in s.findings])
        tables: dict[str, dict] = {}
        with atomic_dir(out) as final:
            for table in sorted({s.opened.adapter.table for s in staged}):
                parts = [str(s.path) for s in staged if s.opened.adapter.table == table]
                target = final / f"{table}.parquet"
                stacked = pl.concat([canonical(pl.scan_parquet(p)) for p in parts])
                lf = canonical(flag_duplicates(stacked.drop("dup_group", "dup_basis")))
                try:
                    lf.sink_parquet(target, compression="zstd")
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
                tables[table] = {"file": target.name, **summary}
            manifest = _manifest(staged, tables)
            (final / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            findings = [f.as_dict() for s in staged for f in s.findings]
            (final / VALIDATION).write_text(json.dumps(findings, indent=2) + "\n")
    return manifest


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


def read_manifest(folder: Path) -> dict:
    """The manifest of a loaded folder; a folder without one is refused."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise UserError(
            f"{folder}: not a records folder (no {MANIFEST}); run "
            "`scomm records load PATH... --out DIR` first"
        )
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON ({exc})") from None


def scan_table(folder: Path, table: str) -> pl.LazyFrame | None:
    """A canonical table of a loaded folder, lazily; None when the load had no such table."""
    manifest = read_manifest(folder)
    entry = manifest["tables"].get(table)
    if entry is None:
        return None
    path = Path(folder) / entry["file"]
    if not path.is_file():
        raise UserError(f"{path}: listed in {MANIFEST} but missing")
    return pl.scan_parquet(path)
