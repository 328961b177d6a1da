"""State and local detainer laws and opt-out events, as dated jurisdiction rules.

A law file (``jurisdictions/laws/<id>.yaml``) says whom it binds (states or counties),
from and until when, and on what conditions a jail may hold a person on a detainer or tell ICE
when they are released:

* ``effect: honor_only_if``: hold only people who meet one of the law's conditions (``levels``,
  ``charges`` or ``honor_if`` routes), and never when ``judicial_warrant: true``, since ICE
  detainers come with an administrative warrant at most; the jail may still tell ICE of a
  release unless ``blocks_notification: true`` (then only for people it could hold), and with
  ``notifies_sentenced_only: true`` only of releases at the end of a sentence (a share of
  releases, ``jail.sentenced_release_share``; pretrial and bail releases go unreported);
* ``effect: notification_only``: no holds at all; the jail tells ICE the release time of the
  people who meet a condition, and of no one else (California's SB 54, DC's 2012 act);
* ``effect: decline_all``: no detainer is honored; notification goes on unless
  ``blocks_notification: true`` (or only at the end of a sentence, ``notifies_sentenced_only``);
  with ``requires_reimbursement: true`` the refusal holds only while no federal reimbursement is
  offered (``jail.detainer_reimbursement_offered``), and the conditions say whom the jail would
  hold if it were;
* ``effect: require_compliance``: a state law that overrides local limits;
* ``effect: withdraw_interoperability``: a state's attempt to leave S-Comm (only a
  scenario can make it take effect: ICE terminated all MOAs on 5 Aug 2011);
* ``effect: informational``: in force, shown by ``scomm params``, no modeled effect.

A condition (``honor_if`` route) holds when every field it names holds: the person's ICE level
is in ``levels``, the charge is in ``charges``, and each flag it sets (``serious_charge``,
``serious_record``, ``magistrate_pc``, ``prior_removal``; ``rules/record.py``) has that value.

``binds_287g: false`` marks a rule that limits the jail's own authority under state law but not
its 287(g) officers, who act on delegated federal authority (Lunn v. Commonwealth); by default a
law binds both channels.

``modeled_by`` names the dated parameters that carry a federal rule's effect (an
``informational`` law whose change is in ``detainer.priority_categories``, say).

``in_history: false`` marks events that did not change what happened (the baseline
ignores them; scenarios may switch them on); ``overridden_by`` names the law that stopped
one taking effect (ICE's termination of all MOAs for the state opt-outs); ``assumption`` says
which date or condition no primary source confirmed.
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
    "notification_only",
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


class Condition(BaseModel):
    """One route to being held (or reported): every field it names must hold."""

    model_config = ConfigDict(extra="forbid")
    levels: list[str] = Field(default_factory=list)
    charges: list[str] = Field(default_factory=list)
    serious_charge: bool | None = None
    serious_record: bool | None = None
    magistrate_pc: bool | None = None
    prior_removal: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> Condition:
        _check_names(self.levels, self.charges)
        flags = (self.serious_charge, self.serious_record, self.magistrate_pc, self.prior_removal)
        if not (self.levels or self.charges or any(f is not None for f in flags)):
            raise ValueError("a condition names levels, charges or a record flag")
        return self

    def describe(self) -> str:
        """The condition in words: 'people at ICE Level 2 and with a serious ... conviction'."""
        parts = []
        if self.levels:
            parts.append("at ICE " + " or ".join(_LEVEL_NAMES[lv] for lv in self.levels))
        if self.charges:
            parts.append("charged with a " + " or ".join(self.charges))
        for name, (yes, no) in _FLAG_WORDS.items():
            value = getattr(self, name)
            if value is not None:
                parts.append(yes if value else no)
        return "people " + " and ".join(parts)


_LEVEL_NAMES = {
    "level1": "Level 1",
    "level2": "Level 2",
    "level3": "Level 3",
    "noncriminal": "non-criminal",
}
_FLAG_WORDS = {
    "serious_charge": ("whose charge is serious or violent", "whose charge is not serious"),
    "serious_record": ("with a serious or violent conviction", "without a serious conviction"),
    "magistrate_pc": (
        "with a magistrate's probable-cause finding on the felony",
        "without a magistrate's finding",
    ),
    "prior_removal": (
        "with a prior removal or an outstanding order",
        "without a prior removal",
    ),
}
_FIXED_TEXT = {
    "require_compliance": "jails must honor detainers (overrides earlier local limits)",
    "withdraw_interoperability": "fingerprints not checked against IDENT where it takes effect",
    "informational": "no modeled effect",
}
# What each flag may be combined with: which effects take it.
_NOTIFY_EFFECTS = ("honor_only_if", "decline_all")


def _check_names(levels: list[str], charges: list[str]) -> None:
    for lv in levels:
        if lv not in LEVEL_KEYS:
            raise ValueError(f"levels: {lv!r} is not one of {LEVEL_KEYS}")
    for ch in charges:
        if ch not in CHARGE_KEYS:
            raise ValueError(f"charges: {ch!r} is not one of {CHARGE_KEYS}")


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
    honor_if: list[Condition] = Field(default_factory=list)
    judicial_warrant: bool = False
    blocks_notification: bool = False
    notifies_sentenced_only: bool = False  # release dates only at the end of a sentence
    requires_reimbursement: bool = False
    binds_287g: bool = True  # false: the jail's 287(g) officers act on federal authority
    in_history: bool = True
    overridden_by: str | None = None  # id of the law that stopped it taking effect
    citation: Citation
    see_also: list[Citation] = Field(default_factory=list)
    note: str | None = None
    assumption: str | None = None  # the date or condition no primary source confirmed
    modeled_by: list[str] = Field(default_factory=list)  # parameters that carry its effect

    @model_validator(mode="after")
    def _check(self) -> Law:
        _check_names(self.levels, self.charges)
        if self.ends is not None and self.ends < self.effective:
            raise ValueError(f"ends: {self.ends} is before effective {self.effective}")
        b = self.binds
        if not (b.all_states or b.states or b.counties):
            raise ValueError("binds: name states, counties or all_states: true")
        self._check_flags()
        return self

    def _check_flags(self) -> None:
        if self.judicial_warrant and self.effect != "honor_only_if":
            raise ValueError("judicial_warrant: only an honor_only_if law takes it")
        if self.blocks_notification and self.effect not in _NOTIFY_EFFECTS:
            raise ValueError(f"blocks_notification: only a law with effect {_NOTIFY_EFFECTS}")
        if self.notifies_sentenced_only and (
            self.blocks_notification or self.effect not in _NOTIFY_EFFECTS
        ):
            raise ValueError(
                f"notifies_sentenced_only: only a law with effect {_NOTIFY_EFFECTS} that does "
                "not block notification"
            )
        if self.requires_reimbursement and self.effect != "decline_all":
            raise ValueError("requires_reimbursement: only a decline_all law takes it")
        limits = ("honor_only_if", "notification_only", "decline_all")
        if self.modeled_by and self.effect != "informational":
            raise ValueError("modeled_by: only an informational law names the parameters")
        if self.routes() and self.effect not in limits:
            raise ValueError(f"levels, charges, honor_if: only a law with effect {limits}")

    def routes(self) -> list[Condition]:
        """Every condition on which a jail bound by the law holds (or reports) a person:
        ``levels`` and ``charges`` are one route each, then the ``honor_if`` routes."""
        out = [Condition(levels=self.levels)] if self.levels else []
        out += [Condition(charges=self.charges)] if self.charges else []
        return out + list(self.honor_if)

    @property
    def has_effect(self) -> bool:
        """Whether the law changes what the model does (a limit, a mandate, a withdrawal, or
        federal parameters it names)."""
        return self.effect != "informational" or bool(self.modeled_by)

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
        """When a jail bound by the law holds a person or tells ICE of a release, in words."""
        if self.effect in _FIXED_TEXT:
            return self._fixed_text()
        who = "; or ".join(c.describe() for c in self.routes()) or "no one"
        if self.effect == "notification_only":
            return f"no holds; ICE told of the release only for {who}"
        if self.effect == "decline_all":
            text = "declines every detainer"
            if self.requires_reimbursement:
                text += f" unless ICE reimburses the county (then honored for {who})"
        elif self.judicial_warrant:
            text = "honored only with a judicial warrant (ICE brings none)"
            text += f", and then for {who}" if self.routes() else ""
        else:
            text = f"honored only for {who}"
        return text + self._notice_text()

    def _fixed_text(self) -> str:
        if self.modeled_by:
            return "modeled by the dated parameters " + ", ".join(self.modeled_by)
        return _FIXED_TEXT[self.effect]

    def _notice_text(self) -> str:
        if self.blocks_notification:
            return "; no release notification to ICE either"
        if self.notifies_sentenced_only:
            return "; the jail tells ICE of a release only at the end of a sentence"
        return "; the jail may still tell ICE of the release"


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
