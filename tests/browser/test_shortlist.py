"""Shortlists in Chromium: a planner builds, corrects and sends one; the client contact chooses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from vppool.db import make_engine
from vppool.db.models import Need
from vppool.vocab import NeedKind

skip_without_a_browser()

from playwright.sync_api import Browser, expect  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def _need_whose_client_chooses(live_app: LiveApp) -> int:
    """An open standing need of the demo client's organisation that wants to choose."""
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            need = Need.model_validate(
                {
                    "organisation_id": live_app.ids()["organisation"],
                    "kind": NeedKind.STANDING,
                    "title": "Wij kiezen zelf",
                    "scopes": ["unwanted_behaviour"],
                    "starts_on": date.today() + timedelta(days=14),
                    "expected_hours_per_month": 2.0,
                    "client_chooses": True,
                }
            )
            session.add(need)
            session.commit()
            assert need.id is not None
            return need.id
    finally:
        engine.dispose()


def test_planner_sends_a_shortlist_and_the_client_chooses(
    browser: Browser, live_app: LiveApp
) -> None:
    need_id = _need_whose_client_chooses(live_app)
    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url(f"/needs/{need_id}/shortlist"))
    planner.get_by_role("button", name="Shortlist samenstellen").click()
    expect(planner.get_by_role("status")).to_contain_text("De shortlist is samengesteld")
    ticked = planner.locator("input[name=candidates]:checked")
    count = ticked.count()
    assert 2 <= count <= 3
    # Wrong input: one candidate only; then two, but a last day in the past.
    while planner.locator("input[name=candidates]:checked").count() > 1:
        planner.locator("input[name=candidates]:checked").nth(1).uncheck()
    planner.get_by_role("button", name="Opslaan", exact=True).click()
    expect(planner.locator("#candidates-error")).to_be_visible()
    boxes = planner.locator("input[name=candidates]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    last_day = planner.get_by_label("Laatste dag om te kiezen")
    last_day.fill((date.today() - timedelta(days=2)).isoformat())
    planner.get_by_role("button", name="Opslaan", exact=True).click()
    expect(planner.locator("#deadline-error")).to_contain_text("verleden")
    # Corrected: the last day next week.
    planner.get_by_label("Laatste dag om te kiezen").fill(
        (date.today() + timedelta(days=7)).isoformat()
    )
    planner.get_by_role("button", name="Opslaan", exact=True).click()
    expect(planner.get_by_role("status")).to_contain_text("De shortlist is bewaard.")
    planner.get_by_role("button", name="Naar de klant sturen").click()
    expect(planner.get_by_role("status")).to_contain_text("De shortlist is verstuurd")

    contact = new_context(browser, live_app).new_page()
    log_in(contact, live_app, "client")
    contact.get_by_role("link", name="Kies uw vertrouwenspersoon").first.click()
    contact.get_by_role("link", name="Wij kiezen zelf").click()
    expect(contact.get_by_role("heading", name="Kies uw vertrouwenspersoon")).to_be_visible()
    cards = contact.locator(".cards .card")
    expect(cards).to_have_count(2)
    chosen = cards.nth(0).locator("h3").inner_text().split("Voorstel van de planner")[0].strip()
    cards.nth(0).get_by_role("button", name="Kiezen").click()
    expect(contact.get_by_role("status")).to_contain_text("uw keuze is doorgegeven")
    expect(contact.locator(".cards .card")).to_have_count(1)
    expect(contact.locator(".cards .card h3")).to_contain_text(chosen)
