"""Accessibility in a real browser: axe-core (vendored, tests/e2e/vendor) finds no serious
or critical violation on any page or brief, in English or Spanish; every control works from
the keyboard."""

from __future__ import annotations

import hashlib

import pytest
from browser_helpers import AXE, AXE_SHA256, axe_violations
from test_dashboard import _visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = [
    "/",
    "/place?state=DE&start=2011-01&end=2011-06",
    "/place?county=10003&compare=no-scomm&start=2011-01&end=2011-06",
    "/compare?a=baseline&b=terminate-2011-08&state=DE&start=2011-06&end=2011-12",
    "/follow?county=10003&start=2011-01&end=2011-06",
    "/help",
    "/docs",
    "/place?state=DE&start=2011-01&end=2011-06&lang=es",
    "/follow?county=10003&start=2011-01&end=2011-06&lang=es",
    "/help?lang=es",
    "/?lang=es",
]


def test_the_vendored_axe_core_is_the_pinned_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


@pytest.mark.parametrize("path", PAGES)
def test_case_axe_finds_no_serious_or_critical_violation(server, browser_page, path):
    page, rec = browser_page
    _visit(page, rec, f"{server}{path}")
    if path.startswith("/?") or path == "/":
        page.wait_for_selector("#map[data-ready='true']")
    assert axe_violations(page) == []


def test_case_the_error_page_is_accessible_too(server, browser_page):
    page, _ = browser_page
    page.goto(f"{server}/place?state=ZZ")
    assert axe_violations(page) == []


def _focused(page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + (e.textContent || '').trim(); })()"
    )


def test_keyboard_reaches_every_control_of_the_place_page_and_submits_it(server, browser_page):
    """Case: from the top, Tab reaches the skip link, every link of the navigation and every
    control of the form in order, and choosing a county with the keyboard then Enter opens
    that county's page."""
    page, rec = browser_page
    _visit(page, rec, f"{server}/place?state=DE&start=2011-01&end=2011-06")
    controls = page.eval_on_selector_all(
        "#place-form select, #place-form input:not([type=hidden]), #place-form button",
        "els => els.map(e => '#' + (e.id || e.name))",
    )
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(_focused(page))
        if seen[-1] == "#print":
            break
    assert seen[0].startswith("a:Skip to the content")
    order = [s for i, s in enumerate(seen) if s in controls and (i == 0 or seen[i - 1] != s)]
    # (a month input takes two Tab stops, its month and its year: counted once)
    assert order == controls, (order, controls)
    page.focus("#county")
    page.keyboard.press("ArrowDown")  # the first county
    page.focus("#place-form button[type='submit']")
    with page.expect_navigation(wait_until="networkidle"):
        page.keyboard.press("Enter")
    assert "Kent County, Delaware" in page.inner_text("h1#title")


def test_keyboard_moves_the_national_maps_slider_and_picks_a_measure(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/")
    page.wait_for_selector("#map[data-ready='true']")
    before = page.inner_text("#month-label")
    page.focus("#month")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('#month-label').textContent !== '{before}'")
    page.focus("#measure")
    assert _focused(page) == "#measure"


def test_keyboard_follows_the_next_person(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/follow?county=10003&start=2011-01&end=2011-06&outcome=any")
    title = page.inner_text("#person-title")
    page.focus("#next-person")
    with page.expect_navigation(wait_until="networkidle"):
        page.keyboard.press("Enter")
    assert page.inner_text("#person-title") != title


def test_focus_is_visible(server, browser_page):
    page, rec = browser_page
    _visit(page, rec, f"{server}/help")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    left = page.evaluate("document.activeElement.getBoundingClientRect().left")
    assert outline != "none" or left >= 0  # the skip link appears on screen when focused
    assert left >= 0
