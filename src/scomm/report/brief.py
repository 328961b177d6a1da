"""`scomm brief`: one self-contained HTML file (charts as inline SVG, no scripts, nothing
loaded from the network, a print stylesheet) plus each chart as PNG."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from scomm import __version__
from scomm.api import RunResult, run
from scomm.io import atomic_dir
from scomm.report import charts
from scomm.report.data import BriefData, Place, build, resolve_place
from scomm.report.numbers import jinja_filters
from scomm.study.brief import section_html as study_section_html

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report templates (autoescaped, with the number filters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(jinja_filters())
    return env


@dataclass(frozen=True)
class Brief:
    """A rendered brief: its content, its HTML and its charts."""

    data: BriefData
    html: str
    pngs: dict[str, bytes]


def svgs(data: BriefData) -> dict[str, str]:
    """Every chart of the brief as inline SVG."""
    return {name: charts.to_svg(c, name) for name, c in charts.charts(data).items()}


def render(data: BriefData, with_png: bool = True) -> Brief:
    """The brief's HTML (and PNG charts when asked)."""
    built = charts.charts(data)
    html = (
        environment()
        .get_template("brief.html.j2")
        .render(
            b=data,
            svg={k: charts.to_svg(c) for k, c in built.items()},
            version=__version__,
            study_section=study_section_html(data.place.state),
        )
    )
    pngs = {k: charts.to_png(c) for k, c in built.items()} if with_png else {}
    return Brief(data, html, pngs)


def place_runs(
    place: Place,
    scenario: str,
    compare: str | None,
    start: str | None,
    end: str | None,
    seed: int,
    runner: Callable[..., RunResult] = run,
) -> tuple[RunResult, RunResult | None]:
    """Run the place's state under the scenario (and the comparison, on the same draws)."""
    kw = {"start": start, "end": end, "states": place.state, "seed": seed}
    a = runner(scenario=scenario, **kw)
    b = runner(scenario=compare, **kw) if compare is not None else None
    return a, b


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def file_stem(data: BriefData) -> str:
    """brief-<place>-<scenario>[-vs-<other>]."""
    stem = f"brief-{data.place.slug}-{_safe(data.scenario)}"
    return stem + (f"-vs-{_safe(data.compare_scenario)}" if data.compare_scenario else "")


def write_brief(
    out: Path,
    state: str | None = None,
    county: str | None = None,
    scenario: str = "baseline",
    compare: str | None = None,
    start: str | None = None,
    end: str | None = None,
    seed: int = 0,
    runner: Callable[..., RunResult] = run,
) -> Path:
    """Write ``<stem>.html`` and ``<stem>_charts/*.png`` into ``out``; return the HTML path."""
    place = resolve_place(state, county)
    a, b = place_runs(place, scenario, compare, start, end, seed, runner)
    brief = render(build(a, place, b))
    stem = file_stem(brief.data)
    with atomic_dir(Path(out)) as tmp:
        (tmp / f"{stem}.html").write_text(brief.html, encoding="utf-8")
        folder = tmp / f"{stem}_charts"
        folder.mkdir()
        for name, png in brief.pngs.items():
            (folder / f"{name}.png").write_bytes(png)
    return Path(out) / f"{stem}.html"
