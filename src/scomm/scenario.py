"""Scenarios as files: a base, dated parameter overrides for chosen places and periods,
and laws switched on, off or added. Validated before anything runs.

    name: ny-optout-honored
    description: One sentence.
    base: baseline
    parameters:
      - name: program.interoperability
        from: 2011-06-01
        until: 2014-12-31          # optional
        states: [NY]               # optional (only for place-varying parameters)
        value: false               # or scale: 0.5 / {level3: 0.5}: multiply the values in force
        note: why
    laws:
      enable: [ny-optout-2011]     # laws with in_history: false that take effect here
      disable: [ca-trust-act]
      add: [ {a law mapping, see jurisdictions/laws.py} ]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scomm.errors import UserError
from scomm.flags import shown
from scomm.io import is_file, read_yaml
from scomm.jurisdictions.laws import Law, all_laws, parse_law
from scomm.jurisdictions.scope import Scope
from scomm.params import (
    Citation,
    Entry,
    Number,
    Parameter,
    ParameterSet,
    default_parameters,
    validation_message,
    value_problem,
)

PLACE_PARAMETERS = {"program.interoperability"}
MAX_BASE_DEPTH = 32  # scenarios based on scenarios based on ...


class Override(BaseModel):
    """A parameter's value replaced (``value``) or multiplied (``scale``) from one date to
    another, optionally in some places."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str
    start: dt.date = Field(alias="from")
    until: dt.date | None = None
    states: list[str] = Field(default_factory=list)
    counties: list[str] = Field(default_factory=list)
    value: Any = None
    scale: Number | dict[str, Number] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Override:
        if self.until is not None and self.until < self.start:
            raise ValueError(f"until: {self.until} is before from {self.start}")
        if len({"value", "scale"} & self.model_fields_set) != 1:
            raise ValueError("give exactly one of value or scale")
        factors = self.scale.values() if isinstance(self.scale, dict) else [self.scale]
        if self.scale is not None and any(not math.isfinite(f) or f < 0 for f in factors):
            raise ValueError(f"scale: {self.scale} must be a finite number, not negative")
        return self

    @property
    def scope(self) -> Scope:
        """Where and when the override applies (every place when it names none)."""
        everywhere = not (self.states or self.counties)
        return Scope.of(self.start, self.until, self.states, self.counties, everywhere)


class LawChanges(BaseModel):
    """Laws enabled, disabled or added by a scenario."""

    model_config = ConfigDict(extra="forbid")
    enable: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    add: list[dict[str, Any]] = Field(default_factory=list)


class Pretext(BaseModel):
    """Pretextual arrests: extra low-level arrests of Hispanic residents (metrics issue)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    counties: list[str] = Field(default_factory=list)
    states: list[str] = Field(default_factory=list)
    start: dt.date = Field(alias="from")
    until: dt.date | None = None
    rate: float = Field(ge=0, le=5)

    @model_validator(mode="after")
    def _dates(self) -> Pretext:
        if self.until is not None and self.until < self.start:
            raise ValueError(f"until: {self.until} is before from {self.start}")
        if not (self.states or self.counties):
            raise ValueError("name the states or counties of the pretextual arrests")
        return self

    @property
    def scope(self) -> Scope:
        """The counties and months that get pretextual arrests."""
        return Scope.of(self.start, self.until, self.states, self.counties)


class ScenarioFile(BaseModel):
    """The on-disk form of a scenario."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = Field(min_length=10)
    base: str | None = None
    parameters: list[Override] = Field(default_factory=list)
    laws: LawChanges = Field(default_factory=LawChanges)
    pretext: list[Pretext] = Field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: the parameter set, place overrides and the laws in effect."""

    name: str
    description: str
    params: ParameterSet
    place_overrides: tuple[Override, ...]
    laws: tuple[Law, ...]
    pretext: tuple[Pretext, ...] = field(default=())
    source: str = "packaged"

    def digest(self) -> str:
        """sha256 of everything that determines results."""
        blob = json.dumps(
            {
                "params": self.params.digest(),
                "place": [o.model_dump(mode="json") for o in self.place_overrides],
                "laws": [lw.model_dump(mode="json") for lw in self.laws],
                "pretext": [p.model_dump(mode="json") for p in self.pretext],
            },
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()


def _scenario_dir() -> Any:
    return resources.files("scomm") / "scenarios"


def scenario_names() -> list[str]:
    """Names of the packaged scenarios."""
    return sorted(
        f.name.removesuffix(".yaml") for f in _scenario_dir().iterdir() if f.name.endswith(".yaml")
    )


def _looks_like_file(name_or_path: str) -> bool:
    """A YAML file name, a path with a folder in it, or an existing file."""
    return name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path or is_file(name_or_path)


def _source(name_or_path: str) -> tuple[str, str]:
    """Where a scenario comes from: its identity (``packaged:NAME`` or the file's resolved
    path, so a cycle is found whatever spelling names the file) and its label."""
    if _looks_like_file(name_or_path):
        if not is_file(name_or_path):
            raise UserError(f"--scenario: file {shown(name_or_path)} does not exist")
        return str(Path(name_or_path).resolve()), name_or_path
    if name_or_path not in scenario_names():
        raise UserError(
            f"--scenario: unknown scenario {shown(name_or_path)}; known: "
            + ", ".join(scenario_names())
        )
    return f"packaged:{name_or_path}", f"scenarios/{name_or_path}.yaml"


def _read_file(identity: str, origin: str) -> dict:
    """The scenario file's mapping; an unreadable or invalid file raises UserError."""
    if identity.startswith("packaged:"):
        source = _scenario_dir() / f"{identity.removeprefix('packaged:')}.yaml"
    else:
        source = Path(identity)
    raw = read_yaml(source, origin)
    if not isinstance(raw, dict):
        raise UserError(f"{origin}: expected a mapping with name, description, base")
    return raw


def _validate(raw: dict, origin: str) -> ScenarioFile:
    try:
        return ScenarioFile(**raw)
    except ValidationError as err:
        raise UserError(validation_message(origin, err, with_value=True)) from None


def _check_keys(param: Parameter, ov: Override, origin: str) -> None:
    """A mapping parameter's override names exactly its keys; a scale names some of them."""
    keys = set()
    for entry in param.values.values():
        if isinstance(entry.value, dict):
            keys |= set(entry.value)
    where = f"{origin}: parameter {ov.name}"
    if "scale" in ov.model_fields_set:
        if param.unit == "flag":
            raise UserError(f"{where}: scale: a flag parameter cannot be scaled; give a value")
        if isinstance(ov.scale, dict) and not set(ov.scale) <= keys:
            raise UserError(f"{where}: scale: unknown keys {sorted(set(ov.scale) - keys)}")
        return
    if keys and (not isinstance(ov.value, dict) or set(ov.value) != keys):
        got = sorted(ov.value) if isinstance(ov.value, dict) else repr(ov.value)
        raise UserError(f"{where}: value: expected a mapping with keys {sorted(keys)}, got {got}")
    if not keys and isinstance(ov.value, dict):
        raise UserError(f"{where}: value: expected a single {param.unit}, got a mapping")


def _scaled(value: Any, scale: float | dict[str, float]) -> Any:
    """``value`` times ``scale`` (per key for a mapping; unnamed keys keep their value)."""
    if not isinstance(scale, dict):
        scale = dict.fromkeys(value, scale) if isinstance(value, dict) else {"": scale}
    if isinstance(value, dict):
        return {k: v * scale.get(k, 1.0) for k, v in value.items()}
    return value * scale.get("", 1.0)


def _overridden_values(param: Parameter, ov: Override, origin: str) -> dict[dt.date, Entry]:
    """The parameter's dated entries with the override applied from ov.start to ov.until
    (the value in force after ov.until resumes)."""
    citation = Citation(
        title=f"scenario {origin}", url="docs/scenarios.md", date=ov.start, kind="assumption"
    )
    note = ov.note or f"scenario override from {origin}"
    inside = ov.scope.in_force
    kept = {d: e for d, e in param.values.items() if not inside(d)}
    if ov.until is not None:
        after = ov.until + dt.timedelta(days=1)
        found = param.entry_at(after)
        if found and after not in kept:
            kept[after] = found[1]
    if "scale" not in ov.model_fields_set:
        kept[ov.start] = Entry(value=ov.value, citation=citation, note=note)
        return kept
    at_start = param.entry_at(ov.start)
    if at_start is None:
        raise UserError(f"{origin}: parameter {ov.name}: no value in force on {ov.start}")
    window = {ov.start: at_start[1]} | {d: e for d, e in param.values.items() if inside(d)}
    for d, e in window.items():
        kept[d] = Entry(
            value=_scaled(e.value, ov.scale),
            citation=citation,
            note=f"{note} (x {ov.scale} of: {e.citation.title})",
        )
    return kept


def _check_value(param: Parameter, ov: Override, origin: str) -> None:
    """An override's value is of the parameter's unit (type, finite, range), key by key."""
    numbers = ov.value.values() if isinstance(ov.value, dict) else [ov.value]
    for v in numbers:
        problem = value_problem(param.unit, v)
        if problem:
            raise UserError(
                f"{origin}: parameter {ov.name}: value {shown(repr(ov.value))}: {problem}"
            )


def _apply_override(param: Parameter, ov: Override, origin: str) -> Parameter:
    """Replace (``value``) or multiply (``scale``) a parameter's values (national
    overrides); the result is validated like a parameter file (type, finite, unit range)."""
    _check_keys(param, ov, origin)
    if "value" in ov.model_fields_set:
        _check_value(param, ov, origin)
    try:
        kept = _overridden_values(param, ov, origin)
        return Parameter(**{**param.model_dump(exclude={"values"}), "values": kept})
    except ValidationError as err:
        msg = err.errors()[0]["msg"].removeprefix("Value error, ")
        shown_value = ov.value if "value" in ov.model_fields_set else f"scale {ov.scale}"
        raise UserError(f"{origin}: parameter {ov.name}: {shown_value!r}: {msg}") from None


def _base(spec: ScenarioFile, origin: str, seen: tuple[str, ...]) -> Scenario | None:
    """The resolved base scenario (None: history itself, from the parameter tree); ``seen``
    holds the identities of the scenarios that led here."""
    if spec.base is None:
        return None
    if len(seen) > MAX_BASE_DEPTH:
        raise UserError(f"{origin}: field base: more than {MAX_BASE_DEPTH} scenarios deep")
    if not _looks_like_file(spec.base) and spec.base not in scenario_names():
        raise UserError(
            f"{origin}: field base: unknown scenario {shown(spec.base)}; known: "
            + ", ".join(scenario_names())
        )
    identity, _ = _source(spec.base)
    if identity in seen:
        raise UserError(f"{origin}: field base: {spec.base!r} makes a cycle")
    return resolve(spec.base, seen)


def _laws(changes: LawChanges, origin: str, laws: list[Law]) -> list[Law]:
    """The base's laws with the scenario's enabled, disabled and added laws."""
    catalog = {lw.id: lw for lw in all_laws()}
    for law_id in changes.enable:
        if law_id not in catalog:
            raise UserError(f"{origin}: field laws.enable: unknown law {law_id!r}")
        if catalog[law_id] not in laws:
            laws.append(catalog[law_id])
    for law_id in changes.disable:
        if law_id not in catalog:
            raise UserError(f"{origin}: field laws.disable: unknown law {law_id!r}")
        laws = [lw for lw in laws if lw.id != law_id]
    for i, raw_law in enumerate(changes.add):
        laws.append(parse_law(raw_law, f"{origin}: laws.add[{i}]"))
    return laws


def _place_override(ov: Override, origin: str) -> Override:
    """A parameter override for some places: only a place-varying flag may have one."""
    if ov.name not in PLACE_PARAMETERS:
        raise UserError(
            f"{origin}: parameter {ov.name}: places are only allowed for "
            + ", ".join(sorted(PLACE_PARAMETERS))
        )
    if not isinstance(ov.value, bool):
        raise UserError(
            f"{origin}: parameter {ov.name}: value {ov.value!r}: expected true or false"
        )
    return ov


def _parameters(
    spec: ScenarioFile, origin: str, params: ParameterSet
) -> tuple[dict[str, Parameter], list[Override]]:
    """The scenario's national overrides (applied, by parameter) and its place overrides."""
    overrides: dict[str, Parameter] = {}
    place: list[Override] = []
    for ov in spec.parameters:
        if ov.name not in params.params:
            raise UserError(f"{origin}: field parameters.name: unknown parameter {ov.name!r}")
        ov.scope.check_places(origin)
        if ov.states or ov.counties:
            place.append(_place_override(ov, origin))
            continue
        current = overrides.get(ov.name, params[ov.name])
        overrides[ov.name] = _apply_override(current, ov, origin)
    return overrides, place


def resolve(name_or_path: str, _seen: tuple[str, ...] = ()) -> Scenario:
    """Load, validate and resolve a scenario (by packaged name or file path)."""
    identity, origin = _source(name_or_path)
    spec = _validate(_read_file(identity, origin), origin)
    parent = _base(spec, origin, (*_seen, identity))
    if parent is None:
        params, place, pretext = default_parameters(), (), ()
        laws = [lw for lw in all_laws() if lw.in_history]
    else:
        params, place, pretext = parent.params, parent.place_overrides, parent.pretext
        laws = list(parent.laws)
    laws = _laws(spec.laws, origin, laws)
    overrides, more_place = _parameters(spec, origin, params)
    for p in spec.pretext:
        p.scope.check_places(origin)
    return Scenario(
        name=spec.name,
        description=spec.description,
        params=params.with_overrides(overrides),
        place_overrides=(*place, *more_place),
        laws=tuple(sorted(laws, key=lambda lw: (lw.effective, lw.id))),
        pretext=(*pretext, *spec.pretext),
        source=origin,
    )


def with_overrides(scn: Scenario, overrides: list[Override], origin: str) -> Scenario:
    """``scn`` with more parameter overrides on top (a library reform: ``scomm.reform``),
    validated like a scenario file's; ``origin`` names them in errors and citations."""
    spec = ScenarioFile(name=scn.name, description=scn.description, parameters=overrides)
    national, place = _parameters(spec, origin, scn.params)
    return Scenario(
        name=scn.name,
        description=scn.description,
        params=scn.params.with_overrides(national),
        place_overrides=(*scn.place_overrides, *place),
        laws=scn.laws,
        pretext=scn.pretext,
        source=scn.source,
    )


@cache
def packaged(name: str) -> Scenario:
    """A packaged scenario, resolved once."""
    return resolve(name)
