"""The employees' page in Chromium: made by the client contact, opened by a stranger.

The stranger's browser has no cookies before and after the visit; axe-core (from
``tests/node``) finds no accessibility violation on the page in Dutch or in English. The
trust person's profile form refuses a wrong phone number next to the field, in Dutch,
keeping what was typed, and what they save appears on the page. With the trust person's
photo on it, the page still sets no cookie and passes axe (the image has its alt text).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import Session, select

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from tests.node_packages import node_package
from vppool.db import make_engine
from vppool.db.models import PublicProfile, TrustPerson

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def _violations(page: Page) -> list[str]:
    """What axe-core finds on the page (rule, impact and the first element)."""
    page.add_script_tag(path=str(node_package("axe-core") / "axe.min.js"))
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document);
          return result.violations.map(
            v => `${v.id} (${v.impact}): ${v.nodes[0] && v.nodes[0].target.join(" ")}`);
        }"""
    )
    return list(found)


def test_a_contact_makes_the_page_and_a_stranger_opens_it_without_cookies(
    browser: Browser, live_app: LiveApp
) -> None:
    contact = new_context(browser, live_app)
    page = contact.new_page()
    log_in(page, live_app, "client")
    page.goto(live_app.url("/team"))
    page.get_by_role("link", name="Pagina voor medewerkers").click()
    page.get_by_role("button", name="Link maken").click()
    address = page.locator("#employee-page-address").inner_text()
    expect(page.locator(".qr svg")).to_have_count(1)
    expect(page.get_by_text("De nieuwe link is gemaakt")).to_be_visible()
    contact.close()

    stranger = browser.new_context()
    visit = stranger.new_page()
    visit.goto(address)
    expect(visit.get_by_role("heading", name="Uw externe vertrouwenspersonen")).to_be_visible()
    assert visit.locator(".card").count() >= 1
    assert stranger.cookies() == []
    assert _violations(visit) == []
    visit.get_by_role("link", name="English").click()
    expect(visit.get_by_role("heading", name="Your external trust persons")).to_be_visible()
    assert _violations(visit) == []
    assert stranger.cookies() == []
    stranger.close()


def test_a_trust_person_fills_in_the_profile_and_a_wrong_phone_is_refused(
    browser: Browser, live_app: LiveApp
) -> None:
    context = new_context(browser, live_app)
    page = context.new_page()
    log_in(page, live_app, "trust_person")
    page.get_by_role("link", name="Mijn profiel").click()
    page.get_by_label("Introductie").fill("Ik luister eerst en oordeel niet.")
    page.get_by_label("Telefoon voor medewerkers").fill("bel mij")
    page.get_by_role("button", name="Opslaan").click()
    error = page.locator("#phone-error")
    assert error.inner_text().startswith("Vul een telefoonnummer in")
    assert page.get_by_label("Telefoon voor medewerkers").input_value() == "bel mij"
    assert page.get_by_label("Introductie").input_value() == "Ik luister eerst en oordeel niet."
    page.get_by_label("Telefoon voor medewerkers").fill("06 1234 5678")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(lambda url: url.endswith("/me?done=profile"))
    page.get_by_role("link", name="Mijn profiel").click()
    assert page.get_by_label("Telefoon voor medewerkers").input_value() == "06 1234 5678"
    context.close()


def test_with_a_photo_the_page_stays_cookie_free_and_accessible(
    browser: Browser, live_app: LiveApp
) -> None:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 160)).save(out, format="JPEG")
    vp = new_context(browser, live_app)
    page = vp.new_page()
    log_in(page, live_app, "trust_person")
    page.get_by_role("link", name="Mijn profiel").click()
    page.get_by_label("Fotobestand").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}]
    )
    page.get_by_role("button", name="Foto uploaden").click()
    expect(page.get_by_text("Uw foto is bewaard")).to_be_visible()
    alt = page.locator("img.photo").get_attribute("alt") or ""
    assert alt.startswith("Foto van ")  # the trust person's name follows
    assert _violations(page) == []
    vp.close()
    _give_everyone_the_photo(live_app)  # the client's own VPs are others than this login

    contact = new_context(browser, live_app)
    page = contact.new_page()
    log_in(page, live_app, "client")
    page.goto(live_app.url("/team/employee-page"))
    page.get_by_role("button", name="Link maken").click()
    address = page.locator("#employee-page-address").inner_text()
    contact.close()

    stranger = browser.new_context()
    visit = stranger.new_page()
    visit.goto(address)
    photos = visit.locator(".card img.avatar-photo")
    assert photos.count() == visit.locator(".card").count() >= 1
    for at in range(photos.count()):
        shown = photos.nth(at)
        expect(shown).to_be_visible()
        name = shown.locator("xpath=..").locator("h2").inner_text()
        assert shown.get_attribute("alt") == f"Foto van {name}"
        assert shown.evaluate("img => img.naturalWidth") == 400
    assert _violations(visit) == []
    assert stranger.cookies() == []
    stranger.close()


def _give_everyone_the_photo(live_app: LiveApp) -> None:
    """Every VP gets the photo the logged-in VP just uploaded (as stored: re-encoded)."""
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            profiles = session.exec(select(PublicProfile)).all()
            stored = next(p.photo for p in profiles if p.photo)
            have = {p.trust_person_id: p for p in profiles}
            for person_id in session.exec(select(TrustPerson.id)).all():
                assert person_id is not None
                profile = have.get(person_id) or PublicProfile(trust_person_id=person_id)
                profile.photo = stored
                session.add(profile)
            session.commit()
    finally:
        engine.dispose()
