"""One journey per role in a real browser, a scope check and a screenshot of each main page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: Waiting for the background matching run and htmx's polling (a wait, not a timing check).
RUN_WAIT_MS = 90_000


def _in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _file_cover_request(page: Page, live_app: LiveApp, title: str) -> None:
    page.goto(live_app.url("/requests"))
    page.get_by_label("Vervanging bij afwezigheid").check()
    page.get_by_label("Korte titel").fill(title)
    page.get_by_label("Ongewenst gedrag").check()
    page.locator("#starts_on").fill(_in_days(10))
    page.locator("#last_day").fill(_in_days(69))
    page.get_by_label("Uren per maand").fill("4")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd")


def test_a_client_files_a_cover_request_and_sees_the_assigned_vp(
    browser: Browser, live_app: LiveApp, screenshots: Path
) -> None:
    client = new_context(browser, live_app).new_page()
    log_in(client, live_app, "client")
    expect(client.get_by_role("heading", name="Onze vertrouwenspersonen")).to_be_visible()

    # A wrong request first: the errors sit next to the fields and the typed title stays.
    client.goto(live_app.url("/requests"))
    client.get_by_label("Korte titel").fill("Vervanging tijdens verlof")
    client.get_by_role("button", name="Aanvraag versturen").click()
    expect(client.get_by_label("Korte titel")).to_have_value("Vervanging tijdens verlof")
    expect(client.locator(".field-error").first).to_be_visible()

    _file_cover_request(client, live_app, "Vervanging tijdens verlof")
    request = client.locator("li", has_text="Vervanging tijdens verlof")
    expect(request).to_contain_text("Aangevraagd")

    planner = new_context(browser, live_app).new_page()
    log_in(planner, live_app, "planner")
    planner.goto(live_app.url("/needs?status=requested"))
    row = planner.locator("tr", has_text="Vervanging tijdens verlof")
    row.get_by_role("button", name="Accepteren").click()
    expect(planner.get_by_role("status")).to_contain_text("geaccepteerd")
    planner.goto(live_app.url("/needs?status=open&kind=absence_cover"))
    planner.locator("tr", has_text="Vervanging tijdens verlof").get_by_role(
        "link", name="Snelle match"
    ).click()
    planner.screenshot(path=str(screenshots / "laptop-planner-quick-match.png"), full_page=True)
    candidate = planner.locator("table tbody tr").first
    chosen = candidate.locator("td").first.inner_text().strip()
    candidate.get_by_role("button", name="Plaatsen").click()
    expect(planner.get_by_role("status")).to_contain_text("geplaatst")

    client.goto(live_app.url("/requests"))
    request = client.locator("li", has_text="Vervanging tijdens verlof")
    expect(request).to_contain_text("Open")
    expect(request).to_contain_text(f"Gekoppeld: {chosen}")
    client.goto(live_app.url("/team"))
    expect(client.get_by_role("heading", name=chosen)).to_be_visible()


def test_a_planner_accepts_a_request_runs_matching_and_confirms(
    browser: Browser, live_app: LiveApp, screenshots: Path
) -> None:
    client = new_context(browser, live_app).new_page()
    log_in(client, live_app, "client")
    _file_cover_request(client, live_app, "Nazorg voor het team")

    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "planner")
    expect(page.get_by_role("heading", name="Overzicht", exact=True)).to_be_visible()
    expect(page.locator("#h-heat")).to_be_visible()  # the coverage panels load after the page

    page.get_by_role("link", name="Inzet", exact=True).click()
    page.locator("tr", has_text="Nazorg voor het team").get_by_role(
        "button", name="Accepteren"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("geaccepteerd")

    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_label("Tijdslimiet (seconden)").fill("3")
    page.get_by_role("button", name="Run starten").click()
    expect(page.get_by_role("heading", name=re.compile(r"Matchingrun #\d+"))).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Geslaagd", timeout=RUN_WAIT_MS)
    expect(page.get_by_role("heading", name="Voorstel per plaats")).to_be_visible()
    proposed = page.locator("table.review tbody tr")
    expect(proposed.first).to_be_visible()
    page.screenshot(path=str(screenshots / "laptop-planner-matching-run.png"), full_page=True)
    why = proposed.first.locator("details.why")
    why.locator("summary").click()  # loads why the other VPs are not eligible (htmx)
    expect(why.locator(".ineligible")).to_be_visible()

    page.get_by_role("link", name="Alle voorstellen bevestigen…").click()
    # One look at what will be confirmed, one button.
    expect(
        page.get_by_role("heading", name=re.compile(r"\d+ voorstellen worden koppelingen"))
    ).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Deze \d+ voorstellen bevestigen")).click()
    expect(page.get_by_role("status")).to_contain_text("bevestigd")
    expect(page.get_by_text("Niets meer te bevestigen in deze run.")).to_be_visible()
    expect(proposed.first.locator(".badge-confirmed")).to_have_text("Bevestigd")


def test_a_trust_person_edits_availability_and_copies_a_feed_link(
    browser: Browser, live_app: LiveApp
) -> None:
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "trust_person")
    expect(page.get_by_role("heading", name="Mijn koppelingen")).to_be_visible()

    page.get_by_role("link", name="Beschikbaarheid", exact=True).click()
    page.get_by_label("Maandag: begin van blok 1").fill("08:30")
    page.get_by_label("Maandag: einde van blok 1").fill("12:00")
    page.get_by_role("button", name="Weekuren opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    expect(page.get_by_label("Maandag: begin van blok 1")).to_have_value("08:30")

    page.get_by_role("link", name="Agendafeeds").click()
    page.get_by_label("Feed").select_option("vp_schedule")
    page.get_by_role("button", name="Link maken").click()
    link = page.locator("#link-https")
    address = link.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/feeds/[\w-]+\.ics", address)
    expect(page.locator("#link-webcal")).to_have_value("webcal://" + address.split("://")[1])
    page.locator("[data-copy=link-https]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == address
    feed = httpx.get(address)
    assert feed.status_code == 200
    assert "BEGIN:VCALENDAR" in feed.text


def test_a_client_cannot_open_another_organisation_by_url(
    browser: Browser, live_app: LiveApp
) -> None:
    ids = live_app.ids()
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "client")
    own = page.goto(live_app.url(f"/organisations/{ids['organisation']}"))
    assert own is not None
    assert own.status == 200
    for path in (
        f"/organisations/{ids['other_organisation']}",
        f"/pool/{ids['trust_person']}",
        "/dashboard",
        "/audit",
    ):
        answer = page.goto(live_app.url(path))
        assert answer is not None
        assert answer.status == 404, path
        expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()


MAIN_PAGES = {
    "planner": [
        "/dashboard",
        "/needs",
        "/needs/new",
        "/matching",
        "/pool",
        "/pool/{other_trust_person}",
        "/organisations",
        "/organisations/{organisation}",
        "/intervision",
        "/sessions",
        "/insight",
        "/inbox",
        "/audit",
    ],
    "client": ["/team", "/requests", "/sessions", "/feeds"],
    "trust_person": [
        "/me",
        "/me/availability",
        "/me/education",
        "/me/calendars",
        "/intervision",
        "/sessions",
        "/feeds",
    ],
}


@pytest.mark.parametrize("role", list(MAIN_PAGES))
@pytest.mark.parametrize(
    ("device", "viewport"),
    [("laptop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_main_pages_fit_the_screen_and_are_saved_as_screenshots(  # noqa: PLR0917
    browser: Browser,
    live_app: LiveApp,
    screenshots: Path,
    role: str,
    device: str,
    viewport: dict[str, int],
) -> None:
    ids = live_app.ids()
    page = new_context(browser, live_app, viewport=viewport).new_page()
    log_in(page, live_app, role)
    for path in MAIN_PAGES[role]:
        answer = page.goto(live_app.url(path.format(**ids)))
        assert answer is not None
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the {device} screen"
        shown = re.sub(r"\{\w+\}", "detail", path).replace("/", "-")
        name = f"{device}-{role}{shown}.png"
        page.screenshot(path=str(screenshots / name), full_page=True)
        assert (screenshots / name).stat().st_size > 0
