"""The dashboard a journalist can quote, in a real browser: a county's page opens on its own
active period with non-zero numbers and says when S-Comm started there; following a booking
works for any county and outcome; the county list follows the state; the national map shows
outcomes by year with a measure picker; errors speak the page's words; every table downloads;
Spanish pages; and the pages fit a phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_dashboard import _local_only, _visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_queens_opens_on_its_own_period_with_removals_and_says_when_s_comm_started(
    server, browser_page, screenshot
):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?county=36081")
    assert "Queens County, New York" in page.inner_text("h1#title")
    removals = int(page.inner_text(".card [data-key='removals']").replace(",", ""))
    assert removals > 0
    assert "S-Comm started in Queens County on May 15, 2012." in page.inner_text("#period-note")
    assert page.input_value("#start") == "2012-05" and page.input_value("#end") == "2014-11"
    screenshot(page, "county-36081-queens")
    assert rec.errors == []
    _local_only(rec.requests)


def test_following_a_removal_in_queens_shows_a_person(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/follow?county=36081&outcome=removed")
    assert page.inner_text("#person-title").startswith("Person 1 of ")
    assert "Queens County" in page.inner_text("#person-title")
    assert page.locator("#fallback").count() == 0
    assert rec.errors == []


def test_case_an_outcome_that_never_occurs_falls_back_with_an_explanation(server, browser_page):
    """Case: in Yates County, NY (36123), nobody was removed in May-July 2012 but one person
    got a detainer: the page shows that person and says why."""
    page, rec = browser_page
    _visit(page, rec, f"{server}/follow?county=36123&outcome=removed&start=2012-05&end=2012-07")
    assert page.inner_text("#fallback").startswith(
        "Nobody booked in this county in this period and scenario was removed, so this page "
        "shows people who got a detainer."
    )
    assert page.input_value("#outcome") == "detainer"
    assert page.inner_text("#person-title").startswith("Person 1 of 1:")


def test_the_county_list_follows_the_state(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?state=DE&start=2011-01&end=2011-02")
    assert page.locator("#county option").count() == 4
    page.select_option("#state", "RI")
    page.wait_for_function("document.querySelector('#county').dataset.state === 'RI'")
    names = page.locator("#county option").all_inner_texts()
    assert len(names) == 6 and "Providence County" in names
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#place-form button[type='submit']")
    assert "Rhode Island" in page.inner_text("h1#title")
    assert rec.errors == []


def test_an_error_speaks_the_pages_words_not_cli_flags(server, browser_page):
    page, rec = browser_page
    rec.reset()
    response = page.goto(f"{server}/place?state=NY&start=2012-01&end=2011-01")
    assert response is not None and response.status == 422
    text = page.inner_text("#error")
    assert "--" not in text and text.startswith("To: 2011-01 is before From 2012-01")


def test_every_table_downloads_as_csv_and_xlsx(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?state=DE&start=2011-01&end=2011-06")
    links = page.locator("#downloads a")
    assert links.count() == 12  # six tables, CSV and XLSX each
    with page.expect_download() as got:
        page.click("#downloads a[href*='/download/funnel.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    shown = page.inner_text("#funnel-table tr[data-key='detainers'] td.num >> nth=0")
    detainers = next(r for r in rows if r["key"] == "detainers")
    assert int(detainers["people"]) == int(shown.replace(",", ""))
    with page.expect_download() as got:
        page.click("#downloads a[href*='/download/metrics.xlsx']")
    assert Path(got.value.path()).read_bytes()[:2] == b"PK"  # a zip: an XLSX workbook


def test_the_pages_read_in_spanish(server, browser_page, screenshot):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?county=36081&lang=es")
    assert page.get_attribute("html", "lang") == "es"
    assert "Comunidades Seguras en Queens County" in page.inner_text("h1#title")
    assert "S-Comm comenzó en Queens County el 15 de mayo de 2012." in page.inner_text(
        "#period-note"
    )
    assert "Cifras clave" in page.inner_text("#key-figures h2")
    screenshot(page, "county-36081-queens-es")
    _visit(page, rec, f"{server}/help")  # the cookie keeps the language
    assert page.inner_text("h1") == "Ayuda: qué significan las cifras"
    assert rec.errors == []


def test_the_national_map_shows_outcomes_by_year_with_a_measure_picker(
    server, browser_page, screenshot
):
    page, rec = browser_page
    _visit(page, rec, f"{server}/")
    page.wait_for_selector("#map[data-ready='true']")
    page.set_default_timeout(600_000)  # the first national run 2008-2025 takes a while
    page.select_option("#measure", "removals")
    page.wait_for_selector("#map[data-measure='removals']")
    page.set_default_timeout(60_000)
    assert page.inner_text("#month-label") == "2012"
    total_2012 = page.inner_text("#measure-total")
    page.fill("#month", page.get_attribute("#month", "max"))
    page.dispatch_event("#month", "input")
    page.wait_for_function("document.querySelector('#month-label').textContent === '2025'")
    assert page.inner_text("#measure-total") != total_2012
    assert page.locator("#map svg .mark-shape path").count() == 3142
    screenshot(page, "national-removals-2025")
    page.select_option("#measure", "detainers_per_100k")
    page.wait_for_selector("#map[data-measure='detainers_per_100k']")
    assert rec.errors == []
    _local_only(rec.requests)


@pytest.mark.parametrize(
    "path", ["/", "/place?state=DE&start=2011-01&end=2011-03", "/follow?county=10001", "/help"]
)
def test_case_pages_fit_a_phone(server, browser_page, path):
    """Case: at 390 px wide nothing makes the page scroll sideways (wide tables scroll in
    their own box) and the navigation wraps."""
    page, rec = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        _visit(page, rec, f"{server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} overflows by {overflow}px"
        nav = page.locator("nav.top").bounding_box()
        assert nav is not None and nav["width"] <= 390
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
