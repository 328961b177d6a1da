"""``scomm study``: the staggered-rollout event study on the built-in crime panel or any county
panel. Mounted by ``scomm.cli``; bad input raises UserError (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scomm.flags import MAX_REPLICATES, int_option, list_option, path_option, token_option
from scomm.io import output_dir, print_json
from scomm.jurisdictions.counties import parse_states
from scomm.study.design import MIN_COMPARISON, TIMINGS
from scomm.study.estimators import ESTIMATORS

app = typer.Typer(
    name="study",
    help="Did S-Comm's rollout change crime (or your outcome)? Staggered event studies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)
STUDY_FILES = ("study.json", "event_study.png", "event_study.csv")

Outcome = Annotated[
    str,
    typer.Option(
        "--outcome",
        help="violent|property, or a --panel column.",
        parser=token_option("--outcome", "a column name"),
    ),
]
Estimator = Annotated[
    str,
    typer.Option(
        "--estimator",
        help="|".join(ESTIMATORS) + " (headline).",
        parser=token_option("--estimator", "|".join(ESTIMATORS)),
    ),
]
States = Annotated[
    str | None,
    typer.Option(
        "--states", help="USPS codes, e.g. CA,TX.", parser=list_option("--states", "USPS codes")
    ),
]
PanelFile = Annotated[
    Path | None,
    typer.Option(
        "--panel",
        help="Your CSV/Parquet: county_fips, year|month, outcome.",
        parser=path_option("--panel"),
    ),
]
Weight = Annotated[
    str | None,
    typer.Option(
        "--weight", help="Weight column of --panel.", parser=token_option("--weight", "a column")
    ),
]
Weighted = Annotated[
    bool, typer.Option("--weighted", help="Weight by population (or --weight).", metavar="")
]
Timing = Annotated[
    str,
    typer.Option(
        "--timing",
        help="|".join(TIMINGS) + ": first treated period.",
        parser=token_option("--timing", "|".join(TIMINGS)),
    ),
]
MinComparison = Annotated[
    int,
    typer.Option(
        "--min-comparison",
        help="Fewest counties the comparison cohort may have.",
        parser=int_option("--min-comparison", 0, 100_000),
    ),
]
Replicates = Annotated[
    int,
    typer.Option(
        "--replicates",
        help=f"Model seeds for the intensity design (0: skip; at most {MAX_REPLICATES}).",
        parser=int_option("--replicates", 0, MAX_REPLICATES),
    ),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Write study.json, the PNG and a CSV.", parser=output_dir),
]
Json = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout.", metavar="")
]


@app.command()
def crime(
    outcome: Outcome = "violent",
    estimator: Estimator = "cs",
    states: States = None,
    panel: PanelFile = None,
    weight: Weight = None,
    weighted: Weighted = False,
    timing: Timing = "half",
    min_comparison: MinComparison = MIN_COMPARISON,
    replicates: Replicates = 5,
    out: Out = None,
    json_: Json = False,
) -> None:
    """Crime known to sheriffs and county police (FBI CIUS Table 10), or --panel FILE."""
    from scomm.study.run import StudySpec

    spec = StudySpec(
        outcome=outcome,
        estimator=estimator,
        states=parse_states(states) if states is not None else None,
        panel_file=panel,
        weight=weight,
        weighted=weighted or weight is not None,
        timing=timing,
        min_comparison=min_comparison,
        intensity_replicates=replicates,
    )
    _study(spec, out, json_)


@app.command("panel")
def panel_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV/Parquet: county_fips, year|month, outcome.", parser=path_option("FILE")
        ),
    ],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome", help="The outcome column.", parser=token_option("--outcome", "a column")
        ),
    ] = "outcome",
    estimator: Estimator = "cs",
    states: States = None,
    weight: Weight = None,
    timing: Timing = "half",
    min_comparison: MinComparison = MIN_COMPARISON,
    replicates: Replicates = 0,
    out: Out = None,
    json_: Json = False,
) -> None:
    """The same design on your own county panel (SNAP take-up, employment, Kaplan's UCR...)."""
    from scomm.study.run import StudySpec

    spec = StudySpec(
        outcome=outcome,
        estimator=estimator,
        states=parse_states(states) if states is not None else None,
        panel_file=file,
        weight=weight,
        weighted=weight is not None,
        timing=timing,
        min_comparison=min_comparison,
        intensity_replicates=replicates,
    )
    _study(spec, out, json_)


def _study(spec, out: Path | None, json_: bool) -> None:
    from scomm.study.run import check_spec, finite_document, run_study

    check_spec(spec)
    with err_console.status("estimating the event study"):
        doc, _ = run_study(spec)
    finite_document(doc)
    if out is not None:
        write(out, doc)
        err_console.print(f"results written to [bold]{out}[/bold] ({', '.join(STUDY_FILES)})")
    if json_:
        print_json(doc)
    else:
        print_study(doc)


def write(out: Path, doc: dict) -> None:
    """study.json, event_study.png and event_study.csv, atomically."""
    from scomm.io import atomic_dir, write_json
    from scomm.study.chart import event_study_chart, to_png

    png = to_png(event_study_chart(doc))
    lines = ["estimator,event_time,estimate,se,ci_low,ci_high"]
    for name, e in doc["estimates"].items():
        for r in e["event_study"]:
            lines.append(f"{name},{r['event_time']},{r['estimate']!r},{r['se']!r},"
                         f"{r['ci'][0]!r},{r['ci'][1]!r}")  # fmt: skip
    with atomic_dir(out) as tmp:
        write_json(tmp / "study.json", doc)
        (tmp / "event_study.png").write_bytes(png)
        (tmp / "event_study.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fmt(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def print_study(doc: dict) -> None:
    """The headline, the CS–SA side by side and what was dropped, as rich tables."""
    lo, hi = doc["ci"]
    out_console.print(
        f"[bold]{doc['estimator_label']}[/bold]: ATT {_fmt(doc['att'])} "
        f"[{_fmt(lo)}, {_fmt(hi)}] {doc['unit']}; pre-trend p = {_fmt(doc['pretrend_p'], 3)}; "
        f"{doc['n_counties']:,} counties in {doc['n_states']} states, {doc['n_cohorts']} cohorts, "
        f"{doc['window']['first']}-{doc['window']['last']}"
    )
    table = Table(title="event study (95% intervals, clustered by state)")
    names = list(doc["estimates"])
    for col in ("event time", *names):
        table.add_column(col, justify="right")
    for row in doc["side_by_side"]:
        cells = []
        for n in names:
            v = row[n]
            est = None if v is None else v.get("estimate", v.get("att"))
            cells.append(
                "" if v is None else f"{_fmt(est)} [{_fmt(v['ci'][0])}, {_fmt(v['ci'][1])}]"
            )
        table.add_row(str(row["event_time"]), *cells)
    out_console.print(table)
    for d in doc["dropped"]:
        n = d.get("counties", d.get("periods"))
        what = "counties" if "counties" in d else "periods"
        out_console.print(f"dropped: {d['reason']} ({d['rows']:,} rows, {n:,} {what})")
