"""Choosing among thousands: the organisation picker of the new-need form, in a real browser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from vppool.db import make_engine
from vppool.db.models import Need, Organisation

skip_without_a_browser()

from playwright.sync_api import Browser, expect  # noqa: E402  (after the skip check)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _an_organisation(live_app: LiveApp) -> tuple[int, str]:
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            found = session.exec(
                select(Organisation).where(col(Organisation.active)).order_by(col(Organisation.id))
            ).first()
            assert found is not None
            assert found.id is not None
            return found.id, found.name
    finally:
        engine.dispose()


def test_a_planner_picks_the_organisation_of_a_new_need_by_typing(
    browser: Browser, live_app: LiveApp
) -> None:
    organisation_id, name = _an_organisation(live_app)
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "planner")
    page.goto(live_app.url("/needs/new"))
    assert page.locator("select#organisation_id").count() == 0  # no list of every organisation
    search = page.get_by_role("combobox", name="Organisatie")
    search.press_sequentially(name, delay=20)
    expect(page.locator("#organisation_id-results [role=option]").first).to_contain_text(name)
    search.press("ArrowDown")
    search.press("Enter")
    expect(search).to_have_value(name)
    page.get_by_label("Titel").fill("Gekozen met de zoeker")
    page.get_by_label("Ongewenst gedrag").check()
    page.get_by_label("Begint op").fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_label("Uren per maand per plaats").fill("4")
    page.get_by_role("button", name="Inzet aanmaken").click()
    expect(page.get_by_role("status")).to_be_visible()
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            need = session.exec(select(Need).where(Need.title == "Gekozen met de zoeker")).one()
            assert need.organisation_id == organisation_id
    finally:
        engine.dispose()


def test_a_wrong_need_keeps_the_chosen_organisation_and_says_what_to_fix(
    browser: Browser, live_app: LiveApp
) -> None:
    _, name = _an_organisation(live_app)
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "planner")
    page.goto(live_app.url("/needs/new"))
    search = page.get_by_role("combobox", name="Organisatie")
    search.fill(name)
    page.get_by_role("option", name=name).click()
    page.get_by_label("Titel").fill("Zonder taakgebied")
    page.get_by_role("button", name="Inzet aanmaken").click()
    expect(page.locator("#scopes-error")).to_contain_text("Kies minstens één taakgebied")
    expect(page.locator("#starts_on-error")).to_contain_text("Vul dit veld in.")
    expect(page.get_by_role("combobox", name="Organisatie")).to_have_value(name)
    expect(page.get_by_label("Titel")).to_have_value("Zonder taakgebied")
