"""State, local and federal law files: validated, cited, graded, and compiled into what a jail
may do (jurisdictions/policy.py). Each law's own cases, month by month, are in tests/laws/."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pytest

from scomm import periods
from scomm.compile import compile_inputs
from scomm.errors import UserError
from scomm.jurisdictions import policy
from scomm.jurisdictions.counties import counties
from scomm.jurisdictions.laws import Law, all_laws, parse_law
from scomm.params import default_parameters
from scomm.rules.categories import Charge, Level
from scomm.scenario import packaged

D = dt.date
CITE = {
    "title": "a test source",
    "url": "https://example.org",
    "date": D(2014, 1, 1),
    "kind": "statute",
}


def law(law_id: str) -> Law:
    return {lw.id: lw for lw in all_laws()}[law_id]


def make(**fields) -> Law:
    """A law mapping with the required fields filled in."""
    base = {
        "id": "test-law",
        "title": "A test law",
        "summary": "A law written for a test of the policy table.",
        "binds": {"counties": ["06037"]},
        "agency": "a jail",
        "effective": D(2014, 1, 1),
        "effect": "honor_only_if",
        "citation": CITE,
    }
    return Law(**{**base, **fields})


def cell(level, charge, sc=False, sr=False, pc=False, pr=False) -> int:
    return int(policy.cell_index([level], [charge], [sc], [sr], [pc], [pr])[0])


def test_every_packaged_law_is_dated_cited_graded_and_binds_known_places():
    laws = all_laws()
    assert len({lw.id for lw in laws}) == len(laws) >= 60
    for lw in laws:
        assert lw.citation.url.startswith(("http://", "https://")), lw.id
        assert lw.citation.kind in (
            "statute",
            "court",
            "agency",
            "report",
            "news",
            "advocacy",
            "mirror",
        )
        assert lw.ends is None or lw.ends >= lw.effective
        if (
            lw.effect in ("honor_only_if", "notification_only")
            and lw.routes()
            and not lw.judicial_warrant
        ):
            assert lw.note and "pproximation" in lw.note, f"{lw.id} must state its approximation"


def test_a_law_names_the_parameters_that_carry_its_effect_changed_on_its_date():
    params = default_parameters()
    for lw in all_laws():
        for name in lw.modeled_by:
            assert lw.effective in params[name].values, (lw.id, name)


def _refusal(**fields) -> str:
    """The one message a law refused for its flags gives (pydantic wraps it)."""
    with pytest.raises(ValueError) as err:
        make(**fields)
    return err.value.errors()[0]["msg"].removeprefix("Value error, ")


def test_law_files_refuse_flags_their_effect_cannot_take():
    """Each flag belongs to one kind of law, and the refusal says which, word for word."""
    assert _refusal(effect="decline_all", judicial_warrant=True) == (
        "judicial_warrant: only an honor_only_if law takes it"
    )
    assert _refusal(effect="require_compliance", blocks_notification=True) == (
        "blocks_notification: only a law with effect ('honor_only_if', 'decline_all')"
    )
    sentenced = (
        "notifies_sentenced_only: only a law with effect ('honor_only_if', 'decline_all') "
        "that does not block notification"
    )
    assert _refusal(effect="notification_only", notifies_sentenced_only=True) == sentenced
    assert _refusal(notifies_sentenced_only=True, blocks_notification=True) == sentenced
    assert _refusal(effect="honor_only_if", requires_reimbursement=True) == (
        "requires_reimbursement: only a decline_all law takes it"
    )
    assert _refusal(effect="decline_all", modeled_by=["detainer.probability"]) == (
        "modeled_by: only an informational law names the parameters"
    )
    assert _refusal(effect="require_compliance", levels=["level1"]) == (
        "levels, charges, honor_if: only a law with effect "
        "('honor_only_if', 'notification_only', 'decline_all')"
    )
    with pytest.raises(ValueError, match="a condition names"):
        make(honor_if=[{}])


def test_case_each_flag_is_taken_by_its_own_kind_of_law():
    """The other side of each refusal: the flag with the effect it belongs to is a law."""
    assert make(judicial_warrant=True).judicial_warrant
    for effect in ("honor_only_if", "decline_all"):
        assert make(effect=effect, blocks_notification=True, levels=["level1"]).blocks_notification
    assert make(effect="decline_all", requires_reimbursement=True).requires_reimbursement
    for effect in ("honor_only_if", "decline_all"):
        assert make(effect=effect, notifies_sentenced_only=True).notifies_sentenced_only
    informational = make(effect="informational", modeled_by=["detainer.probability"])
    assert informational.modeled_by == ["detainer.probability"]
    assert make(effect="notification_only", charges=["felony"]).routes()


def test_case_a_law_file_that_is_not_a_mapping_or_binds_an_unknown_place_says_so_exactly():
    """The refusal names the file, and for a place the field under ``binds``."""
    with pytest.raises(UserError) as err:
        parse_law(["a", "list"], "laws/x.yaml")
    assert str(err.value) == "laws/x.yaml: expected a mapping describing a law"
    raw = make().model_dump(mode="json")
    with pytest.raises(UserError) as err:
        parse_law({**raw, "binds": {"counties": ["99999"]}}, "laws/x.yaml")
    assert str(err.value) == (
        "laws/x.yaml: field binds.counties: '99999' is not a known county FIPS code"
    )
    with pytest.raises(UserError) as err:
        parse_law({**raw, "binds": {"states": ["ZZ"]}}, "laws/x.yaml")
    assert str(err.value) == "laws/x.yaml: field binds.states: 'ZZ' is not a USPS state code"


def test_a_bad_law_file_is_one_line_naming_the_field():
    with pytest.raises(UserError, match=r"^laws/x.yaml: field honor_if.0: .*levels: .level9."):
        parse_law(
            {**make().model_dump(mode="json"), "honor_if": [{"levels": ["level9"]}]}, "laws/x.yaml"
        )


def test_case_a_condition_holds_only_where_every_field_it_names_holds():
    cond = make(honor_if=[{"levels": ["level2", "level3"], "serious_record": True}]).honor_if[0]
    mask = policy.condition_mask(cond)
    assert mask[cell(Level.LEVEL2, Charge.TRAFFIC, sr=True)]
    assert mask[cell(Level.LEVEL3, Charge.FELONY, sr=True, pc=True)]
    assert not mask[cell(Level.LEVEL2, Charge.TRAFFIC)]
    assert not mask[cell(Level.LEVEL1, Charge.TRAFFIC, sr=True)]
    felony_pc = make(honor_if=[{"charges": ["felony"], "magistrate_pc": True}]).honor_if[0]
    mask = policy.condition_mask(felony_pc)
    assert mask[cell(Level.NONCRIMINAL, Charge.FELONY, pc=True)]
    assert not mask[cell(Level.NONCRIMINAL, Charge.FELONY)]
    assert not mask[cell(Level.NONCRIMINAL, Charge.MISDEMEANOR, pc=True)]
    no_removal = make(honor_if=[{"prior_removal": False}]).honor_if[0]
    assert not policy.condition_mask(no_removal)[cell(Level.LEVEL1, Charge.FELONY, pr=True)]


def test_case_a_condition_naming_a_level_and_a_charge_needs_both():
    """Inside one condition the fields are conjunctive: "Level 1 and charged with a felony"
    holds for neither a Level 2 felony charge nor a Level 1 misdemeanor charge."""
    cond = make(honor_if=[{"levels": ["level1"], "charges": ["felony"]}]).honor_if[0]
    mask = policy.condition_mask(cond)
    assert mask[cell(Level.LEVEL1, Charge.FELONY)]
    assert not mask[cell(Level.LEVEL2, Charge.FELONY)]
    assert not mask[cell(Level.LEVEL1, Charge.MISDEMEANOR)]


def test_case_levels_charges_and_routes_are_alternatives():
    lw = make(levels=["level1"], charges=["felony"], honor_if=[{"serious_charge": True}])
    who = policy.qualifies(lw)
    assert who[cell(Level.LEVEL1, Charge.TRAFFIC)]
    assert who[cell(Level.NONCRIMINAL, Charge.FELONY)]
    assert who[cell(Level.NONCRIMINAL, Charge.MISDEMEANOR, sc=True)]
    assert not who[cell(Level.LEVEL2, Charge.MISDEMEANOR)]
    assert not policy.qualifies(make()).any(), "no condition: no one qualifies"


def test_case_what_each_effect_allows():
    c1, c3 = cell(Level.LEVEL1, Charge.FELONY), cell(Level.LEVEL3, Charge.MISDEMEANOR)
    hold, notify = policy.law_masks(make(levels=["level1"]))
    assert hold[c1] and not hold[c3] and notify[c1] and notify[c3]
    hold, notify = policy.law_masks(make(levels=["level1"], blocks_notification=True))
    assert hold[c1] and not hold[c3] and notify[c1] and not notify[c3]
    hold, notify = policy.law_masks(make(levels=["level1"], judicial_warrant=True))
    assert not hold.any() and notify.all()
    hold, notify = policy.law_masks(
        make(levels=["level1"], judicial_warrant=True, blocks_notification=True)
    )
    assert not hold.any() and not notify.any()
    hold, notify = policy.law_masks(make(effect="notification_only", levels=["level1"]))
    assert not hold.any() and notify[c1] and not notify[c3]
    hold, notify = policy.law_masks(make(effect="decline_all"))
    assert not hold.any() and notify.all()
    hold, notify = policy.law_masks(make(effect="decline_all", blocks_notification=True))
    assert not hold.any() and not notify.any()
    for effect in ("require_compliance", "informational", "withdraw_interoperability"):
        hold, notify = policy.law_masks(make(effect=effect))
        assert hold.all() and notify.all(), effect


def test_case_a_reimbursement_condition_lifts_only_when_reimbursement_is_offered():
    lw = make(
        effect="decline_all",
        requires_reimbursement=True,
        levels=["level1"],
        blocks_notification=True,
    )
    c1, c3 = cell(Level.LEVEL1, Charge.FELONY), cell(Level.LEVEL3, Charge.MISDEMEANOR)
    hold, notify = policy.law_masks(lw, reimbursed=False)
    assert not hold.any() and not notify.any()
    hold, notify = policy.law_masks(lw, reimbursed=True)
    assert hold[c1] and not hold[c3] and notify[c1] and not notify[c3]
    # a law without the condition ignores reimbursement
    hold, _ = policy.law_masks(make(effect="decline_all"), reimbursed=True)
    assert not hold.any()


def test_case_laws_binding_one_jail_combine_to_what_all_allow():
    a = make(id="a", levels=["level1", "level2"])
    b = make(id="b", levels=["level1"], charges=["felony"], blocks_notification=True)
    hold, notify = policy.combine([a, b])
    assert hold[cell(Level.LEVEL1, Charge.TRAFFIC)]
    assert not hold[cell(Level.LEVEL2, Charge.TRAFFIC)]
    assert not hold[cell(Level.NONCRIMINAL, Charge.FELONY)]
    assert notify[cell(Level.NONCRIMINAL, Charge.FELONY)]
    assert not notify[cell(Level.LEVEL3, Charge.MISDEMEANOR)]


def test_case_a_state_mandate_overrides_only_local_limits_older_than_itself():
    old = make(id="old", effect="decline_all", effective=D(2017, 2, 1))
    same_day = make(id="same", effect="decline_all", effective=D(2017, 9, 25))
    newer = make(id="newer", effect="decline_all", effective=D(2018, 2, 1))
    mandate = make(
        id="sb4", effect="require_compliance", effective=D(2017, 9, 25), binds={"states": ["TX"]}
    )
    assert policy.combine([old, mandate])[0].all()
    assert policy.combine([same_day, mandate])[0].all()
    assert not policy.combine([old, newer, mandate])[0].any()
    assert not policy.combine([old])[0].any()


def test_case_a_jail_reports_only_sentenced_releases_while_such_a_law_binds_it_unless_a_mandate():
    """King County's Ordinance 18665 beside its hold refusal: the jail reports sentenced
    people only; a state mandate newer than the local rule lifts that limit too."""
    refusal = make(id="refusal", judicial_warrant=True)
    sentenced = make(id="sentenced", judicial_warrant=True, notifies_sentenced_only=True)
    assert policy.sentenced_only([refusal, sentenced])
    assert not policy.sentenced_only([refusal])
    assert not policy.sentenced_only([])
    assert policy.law_masks(sentenced)[1].all(), "the notice limit is a share, not a cell mask"
    mandate = make(id="sb4", effect="require_compliance", effective=D(2017, 9, 25))
    assert not policy.sentenced_only([sentenced, mandate])
    newer = make(id="newer", notifies_sentenced_only=True, effective=D(2018, 1, 1))
    assert policy.sentenced_only([newer, mandate])


def test_case_the_policy_table_marks_the_policies_that_report_sentenced_releases_only():
    cty = counties()
    days = [D(2013, 12, 1), D(2014, 2, 1)]
    la = cty.index_of("06037")
    lw = make(judicial_warrant=True, notifies_sentenced_only=True, effective=D(2014, 1, 1))
    table = policy.policy_table([lw], days, [False, False], len(cty.fips))
    before, after = table.index[la]
    assert not table.sentenced[before] and table.sentenced[after]
    assert table.sentenced.sum() == 1 and table.sentenced.shape == (len(table.hold),)


def test_case_combining_assumes_no_reimbursement_unless_told():
    """A jail whose law declines detainers unless the federal government pays: combined with
    nothing said about payment, it holds no one (Miami-Dade 2013 before any offer)."""
    paid_only = make(effect="decline_all", requires_reimbursement=True, levels=["level1"])
    assert not policy.law_masks(paid_only)[0].any()
    assert not policy.combine([paid_only])[0].any()
    assert policy.combine([paid_only], reimbursed=True)[0][cell(Level.LEVEL1, Charge.FELONY)]


def test_case_the_latest_state_mandate_is_the_one_that_overrides():
    """Two mandates binding one jail: a local limit newer than the first mandate but older
    than the second is overridden by the second (the latest mandate counts)."""
    first = make(id="m1", effect="require_compliance", effective=D(2017, 9, 1))
    local = make(id="local", effect="decline_all", effective=D(2018, 6, 1))
    second = make(id="m2", effect="require_compliance", effective=D(2019, 7, 1))
    assert policy.combine([first, local, second])[0].all()
    assert not policy.combine([first, local])[0].any()


def test_the_policy_table_gives_each_county_the_laws_in_force_that_bind_it():
    cty = counties()
    days = [D(2013, 12, 1), D(2014, 2, 1)]
    la, sf = cty.index_of("06037"), cty.index_of("06075")
    lw = make(levels=["level1"], effective=D(2014, 1, 1))
    table = policy.policy_table([lw], days, [False, False], len(cty.fips))
    assert table.index[la, 0] == 0 and table.index[la, 1] != 0 and table.index[sf, 1] == 0
    assert table.laws[table.index[la, 1]] == ("test-law",)
    assert table.hold[0].all() and table.notify[0].all()


def test_the_287g_channel_skips_laws_that_do_not_bind_its_officers():
    cty = counties()
    days = [D(2018, 1, 1)]
    lunn = make(effect="decline_all", binds={"states": ["MA"]}, binds_287g=False)
    joint, own = policy.channel_tables([lunn], days, [False], len(cty.fips))
    i = cty.index_of("25005")
    assert not joint.hold[joint.index[i, 0]].any()
    assert joint.hold[own[i, 0]].all()


@cache
def _inputs(month: str, state: str):
    m = periods.parse_month(month)
    return compile_inputs(packaged("baseline"), m, m, [state])


def test_case_no_law_means_every_detainer_may_be_held_and_reported():
    """Erie County, NY, in 2012: no state or local detainer law."""
    inp = _inputs("2012-06", "NY")
    i = counties().index_of("36029")
    assert inp.hold_masks[inp.policy[i, 0]].all() and inp.notify_masks[inp.policy[i, 0]].all()


def test_case_state_opt_outs_did_not_stop_fingerprint_checks_in_history():
    """ICE's letter of 5 Aug 2011 (NILC) terminated all MOAs: New York's 1 Jun 2011
    suspension changed nothing in the baseline; the ny-optout-honored scenario applies it."""
    ny = law("ny-suspension-2011")
    assert not ny.in_history and ny.overridden_by == "fed-moa-termination-2011"
    assert law("fed-moa-termination-2011").effective == D(2011, 8, 5)
    i = counties().index_of("36103")  # Suffolk County, NY, active since 2011
    m = periods.parse_month("2011-09")
    base = compile_inputs(packaged("baseline"), m, m, ["NY"]).active_from[i, 0]
    honored = compile_inputs(packaged("ny-optout-honored"), m, m, ["NY"]).active_from[i, 0]
    assert base == 0.0 and honored == 1.0


def test_case_the_protect_our_courts_act_changes_no_jail_rule():
    """NY Protect Our Courts Act, Chapter 322 of 2020: civil arrests at courthouses are not
    part of the jail pipeline, so it is informational."""
    assert law("ny-protect-our-courts-2020").effect == "informational"
    assert not law("ny-protect-our-courts-2020").has_effect
    inp = _inputs("2021-06", "NY")
    assert inp.hold_masks[inp.policy[counties().index_of("36029"), 0]].all()


def test_the_cell_index_covers_every_combination_once():
    grid = np.indices(policy.CELL_SHAPE).reshape(len(policy.CELL_SHAPE), -1)
    cells = policy.cell_index(*grid)
    assert sorted(cells.tolist()) == list(range(policy.N_CELLS))
