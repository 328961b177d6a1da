"""The dashboard in a real browser: pages load without console errors, every request stays
on 127.0.0.1, maps draw the right number of counties, and controls change the numbers."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from scomm.rules.pipeline import PIPELINE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _local_only(requests: list[str]) -> None:
    for url in requests:
        u = urlparse(url)
        assert u.scheme in ("http", "data"), url
        if u.scheme == "http":
            assert u.hostname == "127.0.0.1", f"request left localhost: {url}"


def _visit(page, rec, url: str) -> None:
    rec.reset()
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url


def test_national_map_draws_every_county_and_the_slider_updates_the_numbers(
    server, browser_page, screenshot
):
    page, rec = browser_page
    _visit(page, rec, f"{server}/")
    page.wait_for_selector("#map[data-ready='true']")
    assert page.locator("#map svg .mark-shape path").count() == 3142
    before = page.inner_text("#active-counties")
    label_before = page.inner_text("#month-label")
    screenshot(page, "national")
    page.fill("#month", page.get_attribute("#month", "max"))
    page.dispatch_event("#month", "input")
    page.wait_for_function(f"document.querySelector('#active-counties').textContent !== '{before}'")
    assert page.inner_text("#active-counties") == "3,142"
    assert page.inner_text("#month-label") != label_before
    assert page.inner_text("#population-share") == "100.0%"
    assert rec.errors == []
    _local_only(rec.requests)


def test_state_page_shows_the_brief_and_a_period_change_updates_the_numbers(
    server, browser_page, screenshot
):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?state=NY&start=2011-01&end=2011-03")
    assert "Secure Communities in New York" in page.inner_text("h1#title")
    for section in ("key-figures", "funnel", "levels", "maps", "metrics", "sources"):
        assert page.locator(f"section#{section}").count() == 1, section
    assert page.locator("#map-activation .mark-shape path").count() == 62
    assert page.locator("#map-detainers .mark-shape path").count() == 62
    detainers = page.inner_text(".card [data-key='detainers']")
    screenshot(page, "state-NY")
    page.fill("#end", "2011-12")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#place-form button[type='submit']")
    assert "December 2011" in page.inner_text(".subtitle")
    assert page.inner_text(".card [data-key='detainers']") != detainers
    assert rec.errors == []
    _local_only(rec.requests)


def test_county_picker_opens_the_county_brief_and_outlines_it(server, browser_page, screenshot):
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?state=NY&start=2011-01&end=2011-06")
    assert page.locator("#county option").count() == 63  # whole state + 62 counties
    page.select_option("#county", "36059")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#place-form button[type='submit']")
    assert "Nassau County, New York" in page.inner_text("h1#title")
    assert page.locator("#top-counties tr.selected").count() == 1
    screenshot(page, "county-36059")
    assert rec.errors == []
    _local_only(rec.requests)


def test_compare_page_picks_two_scenarios_and_a_place(server, browser_page, screenshot):
    page, rec = browser_page
    _visit(page, rec, f"{server}/compare?a=baseline&b=baseline&state=NY&start=2011-01&end=2011-06")
    change = page.locator("#comparison-table tr[data-key='submissions'] td.num").nth(2)
    assert change.inner_text() == "0"
    page.select_option("#b", "no-scomm")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#compare-form button[type='submit']")
    change = page.locator("#comparison-table tr[data-key='submissions'] td.num").nth(2)
    assert change.inner_text().startswith("−")
    screenshot(page, "compare")
    assert rec.errors == []
    _local_only(rec.requests)


def test_follow_one_booking_walks_a_person_through_every_stage(server, browser_page, screenshot):
    page, rec = browser_page
    _visit(page, rec, f"{server}/follow?county=36059&start=2011-01&end=2011-06&outcome=removed")
    steps = page.locator("ol.steps li.step")
    titles = [steps.nth(i).locator("h3").inner_text() for i in range(steps.count())]
    assert titles == [s.label for s in PIPELINE]
    assert page.locator("ol.steps cite").count() >= 9
    title = page.inner_text("#person-title")
    screenshot(page, "follow")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#next-person")
    assert page.inner_text("#person-title") != title
    assert rec.errors == []
    _local_only(rec.requests)


def test_docs_page_and_unknown_state(server, browser_page, screenshot):
    page, rec = browser_page
    _visit(page, rec, f"{server}/docs")
    assert page.locator("section.endpoint").count() >= 4
    screenshot(page, "api-docs")
    rec.reset()
    response = page.goto(f"{server}/place?state=ZZ")
    assert response is not None and response.status == 422
    assert "'ZZ' is not a USPS state code" in page.inner_text("#error")
    _local_only(rec.requests)
