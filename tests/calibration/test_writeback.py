"""The baseline's point values are the posterior medians, written into the parameter files
with a `calibrated:` note; the leave-one-out reweighting knows when it cannot be trusted."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil

import polars as pl
import pytest
import yaml

from scomm.calibration import posterior as post
from scomm.calibration import writeback
from scomm.calibration.draws import _space_of
from scomm.params import PARAMETER_ROOT, load_tree


def synthetic(values: dict[str, list[float]], weights: list[float]) -> post.Posterior:
    table = pl.DataFrame({post.WEIGHT: weights, post.SEED: [1] * len(weights), **values})
    return post.Posterior(table, {"version": "test-version"})


@pytest.fixture()
def tree(tmp_path):
    root = tmp_path / "parameters"
    shutil.copytree(str(PARAMETER_ROOT), root)
    return root


def test_medians_are_written_with_a_calibrated_note(tree):
    label = "custody.transfer_probability@2005-01-01"
    space = _space_of(synthetic({label: [0.0]}, [1.0]))
    c = next(c for c in space.coordinates if c.label == label)
    p = synthetic({label: [c.to_scale(v) for v in (0.7, 0.8, 0.95)]}, [1.0, 1.0, 1.0])
    writeback.write(p, tree)
    doc = yaml.safe_load((tree / "custody/transfer_probability.yaml").read_text())
    entry = doc["values"][dt.date(2005, 1, 1)]
    assert entry["value"] == pytest.approx(0.8, abs=1e-6)
    assert "test-version" in entry["calibrated"]
    load_tree(tree)  # the written tree still validates


def test_a_distribution_is_written_normalized():
    value = {"level1": 0.1, "level2": 0.2, "level3": 0.3, "noncriminal": 0.5}
    out = writeback._normalized("population.criminal_history_lawful", dt.date(2005, 1, 1), value)
    assert sum(out.values()) == pytest.approx(1.0, abs=1e-5)


def test_only_the_coordinates_the_inference_ran_over_are_written(tree):
    ran, held = (
        "custody.transfer_probability@2005-01-01",
        "custody.release_pickup_probability@2005-01-01",
    )
    before = (tree / "custody/release_pickup_probability.yaml").read_text()
    p = post.Posterior(
        pl.DataFrame(
            {post.WEIGHT: [1.0, 1.0], post.SEED: [1, 1], ran: [0.5, 0.6], held: [3.0, 3.0]}
        ),
        {"version": "test-version", "screening": {"inferred": [ran], "screened_out": [held]}},
    )
    written = writeback.write(p, tree)
    assert [w.name for w in written] == ["transfer_probability.yaml"]
    assert (tree / "custody/release_pickup_probability.yaml").read_text() == before


FILE = """description: a rate  # a comment
unit: share
values:
  2005-01-01:
    value: &first
      level1: 0.6
      level3: 0.37
    prior: {level1: {distribution: uniform, low: 0.4, high: 0.9}}
    calibrated: detainers to 2009-08-31 = 16,631 (an old, hand-made note
      on two lines)

  2010-06-30:
    value: 0.5
    calibrated: kept
"""


def test_an_edit_changes_the_entrys_values_and_note_alone():
    """The old note is replaced; comments, anchors, flow mappings, blank lines and the other
    dates' entries stay as they were."""
    note = "posterior median of calibration v (scomm calibrate); posterior 90% interval: x"
    after = writeback.edit_entry(FILE, dt.date(2005, 1, 1), {"level1": 0.6, "level3": 0.5}, note)
    diff = list(difflib.ndiff(FILE.splitlines(), after.splitlines()))
    assert [d[2:] for d in diff if d.startswith("- ")] == [
        "      level3: 0.37",
        "    calibrated: detainers to 2009-08-31 = 16,631 (an old, hand-made note",
        "      on two lines)",
    ]
    added = [d[2:] for d in diff if d.startswith("+ ")]
    assert added[0] == "      level3: 0.5" and added[1].startswith("    calibrated: ")
    assert len(added) == 2
    doc = yaml.safe_load(after)["values"]
    assert doc[dt.date(2005, 1, 1)] == {"value": {"level1": 0.6, "level3": 0.5},
                                        "prior": yaml.safe_load(FILE)["values"][dt.date(2005, 1, 1)]["prior"],
                                        "calibrated": note}  # fmt: skip
    assert doc[dt.date(2010, 6, 30)] == {"value": 0.5, "calibrated": "kept"}
    scalar = writeback.edit_entry(FILE, dt.date(2010, 6, 30), 0.25, "new")
    assert yaml.safe_load(scalar)["values"][dt.date(2010, 6, 30)] == {
        "value": 0.25,
        "calibrated": "new",
    }


def test_a_recalibration_keeps_the_earlier_note_on_values_it_did_not_infer():
    """An entry whose Level 3 value came from calibration A and whose non-criminal value now
    comes from B says both; a key B inferred again, or a note of B itself, leaves A out."""
    old = ("posterior median of calibration A (scomm calibrate; docs/calibration.md); "
           "posterior 90% interval: level3 0.4..0.5; level2 0.6..0.7")  # fmt: skip
    assert writeback._kept(old, {"noncriminal": 0}, "B") == (
        "; kept from calibration A: level3 0.4..0.5; level2 0.6..0.7"
    )
    assert writeback._kept(old, {"level2": 0}, "B") == "; kept from calibration A: level3 0.4..0.5"
    assert writeback._kept(old, {"level2": 0, "level3": 0}, "B") == ""
    assert writeback._kept(old, {"noncriminal": 0}, "A") == ""
    assert writeback._kept("detainers to 2009-08-31 = 16,631", {"level3": 0}, "B") == ""
    assert writeback._kept(None, {None: 0}, "B") == ""
    twice = old + "; kept from calibration Z: level1 0.1..0.2"
    assert (
        writeback._kept(twice, {"level2": 0}, "B") == "; kept from calibration A: level3 0.4..0.5"
    )


def test_the_packaged_point_values_are_the_packaged_posteriors_medians():
    """A recalibration that is not written back (or a hand edit of a calibrated value) fails
    here: where the packaged posterior passes its diagnostic, each inferred coordinate's value
    in the tree is its weighted median. (A distribution written normalized, `transform: cdf`,
    is left out: normalizing moves every share, so no single share is the median.)"""
    p = post.latest()
    assert p is not None and not post.caveat(p), "the packaged posterior must pass"
    params = load_tree(PARAMETER_ROOT)
    cdf = writeback._cdf_parameters()
    for (name, date, key), (_, median, _) in writeback.medians(p).items():
        value = params[name].values[date].value
        got = value if key is None else value[key]
        if name in cdf:
            continue
        assert got == pytest.approx(median, abs=2e-6), (name, date, key)
