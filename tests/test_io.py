"""Outputs: one JSON serialisation for every document, and folders written all-or-nothing."""

from __future__ import annotations

import json
import math

import pytest

from scomm.errors import UserError
from scomm.io import atomic_dir, json_bytes, json_text, print_json, write_json

DOC = {"scenario": "b − a", "totals": {"removals": 3, "share": 0.25}, "empty": None}


def test_case_documents_are_indented_ascii_in_build_order_with_one_newline():
    assert json_text(DOC) == (
        "{\n"
        '  "scenario": "b \\u2212 a",\n'
        '  "totals": {\n'
        '    "removals": 3,\n'
        '    "share": 0.25\n'
        "  },\n"
        '  "empty": null\n'
        "}\n"
    )
    assert json_bytes(DOC) == json_text(DOC).encode("ascii")


def test_case_web_bodies_are_compact_utf8_with_non_finite_numbers_as_null():
    assert json_text({**DOC, "p": 0.00001, "x": math.nan}, compact=True) == (
        '{"scenario":"b − a","totals":{"removals":3,"share":0.25},"empty":null,'
        '"p":0.00001,"x":null}'
    )


def test_case_printed_and_written_documents_are_the_same_bytes(tmp_path, capsys):
    print_json(DOC)
    write_json(tmp_path / "doc.json", DOC)
    assert capsys.readouterr().out.encode() == (tmp_path / "doc.json").read_bytes()
    assert json.loads((tmp_path / "doc.json").read_text()) == DOC


def test_case_a_failed_folder_write_leaves_no_file(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        write_json(tmp / "summary.json", DOC)
        raise RuntimeError("stop half-way")
    assert not out.exists() or not any(out.iterdir())
    assert [p.name for p in tmp_path.iterdir()] in ([], ["out"])


def test_case_an_out_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "summary.json"
    target.write_text("{}")
    with pytest.raises(UserError, match="is a file, not a folder"), atomic_dir(target):
        pass
