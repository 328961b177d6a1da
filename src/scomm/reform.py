"""Reforms from Python: parameter changes given as plain values, without a scenario file.

``scomm.api.run(..., reform=...)`` takes either a ``ParameterSet`` (for instance one made with
``ParameterSet.with_overrides``), used as the scenario's whole parameter set, or a mapping from
parameter names to what they become:

- a value (a number, a flag, or a mapping by key such as ``{"level1": 0.9, ...}``): the value
  in force throughout;
- dated values, ``{"2011-08-01": value}`` or ``{"2011-08-01.2012-12-31": value}`` (from, or
  from and until, as PolicyEngine writes reform periods);
- a scenario file's override, ``{"from": "2011-08-01", "until": ..., "value" | "scale": ...,
  "states": [...]}``, or a list of them.

Each change is validated like a scenario file's (unknown parameters, keys, units and ranges
raise UserError naming ``reform[<name>]``) and cited as "reform" in the brief's sources. The
run's scenario is then called ``<scenario>+reform`` and its hash covers the reform.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from scomm.errors import UserError
from scomm.params import ParameterSet, validation_message
from scomm.scenario import Override, Scenario, with_overrides

Reform = Mapping[str, Any] | ParameterSet
FROM_THE_START = dt.date(2005, 1, 1)
_DATE = r"\d{4}-\d{2}-\d{2}"
_PERIOD = re.compile(rf"^({_DATE})(?:\.({_DATE}))?$")
_OVERRIDE_KEYS = {"from", "until", "value", "scale", "note", "states", "counties"}


def _is_override(spec: Any) -> bool:
    return isinstance(spec, Mapping) and bool(spec) and set(spec) <= _OVERRIDE_KEYS


def _is_dated(spec: Any) -> bool:
    return isinstance(spec, Mapping) and bool(spec) and all(_PERIOD.match(str(k)) for k in spec)


def _overrides(name: str, spec: Any) -> list[dict[str, Any]]:
    """The override mappings one reform entry stands for."""
    if isinstance(spec, list):
        return [o for item in spec for o in _overrides(name, item)]
    if _is_override(spec):
        return [{"from": FROM_THE_START, **spec, "name": name}]
    if _is_dated(spec):
        out = []
        for key, value in spec.items():
            start, until = _PERIOD.match(str(key)).groups()  # type: ignore[union-attr]
            out.append({"name": name, "from": start, "until": until, "value": value})
        return out
    return [{"name": name, "from": FROM_THE_START, "value": spec}]


def parse(reform: Mapping[str, Any]) -> list[Override]:
    """Validated overrides of a reform mapping."""
    found = []
    for name, spec in reform.items():
        for raw in _overrides(str(name), spec):
            raw = {k: v for k, v in raw.items() if v is not None}
            try:
                found.append(Override(**raw))
            except ValidationError as err:
                raise UserError(validation_message(f"reform[{name!r}]", err, True)) from None
    return found


def apply(scn: Scenario, reform: Reform | None) -> Scenario:
    """The scenario with the reform applied (unchanged for None)."""
    if reform is None:
        return scn
    if isinstance(reform, ParameterSet):
        missing = sorted(set(scn.params.names()) - set(reform.names()))
        if missing:
            raise UserError(f"reform: the parameter set lacks {', '.join(missing[:5])}")
        return dataclasses.replace(scn, name=f"{scn.name}+reform", params=reform)
    if not isinstance(reform, Mapping):
        raise UserError(
            f"reform: expected a mapping of parameter names or a ParameterSet, got "
            f"{type(reform).__name__}"
        )
    reformed = with_overrides(scn, parse(reform), "reform")
    return dataclasses.replace(reformed, name=f"{scn.name}+reform")
