"""Era parameters as data: one YAML file per dated policy parameter (tests/eras/<name>.yaml),
with the value in force in the month before and the first month of every dated change, read
through compile (``compile.declared_series``, the function that builds the engine's arrays;
for the fields compile builds from several parameters, the value compile reads)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from scomm import periods
from scomm.compile import declared_series
from scomm.rules import pipeline
from scomm.scenario import Scenario, packaged

HERE = Path(__file__).resolve().parent
# The dated policy parameters: every parameter of these groups with more than one dated value.
GROUPS = ("detainer.", "jail.", "custody.", "removal.", "status.", "program.")


@dataclass(frozen=True)
class EraCase:
    """The value a parameter must have in a month."""

    parameter: str
    month: int
    value: Any
    why: str


def files() -> list[Path]:
    """Every era case file."""
    return sorted(HERE.glob("*.yaml"))


def load(path: Path) -> list[EraCase]:
    """The cases of one file (its ``parameter`` must equal the file name)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = doc["parameter"]
    if name != path.stem:
        raise ValueError(f"{path.name}: parameter {name!r} differs from the file name")
    return [
        EraCase(name, periods.parse_month(str(c["month"])), c["value"], c["why"])
        for c in doc["cases"]
    ]


@cache
def _baseline() -> Scenario:
    return packaged("baseline")


def _declared(name: str) -> pipeline.Param | None:
    for p in pipeline.parameters(drawn=False):
        if p.name == name and p.field not in pipeline.BUILT_FIELDS:
            return p
    return None


def compiled_value(name: str, month: int) -> Any:
    """The parameter's value in ``month`` as compile reads it: a number, a flag, or a mapping
    by key."""
    day = periods.first_day(month)
    p = _declared(name)
    if p is None:  # a field compile builds itself reads the parameter directly
        return _baseline().params.at(name, day)
    arrays = declared_series(_baseline(), [day])[p.field]
    same_field = [q for q in pipeline.parameters(drawn=False) if q.field == p.field]
    row = arrays[0]
    if len(same_field) > 1:
        row = row[same_field.index(p)]
    if p.keys is None:
        return _plain(row)
    return {k: _plain(v) for k, v in zip(p.keys, np.atleast_1d(row), strict=True)}


def _plain(v: Any) -> Any:
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    return float(v)


def era_parameters() -> list[str]:
    """The dated policy parameters (more than one dated value)."""
    params = _baseline().params
    return [n for n in params.names() if n.startswith(GROUPS) and len(params[n].values) > 1]
