""" "Follow one booking": one simulated person walked through every stage, with the uniform
draw the engine made for them, the probability in force, the rule that decided it and the
citation of each parameter it used."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from scomm import periods
from scomm.api import RunResult
from scomm.engine import PRETEXT_INDEX, Cohort
from scomm.errors import UserError
from scomm.jurisdictions.counties import counties
from scomm.report.data import format_value
from scomm.rng import INDEX_BITS, Stream, uniforms
from scomm.rules import biometrics, custody, detainer, jail, level, match, removal, status
from scomm.rules.categories import CHARGE_KEYS, LEVEL_KEYS, STATUS_KEYS, Status

OUTCOMES = ("any", "detainer", "removed")
_LEVEL_NAMES = ["Level 1", "Level 2", "Level 3", "no conviction"]
_STATUS_NAMES = {
    "us_born": "U.S.-born citizen",
    "naturalized": "naturalised citizen",
    "lpr": "lawful permanent resident",
    "other_lawful": "other lawful noncitizen",
    "undocumented_prior": "unauthorized, with a prior DHS encounter",
    "undocumented_new": "unauthorized, never fingerprinted by DHS",
}


def candidates(result: RunResult, county: str, outcome: str = "any") -> np.ndarray:
    """Cohort rows (matched people) booked in ``county``, in booking order. Pretextual
    bookings that a scenario adds (numbered from ``PRETEXT_INDEX``) are left out: the
    explainer walks ordinary bookings."""
    if outcome not in OUTCOMES:
        raise UserError(f"outcome: {outcome!r}: expected one of {', '.join(OUTCOMES)}")
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


def _param(result: RunResult, name: str, day: dt.date, key: str | None = None) -> dict:
    p = result.scenario.params[name]
    found = p.entry_at(day)
    if found is None:
        raise KeyError(f"parameter {name} has no value on {day}")
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


def _step(
    stage: str,
    rule: Any,
    outcome: str,
    passed: bool,
    draw: float | None = None,
    probability: float | None = None,
    parameters: list[dict] | None = None,
    laws: list[dict] | None = None,
) -> dict:
    comparison = None
    if draw is not None and probability is not None:
        sign = "<" if draw < probability else "≥"
        comparison = f"draw {draw:.4f} {sign} probability {probability:.4f}"
    return {
        "stage": stage,
        "rule": _rule(rule),
        "draw": draw,
        "probability": probability,
        "comparison": comparison,
        "outcome": outcome,
        "passed": bool(passed),
        "parameters": parameters or [],
        "laws": laws or [],
    }


def explain(result: RunResult, row: int) -> dict:
    """Every stage for cohort row ``row``, as the engine decided it."""
    inp, seed = result.simulation.inputs, result.simulation.seed
    c: Cohort = result.simulation.cohort
    ci, j = int(c.county[row]), int(c.month[row])
    key = np.array([c.key[row]], dtype=np.uint64)
    day = periods.first_day(int(inp.months[j]))
    cty = counties()

    def u(stream: Stream) -> float:
        return float(uniforms(seed, stream, key)[0])

    steps: list[dict] = []
    activation = cty.activation[ci]
    steps.append(
        _step(
            "Fingerprints sent to DHS",
            biometrics.submitted,
            f"{cty.table['full_name'][ci]}'s jails were connected to IDENT on "
            f"{activation.isoformat()}, so these prints were checked.",
            True,
            parameters=[_param(result, "program.interoperability", day)],
        )
    )
    shares = inp.composition.status[ci, j]
    p_match = float(match.match_probability(shares, inp.p_match[j]))
    u_match = u(Stream.MATCH)
    cdf = match.matched_status_cdf(shares, inp.p_match[j])
    st = int(match.draw_category(np.array([u_match / p_match]), cdf[None, :])[0])
    st_key = STATUS_KEYS[st]
    steps.append(
        _step(
            "IDENT match",
            match.match_probability,
            f"matched a DHS record; the person is a {_STATUS_NAMES.get(st_key, st_key)} "
            f"(draw ÷ probability = {u_match / p_match:.3f} falls in that status's band "
            "of the matched population)",
            u_match < p_match,
            u_match,
            p_match,
            [_param(result, "match.ident_probability", day)],
        )
    )
    group = int(st >= Status.UNDOCUMENTED_PRIOR)
    lv_cdf = inp.level_cdf[j, group]
    u_level = u(Stream.LEVEL)
    lvl = int(level.offense_level(lv_cdf[None, :], np.array([u_level]))[0])
    history = "undocumented" if group else "lawful"
    steps.append(
        _step(
            "ICE offense level",
            level.offense_level,
            f"{_LEVEL_NAMES[lvl]} (draw {u_level:.4f} against the cumulative shares "
            + ", ".join(f"{x:.3f}" for x in lv_cdf)
            + ")",
            True,
            u_level,
            None,
            [_param(result, f"population.criminal_history_{history}", day)],
        )
    )
    u_charge = u(Stream.CHARGE)
    chg = int(level.arrest_charge(inp.charge_cdf[j][None, :], np.array([u_charge]))[0])
    steps.append(
        _step(
            "Arrest charge",
            level.arrest_charge,
            f"most serious charge: {CHARGE_KEYS[chg]}",
            True,
            u_charge,
            None,
            [_param(result, "population.arrest_charge", day)],
        )
    )
    p_rem = float(inp.p_removable[j, st])
    u_rem = u(Stream.STATUS_DETERMINATION)
    removable = bool(status.deemed_removable(np.array([p_rem]), np.array([u_rem]))[0])
    steps.append(
        _step(
            "ICE status determination",
            status.deemed_removable,
            "ICE deems the person removable"
            if removable
            else "ICE does not deem the person removable",
            removable,
            u_rem,
            p_rem,
            [_param(result, "status.deemed_removable", day, st_key)],
        )
    )
    p_det = float(
        detainer.detainer_probability(
            np.array([lvl]),
            np.array([chg]),
            np.array([inp.p_detainer[j, lvl]]),
            inp.traffic_deferred[j],
            inp.minor_factor[j],
            unauthorized=np.array([bool(group)]),
            laken_riley_share=inp.laken_riley[j],
        )[0]
    )
    u_det = u(Stream.DETAINER)
    lodged = removable and u_det < p_det
    det_params = [
        _param(result, "detainer.probability", day, LEVEL_KEYS[lvl]),
        _param(result, "detainer.traffic_only_deferred", day),
        _param(result, "detainer.minor_offense_factor", day),
        _param(result, "detainer.laken_riley_share", day),
    ]
    steps.append(
        _step(
            "ICE detainer",
            detainer.detainer_probability,
            "ICE lodges a detainer" if lodged else "no detainer",
            lodged,
            u_det if removable else None,
            p_det if removable else None,
            det_params,
        )
    )
    allows = bool(inp.policy_masks[inp.policy[ci, j], lvl, chg])
    laws = [
        {
            "id": lw.id,
            "title": lw.title,
            "effect": lw.effect,
            "citation": lw.citation.model_dump(mode="json"),
        }
        for lw in result.scenario.laws
        if lw.scope.in_force(day)
        and lw.scope.binds(str(cty.state[ci]), str(cty.fips[ci]))
        and lw.effect in ("honor_only_if", "decline_all", "require_compliance")
    ]
    p_comply = float(inp.base_compliance[j]) if allows else 0.0
    u_comply = u(Stream.COMPLIANCE)
    held = lodged and allows and u_comply < p_comply
    if not lodged:
        comply_text = "not reached"
    elif not allows:
        comply_text = "a law in force here forbids honouring this detainer"
    else:
        comply_text = (
            "the jail holds the person for ICE" if held else "the jail releases the person"
        )
    steps.append(
        _step(
            "Jail honours the detainer",
            jail.honored,
            comply_text,
            held,
            u_comply if lodged else None,
            p_comply if lodged else None,
            [_param(result, "jail.base_compliance", day)],
            laws,
        )
    )
    p_tr = float(inp.p_transfer[j])
    u_tr = u(Stream.TRANSFER)
    book_in = held and u_tr < p_tr
    steps.append(
        _step(
            "Transfer to ICE custody",
            custody.booked_into_ice,
            ("booked into ICE custody" if book_in else "not picked up by ICE")
            if held
            else "not reached",
            book_in,
            u_tr if held else None,
            p_tr if held else None,
            [_param(result, "custody.transfer_probability", day)],
        )
    )
    p_rm = float(inp.p_removal[j, lvl])
    u_rm = u(Stream.REMOVAL)
    days = (
        float(
            removal.detention_days(inp.detention_mean[j], np.array([u(Stream.DETENTION_DAYS)]))[0]
        )
        if book_in
        else 0.0
    )
    eventually = book_in and u_rm < p_rm
    removed = bool(c.removed[row])
    if not book_in:
        rm_text = "not reached"
    elif not eventually:
        rm_text = f"released from ICE custody after {days:.0f} days in detention"
    elif removed:
        rm_text = f"removed after {days:.0f} days in ICE detention"
    else:
        rm_text = f"to be removed after {days:.0f} days in detention, after the period ends"
    steps.append(
        _step(
            "Removal",
            removal.removed,
            rm_text,
            removed,
            u_rm if book_in else None,
            p_rm if book_in else None,
            [
                _param(result, "removal.probability", day, LEVEL_KEYS[lvl]),
                _param(result, "removal.detention_days_mean", day),
            ],
        )
    )
    if removed:
        p_sum = float(inp.p_summary[j])
        u_sum = u(Stream.SUMMARY_REMOVAL)
        steps.append(
            _step(
                "Hearing before an immigration judge",
                removal.summary_removal,
                "removed without a hearing (summary removal)"
                if u_sum < p_sum
                else "the case went before an immigration judge",
                True,
                u_sum,
                p_sum,
                [_param(result, "removal.summary_share", day)],
            )
        )
    outcome = {
        "status": st_key,
        "level": LEVEL_KEYS[lvl],
        "charge": CHARGE_KEYS[chg],
        "removable": removable,
        "detainer": lodged,
        "honored": held,
        "book_in": book_in,
        "removed": removed,
        "detention_days": round(days, 1),
    }
    return {
        "county": str(cty.fips[ci]),
        "county_name": f"{cty.table['full_name'][ci]}, {cty.state[ci]}",
        "month": periods.month_label(int(inp.months[j])),
        "entity_key": int(c.key[row]),
        "seed": seed,
        "scenario": result.scenario.name,
        "hispanic": bool(c.hispanic[row]),
        "male": bool(c.male[row]),
        "outcome": outcome,
        "steps": steps,
    }
