"""The command line: parse, call the library, print. See ../shared/CONTRACT.md."""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from scomm.errors import UserError
from scomm.flags import (
    MAX_REPLICATES,
    MAX_SWEEP_REPLICATES,
    MAX_WORKERS,
    float_option,
    int_option,
    list_option,
    name_option,
    names_option,
    path_option,
    token_option,
)
from scomm.io import output_dir, print_json
from scomm.rng import MAX_SEED

app = typer.Typer(
    name="scomm",
    help="Secure Communities as code: simulate, compare and audit the S-Comm pipeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Messages on stderr never wrap: a path stays on one line when output is piped.
err = Console(stderr=True, soft_wrap=True)


def flag(name: str, text: str) -> Any:
    """A boolean flag (shown as ``--name``, taking no value)."""
    return typer.Option(name, help=text, metavar="", show_default=False)


MONTH = "a month YYYY-MM, e.g. 2011-06"
Scenario = Annotated[
    str,
    typer.Option(
        "--scenario", help="Scenario name or YAML file.", parser=name_option("--scenario")
    ),
]
Start = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="First month, YYYY-MM.",
        show_default="2008-10",
        parser=token_option("--start", MONTH),
    ),
]
End = Annotated[
    str | None,
    typer.Option(
        "--end",
        help="Last month, YYYY-MM.",
        show_default="2014-11",
        parser=token_option("--end", MONTH),
    ),
]
States = Annotated[
    str | None,
    typer.Option(
        "--states",
        help="USPS codes, e.g. NY,CA.",
        show_default="all states and DC",
        parser=list_option("--states", "USPS codes"),
    ),
]
Counties = Annotated[
    str | None,
    typer.Option(
        "--county",
        help="County FIPS codes, e.g. 36081 or 36081,36047: totals, flows and metrics of "
        "those counties (their states are simulated).",
        show_default="none",
        parser=list_option("--county", "5-digit county FIPS codes, e.g. 36081,36047"),
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        "--seed", help="Random seed, 0 to 2**64-1.", parser=int_option("--seed", 0, MAX_SEED)
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help=f"Local Dask worker processes (at most {MAX_WORKERS}).",
        parser=int_option("--workers", 1, MAX_WORKERS),
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="A running Dask scheduler, tcp://HOST:PORT.",
        parser=token_option("--scheduler", "tcp://HOST:PORT"),
    ),
]
Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write summary.json and flows here.",
        show_default="no files",
        parser=output_dir,
    ),
]
Json = Annotated[bool, flag("--json", "Print one JSON document on stdout (nothing else).")]
Replicates = Annotated[
    int,
    typer.Option(
        "--replicates",
        help="N >= 2: N runs (seeds SEED..SEED+N-1, each with a posterior parameter draw) "
        f"give every count and metric an interval (at most {MAX_REPLICATES}).",
        parser=int_option("--replicates", 1, MAX_REPLICATES),
    ),
]
SeedsOnly = Annotated[
    bool,
    flag("--seeds-only", "Intervals from simulation seeds only, parameters at point values."),
]
Bookings = Annotated[
    Path | None,
    typer.Option(
        "--bookings",
        help="County admissions CSV: county_fips, year, admissions.",
        parser=path_option("--bookings"),
    ),
]


Fips = Annotated[
    str | None,
    typer.Option(
        "--county", help="5-digit county FIPS.", parser=token_option("--county", "a FIPS code")
    ),
]
State = Annotated[
    str | None,
    typer.Option(
        "--state", help="USPS state code.", parser=token_option("--state", "a USPS state code")
    ),
]


def use_bookings(path: Path | None) -> None:
    """--bookings FILE: refuse a bad panel now, then run with it (as SCOMM_BOOKINGS)."""
    if path is not None:
        from scomm.bookings.panel import ENV, read_panel

        read_panel(path, f"--bookings {path}")
        os.environ[ENV] = str(path)


def _one_place(states: str | None, county: str | None) -> None:
    if states is not None and county is not None:
        raise UserError("--county: give --states or --county, not both")


@app.command(
    epilog="Examples: scomm run --states NY --start 2011-01 --end 2011-12 · "
    "scomm run --county 36081 --replicates 5 --json"
)
def run(
    scenario: Scenario = "baseline",
    start: Start = None,
    end: End = None,
    states: States = None,
    county: Counties = None,
    seed: Seed = 0,
    out: Out = None,
    json_: Json = False,
    replicates: Replicates = 1,
    seeds_only: SeedsOnly = False,
    bookings: Bookings = None,
) -> None:
    """Simulate the pipeline for the period and places."""
    use_bookings(bookings)
    from scomm.metrics.render import metrics_table
    from scomm.report.console import out as console_out
    from scomm.report.console import print_summary
    from scomm.runner import RUN_FILES, run_with_progress, write_run

    _one_place(states, county)
    result = run_with_progress(
        err,
        scenario=scenario,
        start=start,
        end=end,
        states=states,
        counties=county,
        seed=seed,
        replicates=replicates,
        posterior=not seeds_only,
    )
    if out is not None:
        write_run(result, out)
        err.print(f"results written to [bold]{out}[/bold] ({', '.join(RUN_FILES)})")
    if json_:
        print_json(result.summary)
    else:
        print_summary(result.summary)
        console_out.print(metrics_table(result.summary["metrics"]))


@app.command(
    epilog="Examples: scomm compare baseline terminate-2011-08 --states NY · "
    "scomm compare baseline no-scomm --county 06037 --json"
)
def compare(
    a: Annotated[
        str, typer.Argument(help="First scenario (name or file).", parser=name_option("A"))
    ],
    b: Annotated[
        str, typer.Argument(help="Second scenario (name or file).", parser=name_option("B"))
    ],
    start: Start = None,
    end: End = None,
    states: States = None,
    county: Counties = None,
    seed: Seed = 0,
    out: Out = None,
    json_: Json = False,
    bookings: Bookings = None,
) -> None:
    """Run two scenarios on the same random numbers; print both and their difference."""
    use_bookings(bookings)
    from scomm.compare import compare_runs, write_compare
    from scomm.report.console import print_compare
    from scomm.runner import run_with_progress
    from scomm.scenario import resolve

    _one_place(states, county)
    resolve(a), resolve(b)  # refuse a bad scenario file before running either
    kw = {"start": start, "end": end, "states": states, "counties": county, "seed": seed}
    ra = run_with_progress(err, scenario=a, **kw)
    rb = run_with_progress(err, scenario=b, **kw)
    doc = compare_runs(ra, rb)
    if out is not None:
        write_compare(doc, ra, rb, out)
        err.print(f"results written to [bold]{out}[/bold] (compare.json, flows_a/b.parquet)")
    if json_:
        print_json(doc)
    else:
        print_compare(doc)


@app.command(epilog="Example: scomm scenarios --json")
def scenarios(json_: Json = False) -> None:
    """List the named scenarios: name and one-sentence description."""
    from scomm.scenario import packaged, scenario_names

    rows = [(n, packaged(n).description) for n in scenario_names()]
    if json_:
        print_json({"scenarios": [{"name": n, "description": d} for n, d in rows]})
        return
    width = max(len(n) for n, _ in rows)
    for name, description in rows:
        typer.echo(f"{name:<{width}}  {description}")


@app.command(epilog="Example: scomm params --date 2012-06-01 --county 36081")
def params(
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="YYYY-MM-DD (default today).",
            parser=token_option("--date", "a date YYYY-MM-DD"),
        ),
    ] = None,
    county: Fips = None,
    state: State = None,
    scenario: Scenario = "baseline",
    json_: Json = False,
) -> None:
    """The rules in force on a date for a place, each with value, unit and citation."""
    from scomm.params_view import rules_in_force
    from scomm.report.console import print_params

    doc = rules_in_force(date=date, county=county, state=state, scenario=scenario)
    if json_:
        print_json(doc)
    else:
        print_params(doc)


@app.command(
    epilog="Example: scomm sweep --scenarios baseline,terminate-2011-08 --replicates 20 "
    "--states NY --workers 2"
)
def sweep(
    scenarios: Annotated[
        str,
        typer.Option(
            "--scenarios",
            help="Names or YAML files, A,B,...; differences vs A.",
            parser=names_option("--scenarios"),
        ),
    ],
    replicates: Annotated[
        int,
        typer.Option(
            "--replicates",
            help=f"Replicates per scenario (at most {MAX_SWEEP_REPLICATES:,}); r uses seed S + r.",
            parser=int_option("--replicates", 1, MAX_SWEEP_REPLICATES),
        ),
    ],
    start: Start = None,
    end: End = None,
    states: States = None,
    seed: Seed = 0,
    workers: Workers = None,
    scheduler: Scheduler = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write results.parquet and summary.json here.", parser=output_dir
        ),
    ] = None,
    json_: Json = False,
) -> None:
    """Monte Carlo replicates of scenarios on Dask: intervals and paired differences."""
    from scomm import sweep as sw

    names = tuple(scenarios.split(","))
    plan = sw.plan(sw.SweepSpec(names, replicates, seed, start, end, states))
    rows = sw.execute(plan, workers=workers, scheduler=scheduler, console=err)
    doc = sw.summarize(plan, rows)
    if out is not None:
        sw.write(out, sw.results_table(rows), doc)
        err.print(f"results written to [bold]{out}[/bold] (results.parquet, summary.json)")
    if json_:
        print_json(doc)
    else:
        Console().print(*sw.render(doc))


@app.command()
def calibrate(
    quick: Annotated[bool, flag("--quick", "A small budget (minutes).")] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the posterior (default: the package's)."),
    ] = None,
    seed: Seed = 20081027,
    population: Annotated[
        int | None,
        typer.Option(
            "--population",
            help="Importance draws at most (the posterior's particles) instead of the budget's.",
            show_default="the budget's",
            parser=int_option("--population", 2, 100_000),
        ),
    ] = None,
) -> None:
    """Re-create the posterior over every prior of the parameter tree: its mode, a Laplace
    approximation and Pareto-smoothed importance sampling, on Dask (a LocalCluster of 2
    workers unless --workers or --scheduler says otherwise)."""
    from scomm.calibration.run import calibrate as run_calibration

    for path in run_calibration(quick, workers, scheduler, out, seed, population, err.log):
        err.print(f"wrote [bold]{path}[/bold]")


@app.command()
def validate(
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            help="Engine runs (posterior draws × seeds), at least 2.",
            parser=int_option("--draws", 2, 10_000),
        ),
    ] = 24,
    write: Annotated[bool, flag("--write", "Store the results beside the posterior.")] = False,
    json_: Json = False,
) -> None:
    """Every target and record beside its posterior predictive interval; leave-one-out; the
    Seattle records by state and year (docs/validation.md)."""
    import json as _json

    from scomm.calibration import posterior, report
    from scomm.calibration.validate import validate as run_validation

    found = posterior.latest()
    if found is None:
        raise UserError("validate: the package has no posterior; run scomm calibrate first")
    if draws < 2:
        raise UserError(f"--draws: {draws} must be at least 2")
    with err.status(f"validating posterior {found.provenance.get('version')} ({draws} runs)"):
        result = run_validation(found, draws)
    if write:
        path = report.validation_path(found.provenance["version"])
        path.write_text(_json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
        err.print(f"wrote [bold]{path}[/bold]")
    if json_:
        print_json(result)
    else:
        typer.echo(report.validation_markdown(result))


@app.command(
    epilog="Examples: scomm brief --state NY --compare terminate-2011-08 --pdf · "
    "scomm brief --county 36081 --lang es · scomm brief --national"
)
def brief(
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="USPS state code.",
            show_default="none",
            parser=token_option("--state", "a USPS state code"),
        ),
    ] = None,
    county: Annotated[
        str | None,
        typer.Option(
            "--county",
            help="5-digit county FIPS.",
            show_default="none",
            parser=token_option("--county", "a FIPS code"),
        ),
    ] = None,
    national: Annotated[
        bool, flag("--national", "The whole country (every state and DC).")
    ] = False,
    scenario: Scenario = "baseline",
    compare_with: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="A second scenario to compare with.",
            show_default="none",
            parser=name_option("--compare"),
        ),
    ] = None,
    start: Start = None,
    end: End = None,
    seed: Seed = 0,
    replicates: Annotated[
        int,
        typer.Option(
            "--replicates",
            help=f"Runs (seeds SEED..SEED+N-1) behind each interval (2 to {MAX_REPLICATES}).",
            parser=int_option("--replicates", 2, MAX_REPLICATES),
        ),
    ] = 10,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            help="Language: en or es (es-ES, es-MX: regional numbers).",
            parser=token_option("--lang", "en or es, e.g. es-MX"),
        ),
    ] = "en",
    pdf: Annotated[bool, flag("--pdf", "Also print it to PDF through Chromium.")] = False,
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the brief, its PNGs (and PDF).", parser=output_dir),
    ] = Path("out"),
) -> None:
    """A self-contained HTML brief (summary page, charts, maps, metrics, numbered sources)
    with slide-ready PNG charts, and a PDF with --pdf."""
    from scomm.report.brief import BriefRequest, write_brief

    request = BriefRequest(
        state, county, national, scenario, compare_with, start, end, seed, replicates, lang
    )
    path = write_brief(out, request, pdf=pdf)
    extra = " and a PDF" if pdf else ""
    err.print(f"brief written to [bold]{path}[/bold] (PNG charts beside it{extra})")


@app.command(epilog="Example: scomm serve --port 8080, then open http://127.0.0.1:8080/")
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to bind.", parser=token_option("--host", "an IP address")
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="TCP port.", parser=int_option("--port", 1, 65535))
    ] = 8000,
) -> None:
    """The local dashboard and its JSON API (http://HOST:PORT/)."""
    from scomm.web.server import serve as run_server

    run_server(host, port)


@app.command(epilog="Example: scomm monitor --county 04013 --intensity 0.5")
def monitor(
    county: Annotated[
        str,
        typer.Option(
            "--county", help="5-digit county FIPS.", parser=token_option("--county", "a FIPS code")
        ),
    ],
    intensity: Annotated[
        float,
        typer.Option(
            "--intensity",
            help="Pretextual arrests per Hispanic booking (0 to 5).",
            parser=float_option("--intensity", 0, 5),
        ),
    ],
    scenario: Scenario = "baseline",
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="First month (2011-07).", parser=token_option("--start", MONTH)
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", help="Last month (2014-11).", parser=token_option("--end", MONTH)),
    ] = None,
    seed: Seed = 0,
    replicates: Annotated[
        int,
        typer.Option(
            "--replicates",
            help=f"Runs per intensity (at most {MAX_REPLICATES}).",
            parser=int_option("--replicates", 1, MAX_REPLICATES),
        ),
    ] = 20,
    json_: Json = False,
) -> None:
    """How many months a profiling monitor needs to flag pretextual arrests in a county."""
    from scomm.metrics.monitor import detection_power
    from scomm.metrics.render import monitor_table
    from scomm.report.console import out as console_out

    with err.status(f"monitoring {county} over {replicates} replicates"):
        doc = detection_power(county, intensity, scenario, start, end, seed, replicates)
    if json_:
        print_json(doc)
    else:
        console_out.print(monitor_table(doc))


def _register_subcommands() -> None:
    """Sub-command groups that live beside their library code."""
    if importlib.util.find_spec("scomm.records.cli") is None:
        return
    from scomm.records.cli import app as records_app

    app.add_typer(records_app, name="records", help="Load, validate and summarize ICE records.")
    from scomm.study.cli import app as study_app

    app.add_typer(study_app, name="study", help="Did the rollout change crime? Event studies.")


_register_subcommands()


def _error_line(message: str) -> None:
    """One line on stderr: ``scomm: error: <message>``."""
    sys.stderr.write("scomm: error: " + " ".join(message.split()) + "\n")


def main() -> None:
    """Entry point: user errors exit 2 with one line; bugs exit 1 with a traceback."""
    try:
        app(standalone_mode=False)
    except UserError as exc:
        _error_line(str(exc))
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option or command, bad value
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if message.strip():  # bare `scomm` shows the help and has nothing to add
            _error_line(message)
        sys.exit(2)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
