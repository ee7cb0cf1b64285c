"""The annual reports downloaded in Chromium: a planner per client and for everyone, a client
contact for their own organisation."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, Page  # noqa: E402  (after the skip check)

pytestmark = pytest.mark.slow


def _download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    path = info.value.path()
    return path.read_bytes()


def test_a_planner_downloads_a_clients_year_and_everyones(
    browser: Browser, live_app: LiveApp
) -> None:
    page = new_context(browser, live_app, accept_downloads=True).new_page()
    log_in(page, live_app, "planner")
    organisation = live_app.ids()["organisation"]
    page.goto(live_app.url(f"/organisations/{organisation}"))
    heading = page.get_by_role("heading", level=1).inner_text()
    body = _download(page, "PDF downloaden")
    text = " ".join(pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
    assert text.startswith("Jaarverslag")
    assert heading in text
    page.goto(live_app.url("/organisations"))
    table = _download(page, "CSV downloaden").decode("utf-8-sig")
    assert table.splitlines()[0].startswith("Organisatie;Vertrouwenspersonen")


def test_a_client_contact_downloads_their_own_year(browser: Browser, live_app: LiveApp) -> None:
    page = new_context(browser, live_app, accept_downloads=True).new_page()
    log_in(page, live_app, "client")
    page.goto(live_app.url("/team"))
    table = _download(page, "CSV downloaden").decode("utf-8-sig")
    assert table.splitlines()[0] == "Vertrouwenspersoon;Soort;Eerste dag;Laatste dag;Geplande uren"
    assert len(table.splitlines()) >= 2
