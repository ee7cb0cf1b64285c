"""Staffing advice in Chromium: a planner changes and sends it, the client contact reads it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, expect  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def test_a_planner_sends_the_advice_and_the_contact_reads_it(
    browser: Browser, live_app: LiveApp
) -> None:
    organisation = live_app.ids()["organisation"]
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url(f"/organisations/{organisation}"))
    planner.get_by_role("link", name="Advies over de bezetting").click()
    field = planner.get_by_label("Aantal vertrouwenspersonen")
    field.fill("0")
    planner.get_by_role("button", name="Opslaan", exact=True).click()
    expect(planner.locator("#trust_persons-error")).to_be_visible()
    expect(field).to_have_value("0")
    field.fill("4")
    planner.get_by_role("button", name="Opslaan en naar de klant sturen").click()
    expect(planner.get_by_role("status")).to_contain_text("verstuurd naar de contactpersonen")
    contact = new_context(browser, live_app).new_page()
    log_in(contact, live_app, "client")
    contact.goto(live_app.url("/team"))
    contact.get_by_role("link", name="Advies", exact=True).click()
    expect(
        contact.get_by_role("heading", name="Advies over uw vertrouwenspersonen")
    ).to_be_visible()
    expect(contact.locator("table")).to_contain_text("4")
