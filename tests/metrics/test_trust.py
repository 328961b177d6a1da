"""Community trust: expected unreported victimizations of Latino residents, pinned by hand
(docs/metrics.md#community-trust). 2012 inputs: NCVS violent rate 26.1 per 1,000 aged 12+,
44% reported; property 155.8 per 1,000 households, 34% reported; 77.4% of Latino residents
aged 12+; 3.54 people per Latino household; less likely to contact police 28% (U.S.-born),
44% (lawful foreign-born), 70% (unauthorized); those report half as often (assumption)."""

from __future__ import annotations

import numpy as np
import pytest
from metrics_helpers import context, mask_of, tiny_sim

from scomm.jurisdictions.counties import counties
from scomm.metrics import trust

MIX = np.array([0.8, 0.0, 0.1, 0.0, 0.1, 0.0])
HISPANIC = np.array([0.2, 0.3, 0.4, 0.1, 0.8, 0.8])
VIOLENT = 26.1 / 1000 * 0.44 * 0.774 * 0.5  # per resident-year, before the fear share
PROPERTY = 155.8 / 1000 * 0.34 / 3.54 * 0.5


def _metrics(active=1.0, **kw):
    sim = tiny_sim([], months=("2012-01", "2012-12"), active=active, **kw)
    ctx = context(sim)
    return trust.compute(trust.tally(sim, ctx), ctx, mask_of(sim))


def _ny():
    cty = counties()
    ny = cty.state == "NY"
    return (
        cty.column("population")[ny],
        cty.column("hispanic_share")[ny],
        cty.column("foreign_born_share")[ny],
    )


def test_case_us_born_latino_residents_under_scomm_all_year():
    """With no foreign-born residents every Latino resident is U.S.-born (28% less likely)."""
    pop, hisp, _ = _ny()
    latino = (pop * hisp).sum()
    m = _metrics()
    assert m["unreported_violent_victimizations_per_year"].value == pytest.approx(
        latino * VIOLENT * 0.28
    )
    assert m["unreported_property_victimizations_per_year"].value == pytest.approx(
        latino * PROPERTY * 0.28
    )
    assert m["latino_residents_under_scomm"].value == pytest.approx(latino)
    assert m["latino_exposure_share"].value == pytest.approx(1.0)


def test_case_unauthorized_and_lawful_foreign_born_residents_fear_more():
    """Foreign-born residents split half LPR (40% Hispanic), half unauthorized (80%)."""
    pop, hisp, fb = _ny()
    undocumented = pop * fb * 0.5 * 0.8
    lawful = pop * fb * 0.5 * 0.4
    us_born = np.maximum(pop * hisp - undocumented - lawful, 0.0)
    fear = (0.28 * us_born + 0.44 * lawful + 0.70 * undocumented).sum()
    m = _metrics(status_mix=MIX, hispanic_by_status=HISPANIC)
    assert m["unreported_violent_victimizations_per_year"].value == pytest.approx(fear * VIOLENT)


def test_case_the_effect_scales_with_the_months_scomm_ran_and_ends_with_it():
    full, half, none = _metrics(1.0), _metrics(0.5), _metrics(0.0)
    name = "unreported_property_victimizations_per_year"
    assert half[name].value == pytest.approx(full[name].value / 2)
    assert none[name].value == 0.0
    assert half["latino_exposure_share"].value == pytest.approx(0.5)


def test_case_trust_metrics_are_expectations_with_their_assumptions_beside_them():
    m = _metrics()["unreported_violent_victimizations_per_year"]
    assert not m.stochastic
    text = " ".join(m.assumptions)
    assert "70%" in text and "28%" in text and "50%" in text
    assert any("readkong" in s["url"] for s in m.sources)  # Theodore (2013)
