"""``scomm records``: load, validate, summarize and compare real ICE records.

Mounted by ``scomm.cli`` as the ``records`` sub-command group. User errors raise
``UserError`` (the main CLI prints one ``scomm: error:`` line and exits 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from scomm.flags import MAX_MIN_CELL, int_option, list_option, path_option, token_option
from scomm.io import output_dir, print_json
from scomm.jurisdictions.counties import parse_states
from scomm.records import adapters, dimensions, loader, validate
from scomm.records import compare as compare_mod
from scomm.records import summarize as summarize_mod
from scomm.records.suppress import DEFAULT_MIN_CELL
from scomm.report.numbers import AS_GIVEN, format_value
from scomm.rng import MAX_SEED

app = typer.Typer(
    name="records",
    help="Load, validate, summarize real ICE records and hold the model against them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)

Paths = Annotated[
    list[Path],
    typer.Argument(help="Record files (.csv, .csv.gz, .parquet).", parser=path_option("PATH")),
]
Format = Annotated[
    str,
    typer.Option(
        "--format",
        help="auto (detect from the header) or " + "|".join(adapters.BY_NAME),
        parser=token_option("--format", "auto or a format name"),
    ),
]
Json = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout.", metavar="")
]
MinCell = Annotated[
    int,
    typer.Option(
        "--min-cell",
        help=f"Minimum published cell size (>= {DEFAULT_MIN_CELL}).",
        parser=int_option("--min-cell", 0, MAX_MIN_CELL),
    ),
]
Folder = Annotated[
    Path,
    typer.Argument(help="A folder written by `scomm records load`.", parser=path_option("FOLDER")),
]
MONTH = "a month YYYY-MM"


def _count(n: int) -> str:
    return format_value(n, style=AS_GIVEN)


@app.command()
def load(
    paths: Paths,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the canonical tables.", parser=output_dir)
    ],
    format: Format = "auto",
    json_: Json = False,
) -> None:
    """Map record files to the canonical tables (zstd Parquet) with manifest.json."""
    manifest = loader.load(paths, out, format)
    if json_:
        print_json(manifest)
        return
    table = Table(title=f"records loaded into {out}")
    for col in ("file", "adapter", "table", "rows", "redacted cells", "warnings"):
        table.add_column(col, justify="right" if col in ("rows", "warnings") else "left")
    for i in manifest["inputs"]:
        redacted = ", ".join(f"{k} {_count(v)}" for k, v in i["redacted_cells"].items()) or "-"
        table.add_row(
            i["file"],
            i["adapter"],
            i["table"],
            _count(i["rows_in"]),
            redacted,
            str(i["validation"]["warn"]),
        )
    out_console.print(table)
    for name, t in manifest["tables"].items():
        out_console.print(
            f"{name}: {_count(t['rows'])} records ({_count(t['dup_flagged'])} flagged as "
            "possible duplicates, none dropped) -> " + t["file"]
        )


@app.command("validate")
def validate_cmd(paths: Paths, format: Format = "auto", json_: Json = False) -> None:
    """Run every validation rule and print the full report; exit 2 on a stop."""
    staged, findings = loader.run_validation(paths, format)
    if json_:
        print_json(
            {
                "inputs": [
                    {"file": s.opened.label, "adapter": s.opened.adapter.name, "rows": s.rows}
                    for s in staged
                ],
                "findings": findings,
            }
        )
    else:
        table = Table(title="validation report")
        for col in (
            "file",
            "rule",
            "column",
            "level",
            "failing",
            "share",
            "warn >",
            "stop >",
            "examples",
        ):
            table.add_column(col)
        style = {"ok": "green", "warn": "yellow", "stop": "bold red"}
        for f in findings:
            table.add_row(
                f["file"],
                f["rule"],
                f["column"],
                f"[{style[f['level']]}]{f['level']}[/]",
                f"{_count(f['count'])} / {_count(f['rows'])}",
                format_value(f["share"], "share", AS_GIVEN, digits=2),
                format_value(f["warn_at"], "share", AS_GIVEN),
                format_value(f["stop_at"], "share", AS_GIVEN),
                "; ".join(f["examples"]),
            )
        out_console.print(table)
    validate.raise_on_stop([f for s in staged for f in s.findings])


def _print_summary(doc: dict) -> None:
    index = doc["by"] or [dimensions.ALL]
    stages = [s for s in summarize_mod.FUNNEL if any(s in r for r in doc["funnel"])]
    table = Table(title=f"funnel (cells under {doc['min_cell']} suppressed)")
    for col in [*index, *stages]:
        table.add_column(col, justify="left" if col in index else "right")
    for r in doc["funnel"]:
        cells = []
        for s in stages:
            v = r.get(s, "")
            cells.append("supp." if v is None else (_count(v) if isinstance(v, int) else ""))
        table.add_row(*[str(r[k]) for k in index], *cells)
    out_console.print(table)
    metrics = Table(title="oversight metrics (all records)")
    for col in ("metric", "value", "definition"):
        metrics.add_column(col)
    for m in doc["metrics"]:
        missing = "supp." if m.get("suppressed") else "n/a"
        shown = format_value(m["value"], m["unit"], AS_GIVEN) if m["value"] is not None else missing
        metrics.add_row(m["name"], shown, m["definition"])
    out_console.print(metrics)


@app.command()
def summarize(
    folder: Folder,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Group by, e.g. state,year. Keys: " + ",".join(dimensions.BY_KEYS),
            parser=list_option("--by", "keys such as state,year"),
        ),
    ] = None,
    json_: Json = False,
    min_cell: MinCell = DEFAULT_MIN_CELL,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write each table (Parquet, CSV) and summary.json here.",
            parser=output_dir,
        ),
    ] = None,
) -> None:
    """The funnel and oversight metrics the records support, small cells suppressed."""
    keys = dimensions.parse_by(by)
    doc = summarize_mod.summarize(folder, keys, min_cell)
    if out is not None:
        summarize_mod.write_tables(doc, out)
    if json_:
        print_json(summarize_mod.to_json(doc))
    else:
        _print_summary(doc)


@app.command()
def compare(
    folder: Folder,
    scenario: Annotated[str, typer.Option("--scenario", help="Model scenario.")] = "baseline",
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First month (default: the records' first).",
            parser=token_option("--start", MONTH),
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="Last month (default: the records' last).",
            parser=token_option("--end", MONTH),
        ),
    ] = None,
    states: Annotated[
        str | None,
        typer.Option(
            "--states",
            help="USPS codes (default: states in the records).",
            parser=list_option("--states", "USPS codes"),
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Model random seed.", parser=int_option("--seed", 0, MAX_SEED)),
    ] = 0,
    min_cell: MinCell = DEFAULT_MIN_CELL,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write comparison tables (Parquet, CSV) and compare.json here.",
            parser=output_dir,
        ),
    ] = None,
    json_: Json = False,
) -> None:
    """Monthly jail-based ICE arrests in the records beside the model's ICE book-ins."""
    chosen = parse_states(states) if states is not None else None
    result = compare_mod.compare(
        folder, scenario, start=start, end=end, states=chosen, seed=seed, min_cell=min_cell
    )
    if out is not None:
        compare_mod.write(result, out)
    if json_:
        print_json({**result["summary"], "table": result["table"].to_dicts()})
        return
    s = result["summary"]
    table = Table(
        title=f"records vs model ({s['scenario']}), {s['period']['start']}..{s['period']['end']}"
    )
    for col in (
        "state",
        "records (jail-based arrests)",
        "model (ICE book-ins)",
        "difference",
        "ratio",
    ):
        table.add_column(col, justify="left" if col == "state" else "right")
    for r in s["totals"]:
        table.add_row(
            r["state"],
            *[
                "supp." if r[k] is None else format_value(r[k], style=AS_GIVEN)
                for k in ("records", "model", "difference", "ratio")
            ],
        )
    out_console.print(table)
    monthly = result["table"].filter(pl.col("month") != "Total")
    out_console.print(
        f"{monthly.height} state-months; {monthly['flag'].is_not_null().sum()} "
        "records cells suppressed" + (f"; tables written to {out}" if out else "")
    )
