"""The brief printed through the same Chromium the dashboard tests drive: New York compared
with ending S-Comm in August 2011 fits in at most seven Letter pages before its appendix,
page 1 carries the bottom line, in English and in Spanish (page 1 of each is saved as a PNG
under test-artifacts/screenshots/), the brief passes axe-core, and `scomm brief --pdf` writes
the PDF."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from browser_helpers import SCREENSHOTS, axe_violations

from scomm.i18n import language
from scomm.report.brief import BriefRequest, place_runs, render
from scomm.report.data import build, resolve_place

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.slow]

MAX_PAGES_BEFORE_APPENDIX = 7
APPENDIX = {"en": "Appendix: how to read these numbers", "es": "Anexo: cómo leer estas cifras"}
BOTTOM = {"en": "fewer removals in New York", "es": "deportaciones menos en Nueva York"}


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    """The NY brief against terminate-2011-08 (the whole era), as HTML in both languages."""
    folder = tmp_path_factory.mktemp("briefs")
    place = resolve_place("NY", None)
    req = BriefRequest(state="NY", compare="terminate-2011-08", replicates=3)
    a, b = place_runs(place, req)
    out = {}
    for code in ("en", "es"):
        path = folder / f"brief-NY-{code}.html"
        path.write_text(render(build(a, place, b, language(code)), with_png=False).html, "utf-8")
        out[code] = path
    return out


def _print(page, html: Path) -> bytes:
    page.goto(html.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    try:
        return page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)
    finally:
        page.emulate_media(media="screen")


def _texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.parametrize("code", ["en", "es"])
def test_the_ny_brief_prints_in_at_most_seven_pages_before_its_appendix(browser_page, briefs, code):
    page, _ = browser_page
    pdf = _print(page, briefs[code])
    texts = _texts(pdf)
    first_appendix = next(i for i, t in enumerate(texts) if APPENDIX[code] in " ".join(t.split()))
    assert 2 <= first_appendix <= MAX_PAGES_BEFORE_APPENDIX, f"{first_appendix} pages before it"
    page_one = " ".join(texts[0].split())
    assert BOTTOM[code] in page_one
    assert "Conclusión" in page_one if code == "es" else "Bottom line" in page_one
    assert (
        "Model estimates, not ICE records."
        if code == "en"
        else "Estimaciones del modelo, no registros de ICE."
    ) in page_one
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    try:
        doc[0].render(scale=1.5).to_pil().save(
            SCREENSHOTS / f"brief-NY-vs-terminate-page1-{code}.png"
        )
    finally:
        doc.close()


@pytest.mark.parametrize("code", ["en", "es"])
def test_case_axe_finds_no_serious_or_critical_violation_in_the_brief(browser_page, briefs, code):
    page, _ = browser_page
    page.goto(briefs[code].as_uri(), wait_until="load")
    assert axe_violations(page) == []


def test_scomm_brief_pdf_writes_the_pdf_beside_the_html(cli, tmp_path):
    done = cli("brief", "--state", "DE", "--start", "2011-01", "--end", "2011-06",
               "--replicates", "2", "--pdf", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "brief-DE-baseline.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert len(_texts(pdf.read_bytes())) >= 3
    assert str(tmp_path / "brief-DE-baseline.html") in done.stderr  # on one line, unwrapped


def test_case_brief_pdf_without_chromium_exits_2_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "out"
    done = cli("brief", "--state", "DE", "--pdf", "--out", str(out),
               env={"SCOMM_CHROMIUM": str(tmp_path / "no-chromium")})  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("scomm: error: --pdf: no Chromium at")
    assert not out.exists()
