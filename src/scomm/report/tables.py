"""Every table of a brief as data, for download as CSV or XLSX: the same numbers the page
shows (unformatted), with the column names in the reader's language and each interval's
method beside it."""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl

from scomm.i18n import N_, language
from scomm.intervals import Interval
from scomm.report.data import BriefData

TABLES = ("key_figures", "funnel", "levels", "timeline", "counties", "metrics")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _iv(iv: Interval | None) -> dict:
    return {
        "interval_low": None if iv is None else iv.low,
        "interval_high": None if iv is None else iv.high,
        "interval_method": None if iv is None else iv.method,
        "interval_runs": None if iv is None else iv.runs,
    }


def _key_figures(b: BriefData) -> list[dict]:
    return [{"measure": f.label, "key": f.key, "value": f.value, "unit": f.unit, **_iv(f.interval)}
            for f in b.key_figures + b.harms]  # fmt: skip


def _stages(rows) -> list[dict]:
    out = []
    for r in rows:
        row = {"stage": r.label, "key": r.key, "people": r.value, **_iv(r.interval)}
        if r.other is not None:
            row.update(other=r.other, change=r.change)
            row.update({f"change_{k}": v for k, v in _iv(r.change_interval).items()})
        out.append(row)
    return out


def _timeline(b: BriefData) -> list[dict]:
    return [{"mark": e.mark, "date": e.date, "what": " | ".join(e.what),
             "sources": ",".join(map(str, e.refs))} for e in b.events]  # fmt: skip


def _counties(b: BriefData) -> list[dict]:
    keys = ("fips", "name", "state", "activation", "population", "bookings", "detainers",
            "detainers_per_100k", "removals")  # fmt: skip
    return [{k: c[k] for k in keys} for c in b.counties]


def _metrics(b: BriefData) -> list[dict]:
    changes = {m.key: m for g in b.change_groups for m in g.rows}
    out = []
    for g in b.metric_groups:
        for m in g.rows:
            row = {"concern": g.label, "measure": m.label, "key": m.key, "value": m.value,
                   "unit": m.unit, **_iv(m.interval), "definition": m.definition}  # fmt: skip
            if m.key in changes:
                row["change"] = changes[m.key].value
            out.append(row)
    return out


BUILDERS: dict[str, Callable[[BriefData], list[dict]]] = {
    "key_figures": _key_figures,
    "funnel": lambda b: _stages(b.funnel + b.extras + b.channels),
    "levels": lambda b: _stages(b.levels),
    "timeline": _timeline,
    "counties": _counties,
    "metrics": _metrics,
}
TITLES = {
    "key_figures": N_("Key figures"),
    "funnel": N_("From jail booking to removal"),
    "levels": N_("Removals by ICE offense level"),
    "timeline": N_("What changed"),
    "counties": N_("All counties"),
    "metrics": N_("Measures"),
}


def frame(data: BriefData, table: str) -> pl.DataFrame:
    """One of the brief's tables as a data frame."""
    rows = BUILDERS[table](data)
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()


def table_bytes(data: BriefData, table: str, fmt: str) -> tuple[bytes, str]:
    """The table as CSV or XLSX bytes, and its media type."""
    df = frame(data, table)
    if fmt == "csv":
        return df.write_csv().encode("utf-8"), MEDIA["csv"]
    return _xlsx(df, language(data.locale).gettext(TITLES[table]), data), MEDIA["xlsx"]


def _xlsx(df: pl.DataFrame, title: str, data: BriefData) -> bytes:
    """An XLSX workbook (openpyxl): a title row, the source line, then the table."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([f"{title}: {data.place.label}, {data.period_words}"])
    ws.append([f"Model estimates (scomm), not ICE records. {data.command}"])
    ws.append(df.columns)
    for row in df.iter_rows():
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
