"""Information sessions in Chromium: the client contact requests one, the planner books a
proposed time, and the session is in the VP's calendar feed."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from vppool.db.engine import make_engine
from vppool.db.models import InfoSession, User
from vppool.services import feed_tokens
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import FeedKind, InfoSessionStatus, Role

skip_without_a_browser()

from playwright.sync_api import Browser, expect  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def _feed_of_booked_vp(live_app: LiveApp) -> str:
    """A schedule feed link of the VP the session was booked with (made as a planner)."""
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            booked = session.exec(
                select(InfoSession).where(InfoSession.status == InfoSessionStatus.BOOKED)
            ).one()
            planner = session.exec(select(User).where(User.role == Role.PLANNER)).first()
            assert planner is not None
            assert planner.id is not None
            _, secret = feed_tokens.create_feed_token(
                session,
                Viewer(planner.id, Role.PLANNER, planner.email),
                kind=FeedKind.VP_SCHEDULE,
                trust_person_id=booked.trust_person_id,
            )
            session.commit()
    finally:
        engine.dispose()
    return f"{live_app.base}/feeds/{secret}.ics"


def test_a_client_requests_a_session_and_the_planner_books_it(
    browser: Browser, live_app: LiveApp
) -> None:
    today = Settings().today()
    contact = new_context(browser, live_app).new_page()
    log_in(contact, live_app, "client")
    contact.get_by_role("link", name="Bijeenkomsten").click()
    expect(contact.get_by_role("heading", name="Een bijeenkomst aanvragen")).to_be_visible()
    contact.get_by_label("Teamoverleg").check()
    contact.locator("#starts_on").fill((today + timedelta(days=14)).isoformat())
    contact.locator("#last_day").fill((today + timedelta(days=41)).isoformat())
    contact.get_by_label("Duur (minuten)").fill("90")
    contact.get_by_role("button", name="Aanvraag versturen").click()
    expect(contact.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd")

    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.get_by_role("link", name="Bijeenkomsten").click()
    planner.locator("#h-requested ~ ul a").first.click()
    expect(planner.get_by_role("heading", name="Voorgestelde tijden")).to_be_visible()
    planner.get_by_role("button", name="Inplannen").first.click()
    expect(planner.get_by_role("status")).to_contain_text("De bijeenkomst is ingepland")

    feed = httpx.get(_feed_of_booked_vp(live_app))
    assert feed.status_code == 200
    assert "SUMMARY:Teamoverleg: " in feed.text
    contact.reload()
    expect(contact.locator("#h-booked ~ ul")).to_contain_text("Teamoverleg")
