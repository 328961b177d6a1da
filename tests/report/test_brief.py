"""`scomm brief`: one self-contained HTML file with every section and its sources, PNG charts,
and nothing written when the input is bad."""

from __future__ import annotations

import re

import pytest

from scomm.report.brief import write_brief

TERMINATE = """\
name: terminate-test
description: S-Comm ended nationally from 1 Aug 2011 (a test copy of the letter's ask).
base: baseline
parameters:
  - name: program.interoperability
    from: 2011-08-01
    value: false
"""
SECTIONS = ("key-figures", "funnel", "levels", "maps", "metrics", "comparison", "method", "sources")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brief")
    scenario = folder / "terminate.yaml"
    scenario.write_text(TERMINATE)
    out = folder / "out"
    path = write_brief(out, state="NY", compare=str(scenario), start="2011-06", end="2011-10")
    return path, path.read_text(encoding="utf-8")


def test_the_brief_is_one_html_file_with_png_charts_beside_it(brief):
    path, _ = brief
    assert path.name == "brief-NY-baseline-vs-terminate-test.html"
    charts = path.parent / "brief-NY-baseline-vs-terminate-test_charts"
    names = sorted(p.stem for p in charts.glob("*.png"))
    assert names == ["comparison", "funnel", "map_activation", "map_detainers", "removals_by_level"]
    for png in charts.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_section_is_present(brief):
    _, html = brief
    for section in SECTIONS:
        assert f'<section id="{section}"' in html, section


def test_case_nothing_is_loaded_from_the_network_at_view_time(brief):
    """Case: no scripts, stylesheets, images, frames or fonts from anywhere: charts are
    inline SVG, styles an inline <style>."""
    _, html = brief
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"\bsrc\s*=", html)
    assert "@import" not in html
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", html))


def test_case_two_charts_never_share_an_svg_id(brief):
    """Case: each chart's gradients and clip paths get their own ids, so the second map's
    legend cannot borrow the first map's colors."""
    _, html = brief
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]*)\)", html):
        assert ref in ids


def test_the_state_map_draws_every_county_of_the_state(brief):
    _, html = brief
    for figure in ("map-activation", "map-detainers"):
        block = html.split(f'id="{figure}"', 1)[1].split("</figure>", 1)[0]
        shapes = block.split('class="mark-shape', 1)[1].split("</g>", 1)[0]
        assert shapes.count("<path") == 62


def test_every_cited_number_resolves_to_a_listed_source(brief):
    _, html = brief
    cited = set(re.findall(r'href="#src-(\d+)"', html))
    listed = set(re.findall(r'<li id="src-(\d+)"', html))
    assert cited and cited <= listed


def test_the_comparison_shows_both_scenarios_and_their_difference(brief):
    _, html = brief
    table = html.split('id="comparison-table"', 1)[1].split("</table>", 1)[0]
    row = table.split('data-key="submissions"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    baseline, other, change = (int(c.replace(",", "").replace("−", "-") or 0) for c in cells[:3])
    assert other < baseline and change == other - baseline


def test_the_print_stylesheet_is_inline(brief):
    _, html = brief
    assert "@media print" in html


def test_case_an_unknown_state_exits_2_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "out"
    done = cli("brief", "--state", "ZZ", "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scomm: error: --state: 'ZZ'")
    assert not out.exists() or not any(out.iterdir())


def test_case_state_and_county_together_exit_2(cli, tmp_path):
    done = cli("brief", "--state", "NY", "--county", "36061", "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "exactly one" in done.stderr
