"""Running with a progress bar on stderr, and writing a run's outputs atomically."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from scomm.api import RunResult, run
from scomm.io import atomic_dir, write_json


def run_with_progress(console: Console, **kwargs) -> RunResult:
    """``scomm.api.run`` with a rich progress bar (months simulated) on ``console``."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} months"),
        TimeElapsedColumn(),
    )
    label = f"simulating {kwargs.get('scenario', 'baseline')}"
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(progress=tick, **kwargs)


RUN_FILES = ("summary.json", "flows.parquet", "burden_by_county.parquet")


def write_run(result: RunResult, out: Path) -> None:
    """RUN_FILES: the summary, the flows and the county burden table (zstd), written
    atomically into ``out``."""
    from scomm.metrics.burden import county_table

    with atomic_dir(Path(out)) as tmp:
        write_json(tmp / "summary.json", result.summary)
        result.flows.write_parquet(tmp / "flows.parquet", compression="zstd")
        burden = county_table(result.simulation, result.scenario.params)
        burden.write_parquet(tmp / "burden_by_county.parquet", compression="zstd")
