"""Burden on local jails, pinned on hand-built cohorts (docs/metrics.md#burden-on-local-police).

Defaults: 20.6 extra days per honored detainer (Los Angeles County, Greene 2012) and $82.69
a jail day (DOJ/Vera 2011) before 2017; SCAAP reimbursed 23% (FY2011) of the cost of
unauthorized people with a Level 1 or 2 record."""

from __future__ import annotations

import pytest
from metrics_helpers import Person, context, held, mask_of, tiny_sim

from scomm.metrics import burden
from scomm.rules.categories import Level, Status


def _metrics(people, state="NY", months=("2011-01", "2011-12")):
    sim = tiny_sim(people, months=months, states=(state,))
    ctx = context(sim)
    return burden.compute(burden.tally(sim, ctx), ctx, mask_of(sim))


def test_case_two_honoured_detainers_at_the_national_defaults():
    people = [
        Person("36061", level=Level.LEVEL2, **held()),  # unauthorized, Level 2: SCAAP covers
        Person("36061", level=Level.LEVEL3, **held()),  # Level 3: SCAAP does not
        Person("36061", detainer=True),  # detainer declined by the jail: no cost
    ]
    m = _metrics(people)
    assert m["detainer_bed_days"].value == pytest.approx(2 * 20.6)
    assert m["detainer_jail_cost_usd"].value == pytest.approx(2 * 20.6 * 82.69)
    assert m["scaap_reimbursement_usd"].value == pytest.approx(20.6 * 82.69 * 0.23)
    assert m["detainer_net_cost_usd"].value == pytest.approx(20.6 * 82.69 * (2 - 0.23))


def test_case_scaap_never_covers_a_lawful_resident():
    m = _metrics([Person("36061", status=Status.LPR, level=Level.LEVEL1, **held())])
    assert m["scaap_reimbursement_usd"].value == 0.0


def test_case_cook_county_uses_its_own_jail_cost():
    """Cook County: about $143 a day (WBEZ, 7 Sep 2011)."""
    m = _metrics([Person("17031", **held())], state="IL")
    assert m["detainer_jail_cost_usd"].value == pytest.approx(20.6 * 143.0)


def test_case_bell_county_uses_its_own_days_and_cost():
    """Bell County TX: 21,136 days for 1,200 people, $67.35 a day (Killeen Daily Herald)."""
    m = _metrics([Person("48027", **held())], state="TX")
    assert m["detainer_bed_days"].value == pytest.approx(17.6)
    assert m["detainer_jail_cost_usd"].value == pytest.approx(17.6 * 67.35)


def test_case_miami_dade_after_it_resumed_honouring_detainers_in_2017():
    """56 extra days (The Cost of Complicity, 2018) at about $200 a day (AP, 26 Jan 2017);
    SCAAP at its FY2013 rate, 18%."""
    people = [Person("12086", month="2017-03", level=Level.LEVEL1, **held())]
    m = _metrics(people, state="FL", months=("2017-01", "2017-12"))
    assert m["detainer_jail_cost_usd"].value == pytest.approx(56 * 200.0)
    assert m["scaap_reimbursement_usd"].value == pytest.approx(56 * 200.0 * 0.18)


def test_case_bed_days_and_dollars_fall_in_the_year_of_the_booking():
    people = [
        Person("36061", month="2011-12", **held()),
        Person("36061", month="2012-01", **held()),
    ]
    people.append(Person("36061", month="2012-02", **held()))
    m = _metrics(people, months=("2011-06", "2012-06"))
    assert m["detainer_bed_days"].extra["by_year"] == {"2011": 21, "2012": 41}
    net = m["detainer_net_cost_usd"].extra["by_year"]
    assert net == {"2011": round(20.6 * 82.69), "2012": round(2 * 20.6 * 82.69)}


def test_case_a_state_counts_only_its_own_counties():
    sim = tiny_sim([Person("36061", **held()), Person("34013", **held())], states=("NY", "NJ"))
    ctx = context(sim)
    t = burden.tally(sim, ctx)
    ny = burden.compute(t, ctx, mask_of(sim, "NY"))["detainer_bed_days"].value
    both = burden.compute(t, ctx, mask_of(sim))["detainer_bed_days"].value
    assert ny == pytest.approx(20.6) and both == pytest.approx(41.2)
