"""An uncertain scalar parameter may carry a prior range; the value must lie inside it, and
parameters without one hash exactly as before the field existed."""

from __future__ import annotations

import datetime as dt

import pytest

from scomm.errors import UserError
from scomm.params import default_parameters, parse_parameter

BASE = """description: A ratio with a prior range for the calibration.
unit: {unit}
{breakdown}values:
  2008-01-01:
    value: {value}
    citation: {{title: An assumption page, url: docs/bookings.md, date: 2026-01-01, kind: assumption}}
    assumption: no source gives it
    prior: {prior}
"""


def parse(value: object, prior: str, unit: str = "ratio"):
    """A parameter file with this value and prior (a mapping value gets a breakdown)."""
    breakdown = "breakdown: level\n" if str(value).startswith("{") else ""
    text = BASE.format(value=value, prior=prior, unit=unit, breakdown=breakdown)
    return parse_parameter("x.y", text, "x/y.yaml")


def test_a_prior_is_read_with_its_bounds():
    p = parse(1.0, "{distribution: loguniform, low: 0.6, high: 1.6}")
    prior = p.values[min(p.values)].prior
    assert (prior.distribution, prior.low, prior.high) == ("loguniform", 0.6, 1.6)


@pytest.mark.parametrize(
    ("value", "prior", "culprit"),
    [
        (2.0, "{distribution: uniform, low: 0.6, high: 1.6}", "outside 0.6..1.6"),
        (0.5, "{distribution: uniform, low: 0.6, high: 1.6}", "outside 0.6..1.6"),
        (1.0, "{distribution: uniform, low: 1.6, high: 0.6}", "low < high"),
        (1.0, "{distribution: loguniform, low: 0.0, high: 1.6}", "low > 0"),
        (1.0, "{distribution: normal, low: 0.6, high: 1.6}", "prior.distribution"),
        ("{a: 1.0}", "{distribution: uniform, low: 0.6, high: 1.6}", "a prior for each key"),
        ("1.0", "{a: {distribution: uniform, low: 0.6, high: 1.6}}", "one prior, not one per key"),
        ("true", "{distribution: uniform, low: 0.6, high: 1.6}", "numeric value"),
    ],
    ids=[
        "above",
        "below",
        "reversed",
        "loguniform at zero",
        "unknown shape",
        "mapping with one prior",
        "scalar with priors by key",
        "flag",
    ],
)
def test_bad_priors_are_refused_naming_the_field(value, prior, culprit):
    with pytest.raises(UserError) as err:
        parse(value, prior, unit="flag" if value == "true" else "ratio")
    assert str(err.value).startswith("x/y.yaml: field values.2008-01-01")
    assert culprit in str(err.value)


def test_parameters_without_a_prior_hash_as_before():
    params = default_parameters()
    name = next(
        n for n in params.names() if all(e.prior is None for e in params[n].values.values())
    )
    doc = params[name].model_dump(mode="json")
    assert all(e["prior"] is None for e in doc["values"].values())
    # The hash content leaves an absent prior out entirely.
    from scomm.params import _content

    assert all("prior" not in e for e in _content(params[name])["values"].values())


def test_an_entry_error_names_its_date_as_written():
    text = "description: A ratio without a citation.\nunit: ratio\nvalues:\n  2008-01-01:\n    value: 1.0\n"
    with pytest.raises(
        UserError, match=r"^x/y.yaml: field values\.2008-01-01\.citation: Field required"
    ):
        parse_parameter("x.y", text, "x/y.yaml")


MAPPING = """description: A probability by level with priors on some keys.
unit: probability
breakdown: level
values:
  2008-01-01:
    value: {{level1: 0.9, level2: 0.6}}
    citation: {{title: An assumption page, url: docs/assumptions.md, date: 2026-01-01, kind: assumption}}
    assumption: no source gives it
    prior: {prior}
"""


def test_a_mapping_value_takes_a_prior_for_each_uncertain_key():
    text = MAPPING.format(prior="{level2: {distribution: uniform, low: 0.4, high: 0.8}}")
    entry = parse_parameter("x.y", text, "x/y.yaml").values[dt.date(2008, 1, 1)]
    priors = entry.priors()
    assert set(priors) == {"level2"}  # level1 has none: it is fixed
    assert (priors["level2"].low, priors["level2"].high) == (0.4, 0.8)


def test_a_shared_scale_needs_priors_by_key():
    text = (
        MAPPING.format(prior="null") + "    prior_scale: {distribution: uniform, low: 0, high: 1}\n"
    )
    with pytest.raises(UserError, match="prior_scale"):
        parse_parameter("x.y", text, "x/y.yaml")


@pytest.mark.parametrize(
    ("prior", "culprit"),
    [
        ("{level2: {distribution: uniform, low: 0.7, high: 0.8}}", "prior.level2: value 0.6 lies"),
        ("{level3: {distribution: uniform, low: 0.1, high: 0.8}}", "'level3' is not a key"),
        ("{level1: {distribution: uniform, low: 0.8}}", "high"),
    ],
    ids=["value outside its key's prior", "unknown key", "incomplete prior"],
)
def test_bad_priors_by_key_are_refused_naming_the_key(prior, culprit):
    with pytest.raises(UserError) as err:
        parse_parameter("x.y", MAPPING.format(prior=prior), "x/y.yaml")
    assert str(err.value).startswith("x/y.yaml: field values.2008-01-01")
    assert culprit in str(err.value)
