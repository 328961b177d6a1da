"""Open an input file lazily: hash it, read its header, pick the adapter, check for truncation."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scomm.errors import UserError
from scomm.io import is_file, os_reason
from scomm.records import adapters
from scomm.records.clean import clean_name

CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".psv", ".csv.gz", ".txt.gz", ".tsv.gz", ".psv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
ROW = "__source_row"
BATCH_ROWS = 100_000
MAX_HEADER_BYTES = 64 << 10  # a header line: column names, at most 64 KiB


@dataclass
class Opened:
    """An input whose header has been read: its adapter, schema and a batch reader."""

    path: Path
    label: str
    kind: str  # csv | parquet
    sha256: str
    size: int
    adapter: adapters.Adapter
    schema: dict[str, pl.DataType]  # cleaned names, plus ROW
    columns_raw: list[str]
    separator: str = ","
    cut_row: bool = False  # the last row ends right after a delimiter, with no final newline

    def batches(self, size: int = BATCH_ROWS) -> Iterator[pl.DataFrame]:
        """The rows in order, ``size`` at a time, with cleaned names and ``__source_row``.

        Read with pyarrow's streaming readers, so memory stays flat whatever the file's
        length (Polars 2.1's streaming engine buffers between the branches of a wide
        projection, so the mapping runs on bounded batches instead; see docs/records.md).
        """
        names = [clean_name(c) for c in self.columns_raw]
        offset = 2 if self.kind == "csv" else 1
        try:
            for batch in self._arrow_batches(size):
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
                yield frame.with_row_index(ROW, offset=offset)
                offset += frame.height
        except (pa.ArrowException, OSError, EOFError, zlib.error) as exc:
            first = next((t for t in str(exc).splitlines() if t.strip()), type(exc).__name__)
            raise UserError(f"{self.label}: cannot be read: {first}") from None

    def _arrow_batches(self, size: int) -> Iterator[pa.RecordBatch]:
        if self.kind == "parquet":
            yield from pq.ParquetFile(self.path).iter_batches(batch_size=size)
            return
        reader = pacsv.open_csv(
            pa.input_stream(str(self.path)),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=self.separator, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in self.columns_raw}
            ),
        )
        yield from reader


def sha256_of(path: Path) -> str:
    """sha256 of the file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    raise UserError(f"{path}: unsupported file type; expected .csv, .csv.gz, .txt or .parquet")


def _first_line(fh: BinaryIO, label: str) -> bytes:
    """The header line, at most MAX_HEADER_BYTES long."""
    first = fh.readline(MAX_HEADER_BYTES + 1)
    if len(first) > MAX_HEADER_BYTES and not first.endswith(b"\n"):
        raise UserError(
            f"{label}: the header (line 1) is longer than {MAX_HEADER_BYTES:,} bytes; expected "
            "one line of column names"
        )
    return first


def _head_and_tail(fh: BinaryIO, label: str, gz: bool) -> tuple[bytes, bytes]:
    """The first line and the last 64 KiB of an open file (read through, for gzip)."""
    first = _first_line(fh, label)
    if gz:
        tail = first
        for block in iter(lambda: fh.read(1 << 20), b""):
            tail = (tail + block)[-(1 << 16) :]
        return first, tail
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - (1 << 16)))
    return first, fh.read()


def _text_head_tail(path: Path) -> tuple[str, str, bool]:
    """First line, last 64 KiB and whether the text ends with a newline (gzip-aware)."""
    label = path.name
    gz = path.name.lower().endswith(".gz")
    try:
        with gzip.open(path, "rb") if gz else path.open("rb") as fh:
            first, tail = _head_and_tail(fh, label, gz)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise UserError(
            f"{label}: the gzip stream is damaged or ends early ({exc}); "
            "the file is truncated or corrupt"
        ) from None
    except OSError as exc:
        raise UserError(f"{label}: cannot be read: {os_reason(exc)}") from None
    try:
        head_text = first.decode("utf-8-sig")
        tail_text = tail.decode("utf-8", errors="replace")
    except UnicodeDecodeError as exc:
        raise UserError(f"{label}: header is not UTF-8 text ({exc})") from None
    head_text = head_text.removesuffix("\n").removesuffix("\r")
    if "\r" in head_text:
        raise UserError(
            f"{label}: the header (line 1) has a carriage return (\\r) inside it; expected one "
            "line of column names ending in \\n or \\r\\n (re-save the file with those line endings)"
        )
    return head_text, tail_text, tail_text.endswith("\n")


def _fields(line: str, label: str, sep: str, what: str) -> list[str]:
    """The fields of one CSV line; a malformed line raises UserError."""
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error as exc:
        raise UserError(f"{label}: {what} cannot be parsed as CSV ({exc})") from None


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in ("|", "\t", ",")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _check_not_truncated(label: str, header: list[str], tail: str, sep: str) -> bool:
    """Refuse a file whose last row is short; return whether the last row ends right after a
    delimiter with no final newline (its last value may have been cut off: validation flags
    it, ``CUT_ROW``)."""
    lines = [ln for ln in tail.splitlines() if ln.strip()]
    fields = _fields(lines[-1], label, sep, "the last row") if lines else []
    if len(lines) <= 1 and fields == header:
        raise UserError(f"{label}: the file has a header but no records")
    if len(fields) < len(header):
        where = "it ends mid-row" if not tail.endswith("\n") else "its last row is short"
        raise UserError(
            f"{label}: last row has {len(fields)} of {len(header)} fields; {where}, so the file "
            "looks truncated (expected a complete final row)"
        )
    return bool(lines) and not tail.endswith(("\n", "\r")) and lines[-1].endswith(sep)


def open_input(path: Path, fmt: str = "auto") -> Opened:
    """Scan one input lazily and choose its adapter (``fmt`` = auto or an adapter name)."""
    path = Path(path)
    label = path.name
    if not is_file(path):
        raise UserError(f"{path}: no such file")
    if fmt not in adapters.FORMATS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(adapters.FORMATS)}")
    kind = _kind(path)
    try:
        size = path.stat().st_size
        digest = sha256_of(path)
    except OSError as exc:
        raise UserError(f"{label}: cannot be read: {os_reason(exc)}") from None
    if size == 0:
        raise UserError(f"{label}: the file is empty")
    sep, cut = ",", False
    if kind == "csv":
        head, tail, _ = _text_head_tail(path)
        sep = _separator(head)
        raw_cols = _fields(head, label, sep, "the header (line 1)")
        cut = _check_not_truncated(label, raw_cols, tail, sep)
        types: dict[str, pl.DataType] = {clean_name(c): pl.String() for c in raw_cols}
    else:
        try:
            arrow_schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(
                f"{label}: not a readable Parquet file ({first}); the file is truncated or corrupt"
            ) from None
        raw_cols = list(arrow_schema.names)
        empty = pl.from_arrow(arrow_schema.empty_table())
        assert isinstance(empty, pl.DataFrame)
        types = {clean_name(c): t for c, t in zip(raw_cols, empty.dtypes, strict=True)}
    cleaned = [clean_name(c) for c in raw_cols]
    dupes = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if dupes:
        raise UserError(f"{label}: column names repeat after cleaning: {', '.join(dupes)}")
    if fmt == "auto":
        adapter = adapters.detect(label, cleaned)
    else:
        adapter = adapters.BY_NAME[fmt]
        adapters.check(label, adapter, cleaned)
    schema = {ROW: pl.UInt32(), **types}
    return Opened(path, label, kind, digest, size, adapter, schema, raw_cols, sep, cut)
