"""The data dictionary in docs/records.md is the one in the code; fixes carry reasons."""

from __future__ import annotations

import csv
from importlib import resources

from records_helpers import REPO

from scomm.records import clean
from scomm.records.docs import reference_block
from scomm.records.schema import COLUMNS


def test_case_the_documented_dictionary_is_generated_from_the_code() -> None:
    text = (REPO / "docs" / "records.md").read_text()
    start = text.index("<!-- generated:start -->\n") + len("<!-- generated:start -->\n")
    end = text.index("<!-- generated:end -->")
    assert text[start:end] == reference_block(), (
        "docs/records.md is stale: paste scomm.records.docs.reference_block() between the "
        "generated markers"
    )
    for col in COLUMNS:
        assert f"| `{col.name}` |" in text


def test_case_every_hand_fix_names_its_bad_value_and_reason() -> None:
    folder = resources.files("scomm.records") / "fixes"
    rows = []
    for entry in folder.iterdir():
        if entry.name.endswith(".csv"):
            with entry.open(newline="") as fh:
                rows += list(csv.DictReader(fh))
    assert rows
    assert all(r["bad_value"] and r["reason"].strip() for r in rows)
    assert len(clean.fixes()) == len(rows)


def test_case_redaction_markers_and_real_values_are_told_apart() -> None:
    import polars as pl

    values = [
        "(b)(6),(b)(7)c)",
        "b(6), b(7)C",
        "(b)(7)e)",
        "(B)(3)",
        "(b)(6)(b)(7)(c)",
        "B6",
        "MEXICO",
        "CAP Local Incarceration",
        "(b)",
        "Larceny (b)(6)",
    ]
    flags = pl.Series(values).to_frame("v").select(clean.is_redacted(pl.col("v")))["v"]
    assert flags.to_list() == [True, True, True, True, True, False, False, False, False, False]


def test_case_the_documented_dimensions_per_table_are_the_declared_ones() -> None:
    from scomm.records.summarize import SUMMARIES

    text = (REPO / "docs" / "records.md").read_text()
    rows = {}
    for line in text[text.index("| table | dimensions |") :].splitlines()[2:]:
        if not line.startswith("|"):
            break
        table, dims = (c.strip() for c in line.strip("|").split("|"))
        rows[table.split(" ")[0]] = dims.split(";")[0].split(", ")
    assert rows == {s.table: list(s.dimensions) for s in SUMMARIES}
