"""Law cases as data: one YAML file per law (tests/laws/<law-id>.yaml), run through the real
compile and rule path.

A case names a month (the model applies the rules in force on a month's first day), a county,
a person and the outcome the law's text gives. The runner compiles the scenario for that
month and state (``compile.compile_inputs``), takes the person's cell in the compiled policy
table (``jurisdictions.policy.cell_index``) and runs the engine's own rules on it: the detainer
rule (``rules.detainer``), the jail's compliance (``rules.jail``, with the jail complying
whenever the law lets it), and reads the compiled flags for fingerprint checks, 287(g)
agreements and interior expedited removal. Nothing here re-implements a law.

Outcomes a case can expect:

* ``applies``: the law is in force for the county that month (for a jail law, among the laws
  compile combined into the county's policy; otherwise in force where it binds);
* ``prioritized``: the person is inside the federal enforcement priorities in force;
* ``detainer_possible``: ICE's detainer probability for the person is above zero;
* ``mandated``: the Laken Riley Act makes the detainer certain;
* ``hold``: a request for detention is honored (the jail holds the person past release);
* ``notify``: a request for notification (I-247N) is answered (the jail tells ICE when the
  person is released; the person's ``sentenced: true`` says the release ends a sentence,
  which a law that lets a jail report only those releases needs);
* ``submits``: the county's fingerprints are checked against IDENT that month;
* ``agreement_287g``: a 287(g) jail agreement is in force in the county that month;
* ``expedited_interior``: expedited removal reaches interior arrests that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from scomm import periods
from scomm.compile import Inputs, compile_inputs
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import Law
from scomm.jurisdictions.policy import cell_index
from scomm.rules import detainer, jail
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS, STATUS_KEYS, Status
from scomm.scenario import Scenario, resolve

HERE = Path(__file__).resolve().parent
OUTCOMES = (
    "applies",
    "prioritized",
    "detainer_possible",
    "mandated",
    "hold",
    "notify",
    "submits",
    "agreement_287g",
    "expedited_interior",
)
PERSON_DEFAULTS: dict[str, Any] = {
    "level": "level3",
    "charge": "misdemeanor",
    "status": "undocumented_prior",
    "channel": "scomm",
    "serious_charge": False,
    "serious_record": False,
    "magistrate_pc": False,
    "prior_removal": False,
    "aggravated_felony": False,
    "entered_without_inspection": False,
    "laken_riley_offense": False,
    "sentenced": False,
}
CASE_KEYS = {"name", "month", "county", "person", "expect", "why", "scenario"}
RULE_287G = "jail-287g"  # the case file of the 287(g) agreements, which are not a law file


@dataclass(frozen=True)
class Case:
    """One case of one law's file."""

    law: str
    name: str
    month: int
    county: str
    person: dict[str, Any]
    expect: dict[str, bool]
    why: str
    scenario: str

    @property
    def label(self) -> str:
        """The case's id in test output."""
        return f"{self.law}: {self.name}"


def case_files() -> list[Path]:
    """Every law case file."""
    return sorted(HERE.glob("*.yaml"))


def _case(law: str, raw: dict, origin: str) -> Case:
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown case keys {sorted(unknown)}")
    person = {**PERSON_DEFAULTS, **raw.get("person", {})}
    if set(person) - set(PERSON_DEFAULTS):
        raise ValueError(
            f"{origin}: unknown person keys {sorted(set(person) - set(PERSON_DEFAULTS))}"
        )
    expect = raw["expect"]
    if not expect or set(expect) - set(OUTCOMES):
        raise ValueError(f"{origin}: expect names {sorted(expect)}; outcomes are {OUTCOMES}")
    scenario = raw.get("scenario", "baseline")
    if scenario.endswith(".yaml"):
        scenario = str(HERE / "scenarios" / scenario)
    return Case(
        law=law,
        name=raw["name"],
        month=periods.parse_month(str(raw["month"])),
        county=str(raw["county"]),
        person=person,
        expect=expect,
        why=raw["why"],
        scenario=scenario,
    )


def load(path: Path) -> list[Case]:
    """The cases of one file (its ``law`` must equal the file name)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    law = doc["law"]
    if law != path.stem:
        raise ValueError(f"{path.name}: law {law!r} differs from the file name")
    return [_case(law, raw, f"{path.name} case {i}") for i, raw in enumerate(doc["cases"])]


def all_cases() -> list[Case]:
    """Every case of every file."""
    return [c for path in case_files() for c in load(path)]


@cache
def _scenario(name: str) -> Scenario:
    return resolve(name)


@cache
def _inputs(scenario: str, month: int, state: str) -> Inputs:
    return compile_inputs(_scenario(scenario), month, month, [state])


def first_month(day: dt.date) -> int:
    """The first model month whose first day is on or after ``day`` (when a rule dated ``day``
    first applies)."""
    m = periods.month_of(day)
    return m if periods.first_day(m) >= day else m + 1


def last_month(day: dt.date) -> int:
    """The last model month a rule ending on ``day`` (inclusive) applies to."""
    return periods.month_of(day)


def _one(value) -> np.ndarray:
    return np.array([value])


def _person(p: dict) -> dict[str, np.ndarray]:
    """The person as the engine's arrays (length one)."""
    status = STATUS_KEYS.index(p["status"])
    unauthorized = status >= Status.UNDOCUMENTED_PRIOR
    return {
        "level": _one(LEVEL_KEYS.index(p["level"])),
        "charge": _one(CHARGE_KEYS.index(p["charge"])),
        "status": _one(status),
        "serious_charge": _one(bool(p["serious_charge"])),
        "serious_record": _one(bool(p["serious_record"])),
        "magistrate_pc": _one(bool(p["magistrate_pc"])),
        "prior_removal": _one(bool(p["prior_removal"])),
        "aggravated_felony": _one(bool(p["aggravated_felony"])),
        "ewi": _one(bool(p["entered_without_inspection"]) and unauthorized),
        "laken_riley_offense": _one(bool(p["laken_riley_offense"])),
    }


def _detainer(inp: Inputs, x: dict[str, np.ndarray]) -> dict[str, bool]:
    member = detainer.priority_membership(
        x["level"],
        x["charge"],
        x["serious_charge"],
        x["serious_record"],
        x["aggravated_felony"],
        x["prior_removal"],
    )
    inside = detainer.prioritized(member, inp.priority[[0]])
    mandated = detainer.laken_riley_mandated(
        x["ewi"], x["laken_riley_offense"], inp.laken_riley_mandate[[0]]
    )
    p = detainer.detainer_probability(
        x["level"],
        x["charge"],
        inside,
        inp.p_detainer[0, x["level"]],
        inp.outside_factor[[0]],
        inp.traffic_deferred[[0]],
        mandated,
    )
    return {
        "prioritized": bool(inside[0]),
        "mandated": bool(mandated[0]),
        "detainer_possible": bool(p[0] > 0),
    }


def _jail(inp: Inputs, i: int, x: dict[str, np.ndarray], person: dict) -> tuple[dict, int]:
    table = inp.policy_287g if person["channel"] == "287g" else inp.policy
    policy = int(table[i, 0])
    cell = cell_index(
        x["level"],
        x["charge"],
        x["serious_charge"],
        x["serious_record"],
        x["magistrate_pc"],
        x["prior_removal"],
    )
    hold, notify = inp.hold_masks[policy, cell], inp.notify_masks[policy, cell]
    lodged, comply, draw = _one(True), _one(1.0), _one(0.0)
    held = jail.honored(lodged, _one(False), hold, comply, draw)
    asked = _one(True)  # a request for notification only
    sentenced = _one(1.0 if person["sentenced"] else 0.0)  # this release's share: all or none
    notice = jail.notice_rate(comply, inp.notice_sentenced[[policy]], sentenced)
    told = jail.notified(
        lodged, jail.honored(lodged, asked, hold, comply, draw), notify, notice, draw
    )
    return {"hold": bool(held[0]), "notify": bool(told[0])}, policy


def _applies(case: Case, inp: Inputs, policy: int, law: Law | None) -> bool:
    if law is None:  # the 287(g) agreements: the county's agreement is in force
        return bool(inp.agreement_287g[counties().index_of(case.county), 0])
    if law.effect in ("honor_only_if", "notification_only", "decline_all", "require_compliance"):
        return law.id in inp.policy_laws[policy]
    scn = _scenario(case.scenario)
    day = periods.first_day(case.month)
    binds = law.scope.binds(counties().state[counties().index_of(case.county)], case.county)
    return law in scn.laws and law.scope.in_force(day) and binds


def outcome(case: Case, law: Law | None) -> dict[str, bool]:
    """Every outcome of the case, from the compiled inputs and the engine's rules."""
    cty = counties()
    i = cty.index_of(case.county)
    inp = _inputs(case.scenario, case.month, cty.state[i])
    x = _person(case.person)
    jailed, policy = _jail(inp, i, x, case.person)
    return {
        **_detainer(inp, x),
        **jailed,
        "applies": _applies(case, inp, policy, law),
        "submits": bool(inp.active_from[i, 0] < 1.0),
        "agreement_287g": bool(inp.agreement_287g[i, 0]),
        "expedited_interior": bool(inp.expedited_interior[0]),
    }
