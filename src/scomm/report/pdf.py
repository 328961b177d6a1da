"""Printing a brief to PDF through Chromium (the browser the tests drive), with the brief's
own print stylesheet: Letter pages, page 1 the summary, the appendix on pages of its own.

Needs the Python package playwright (``pip install 'scomm[pdf]'``; it is in ``[dev]``) and a
Chromium: ``$SCOMM_CHROMIUM``, else ``/usr/bin/chromium`` (Debian's ``chromium`` package).
Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from scomm.errors import UserError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def chromium() -> Path:
    """The Chromium executable to print with."""
    return Path(os.environ.get("SCOMM_CHROMIUM") or DEFAULT_CHROMIUM)


def check_printer() -> None:
    """Refuse --pdf up front (exit 2, nothing written) when the printer is missing."""
    if importlib.util.find_spec("playwright") is None:
        raise UserError("--pdf: needs the Python package playwright (pip install 'scomm[pdf]')")
    if not chromium().is_file():
        raise UserError(
            f"--pdf: no Chromium at {chromium()} (install Debian's chromium, or set "
            "SCOMM_CHROMIUM to a Chromium executable)"
        )


def print_pdf(html: Path, pdf: Path, *, offline: bool = True) -> int:
    """Print ``html`` to ``pdf`` (Letter, the brief's @page margins); return the page
    count. The page is opened from the file with every network request refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium()), headless=True, args=ARGS)
        try:
            page = browser.new_page()
            if offline:
                page.route("http*://**", lambda route: route.abort())
            page.goto(Path(html).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            data = page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    Path(pdf).write_bytes(data)
    return pdf_pages(data)


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF Chromium wrote."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()
