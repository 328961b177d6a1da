"""State and local detainer laws and opt-out events, as dated jurisdiction rules.

A law file (``jurisdictions/laws/<id>.yaml``) says whom it binds (states or counties),
from and until when, and on what conditions a jail may honor a detainer:

* ``effect: honor_only_if``: honor only when the person's ICE level is in ``levels`` or
  the current charge is in ``charges`` (and never when ``judicial_warrant: true``,
  since ICE detainers come with an administrative warrant at most);
* ``effect: decline_all``: no detainer is honored (e.g. a reimbursement condition ICE
  never met);
* ``effect: require_compliance``: a state law that overrides local limits;
* ``effect: withdraw_interoperability``: a state's attempt to leave S-Comm (only a
  scenario can make it take effect: ICE terminated all MOAs on 5 Aug 2011);
* ``effect: informational``: in force, shown by ``scomm params``, no modeled effect.

``in_history: false`` marks events that did not change what happened (the baseline
ignores them; scenarios may switch them on); ``overridden_by`` names the law that stopped
one taking effect (ICE's termination of all MOAs for the state opt-outs).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scomm.errors import UserError
from scomm.io import read_yaml
from scomm.jurisdictions.scope import Scope
from scomm.params import Citation, validation_message
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
    overridden_by: str | None = None  # id of the law that stopped it taking effect
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
        b = self.binds
        if not (b.all_states or b.states or b.counties):
            raise ValueError("binds: name states, counties or all_states: true")
        return self

    @property
    def scope(self) -> Scope:
        """Where and when the law applies (its binds, from effective to ends)."""
        b = self.binds
        return Scope.of(self.effective, self.ends, b.states, b.counties, b.all_states)

    def binds_label(self) -> str:
        """Whom the law binds, in words."""
        b = self.binds
        if b.all_states:
            return "all states and DC"
        parts = [", ".join(b.states)] if b.states else []
        if b.counties:
            parts.append("counties " + ", ".join(b.counties))
        return "; ".join(parts)

    def conditions(self) -> str:
        """When a jail bound by the law honors a detainer, in words."""
        if self.effect == "decline_all":
            return "declines every detainer"
        if self.effect == "require_compliance":
            return "jails must honor detainers (overrides earlier local limits)"
        if self.effect == "withdraw_interoperability":
            return "fingerprints not checked against IDENT where it takes effect"
        if self.effect == "informational":
            return "no modeled effect"
        names = {"level1": "Level 1", "level2": "Level 2", "level3": "Level 3"}
        levels = [names.get(lv, "non-criminal") for lv in self.levels]
        who = [f"people at ICE {' or '.join(levels)}"] if levels else []
        if self.charges:
            who.append(f"people charged with a {' or '.join(self.charges)}")
        text = "honored only for " + (", or ".join(who) if who else "no one")
        if self.judicial_warrant:
            text = "honored only with a judicial warrant (ICE brings none), and then " + text
        return text


def parse_law(raw: object, origin: str) -> Law:
    """Validate one law mapping; errors name the file and field."""
    if not isinstance(raw, dict):
        raise UserError(f"{origin}: expected a mapping describing a law")
    try:
        law = Law(**raw)
    except ValidationError as err:
        raise UserError(validation_message(origin, err)) from None
    law.scope.check_places(origin, "binds.")
    return law


@cache
def all_laws() -> tuple[Law, ...]:
    """Every packaged law, sorted by effective date then id."""
    folder = resources.files("scomm.jurisdictions") / "laws"
    laws = []
    for f in sorted(folder.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".yaml"):
            origin = f"laws/{f.name}"
            law = parse_law(read_yaml(f, origin), origin)
            if law.id != f.name.removesuffix(".yaml"):
                raise UserError(f"{origin}: field id: {law.id!r} differs from the file name")
            laws.append(law)
    ids = {lw.id for lw in laws}
    for lw in laws:
        if lw.overridden_by is not None and lw.overridden_by not in ids:
            raise UserError(
                f"laws/{lw.id}.yaml: field overridden_by: unknown law {lw.overridden_by!r}"
            )
    return tuple(sorted(laws, key=lambda lw: (lw.effective, lw.id)))
