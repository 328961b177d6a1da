"""Parameters as data: one cited YAML file per parameter, values keyed by effective date.

A parameter file looks like::

    description: Probability that a submission matches an IDENT record, by status.
    unit: probability
    breakdown: status            # optional: the keys of a mapping value
    values:
      2008-10-27:
        value: {undocumented_prior: 0.9, lpr: 0.6}
        citation: {title: ..., url: https://..., date: 2012-07-01, kind: agency}
        assumption: why this number, where no source gives it   # optional
        calibrated: the §2 target it was fitted to              # optional
        prior: {distribution: loguniform, low: 0.6, high: 1.6}   # optional

A mapping value's prior is given key by key (``prior: {lpr: {distribution: uniform, low: 0.4,
high: 0.8}}``); keys without one are fixed. A citation's ``kind`` grades it (``KINDS``).
A mapping whose keys are exchangeable may add ``prior_scale: {distribution: uniform, low:
0.05, high: 1.0}``: a shared scale for its keys (a hierarchical prior, docs/calibration.md).

Its name is its path below ``parameters/`` with dots (``rules/match/probability``
becomes ``rules.match.probability``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from scomm.errors import UserError
from scomm.io import load_yaml, read_text

Unit = Literal[
    "probability",
    "share",
    "ratio",
    "multiplier",
    "count",
    "persons_per_year",
    "per_1000_persons_per_year",
    "per_1000_households_per_year",
    "days",
    "months",
    "usd",
    "usd_per_day",
    "flag",
]
BOUNDED_UNITS = {"probability", "share"}
#: The range of each unit's values (others: from 0, finite); a flag is true or false.
UNIT_RANGE: dict[str, tuple[float, float]] = dict.fromkeys(BOUNDED_UNITS, (0.0, 1.0))
MAX_TREE_DEPTH = 16  # folders below a parameter tree's root

PARAMETER_ROOT = resources.files("scomm") / "parameters"

# What a citation is, from the most to the least direct: the law itself, a court's opinion or
# docket, the issuing agency's own document (memo, form, press release, data), a research or
# statistical report, a news story, an advocacy group's publication, a copy of any of these
# kept by someone else (a blog, Scribd, a document mirror), and the project's own documented
# assumption (docs/assumptions.md), where no outside source gives the number.
Kind = Literal["statute", "court", "agency", "report", "news", "advocacy", "mirror", "assumption"]
KINDS: tuple[str, ...] = Kind.__args__


class Citation(BaseModel):
    """Where a value comes from: a document's title, address and date."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=3)
    url: str
    date: dt.date
    kind: Kind
    locator: str | None = None  # table, page or section within the document

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not (v.startswith(("http://", "https://")) or v.startswith("docs/")):
            raise ValueError("url must be http(s):// or a docs/ page of this repository")
        return v


Number = StrictFloat | StrictInt  # a number as written: not a string, not true/false
Scalar = Number | StrictBool
Value = Scalar | dict[str, Scalar]


class Prior(BaseModel):
    """The range a calibration may explore for an uncertain scalar value (its prior)."""

    model_config = ConfigDict(extra="forbid")
    distribution: Literal["uniform", "loguniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Prior:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"prior: needs finite low < high, got {self.low}..{self.high}")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"prior: a loguniform prior needs low > 0, got {self.low}")
        return self


class MissingValue(UserError, KeyError):
    """A parameter has no value on the day asked (before its first date) or no such key."""

    def __str__(self) -> str:
        return str(self.args[0])


def value_problem(unit: str, v: object) -> str | None:
    """Why ``v`` is not a value of ``unit`` (a finite number in the unit's range, or true or
    false for a flag), or None."""
    if unit == "flag":
        return None if isinstance(v, bool) else f"unit flag takes true/false, got {v!r}"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return f"a {unit} is a number, got {v!r}"
    if not math.isfinite(v):
        return f"a {unit} must be a finite number, got {v}"
    lo, hi = UNIT_RANGE.get(unit, (0.0, math.inf))
    if v < lo:
        return f"must not be negative, got {v}"
    if v > hi:
        return f"a {unit} must lie in [{lo:g}, {hi:g}], got {v}"
    return None


def _keys(value: object) -> tuple[str, ...] | None:
    """A mapping value's sorted keys (None for a single value)."""
    return tuple(sorted(value)) if isinstance(value, dict) else None


def _prior_shape(raw: Any) -> str:
    """A scalar's one prior has a ``distribution``; a mapping's priors are keyed by its keys."""
    if isinstance(raw, dict) and not ({"distribution", "low", "high"} & set(raw)):
        return PRIOR_BY_KEY
    return SCALAR_PRIOR


SCALAR_PRIOR, PRIOR_BY_KEY = "scalar prior", "prior by key"  # dropped from error locations
PriorField = Annotated[
    Annotated[Prior, Tag(SCALAR_PRIOR)] | Annotated[dict[str, Prior], Tag(PRIOR_BY_KEY)],
    Discriminator(_prior_shape),
]


class Entry(BaseModel):
    """One dated value of a parameter with its citation (and, for an uncertain value, the
    prior range a calibration may explore: the value must lie inside it; a mapping value's
    prior is given for each uncertain key). ``prior_scale`` makes a mapping's keys
    exchangeable: their logs are the log of their range's geometric midpoint plus τ z_k,
    z_k standard normal and τ drawn from ``prior_scale``, each kept inside its key's range
    (a hierarchical prior, e.g. ICE intensity by area; docs/calibration.md)."""

    model_config = ConfigDict(extra="forbid")
    value: Value
    citation: Citation
    assumption: str | None = None
    calibrated: str | None = None
    note: str | None = None
    prior: PriorField | None = None
    prior_scale: Prior | None = None

    def check_prior(self) -> None:
        """The prior fits the value: one per key of a mapping (each key the value's), one for a
        scalar, and the value inside it. Checked by ``Parameter`` after the value's own unit,
        range and keys, so a wrong value is reported as such first."""
        if self.prior is None:
            if self.prior_scale is not None:
                raise ValueError("prior_scale: needs a prior for each key")
            return
        if isinstance(self.value, dict):
            if not isinstance(self.prior, dict):
                raise ValueError("prior: a mapping value takes a prior for each key")
            for key, prior in self.prior.items():
                if key not in self.value:
                    keys = ", ".join(sorted(self.value))
                    raise ValueError(f"prior: {key!r} is not a key of the value (keys: {keys})")
                _holds(prior, self.value[key], f"prior.{key}")
            if self.prior_scale is not None and self.prior_scale.low < 0:
                raise ValueError("prior_scale: a scale cannot be negative")
            return
        if isinstance(self.prior, dict):
            raise ValueError("prior: a scalar value takes one prior, not one per key")
        if self.prior_scale is not None:
            raise ValueError("prior_scale: only a mapping's keys share a scale")
        _holds(self.prior, self.value, "prior")

    def priors(self) -> dict[str | None, Prior]:
        """The priors of this entry by key (None: the scalar's own)."""
        if self.prior is None:
            return {}
        if isinstance(self.prior, Prior):
            return {None: self.prior}
        return dict(self.prior)


def _holds(prior: Prior, value: Scalar, field: str) -> None:
    """A prior belongs to a numeric value that lies inside it."""
    if isinstance(value, bool):
        raise ValueError(f"{field}: only a numeric value can have a prior")
    if not prior.low <= float(value) <= prior.high:
        raise ValueError(f"{field}: value {value} lies outside {prior.low}..{prior.high}")


class Parameter(BaseModel):
    """A parameter: description, unit, optional breakdown and dated values."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = Field(min_length=10)
    unit: Unit
    breakdown: str | None = None
    values: dict[dt.date, Entry]

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if not self.values:
            raise ValueError("values: at least one dated value is required")
        first = min(self.values)
        for when, entry in sorted(self.values.items()):
            self._check_entry(when, entry.value)
            if _keys(entry.value) != _keys(self.values[first].value):
                raise ValueError(
                    f"values.{when}: keys {_keys(entry.value) or '(a single value)'} differ "
                    f"from values.{first}'s {_keys(self.values[first].value) or '(a single value)'}"
                )
            try:
                entry.check_prior()
            except ValueError as err:
                raise ValueError(f"values.{when}: {err}") from None
        return self

    def _check_entry(self, when: dt.date, value: Any) -> None:
        """One dated value: a mapping only with a breakdown; each number in range."""
        if isinstance(value, dict) and self.breakdown is None:
            raise ValueError(f"values.{when}: a mapping value needs a breakdown")
        for v in value.values() if isinstance(value, dict) else [value]:
            problem = value_problem(self.unit, v)
            if problem:
                raise ValueError(f"values.{when}: {problem}")

    def entry_at(self, when: dt.date) -> tuple[dt.date, Entry] | None:
        """The entry in force on ``when`` (the latest one dated on or before it)."""
        best = None
        for start in sorted(self.values):
            if start <= when:
                best = start
        return None if best is None else (best, self.values[best])

    def at(self, when: dt.date, key: str | None = None) -> Any:
        """The value in force on ``when``; with ``key``, that key of a mapping value."""
        found = self.entry_at(when)
        if found is None:
            raise MissingValue(
                f"parameter {self.name} has no value on {when} (its first value is dated "
                f"{min(self.values)})"
            )
        value = found[1].value
        if key is None:
            return value
        if not isinstance(value, dict):
            return value
        if key in value:
            return value[key]
        if "default" in value:
            return value["default"]
        raise MissingValue(f"parameter {self.name} has no key {key!r} on {when}")


_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def _loc_part(part: object) -> str:
    """One step of a pydantic error location; a date key (which pydantic reports as its
    repr, 'datetime.date(2008, 1, 1)') as YYYY-MM-DD."""
    if isinstance(part, dt.date):
        return part.isoformat()
    m = _DATE_REPR.fullmatch(str(part))
    return dt.date(*map(int, m.groups())).isoformat() if m else str(part)


_DATED_FIELD = re.compile(r"(values\.\d{4}-\d{2}-\d{2}): (.*)", re.S)


def _model_level(loc: str, msg: str) -> tuple[str, str]:
    """A parameter-level check names the dated value at fault at the start of its message
    ("values.2008-01-01: ..."): that is the field, like an entry's own errors."""
    body = msg.removeprefix("Value error, ")
    m = _DATED_FIELD.fullmatch(body) if not loc else None
    return (m[1], msg[: len(msg) - len(body)] + m[2]) if m else (loc, msg)


def validation_message(origin: str, err: ValidationError, with_value: bool = False) -> str:
    """One line naming the file, the field and what was wrong, from pydantic's first error;
    ``with_value`` also shows the offending value (without pydantic's "Value error, ")."""
    first = err.errors()[0]
    loc = ".".join(_loc_part(p) for p in first["loc"] if p not in (SCALAR_PRIOR, PRIOR_BY_KEY))
    loc, msg = _model_level(loc, first["msg"])
    shown = ""
    if with_value:
        msg = msg.removeprefix("Value error, ")
        value = first.get("input")
        shown = f" (value {value!r})" if isinstance(value, str | int | float) else ""
    return f"{origin}: field {loc or '(top)'}: {msg}{shown}"


def parse_parameter(name: str, text: str, origin: str) -> Parameter:
    """Parse one parameter file's text; a bad file raises UserError naming the field."""
    raw = load_yaml(text, origin)
    if not isinstance(raw, dict):
        raise UserError(f"{origin}: expected a mapping with description, unit and values")
    values = raw.get("values")
    if isinstance(values, dict):
        for key in values:
            if not isinstance(key, dt.date) or isinstance(key, dt.datetime):
                raise UserError(f"{origin}: field values: {key!r} is not a date (YYYY-MM-DD)")
    try:
        return Parameter(name=name, **raw)
    except ValidationError as err:
        raise UserError(validation_message(origin, err)) from None
    except TypeError as err:
        raise UserError(f"{origin}: {err}") from None


@dataclass(frozen=True)
class ParameterSet:
    """All parameters, by dotted name."""

    params: Mapping[str, Parameter]

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.params[name]
        except KeyError:
            raise KeyError(f"unknown parameter {name!r}") from None

    def at(self, name: str, when: dt.date, key: str | None = None) -> Any:
        """The value of ``name`` in force on ``when``."""
        return self[name].at(when, key)

    def names(self) -> list[str]:
        """Sorted parameter names."""
        return sorted(self.params)

    def digest(self) -> str:
        """sha256 over every parameter's resolved content (for scenario hashes)."""
        blob = json.dumps(
            {k: _content(v) for k, v in sorted(self.params.items())},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def with_overrides(self, overrides: Mapping[str, Parameter]) -> ParameterSet:
        """A copy with some parameters replaced."""
        merged = dict(self.params)
        merged.update(overrides)
        return ParameterSet(merged)


def _content(p: Parameter) -> dict[str, Any]:
    """A parameter's content for hashing; an absent prior is left out, so adding the prior
    field changed no existing hash."""
    doc = p.model_dump(mode="json")
    for entry in doc["values"].values():
        for field in ("prior", "prior_scale"):
            if entry.get(field) is None:
                entry.pop(field, None)
    return doc


def _iter_files(root: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[str, Any]]:
    if len(prefix) > MAX_TREE_DEPTH:
        raise UserError(f"{root}: parameter folders nested more than {MAX_TREE_DEPTH} deep")
    try:
        children = sorted(root.iterdir(), key=lambda c: c.name)
    except OSError as exc:
        raise UserError(f"{root}: cannot list the folder: {exc.strerror or exc}") from None
    for child in children:
        if child.is_dir():
            yield from _iter_files(child, (*prefix, child.name))
        elif child.name.endswith(".yaml"):
            yield ".".join((*prefix, child.name.removesuffix(".yaml"))), child


def load_tree(root: Path | None = None) -> ParameterSet:
    """Load and validate every parameter file below ``root`` (default: the package's)."""
    base = PARAMETER_ROOT if root is None else Path(root)
    params = {}
    for name, file in _iter_files(base):
        origin = f"parameters/{name.replace('.', '/')}.yaml" if root is None else str(file)
        params[name] = parse_parameter(name, read_text(file, origin), origin)
    return ParameterSet(params)


def _like_packaged(mine: Parameter, packaged: Parameter, origin: str) -> None:
    """A user's parameter has the packaged one's unit and keys, from no later a date."""
    if mine.unit != packaged.unit:
        raise UserError(f"{origin}: field unit: {mine.unit!r}; the model reads a {packaged.unit}")
    first = min(mine.values)
    want, got = _keys(packaged.values[min(packaged.values)].value), _keys(mine.values[first].value)
    if want != got:
        raise UserError(
            f"{origin}: field values.{first}: keys {got or '(a single value)'}; the model reads "
            f"{want or 'a single value'}"
        )
    if first > min(packaged.values):
        raise UserError(
            f"{origin}: field values: the first value is dated {first}; the model needs one "
            f"from {min(packaged.values)}"
        )


def check_like_packaged(tree: ParameterSet, root: Path) -> None:
    """A user's tree holds every parameter the model reads, each in the packaged unit and
    keys and starting no later (so no run stops half-way on a missing value)."""
    packaged = _tree(None)
    missing = sorted(set(packaged.names()) - set(tree.names()))
    if missing:
        shown = ", ".join(f"{m.replace('.', '/')}.yaml" for m in missing[:3])
        more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        raise UserError(
            f"SCOMM_PARAMETERS: {str(root)!r} lacks parameter files the model reads: {shown}{more}"
        )
    for name in packaged.names():
        origin = str(root / f"{name.replace('.', '/')}.yaml")
        _like_packaged(tree[name], packaged[name], origin)


@cache
def _tree(custom: str | None) -> ParameterSet:
    if custom is None:
        return load_tree()
    root = Path(custom)
    if not root.is_dir():
        raise UserError(f"SCOMM_PARAMETERS: {custom!r} is not a folder of parameter files")
    tree = load_tree(root)
    check_like_packaged(tree, root)
    return tree


def default_parameters() -> ParameterSet:
    """The parameter tree, loaded once: the package's, or the folder named by the
    environment variable SCOMM_PARAMETERS (a user's edited copy of the tree, checked to hold
    every parameter the model reads)."""
    return _tree(os.environ.get("SCOMM_PARAMETERS") or None)


default_parameters.cache_clear = _tree.cache_clear  # type: ignore[attr-defined]
