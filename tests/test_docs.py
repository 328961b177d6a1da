"""Generated documentation stays in step with the code and data."""

from __future__ import annotations

from pathlib import Path

from scomm.report import stage_docs
from scomm.report.parameter_docs import render

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_parameter_reference_is_current():
    """Regenerate with: .venv/bin/python -m scomm.report.parameter_docs > docs/parameters.md"""
    assert (DOCS / "parameters.md").read_text() == render() + "\n"


def test_the_stage_table_of_model_md_is_the_pipeline_declaration():
    """Regenerate with: .venv/bin/python -m scomm.report.stage_docs docs/model.md"""
    text = (DOCS / "model.md").read_text()
    assert stage_docs.with_table(text) == text
    assert stage_docs.render_table() in text


def test_the_law_table_of_laws_md_is_the_law_files():
    """Regenerate with: .venv/bin/python -m scomm.report.law_docs docs/laws.md"""
    from scomm.report import law_docs

    text = (DOCS / "laws.md").read_text()
    assert law_docs.with_table(text) == text
    assert law_docs.render_table() in text


def test_every_docs_link_in_a_citation_points_at_an_existing_page():
    from scomm.params import default_parameters

    params = default_parameters()
    for name in params.names():
        for entry in params[name].values.values():
            url = entry.citation.url
            if url.startswith("docs/"):
                assert (DOCS.parent / url.split("#")[0]).exists(), f"{name}: {url}"


def test_bookings_tables_are_current():
    """Regenerate with: .venv/bin/python -m scomm.bookings.report --write"""
    from scomm.bookings.report import BEGIN, END, render

    text = (DOCS / "bookings.md").read_text()
    assert text.split(BEGIN, 1)[1].split(END, 1)[0] == "\n" + render() + "\n"


def test_calibration_data_tables_are_current():
    """Regenerate with: .venv/bin/python -m scomm.calibration_data.report --write"""
    from scomm.calibration_data.report import BEGIN, END, render

    text = (DOCS / "calibration-data.md").read_text()
    assert text.split(BEGIN, 1)[1].split(END, 1)[0] == "\n" + render()


def test_case_no_page_says_the_model_leaves_287g_out():
    """The 287(g) jail channel landed (docs/laws.md#287g-beside-s-comm): no doc, README, page
    or brief template may still say the model has no 287(g) path or simulates S-Comm alone.
    The research notes quote the model as it stood before and are read as such."""
    import re

    root = DOCS.parent
    stale = re.compile(
        r"no 287\(g\) path|leaves out[^.]{0,80}\b287\(g\) and|287\(g\) agreements, at-large"
        r"|only the S-Comm path|287\(g\)[^.|]{0,40}not modell?ed",
        re.I,
    )
    pages = [root / "README.md", *DOCS.glob("*.md")]
    pages += [*(root / "src/scomm").rglob("*.html"), *(root / "src/scomm").rglob("*.j2")]
    pages += [*(root / "src/scomm").rglob("*.py")]
    found = [
        f"{p.relative_to(root)}: {m.group(0)}" for p in pages for m in stale.finditer(p.read_text())
    ]
    assert found == []
