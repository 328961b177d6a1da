"""`scomm brief`: one self-contained HTML file (charts as inline SVG, no scripts, nothing
loaded from the network, a print stylesheet that lays it out on Letter pages) plus each chart
as a slide-ready PNG, in English or Spanish, and with ``--pdf`` the PDF printed through
Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from scomm import __version__
from scomm.api import RunResult, run
from scomm.i18n import N_, Language, language
from scomm.intervals import Interval
from scomm.io import atomic_dir
from scomm.report import charts, labels
from scomm.report.data import BriefData, Place, build, resolve_place
from scomm.study.brief import section_html as study_section_html

TEMPLATES = Path(__file__).parent / "templates"


def filters(lang: Language) -> dict[str, Callable[..., str]]:
    """The template filters for a language: ``number``, ``signed``, ``interval``, ``date``,
    ``runs`` and ``kind`` (a source's kind in the reader's words)."""

    def number(value: Any, unit: str | None = None, digits: int = 1, **kw: Any) -> str:
        return lang.number(value, unit, digits=digits, **kw)

    def signed(value: Any, unit: str | None = None, digits: int = 1, **kw: Any) -> str:
        return lang.number(value, unit, digits=digits, signed=True, **kw)

    def interval(iv: Interval | None, unit: str | None = None, digits: int = 1, **kw: Any) -> str:
        if iv is None or iv.low == iv.high:
            return ""
        return f"{number(iv.low, unit, digits, **kw)} – {number(iv.high, unit, digits, **kw)}"

    def date(value: Any, form: str = "long") -> str:
        return lang.date(value, "medium" if form == "short" else form)

    def kind(value: str) -> str:
        return lang.gettext(labels.KINDS[value])

    return {
        "number": number,
        "signed": signed,
        "interval": interval,
        "date": date,
        "runs": runs,
        "kind": kind,
    }


def runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Source numbers as runs: [1, 2, 3, 5] → [(1, 3), (5, 5)] (shown "1–3,5")."""
    out: list[list[int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [(a, b) for a, b in out]


@cache
def environment(locale: str = "en_US", extra: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The Jinja environment of the report templates (and ``extra`` folders first) in a
    language: autoescaped, gettext from the catalog, numbers and dates for the locale."""
    lang = language(locale)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*extra, TEMPLATES]),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(lang.catalog, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters(lang))
    env.globals["lang"] = lang
    return env


@dataclass(frozen=True)
class Brief:
    """A rendered brief: its content, its HTML and its charts."""

    data: BriefData
    html: str
    pngs: dict[str, bytes]


def svgs(data: BriefData) -> dict[str, str]:
    """Every chart of the brief as inline SVG."""
    return {name: charts.to_svg(c, name, data) for name, c in charts.charts(data).items()}


def render(data: BriefData, with_png: bool = True) -> Brief:
    """The brief's HTML (and the PNG slides when asked)."""
    built = charts.charts(data)
    html = (
        environment(data.locale)
        .get_template("brief.html.j2")
        .render(
            b=data,
            svg={k: charts.to_svg(c, k, data) for k, c in built.items()},
            version=__version__,
            study_section=_study(data),
        )
    )
    pngs = {}
    if with_png:
        pngs = {k: charts.to_png(charts.slide(c, k, data), data) for k, c in built.items()}
    return Brief(data, html, pngs)


def _study(data: BriefData) -> Markup:
    """The event study's section (English only: in another language, said so first)."""
    html = study_section_html(data.place.state)
    if data.lang == "en":
        return html
    note = escape(language(data.locale).gettext(N_("This section is available in English only.")))
    return Markup(f'<div lang="en"><p class="note" lang="{data.lang}">{note}</p>{html}</div>')


@dataclass(frozen=True)
class BriefRequest:
    """What `scomm brief` was asked for."""

    state: str | None = None
    county: str | None = None
    national: bool = False
    scenario: str = "baseline"
    compare: str | None = None
    start: str | None = None
    end: str | None = None
    seed: int = 0
    replicates: int = 10
    lang: str = "en"


def place_runs(
    place: Place,
    req: BriefRequest,
    runner: Callable[..., RunResult] = run,
) -> tuple[RunResult, RunResult | None]:
    """Run the place's state (the country) under the scenario and the comparison, on the
    same draws, with ``req.replicates`` seeds for the intervals."""
    kw: dict[str, Any] = {
        "start": req.start,
        "end": req.end,
        "states": None if place.national else [place.state],
        "seed": req.seed,
        "replicates": req.replicates,
        "counties": [place.county] if place.county else None,
    }
    a = runner(scenario=req.scenario, **kw)
    b = runner(scenario=req.compare, **kw) if req.compare is not None else None
    return a, b


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def file_stem(data: BriefData) -> str:
    """brief-<place>-<scenario>[-vs-<other>][-<lang>]."""
    stem = f"brief-{data.place.slug}-{_safe(data.scenario)}"
    stem += f"-vs-{_safe(data.compare_scenario)}" if data.compare_scenario else ""
    return stem + ("" if data.lang == "en" else f"-{data.lang}")


def make(req: BriefRequest, runner: Callable[..., RunResult] = run) -> Brief:
    """The brief a request asks for (validated before anything runs)."""
    from scomm.i18n import parse_lang
    from scomm.scenario import resolve

    place = resolve_place(req.state, req.county, req.national)
    lang = language(parse_lang(req.lang))
    resolve(req.scenario)
    if req.compare is not None:
        resolve(req.compare)
    a, b = place_runs(place, req, runner)
    return render(build(a, place, b, lang))


def write_brief(
    out: Path,
    req: BriefRequest,
    pdf: bool = False,
    runner: Callable[..., RunResult] = run,
) -> Path:
    """Write ``<stem>.html``, ``<stem>_charts/*.png`` (and ``<stem>.pdf``) into ``out``;
    return the HTML path. Nothing is written when anything fails."""
    if pdf:
        from scomm.report.pdf import check_printer

        check_printer()
    brief = make(req, runner)
    stem = file_stem(brief.data)
    with atomic_dir(Path(out)) as tmp:
        html = tmp / f"{stem}.html"
        html.write_text(brief.html, encoding="utf-8")
        folder = tmp / f"{stem}_charts"
        folder.mkdir()
        for name, png in brief.pngs.items():
            (folder / f"{name}.png").write_bytes(png)
        if pdf:
            from scomm.report.pdf import print_pdf

            print_pdf(html, tmp / f"{stem}.pdf")
    return Path(out) / f"{stem}.html"
