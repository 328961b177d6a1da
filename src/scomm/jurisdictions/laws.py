"""State and local detainer laws and opt-out events, as dated jurisdiction rules.

A law file (``jurisdictions/laws/<id>.yaml``) says whom it binds (states or counties),
from and until when, and on what conditions a jail may honour a detainer:

* ``effect: honor_only_if``: honour only when the person's ICE level is in ``levels`` or
  the current charge is in ``charges`` (and never when ``judicial_warrant: true``,
  since ICE detainers come with an administrative warrant at most);
* ``effect: decline_all``: no detainer is honoured (e.g. a reimbursement condition ICE
  never met);
* ``effect: require_compliance``: a state law that overrides local limits;
* ``effect: withdraw_interoperability``: a state's attempt to leave S-Comm (only a
  scenario can make it take effect: ICE terminated all MOAs on 5 Aug 2011);
* ``effect: informational``: in force, shown by ``scomm params``, no modelled effect.

``in_history: false`` marks events that did not change what happened (the baseline
ignores them; scenarios may switch them on).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scomm.errors import UserError
from scomm.params import Citation
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS

Effect = Literal[
    "honor_only_if",
    "decline_all",
    "require_compliance",
    "withdraw_interoperability",
    "informational",
]


class Binds(BaseModel):
    """Whom a law binds: whole states, or listed counties."""

    model_config = ConfigDict(extra="forbid")
    states: list[str] = Field(default_factory=list)
    counties: list[str] = Field(default_factory=list)
    all_states: bool = False


class Law(BaseModel):
    """A dated state or local rule about detainers or interoperability."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    summary: str = Field(min_length=10)
    binds: Binds
    agency: str
    effective: dt.date
    ends: dt.date | None = None
    effect: Effect
    levels: list[str] = Field(default_factory=list)
    charges: list[str] = Field(default_factory=list)
    judicial_warrant: bool = False
    in_history: bool = True
    citation: Citation
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Law:
        for lv in self.levels:
            if lv not in LEVEL_KEYS:
                raise ValueError(f"levels: {lv!r} is not one of {LEVEL_KEYS}")
        for ch in self.charges:
            if ch not in CHARGE_KEYS:
                raise ValueError(f"charges: {ch!r} is not one of {CHARGE_KEYS}")
        if self.ends is not None and self.ends < self.effective:
            raise ValueError(f"ends: {self.ends} is before effective {self.effective}")
        return self

    def in_force(self, day: dt.date) -> bool:
        """True on the days the law applies."""
        return self.effective <= day and (self.ends is None or day <= self.ends)

    def binds_place(self, state: str, county: str) -> bool:
        """True where the law applies."""
        b = self.binds
        return b.all_states or state in b.states or county in b.counties


def parse_law(raw: object, origin: str) -> Law:
    """Validate one law mapping; errors name the file and field."""
    if not isinstance(raw, dict):
        raise UserError(f"{origin}: expected a mapping describing a law")
    try:
        return Law(**raw)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise UserError(f"{origin}: field {loc}: {first['msg']}") from None


@cache
def all_laws() -> tuple[Law, ...]:
    """Every packaged law, sorted by effective date then id."""
    folder = resources.files("scomm.jurisdictions") / "laws"
    laws = []
    for f in sorted(folder.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".yaml"):
            laws.append(parse_law(yaml.safe_load(f.read_text("utf-8")), f"laws/{f.name}"))
    return tuple(sorted(laws, key=lambda lw: (lw.effective, lw.id)))
