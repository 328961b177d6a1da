"""The calibration's parameter space is read off the parameter tree's priors: every prior is a
coordinate, a new prior becomes one without code, and a point in the space sets exactly the
entries it names."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from scomm import aggregate
from scomm.calibration import space as sp
from scomm.params import Prior, default_parameters
from scomm.rules import pipeline

LAST = dt.date(2023, 9, 30)


def build(params=None):
    return sp.build(params or default_parameters(), LAST, set(aggregate.STAGES_USED))


def test_every_prior_of_a_model_parameter_is_a_coordinate():
    params = default_parameters()
    space = build()
    expected = 0
    for name in pipeline.parameter_names():
        for e in params[name].values.values():
            if e.prior is None:
                continue
            expected += (
                1 if isinstance(e.prior, Prior) else len(e.prior) + (e.prior_scale is not None)
            )
    assert len(space.coordinates) - len(sp._bookings_coordinates()) == expected


def test_the_24_ice_areas_share_one_scale_in_each_era():
    """Before PEP, under PEP (20 Nov 2014) and from EO 13768 (25 Jan 2017)."""
    space = build()
    area = [c for c in space.coordinates if c.parameter == "detainer.area_intensity"]
    for era in (dt.date(2005, 1, 1), dt.date(2014, 11, 20), dt.date(2017, 1, 25)):
        here = [c for c in area if c.date == era]
        assert sum(c.role == "z" for c in here) == 24
        assert [c.role for c in here].count("scale") == 1
    assert len({c.date for c in area}) == 3


def test_values_after_the_last_observed_day_are_silent():
    space = build()
    silent = {c.parameter for c in space.silent}
    assert "detainer.probability" in silent  # its 2025 rates: no observation covers them
    assert all(c.date is None or c.date > LAST or c.parameter not in
               pipeline.parameter_names(*aggregate.STAGES_USED) for c in space.silent)  # fmt: skip
    assert not {c.label for c in space.informed} & {c.label for c in space.silent}


def test_a_new_prior_in_the_tree_becomes_a_coordinate_without_code():
    params = default_parameters()
    name = "population.lpr_share_of_lawful_noncitizens"
    p = params[name]
    first = min(p.values)
    entry = p.values[first].model_copy(
        update={"prior": Prior(distribution="uniform", low=0.7, high=0.95)}
    )
    changed = params.with_overrides({name: p.model_copy(update={"values": {first: entry}})})
    labels = {c.label for c in build(changed).informed}
    assert f"{name}@{first.isoformat()}" in labels


@pytest.mark.parametrize("kind", ["uniform", "loguniform"])
def test_the_sampling_scale_maps_a_bounded_prior_onto_the_whole_line_and_back(kind):
    c = sp.Coordinate("x", "x", dt.date(2005, 1, 1), None, kind, 0.01, 2.0)
    for v in (0.011, 0.5, 1.99):
        assert c.from_scale(c.to_scale(v)) == pytest.approx(v, rel=1e-9)
    draws = np.array([c.from_scale(x) for x in c.sample(np.linspace(0.001, 0.999, 200))])
    assert draws.min() > 0.01 and draws.max() < 2.0


def test_a_point_sets_exactly_the_entries_it_names():
    params = default_parameters()
    space = build()
    c = next(c for c in space.informed if c.label == "removal.probability@2005-01-01:level2")
    changed = space.parameters(params, {c.label: c.to_scale(0.55)})
    entry = changed["removal.probability"].values[dt.date(2005, 1, 1)]
    before = params["removal.probability"].values[dt.date(2005, 1, 1)]
    assert entry.value["level2"] == pytest.approx(0.55)
    assert {k: v for k, v in entry.value.items() if k != "level2"} == {
        k: v for k, v in before.value.items() if k != "level2"
    }
    others = [n for n in params.names() if n != "removal.probability"]
    assert all(changed[n] is params[n] for n in others)


def test_hierarchical_values_stay_inside_each_keys_range():
    space = build()
    x = {c.label: (8.0 if c.role == "z" else c.to_scale(0.99 * c.high)) for c in space.coordinates
         if c.parameter == "detainer.area_intensity"}  # fmt: skip
    values = sp.natural_values(space, x)
    assert all(0.2 <= v <= 5.0 for v in values.values())
    assert len(values) == 3 * 24  # three eras


def test_a_particles_bookings_seed_is_a_function_of_its_coordinates():
    x = {"a": 0.1, "b": -2.0}
    assert sp.particle_seed(0, x) == sp.particle_seed(0, dict(reversed(list(x.items()))))
    assert sp.particle_seed(0, x) != sp.particle_seed(0, {"a": 0.1, "b": -2.0000001})


def test_the_anchor_puts_every_informed_value_back_where_the_tree_has_it():
    params = default_parameters()
    space = build(params)
    anchor = space.anchor(params)
    assert set(anchor) == {c.label for c in space.informed}
    for (name, date, key), v in sp.natural_values(space, anchor).items():
        value = params[name].values[date].value
        assert v == pytest.approx(float(value if key is None else value[key]), rel=1e-9)
    scales = [c for c in space.informed if c.role == "scale" or c.parameter == sp.BOOKINGS]
    assert scales and all(anchor[c.label] == 0.0 for c in scales)


def test_the_silent_anchor_puts_every_silent_value_back_where_the_tree_has_it():
    params = default_parameters()
    space = build(params)
    anchor = space.anchor(params, "silent")
    assert set(anchor) == {c.label for c in space.silent}
    values = sp.natural_values(space, anchor)
    assert values
    for (name, date, key), v in values.items():
        value = params[name].values[date].value
        assert v == pytest.approx(float(value if key is None else value[key]), rel=1e-9)


def test_draws_around_a_center_have_the_priors_spread_shifted_there():
    space = build()
    coords = [next(c for c in space.informed if c.kind == k) for k in ("normal", "uniform")]
    center = {coords[0].label: -1.0, coords[1].label: 2.0}
    drawn = sp.around(coords, center, 20000, np.random.default_rng(3))
    iqr = {"normal": 2 * 0.6745, "uniform": 2 * np.log(3)}  # standard normal's, logistic's
    for c in coords:
        q25, q50, q75 = np.percentile(drawn[c.label], [25, 50, 75])
        assert q50 == pytest.approx(center[c.label], abs=0.05)
        assert q75 - q25 == pytest.approx(iqr[c.kind], rel=0.05)


def test_the_anchor_of_a_hierarchical_key_off_the_midpoint_is_its_z():
    params = default_parameters()
    name, date = "detainer.area_intensity", dt.date(2005, 1, 1)
    entry = params[name].values[date]
    moved = params.with_overrides(
        {
            name: params[name].model_copy(
                update={
                    "values": {
                        **params[name].values,
                        date: entry.model_copy(update={"value": {**entry.value, "SEA": 2.0}}),
                    }
                }
            )
        }
    )
    space = build(moved)
    anchor = space.anchor(moved)
    c = next(c for c in space.informed if c.label == f"{name}@{date}:SEA#z")
    assert anchor[c.label] > 0 and anchor[f"{name}@{date}:ATL#z"] == 0.0
    assert sp.natural_values(space, anchor)[(name, date, "SEA")] == pytest.approx(2.0)
