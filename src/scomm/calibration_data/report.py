"""The generated part of docs/calibration-data.md, from the datasets' public views only.

    .venv/bin/python -m scomm.calibration_data.report --write

Nothing here reads the full observation tables except to count them: every value shown comes
from ``Dataset.public()``, so a count below the minimum cell never reaches the page.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from scomm.calibration_data import load_all
from scomm.calibration_data.schema import ERRORS, Dataset
from scomm.records.suppress import TOTAL, TOTAL_COLUMN
from scomm.report.numbers import format_value

BEGIN, END = "<!-- begin generated -->", "<!-- end generated -->"
DOC = Path(__file__).resolve().parents[3] / "docs" / "calibration-data.md"
MAX_ROWS = 30


def _fmt(value: float | None, flag: str | None, unit: str | None = None) -> str:
    """A public cell: withheld, blank, or its value in its unit (report.numbers)."""
    if flag == "primary":
        return "supp."
    if flag == "complementary":
        return "supp.(c)"
    return "" if value is None else format_value(value, unit)


def _range(low: float | None, high: float | None, unit: str) -> str:
    return "" if low is None else f"{_fmt(low, None, unit)} .. {_fmt(high, None, unit)}"


def _md(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _order(labels: list[str], last: str) -> list[str]:
    return sorted(x for x in labels if x != last) + ([last] if last in labels else [])


def grid(part: pl.DataFrame) -> list[str]:
    """One table's public cells as rows x columns (margins last)."""
    cells = {
        (r, c): _fmt(v, f, u)
        for r, c, v, f, u in part.select("row", "column", "value", "suppressed", "unit").iter_rows()
    }
    rows = _order(sorted(set(part["row"])), TOTAL)
    cols = _order(sorted(set(part["column"])), TOTAL_COLUMN)
    if len(rows) > MAX_ROWS:
        return [f"({len(rows)} rows; cells in the public view, not listed here)"]
    return _md(["", *cols], [[r, *(cells.get((r, c), "·") for c in cols)] for r in rows])


def loose(part: pl.DataFrame) -> list[str]:
    """Observations outside tables: one line each."""
    rows = [
        [
            f"`{r['obs_id']}`",
            r["quantity"],
            f"`{r['stage']}`",
            r["relation"],
            _fmt(r["value"], r["suppressed"], r["unit"]),
            _range(r["low"], r["high"], r["unit"]),
            r["error"],
        ]
        for r in part.iter_rows(named=True)
    ]
    return _md(["id", "what", "stage", "relation", "value", "range", "error"], rows)


def summary(d: Dataset, pub: pl.DataFrame) -> list[str]:
    obs = d.observations
    counts = obs.group_by("stage", "relation", "error").len().sort("stage", "relation", "error")
    rows = [[f"`{s}`", r, e, str(n)] for s, r, e, n in counts.iter_rows()]
    withheld = int(pub["suppressed"].is_not_null().sum())
    return [
        f"- **Source:** {d.source}",
        f"- **Observations:** {obs.height} ({int(obs['from_records'].sum())} counted from "
        f"records; {withheld} withheld in the public view)",
        f"- **Pins:** {d.pins}.",
        f"- **Cannot tell:** {d.cannot_tell}.",
        "",
        *_md(["stage", "relation", "error", "observations"], rows),
    ]


def section(d: Dataset) -> list[str]:
    pub = d.public()
    out = [f"### `{d.name}`: {d.title}", "", *summary(d, pub), ""]
    tables = pub.filter(pl.col("table").is_not_null())
    for (name,), part in sorted(tables.group_by("table"), key=lambda kv: kv[0][0]):
        corner = part.filter((pl.col("row") == TOTAL) & (pl.col("column") == TOTAL_COLUMN))
        quantity = (corner if corner.height else part)["quantity"][0]
        out += [f"Table `{name}` ({quantity}):", "", *grid(part), ""]
    rest = pub.filter(pl.col("table").is_null())
    if rest.height:
        out += [*loose(rest), ""]
    return out


def render() -> str:
    """The generated block."""
    out = [
        "### Error models",
        "",
        *_md(["error", "meaning"], [[f"`{k}`", v] for k, v in ERRORS.items()]),
        "",
    ]
    for d in load_all().values():
        out += section(d)
    return "\n".join(out).rstrip() + "\n"


def splice(doc: str, block: str) -> str:
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{block}{END}{tail}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Refresh docs/calibration-data.md's tables.")
    parser.add_argument("--write", action="store_true", help="rewrite the page")
    args = parser.parse_args(argv)
    if args.write:
        DOC.write_text(splice(DOC.read_text(), render()))
    else:
        print(render(), end="")


if __name__ == "__main__":
    main()
