""" "Follow one booking": one simulated person walked through every stage, formatted from the
engine's own trace (scomm.trace): the uniform draw the engine made for them, the probability in
force, the rule that decided it and the citation of each parameter the stage declares
(rules/pipeline.py). Nothing here decides anything; it only puts the trace into words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from scomm import periods
from scomm.api import RunResult
from scomm.engine import PRETEXT_INDEX
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties
from scomm.report.numbers import format_value
from scomm.rng import INDEX_BITS
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS, STATUS_KEYS
from scomm.rules.pipeline import Param
from scomm.trace import Step

OUTCOMES = ("any", "detainer", "removed")
_LEVEL_NAMES = ["Level 1", "Level 2", "Level 3", "no conviction"]
_STATUS_NAMES = {
    "us_born": "U.S.-born citizen",
    "naturalized": "naturalized citizen",
    "lpr": "lawful permanent resident",
    "other_lawful": "other lawful noncitizen",
    "undocumented_prior": "unauthorized, with a prior DHS encounter",
    "undocumented_new": "unauthorized, never fingerprinted by DHS",
}
# Stages that describe who the person is rather than a step they pass or fail.
DESCRIBING = {
    "composition",
    "hispanic",
    "sex",
    "level",
    "charge",
    "serious_charge",
    "magistrate_pc",
    "serious_record",
    "aggravated_felony",
    "prior_removal",
    "entered_without_inspection",
    "laken_riley_offense",
}


def check_outcome(outcome: str) -> str:
    """``outcome`` if it is one of OUTCOMES; otherwise a UserError naming it (checked before
    any run is asked for)."""
    if outcome not in OUTCOMES:
        raise UserError(f"outcome: {outcome!r}: expected one of {', '.join(OUTCOMES)}")
    return outcome


def candidates(result: RunResult, county: str, outcome: str = "any") -> np.ndarray:
    """Cohort rows (identified people) booked in ``county``, in booking order. Pretextual
    bookings that a scenario adds (numbered from ``PRETEXT_INDEX``) are left out: the
    explainer walks ordinary bookings."""
    check_outcome(outcome)
    c = result.simulation.cohort
    idx = counties().index_of(county)
    index = c.key & np.uint64((1 << INDEX_BITS) - 1)
    mask = (c.county == idx) & (index < np.uint64(PRETEXT_INDEX))
    if outcome == "detainer":
        mask &= c.detainer
    elif outcome == "removed":
        mask &= c.removed
    rows = np.flatnonzero(mask)
    return rows[np.lexsort((c.key[rows], c.month[rows]))]


@dataclass(frozen=True)
class _Where:
    """The run, county and month a traced person was booked in."""

    result: RunResult
    county: int  # county index
    day: dt.date  # first day of the month (the rules in force)


def _param(where: _Where, name: str, key: str | None = None) -> dict:
    p = where.result.scenario.params[name]
    found = p.entry_at(where.day)
    if found is None:
        raise KeyError(f"parameter {name} has no value on {where.day}")
    since, entry = found
    value = entry.value
    if key is not None and isinstance(value, dict):
        value = value.get(key, value.get("default"))
    return {
        "name": name,
        "key": key,
        "value": value,
        "shown": _shown(value, p.unit),
        "unit": p.unit,
        "in_force_since": since.isoformat(),
        "citation": entry.citation.model_dump(mode="json"),
        "assumption": entry.assumption,
    }


def _applies(p: Param, step: Step) -> bool:
    """Whether a declared parameter was read for this person (``when``; a parameter read
    only by draws of the model's uncertainty never is, in a run)."""
    return not p.drawn and (p.when is None or step.inputs[p.when[0]] == p.when[1])


def _parameters(step: Step, where: _Where) -> list[dict]:
    """The declared parameters of the stage that applied to this person, with the key
    (level, status) their own inputs picked."""
    out = []
    for p in step.stage.parameters:
        if _applies(p, step):
            key = p.keys[int(step.inputs[p.by])] if p.by and p.keys else None
            out.append(_param(where, p.name, key))
    return out


def _shown(value: Any, unit: str) -> str:
    """A parameter value as a reader sees it (percentages, readable keys)."""
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')}: {format_value(v, unit)}" for k, v in value.items()
        )
    return format_value(value, unit)


def _rule(fn: Any) -> dict:
    doc = (fn.__doc__ or "").strip().split("\n\n")[0].replace("``", "")
    return {"function": f"{fn.__module__}.{fn.__name__}", "says": " ".join(doc.split())}


def _laws(step: Step, where: _Where) -> list[dict]:
    """The laws compile combined into the jail's policy that month (the traced ``policy``)."""
    inputs = where.result.simulation.inputs
    ids = inputs.policy_laws[int(step.inputs["policy"])]
    by_id = {lw.id: lw for lw in where.result.scenario.laws}
    return [
        {
            "id": i,
            "title": by_id[i].title,
            "effect": by_id[i].effect,
            "citation": by_id[i].citation.model_dump(mode="json"),
        }
        for i in ids
    ]


# ---- what each stage did, in words ---------------------------------------------------------


def _says_booking(s: Step, w: _Where) -> str:
    n, i = s.inputs["bookings"], s.inputs["index"]
    return f"booking {i + 1:,} of the county's {n:,} that month"


def _says_composition(s: Step, w: _Where) -> str:
    mix = s.outcome["status_shares"]
    parts = [f"{_STATUS_NAMES[k]} {x * 100:.1f}%" for k, x in zip(STATUS_KEYS, mix, strict=True)]
    return "bookings here that month: " + ", ".join(parts)


def _says_submission(s: Step, w: _Where) -> str:
    cty = counties()
    name, activation = cty.table["full_name"][w.county], cty.activation[w.county]
    if s.outcome["submitted"]:
        return (
            f"{name}'s jails were connected to IDENT on {activation.isoformat()}, "
            "so these prints were checked."
        )
    return "these prints were not checked against IDENT"


def _says_screen(s: Step, w: _Where) -> str:
    if not s.inputs["agreement_287g"]:
        return "no 287(g) jail agreement here that month"
    if s.outcome["identified_287g"]:
        return "identified by the jail's 287(g) officers at booking"
    return "the jail's 287(g) officers did not identify the person"


def _says_match(s: Step, w: _Where) -> str:
    if not s.outcome["matched"]:
        if s.inputs.get("identified_287g"):
            return "no DHS record matched (the 287(g) screen had identified the person)"
        return "no DHS record matched"
    name = _STATUS_NAMES[STATUS_KEYS[s.outcome["status"]]]
    article = "an" if name[0] in "aeiou" else "a"
    return (
        f"matched a DHS record; the person is {article} {name} "
        f"(draw ÷ probability = {s.draw / s.probability:.3f} falls in that status's band "
        "of the matched population)"
    )


def _says_hispanic(s: Step, w: _Where) -> str:
    return "Hispanic" if s.outcome["hispanic"] else "not Hispanic"


def _says_sex(s: Step, w: _Where) -> str:
    return "male" if s.outcome["male"] else "female"


def _says_level(s: Step, w: _Where) -> str:
    cdf = ", ".join(f"{x:.3f}" for x in s.inputs["cdf"])
    return (
        f"{_LEVEL_NAMES[s.outcome['level']]} (draw {s.draw:.4f} against the cumulative "
        f"shares {cdf})"
    )


def _says_charge(s: Step, w: _Where) -> str:
    return f"most serious charge: {CHARGE_KEYS[s.outcome['charge']]}"


def _says_flag(words: tuple[str, str], name: str) -> Callable[[Step, _Where], str]:
    def says(s: Step, w: _Where) -> str:
        return words[0] if s.outcome[name] else words[1]

    return says


_FLAGS = {
    "serious_charge": ("the charge is serious or violent", "the charge is not serious"),
    "magistrate_pc": (
        "a magistrate found probable cause on the felony",
        "no magistrate's finding on a felony by release",
    ),
    "serious_record": ("a serious or violent conviction", "no serious conviction"),
    "aggravated_felony": ("the conviction is an aggravated felony", "no aggravated felony"),
    "prior_removal": (
        "removed or returned before, or an outstanding order",
        "no prior removal",
    ),
    "entered_without_inspection": (
        "entered without inspection (INA 212(a)(6)(A), (6)(C) or (7))",
        "not an entrant without inspection",
    ),
    "laken_riley_offense": ("charged with a Laken Riley Act offense", "no Laken Riley offense"),
}


def _says_status(s: Step, w: _Where) -> str:
    if s.outcome["removable"]:
        return "ICE deems the person removable"
    return "ICE does not deem the person removable"


def _says_detainer(s: Step, w: _Where) -> str:
    if not s.outcome["detainer"]:
        return "no detainer"
    if s.outcome["notification_request"]:
        return "ICE asks the jail to tell it when the person is released (no hold)"
    if s.inputs["mandated"]:
        return "ICE lodges a detainer, as the Laken Riley Act requires"
    return "ICE lodges a detainer"


def _says_compliance(s: Step, w: _Where) -> str:
    if s.outcome["honored"]:
        return "the jail holds the person for ICE"
    if s.outcome["notified"]:
        return "the jail does not hold the person but tells ICE when they are released"
    if not s.inputs["hold_allowed"] and not s.inputs["notify_allowed"]:
        return "a law in force here forbids holding the person or telling ICE of the release"
    complied = s.draw is not None and s.probability is not None and s.draw < s.probability
    if s.inputs["detainer"] and s.inputs["notice_sentenced_only"] and complied:
        return (
            "the jail releases the person: a law in force here lets it tell ICE only of a "
            "release at the end of a sentence"
        )
    return "the jail releases the person"


def _says_transfer(s: Step, w: _Where) -> str:
    if not s.outcome["book_in"]:
        return "not picked up by ICE"
    if s.inputs["notified"]:
        return "arrested by ICE at release and booked into ICE custody"
    return "booked into ICE custody"


def _says_removal(s: Step, w: _Where) -> str:
    if s.outcome["eventually_removed"]:
        return "ICE removes the person (if the removal is completed in the period)"
    return "released from ICE custody, not removed"


def _says_detention(s: Step, w: _Where) -> str:
    days = s.outcome["detention_days"]
    if not s.inputs["eventually_removed"]:
        return f"released after {days:.0f} days in ICE detention"
    if s.outcome["removed"]:
        return f"removed after {days:.0f} days in ICE detention"
    return f"to be removed after {days:.0f} days in detention, after the period ends"


def _says_summary(s: Step, w: _Where) -> str:
    if s.outcome["summary"]:
        return "removed without a hearing (summary removal)"
    return "the case went before an immigration judge"


def _says_representation(s: Step, w: _Where) -> str:
    return "represented by counsel" if s.outcome["represented"] else "no counsel"


_SAYS: dict[str, Callable[[Step, _Where], str]] = {
    "booking": _says_booking,
    "composition": _says_composition,
    "submission": _says_submission,
    "screen_287g": _says_screen,
    "match": _says_match,
    "hispanic": _says_hispanic,
    "sex": _says_sex,
    "level": _says_level,
    "charge": _says_charge,
    **{name: _says_flag(words, name) for name, words in _FLAGS.items()},
    "status_determination": _says_status,
    "detainer": _says_detainer,
    "compliance": _says_compliance,
    "transfer": _says_transfer,
    "removal": _says_removal,
    "summary_removal": _says_summary,
    "detention": _says_detention,
    "representation": _says_representation,
}


def _passed(s: Step) -> bool:
    """Whether the stage happened to the person (describing stages always do)."""
    if not s.reached:
        return False
    first = s.outcome[s.stage.outputs[0]]
    return s.stage.name in DESCRIBING or not isinstance(first, bool) or first


def _step(s: Step, where: _Where) -> dict:
    """One traced stage as the page and /api/follow show it."""
    draw = s.draw if s.reached else None
    probability = s.probability if s.reached else None
    comparison = None
    if draw is not None and probability is not None:
        sign = "<" if draw < probability else "≥"
        comparison = f"draw {draw:.4f} {sign} probability {probability:.4f}"
    stream = s.stage.pretext_stream if s.inputs.get("pretextual") else s.stage.stream
    return {
        "stage": s.stage.label,
        "name": s.stage.name,
        "number": s.stage.number,
        "rule": _rule(s.stage.rule),
        "stream": stream.name if stream is not None else None,
        "draw": draw,
        "probability": probability,
        "comparison": comparison,
        "outcome": _SAYS[s.stage.name](s, where) if s.reached else "not reached",
        "passed": _passed(s),
        "inputs": s.inputs,
        "parameters": _parameters(s, where),
        "laws": _laws(s, where) if s.stage.name == "compliance" else [],
    }


def explain(result: RunResult, row: int) -> dict:
    """Every stage for cohort row ``row``, from the engine's trace of that person."""
    sim = result.simulation
    trace = sim.trace([row])
    out = trace.outcome(0)
    ci, j = int(sim.cohort.county[row]), int(sim.cohort.month[row])
    where = _Where(result, ci, periods.first_day(int(sim.inputs.months[j])))
    cty = counties()
    return {
        "county": str(cty.fips[ci]),
        "county_name": f"{cty.table['full_name'][ci]}, {cty.state[ci]}",
        "month": periods.month_label(int(sim.inputs.months[j])),
        "entity_key": int(trace.keys[0]),
        "seed": sim.seed,
        "scenario": result.scenario.name,
        "hispanic": out["hispanic"],
        "male": out["male"],
        "outcome": {
            "status": STATUS_KEYS[out["status"]],
            "level": LEVEL_KEYS[out["level"]],
            "charge": CHARGE_KEYS[out["charge"]],
            "removable": out["removable"],
            "detainer": out["detainer"],
            "honored": out["honored"],
            "notified": out["notified"],
            "channel": "287g" if out["identified_287g"] else "scomm",
            "book_in": out["book_in"],
            "removed": out["removed"],
            "detention_days": round(out["detention_days"], 1),
        },
        "steps": [_step(s, where) for s in trace.steps(0)],
    }
