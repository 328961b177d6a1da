"""The parameter tree: every value cited, dated, in a known unit and within its bounds."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from scomm.errors import UserError
from scomm.params import BOUNDED_UNITS, KINDS, default_parameters, load_tree, parse_parameter

TREE = Path(str(resources.files("scomm") / "parameters"))


def test_the_whole_tree_validates():
    params = default_parameters()
    assert len(params.names()) >= 15
    for name in params.names():
        p = params[name]
        for entry in p.values.values():
            assert entry.citation.title and entry.citation.url and entry.citation.date
            assert entry.citation.kind in KINDS, name
            if p.unit in BOUNDED_UNITS:
                vals = entry.value.values() if isinstance(entry.value, dict) else [entry.value]
                assert all(0 <= float(v) <= 1 for v in vals), name


def test_assumptions_and_calibrated_values_are_marked():
    params = default_parameters()
    calibrated = [n for n in params.names() if any(e.calibrated for e in params[n].values.values())]
    assert "population.undocumented_prior_encounter_share" in calibrated
    for name in calibrated:
        for entry in params[name].values.values():
            if entry.calibrated:
                assert entry.assumption, f"{name}: a calibrated value must say it is an assumption"


GOOD = """
description: A test parameter with a proper citation.
unit: probability
values:
  2010-01-01:
    value: 0.5
    citation: {title: A report, url: https://example.org/r, date: 2011-01-01, kind: report}
"""


def test_a_good_file_parses():
    p = parse_parameter("x.y", GOOD, "x/y.yaml")
    assert p.at(__import__("datetime").date(2012, 1, 1)) == 0.5


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["values"]["2010-01-01"].pop("citation"), "citation"),
        (lambda d: d.update(unit="furlongs"), "unit"),
        (lambda d: d["values"]["2010-01-01"].update(value=1.5), "[0, 1]"),
        (lambda d: d["values"].update({"2010-13-01": d["values"]["2010-01-01"]}), "not a date"),
        (lambda d: d["values"]["2010-01-01"]["citation"].update(url="example.org"), "url"),
        (lambda d: d["values"]["2010-01-01"]["citation"].pop("kind"), "citation.kind"),
        (lambda d: d["values"]["2010-01-01"]["citation"].update(kind="blog"), "citation.kind"),
    ],
    ids=[
        "missing citation",
        "unknown unit",
        "probability above 1",
        "bad date",
        "bad url",
        "ungraded citation",
        "unknown kind",
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_field(mutate, message):
    doc = yaml.safe_load(GOOD)
    doc["values"] = {str(k): v for k, v in doc["values"].items()}
    mutate(doc)
    text = (
        yaml.safe_dump(doc)
        .replace("'2010-01-01'", "2010-01-01")
        .replace("'2010-13-01'", "2010-13-01")
    )
    with pytest.raises(UserError) as exc:
        parse_parameter("x.y", text, "x/y.yaml")
    assert "x/y.yaml" in str(exc.value)
    assert message in str(exc.value)


def test_a_users_tree_with_a_missing_citation_stops_the_run_with_exit_2(tmp_path, cli):
    tree = tmp_path / "parameters"
    shutil.copytree(TREE, tree)
    target = tree / "custody" / "transfer_probability.yaml"
    doc = yaml.safe_load(target.read_text())
    for entry in doc["values"].values():
        entry.pop("citation")
    target.write_text(yaml.safe_dump(doc))
    out = tmp_path / "out"
    res = cli("run", "--states", "DE", "--out", str(out), env={"SCOMM_PARAMETERS": str(tree)})
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error:")
    assert "transfer_probability.yaml" in lines[0] and "citation" in lines[0]
    assert not out.exists()


def test_a_users_tree_loads_like_the_packaged_one(tmp_path):
    tree = tmp_path / "parameters"
    shutil.copytree(TREE, tree)
    assert load_tree(tree).digest() == default_parameters().digest()
