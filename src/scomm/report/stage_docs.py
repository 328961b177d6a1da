"""The stage table of docs/model.md, generated from the pipeline declaration.

``python -m scomm.report.stage_docs docs/model.md`` rewrites the table between its markers;
tests/test_docs.py fails when the file and the declaration disagree.
"""

from __future__ import annotations

from scomm.report.doc_table import between_markers, rewrite_in_place
from scomm.rules.pipeline import PIPELINE, Param, Stage

BEGIN = "<!-- stage table: generated from src/scomm/rules/pipeline.py by "
BEGIN += "`python -m scomm.report.stage_docs docs/model.md`; do not edit by hand -->"
END = "<!-- end of stage table -->"


def _rule(s: Stage) -> str:
    module = s.rule.__module__.removeprefix("scomm.").replace(".", "/")
    return f"`{module}.py` `{s.rule.__name__}`"


def _param(p: Param) -> str:
    extra = f" (by {p.by})" if p.by else ""
    if p.when is not None:
        extra = f" ({'' if p.when[1] else 'not '}{p.when[0]})"
    if p.drawn:
        extra += " (in draws of its uncertainty only)"
    return f"`{p.name}`{extra}"


def _stream(s: Stage) -> str:
    main = f"`{s.stream.name}`" if s.stream is not None else "—"
    if s.pretext_stream is None:
        return main
    return f"{main} (pretextual bookings: `{s.pretext_stream.name}`)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_table() -> str:
    """The Markdown table: one row per declared stage, in pipeline order."""
    rows = [
        "| # | stage | rule | random stream | reached when | what decides it | parameters "
        "| decides |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in PIPELINE:
        params = ", ".join(_param(p) for p in s.parameters)
        outputs = ", ".join(f"`{o}`" for o in s.outputs)
        reach = f"`{s.requires}`" if s.requires else "—"
        rows.append(
            f"| {s.number} | {s.label} | {_rule(s)} | {_stream(s)} | {reach} "
            f"| {_cell(s.decides)} | {params} | {outputs} |"
        )
    return "\n".join(rows)


def with_table(text: str) -> str:
    """``text`` (docs/model.md) with the block between the markers replaced by the table."""
    return between_markers(text, BEGIN, END, render_table(), "stage table")


if __name__ == "__main__":
    rewrite_in_place(with_table)
