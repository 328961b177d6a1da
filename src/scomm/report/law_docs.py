"""The law table of docs/laws.md, generated from the law files.

``python -m scomm.report.law_docs docs/laws.md`` rewrites the table between its markers;
tests/test_docs.py fails when the file and the laws disagree.
"""

from __future__ import annotations

from scomm.jurisdictions.laws import Law, all_laws
from scomm.report.doc_table import between_markers, rewrite_in_place

BEGIN = "<!-- law table: generated from src/scomm/jurisdictions/laws/ by "
BEGIN += "`python -m scomm.report.law_docs docs/laws.md`; do not edit by hand -->"
END = "<!-- end of law table -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _in_force(law: Law) -> str:
    start = law.effective.isoformat()
    return f"{start} to {law.ends.isoformat()}" if law.ends else f"from {start}"


def _effect(law: Law) -> str:
    text = law.conditions()
    if not law.binds_287g:
        text += "; does not bind 287(g) officers"
    if not law.in_history:
        text += " (not in history"
        text += f": overridden by `{law.overridden_by}`)" if law.overridden_by else ")"
    return text


def _sources(law: Law) -> str:
    cites = [law.citation, *law.see_also]
    return "; ".join(f"[{c.kind}] [{_cell(c.title)}]({c.url})" for c in cites)


def _notes(law: Law) -> str:
    parts = [law.note] if law.note else []
    if law.assumption:
        parts.append(f"Assumption: {law.assumption}")
    return " ".join(parts)


def render_table() -> str:
    """The Markdown table: one row per law, by effective date."""
    rows = [
        "| law | binds | in force | what the model does | sources [kind] | notes |",
        "|---|---|---|---|---|---|",
    ]
    for law in all_laws():
        rows.append(
            f"| `{law.id}` | {_cell(law.binds_label())} | {_in_force(law)} "
            f"| {_cell(_effect(law))} | {_sources(law)} | {_cell(_notes(law))} |"
        )
    return "\n".join(rows)


def with_table(text: str) -> str:
    """``text`` (docs/laws.md) with the block between the markers replaced by the table."""
    return between_markers(text, BEGIN, END, render_table(), "law table")


if __name__ == "__main__":
    rewrite_in_place(with_table)
