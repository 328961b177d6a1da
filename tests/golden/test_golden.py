"""Every golden case, recomputed, equals its committed file (see golden_cases.py for the
float rule; `make golden` regenerates the files)."""

from __future__ import annotations

import json

import pytest
from golden_cases import CASES, differences, dump, path_of


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_equals_its_golden_file(case):
    expected = json.loads(path_of(case).read_text(encoding="utf-8"))
    actual = json.loads(dump(CASES[case]()))
    found = list(differences(expected, actual))
    assert not found, f"{case} departs from tests/golden/{case}.json:\n" + "\n".join(found[:20])


def test_the_float_rule_catches_real_changes():
    assert not list(differences({"a": 1.0, "n": 3}, {"a": 1.0 + 1e-12, "n": 3}))
    assert list(differences({"a": 1.0}, {"a": 1.0001}))
    assert list(differences({"n": 3}, {"n": 4}))
    assert list(differences([1, 2], [1, 2, 3]))
    assert list(differences({"a": 1}, {"a": 1, "b": 2}))
    assert list(differences({"flag": True}, {"flag": 1}))
