"""Planning insight in Chromium: the gaps on a map, whom to recruit worked out in the background."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, expect  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def test_a_planner_finds_the_gaps_and_whom_to_recruit(browser: Browser, live_app: LiveApp) -> None:
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url("/insight"))
    planner.get_by_role("link", name="Dekking en werving").click()
    expect(planner.get_by_role("heading", name="Dekking en werving", exact=True)).to_be_visible()
    expect(
        planner.get_by_role("img", name="Vertrouwenspersonen en klanten op de kaart")
    ).to_be_visible()
    # The table behind the map.
    planner.locator("#h-map ~ details summary").click()
    expect(
        planner.get_by_role("columnheader", name="Vertrouwenspersonen die er komen")
    ).to_be_visible()
    planner.get_by_role("button", name="Bereken wie te werven").click()
    # The analysis runs on the worker; the page polls and shows the ranked list when done.
    expect(planner.get_by_role("heading", name="Te werven vertrouwenspersonen")).to_be_visible(
        timeout=90_000
    )
    first = planner.locator("#suggestions li").first
    expect(first).to_contain_text("plaatsen")
    expect(planner.get_by_role("heading", name="Waarom plaatsen open blijven")).to_be_visible()
