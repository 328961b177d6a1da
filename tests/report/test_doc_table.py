"""A generated table replaces exactly the block between its markers."""

import pytest

from scomm.report.doc_table import between_markers


def test_the_block_between_the_markers_is_replaced_and_the_rest_kept():
    text = "intro\n<!-- b -->\nold\n<!-- e -->\nafter\n"
    assert between_markers(text, "<!-- b -->", "<!-- e -->", "new", "test table") == (
        "intro\n<!-- b -->\nnew\n<!-- e -->\nafter\n"
    )


@pytest.mark.parametrize("text", ["no markers", "<!-- b --> but no end"])
def test_case_a_missing_marker_is_refused_naming_the_table(text):
    with pytest.raises(ValueError, match="the test table markers are missing"):
        between_markers(text, "<!-- b -->", "<!-- e -->", "new", "test table")
