"""The generated part of docs/records.md: input formats, data dictionary, validation rules.

Built from the declarations (``schema.COLUMNS``, the formats of ``formats.yaml`` and
``validate.rules``), so the documentation cannot drift from the code;
tests/records/test_records_docs.py checks that docs/records.md holds exactly
``reference_block()``.
"""

from __future__ import annotations

import polars as pl

from scomm.records.adapters import ADAPTERS, Adapter, Source
from scomm.records.schema import COLUMNS, FILLED_BY_LOAD, UPSTREAM
from scomm.records.validate import rules


def _dtype_label(dtype: pl.DataType) -> str:
    return {
        "String": "string",
        "Int64": "int64",
        "Int32": "int32",
        "Float64": "float64",
        "Boolean": "bool",
        "Date": "date",
    }.get(str(dtype), "list[string]" if isinstance(dtype, pl.List) else str(dtype))


def _source_cell(adapter: Adapter, column: str) -> str:
    """Where a format takes a canonical column from, for the data dictionary."""
    if column in FILLED_BY_LOAD:
        return "(load)"
    if column in UPSTREAM:
        names = adapter.lineage.get(column)
        return " / ".join(f"`{n}`" for n in names) if names else "—"
    spec = adapter.columns.get(column)
    if spec is None:
        how = adapter.derivation(column)
        return how.how if how is not None else "—"
    if spec.constant:
        return f"= {spec.value!r}"
    return " / ".join(f"`{n}`" for n in spec.sources)


def _needs(spec: Source) -> str:
    """A required column's sources: each of a two-source parser's, or the alternatives."""
    if spec.arity > 1:
        return ", ".join(f"`{x}`" for x in spec.sources)
    return "`" + " / ".join(spec.sources) + "`"


def markdown_dictionary() -> str:
    """The data dictionary as a Markdown table: column, type, meaning, source per adapter."""
    lines = [
        "| column | type | meaning | " + " | ".join(a.name for a in ADAPTERS) + " |",
        "|---|---|---|" + "---|" * len(ADAPTERS),
    ]
    for col in COLUMNS:
        cells = [_source_cell(a, col.name) for a in ADAPTERS]
        head = f"| `{col.name}` | {_dtype_label(col.dtype)} | {col.meaning} | "
        lines.append(head + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown_rules() -> str:
    """The validation rules as a Markdown table: rule, column, meaning, warn and stop levels."""
    lines = ["| rule | column | fails when | warn above | stop above |", "|---|---|---|---|---|"]
    for r in rules():
        lines.append(
            f"| {r.name} | `{r.column}` | {r.description} | {r.warn_at:.1%} | {r.stop_at:.1%} |"
        )
    return "\n".join(lines) + "\n"


def markdown_adapters() -> str:
    """The input formats as a Markdown table: name, canonical table, source, required columns."""
    lines = ["| format | table | source | needs (for detection) |", "|---|---|---|---|"]
    for a in ADAPTERS:
        needs = ", ".join(_needs(a.columns[n]) for n in a.required)
        lines.append(f"| `{a.name}` | {a.table} | {a.description} | {needs} |")
    return "\n".join(lines) + "\n"


def reference_block() -> str:
    """The generated part of docs/records.md (formats, dictionary, rules)."""
    return (
        "### Input formats\n\n"
        + markdown_adapters()
        + "\n### Data dictionary\n\n"
        + markdown_dictionary()
        + "\n### Validation rules\n\n"
        + markdown_rules()
    )
