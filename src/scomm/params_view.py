"""`scomm params`: the rules in force on a date for a place, with their citations."""

from __future__ import annotations

import datetime as dt

from scomm.compile import submitting
from scomm.errors import UserError
from scomm.jurisdictions import agreements_287g
from scomm.jurisdictions.counties import counties, parse_states, state_names
from scomm.jurisdictions.laws import Law, all_laws
from scomm.periods import SUPPORTED, first_day, parse_date, parse_month
from scomm.scenario import Scenario, resolve


def _place(county: str | None, state: str | None) -> tuple[str, list[int]]:
    """A label and the county positions of the place (all counties when none given)."""
    cty = counties()
    if county is not None:
        i = cty.index_of(county)
        st = cty.state[i]
        if state is not None and state.upper() != st:
            raise UserError(f"--county: {county} is in {st}, not {state.upper()}")
        return f"{cty.table['full_name'][i]}, {st} ({county})", [i]
    if state is not None:
        chosen = parse_states(state)
        if len(chosen) != 1:
            raise UserError(f"--state: {state!r}: expected one USPS state code, e.g. NY")
        st = chosen[0]
        idx = [i for i, s in enumerate(cty.state) if s == st]
        return f"{state_names()[st]} ({st})", idx
    return "the United States (all states and DC)", list(range(len(cty.fips)))


def _binds(law: Law, idx: list[int]) -> bool:
    return bool(law.scope.county_mask()[idx].any())


def _cite(law: Law) -> str:
    c = law.citation
    return f"{c.title} ({c.date.isoformat()}) {c.url}"


def _law_row(law: Law, scn: Scenario) -> dict:
    if law not in scn.laws:
        status = "on paper only, not applied in this scenario"
    elif law.effect == "informational":
        status = "in force, informational"
    else:
        status = "in force"
    return {
        "id": law.id,
        "title": law.title,
        "summary": law.summary,
        "binds": law.binds_label(),
        "agency": law.agency,
        "effect": law.effect,
        "conditions": law.conditions(),
        "effective": law.effective.isoformat(),
        "ends": law.ends.isoformat() if law.ends else None,
        "applied": law in scn.laws,
        "status": status,
        "note": law.note,
        "citation": law.citation.model_dump(mode="json"),
        "see_also": [c.model_dump(mode="json") for c in law.see_also],
        "assumption": law.assumption,
        "modeled_by": law.modeled_by,
    }


def _not_applied(law: Law, day: dt.date) -> str:
    """Why a state's withdrawal did not stop S-Comm there, citing what overrode it."""
    line = f"{law.title} did not take effect in this scenario"
    overrider = {lw.id: lw for lw in all_laws()}.get(law.overridden_by or "")
    if overrider is not None and overrider.scope.in_force(day):
        return f"{line}: {overrider.title}; source: {_cite(overrider)}"
    return f"{line} (see its note)"


def _interoperability(scn: Scenario, day: dt.date, idx: list[int]) -> list[str]:
    cty = counties()
    activation = cty.activation  # a list built on each access: read it once
    acts = [activation[i] for i in idx]
    n_on = int(submitting(scn, day)[idx].sum())
    lines = [
        f"S-Comm (IDENT/IAFIS interoperability) active in {n_on} of {len(idx)} counties"
        + (f"; first activation here {min(acts).isoformat()}" if acts else "")
    ]
    if len(idx) == 1:
        lines.append(f"county activation date: {acts[0].isoformat()}")
    lines += [
        _not_applied(law, day)
        for law in all_laws()
        if law.effect == "withdraw_interoperability"
        and law not in scn.laws
        and law.scope.in_force(day)
        and _binds(law, idx)
    ]
    return lines


def _agreements(scn: Scenario, day: dt.date, idx: list[int]) -> list[dict]:
    """The 287(g) jail agreements in force in the place on ``day`` (none where the scenario
    switches 287(g) off)."""
    if not bool(scn.params.at("program.agreements_287g", day)):
        return []
    fips = set(counties().fips[idx].tolist())
    return [
        {
            "county": a.county,
            "agency": a.agency,
            "model": "jail enforcement",
            "start": a.scope.start.isoformat(),
            "start_kind": a.start_kind,
            "end": a.scope.until.isoformat() if a.scope.until else None,
            "end_kind": a.end_kind,
            "confidence": a.confidence,
            "basis": a.basis,
            "citation": {
                **agreements_287g.SOURCE,
                "date": agreements_287g.SOURCE["date"].isoformat(),
            },
        }
        for a in agreements_287g.agreements()
        if a.county in fips and a.scope.in_force(day)
    ]


def rules_in_force(
    date: str | None, county: str | None, state: str | None, scenario: str = "baseline"
) -> dict:
    """Parameters, laws and interoperability status in force on ``date`` for the place."""
    day = dt.date.today() if date is None else parse_date(date)
    floor = first_day(parse_month(SUPPORTED[0]))
    if day < floor:
        raise UserError(
            f"--date: {day} is before {floor}, the first day the model covers (its supported "
            f"range is {SUPPORTED[0]}..{SUPPORTED[1]})"
        )
    label, idx = _place(county, state)
    scn = resolve(scenario)
    laws = [
        _law_row(lw, scn)
        for lw in (*all_laws(), *(lw for lw in scn.laws if lw not in all_laws()))
        if lw.scope.in_force(day) and _binds(lw, idx)
    ]
    params = []
    for name in scn.params.names():
        p = scn.params[name]
        found = p.entry_at(day)
        if found is None:
            continue
        start, entry = found
        params.append(
            {
                "name": name,
                "description": p.description,
                "unit": p.unit,
                "value": entry.value,
                "in_force_since": start.isoformat(),
                "citation": entry.citation.model_dump(mode="json"),
                "assumption": entry.assumption,
                "calibrated": entry.calibrated,
                "note": entry.note,
            }
        )
    return {
        "date": day.isoformat(),
        "place": label,
        "scenario": scn.name,
        "place_status": _interoperability(scn, day, idx),
        "laws": laws,
        "agreements_287g": _agreements(scn, day, idx),
        "parameters": params,
    }
