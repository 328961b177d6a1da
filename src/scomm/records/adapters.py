"""Adapters: the input formats of ``records/formats.yaml``, mapping a scanned input onto the
canonical schema.

A format is data: for each canonical column it fills, a parser (``scomm.records.parsers``)
and its source column(s), or a constant; the upstream lineage it carries; and the columns a
file needs to be recognized as it. The columns derived from mapped ones (``DERIVATIONS``) are
the same for every format. ``Adapter.build`` turns a lazily scanned input (all-string CSV or
typed Parquet) into a LazyFrame with every canonical column the format fills plus ``_raw_*``
helper columns that the validation step reads (the source value before conversion) and drops
afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import polars as pl
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)

from scomm.errors import UserError
from scomm.params import validation_message
from scomm.records import clean
from scomm.records.parsers import PARSERS
from scomm.records.schema import FILLED_BY_LOAD, SCHEMA, TABLES, UPSTREAM

FORMATS_FILE = "formats.yaml"


@dataclass(frozen=True)
class Derivation:
    """A canonical column computed from a mapped one, for any format that maps ``needs``."""

    column: str
    needs: str
    how: str  # as the data dictionary shows it
    expr: Callable[[], pl.Expr]


#: In order; for one column the first derivation whose ``needs`` the format maps wins.
DERIVATIONS = (
    Derivation(
        "jail_based",
        "arrest_method",
        "from arrest_method",
        lambda: pl.col("arrest_method").str.to_lowercase() == "cap local incarceration",
    ),
    Derivation(
        "convicted", "criminality", "from criminality", lambda: pl.col("criminality") == "convicted"
    ),
    Derivation("convicted", "msc", "msc present", lambda: pl.col("msc").is_not_null()),
    Derivation("msc_category", "msc", "from msc", lambda: clean.msc_category(pl.col("msc"))),
)
DERIVED = tuple(dict.fromkeys(d.column for d in DERIVATIONS))


class Source(BaseModel):
    """How one canonical column is filled: a parser over source columns, or a constant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parse: str | None = None
    sources: tuple[StrictStr, ...] = Field(default=(), alias="from")
    value: StrictStr | StrictBool | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Source:
        if (self.parse is None) == (self.value is None):
            raise ValueError("give either parse and from, or value")
        if self.value is not None and self.sources:
            raise ValueError("a constant (value) reads no source (from)")
        if self.parse is not None and self.parse not in PARSERS:
            raise ValueError(f"unknown parser {self.parse!r}; known: {', '.join(PARSERS)}")
        if self.parse is not None and not self.sources:
            raise ValueError(f"parser {self.parse} needs its source column(s) in from")
        if self.arity > 1 and len(self.sources) != self.arity:
            raise ValueError(f"parser {self.parse} reads exactly {self.arity} source columns")
        return self

    @property
    def constant(self) -> bool:
        """The same value on every row."""
        return self.value is not None

    @property
    def arity(self) -> int:
        """Source columns the parser reads (0 for a constant); one-source parsers take the
        first listed alternative the input has."""
        return PARSERS[self.parse].arity if self.parse is not None else 0

    def present(self, columns: set[str]) -> list[str]:
        """The source columns used from ``columns`` (alternatives: the first present)."""
        if self.arity > 1:
            return [s for s in self.sources if s in columns]
        first = next((s for s in self.sources if s in columns), None)
        return [] if first is None else [first]

    def absent(self, columns: set[str]) -> bool:
        """A parsed column whose source(s) ``columns`` lacks (it is null)."""
        return not self.constant and len(self.present(columns)) < self.arity

    def missing(self, columns: set[str]) -> list[str]:
        """What ``columns`` lacks for this column, as a detection message names it."""
        if self.arity > 1:
            return [s for s in self.sources if s not in columns]
        return [] if self.present(columns) else [" or ".join(self.sources)]


class Adapter(BaseModel):
    """An input format: its canonical table, its column map and how it is recognized."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    table: str
    description: str
    lineage: dict[str, tuple[StrictStr, ...]] = {}
    columns: dict[str, Source]
    required: tuple[str, ...]

    @model_validator(mode="after")
    def _fits_the_schema(self) -> Adapter:
        if self.table not in TABLES:
            raise ValueError(f"table {self.table!r}: expected one of {', '.join(TABLES)}")
        for name, spec in self.columns.items():
            _check_column(name, spec)
        if bad := [k for k in self.lineage if k not in UPSTREAM]:
            raise ValueError(f"lineage {bad[0]!r}: expected some of {', '.join(UPSTREAM)}")
        for name in self.required:
            if name not in self.columns or self.columns[name].constant:
                raise ValueError(f"required {name!r}: not a parsed column of this format")
        return self

    def derivation(self, column: str) -> Derivation | None:
        """How a derived column is computed for this format (None: it stays null)."""
        return next(
            (d for d in DERIVATIONS if d.column == column and d.needs in self.columns), None
        )

    # -- detection -------------------------------------------------------------------------
    def missing_required(self, columns: set[str]) -> list[str]:
        """Required source columns (or their alternatives) absent from ``columns``."""
        return [m for name in self.required for m in self.columns[name].missing(columns)]

    def known_sources(self) -> set[str]:
        """Every source column name this format reads (all alternatives, lineage too)."""
        names = {n for sources in self.lineage.values() for n in sources}
        for spec in self.columns.values():
            names.update(spec.sources)
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
        plan = {name: spec.present(cols) for name, spec in self.columns.items()}
        text_sources = sorted({u for used in plan.values() for u in used if schema[u] == pl.String})
        prepared = lf.with_columns(expr for u in text_sources for expr in self._prepare(u))
        exprs: list[pl.Expr] = []
        redacted: list[pl.Expr] = []
        for name, spec in self.columns.items():
            values, flags = _column(name, spec, plan[name], schema)
            exprs += values
            redacted += flags
        exprs += self._lineage(cols)
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

    def _lineage(self, cols: set[str]) -> list[pl.Expr]:
        """The upstream lineage columns: the first listed source present, else null."""
        out = []
        for canon, names in self.lineage.items():
            name = next((n for n in names if n in cols), None)
            dtype = SCHEMA[canon]
            expr = pl.col(name).cast(dtype, strict=False) if name else pl.lit(None, dtype)
            out.append(expr.alias(canon))
        return out

    def _derive(self) -> list[pl.Expr]:
        out = []
        for column in DERIVED:
            how = self.derivation(column)
            expr = how.expr() if how is not None else pl.lit(None, SCHEMA[column])
            out.append(expr.alias(column))
        return out


def _check_column(name: str, spec: Source) -> None:
    """A format fills only canonical columns that neither the load step nor a derivation
    fills, and a constant has the column's type."""
    if name not in SCHEMA:
        raise ValueError(f"columns {name!r}: not a canonical column")
    if name in (*FILLED_BY_LOAD, *UPSTREAM, *DERIVED):
        raise ValueError(f"columns {name!r}: filled by the load step or derived, not mapped")
    wanted = bool if SCHEMA[name] == pl.Boolean else str
    if spec.constant and not isinstance(spec.value, wanted):
        raise ValueError(f"columns {name!r}: a constant of type {wanted.__name__} is expected")


def _column(
    name: str, spec: Source, used: list[str], schema: dict[str, pl.DataType]
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """One canonical column (and its ``_raw_`` helper), and the redaction flags it adds."""
    dtype = SCHEMA[name]
    if spec.constant:
        return [pl.lit(spec.value, dtype).alias(name)], []
    if len(used) < spec.arity:
        return [pl.lit(None, dtype).alias(name)], []
    text = [schema[u] == pl.String for u in used]
    sources = [pl.col(f"__src_{u}") if t else pl.col(u) for u, t in zip(used, text, strict=True)]
    flags = [
        pl.when(pl.col(f"__red_{u}")).then(pl.lit(name))
        for u, t in zip(used, text, strict=True)
        if t
    ]
    assert spec.parse is not None
    out = [PARSERS[spec.parse].convert(sources, [schema[u] for u in used]).alias(name)]
    if len(used) == 1:
        raw = sources[0] if text[0] else sources[0].cast(pl.String)
        out.append(raw.alias(f"_raw_{name}"))
    return out, flags


def load_formats(text: str, origin: str) -> tuple[Adapter, ...]:
    """The formats of a formats.yaml text; a bad entry raises UserError naming its field."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise UserError(f"{origin}: expected a list of formats (mappings)")
    out = []
    for entry in raw:
        try:
            out.append(Adapter.model_validate(entry))
        except ValidationError as err:
            where = f"{origin}: format {entry.get('name')!r}"
            raise UserError(validation_message(where, err)) from None
    names = [a.name for a in out]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise UserError(f"{origin}: format name {dupes[0]!r} is declared twice")
    return tuple(out)


ADAPTERS: tuple[Adapter, ...] = load_formats(
    (resources.files("scomm.records") / FORMATS_FILE).read_text("utf-8"),
    f"scomm/records/{FORMATS_FILE}",
)
BY_NAME = {a.name: a for a in ADAPTERS}
FORMATS = ("auto", *BY_NAME)


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
