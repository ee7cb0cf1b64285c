"""Keeping the pool in a real browser, in Dutch and in English: every form once wrong, then right.

The list (filter, sort, CSV), a new trust person, their profile, archiving and reactivating,
certificates and education records. A wrong input shows the message next to its field in
the page's language and keeps what was typed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: What the pages say, by language.
WORDS = {
    "nl": {
        "pool": "Pool",
        "new": "Nieuwe vertrouwenspersoon",
        "add": "Toevoegen aan de pool",
        "required": "Vul dit veld in.",
        "at most 400": "Mag hoogstens 400 zijn.",
        "added": "De vertrouwenspersoon is aan de pool toegevoegd.",
        "edit": "Profiel bewerken",
        "save": "Opslaan",
        "saved": "Het profiel is opgeslagen.",
        "archive": "Archiveren",
        "archived": "gearchiveerd",
        "reactivate": "Weer actief maken",
        "back in planning": "De vertrouwenspersoon doet weer mee in de planning.",
        "search": "Zoeken",
        "csv": "Downloaden als CSV",
        "surname": "Achternaam",
        "add certificate": "Certificaat toevoegen",
        "record certificate": "Certificaat vastleggen",
        "expiry before issue": "De vervaldatum",
        "certificate recorded": "Het certificaat is vastgelegd.",
        "change": "Wijzigen",
        "certificate saved": "Het certificaat is opgeslagen.",
        "delete": "Verwijderen",
        "delete certificate": "Certificaat verwijderen",
        "certificate deleted": "Het certificaat is verwijderd.",
        "add education": "Scholing toevoegen",
        "add education record": "Scholing toevoegen",
        "more than 0": "Moet meer zijn dan 0.",
        "education added": "De scholing is toegevoegd.",
        "education saved": "De scholing is opgeslagen.",
        "delete education": "Scholing verwijderen",
        "education deleted": "De scholing is verwijderd.",
    },
    "en": {
        "pool": "Pool",
        "new": "New trust person",
        "add": "Add to the pool",
        "required": "This field is required.",
        "at most 400": "Must be at most 400.",
        "added": "The trust person is added to the pool.",
        "edit": "Edit profile",
        "save": "Save",
        "saved": "The profile is saved.",
        "archive": "Archive",
        "archived": "archived",
        "reactivate": "Reactivate",
        "back in planning": "The trust person is back in planning.",
        "search": "Search",
        "csv": "Download as CSV",
        "surname": "Surname",
        "add certificate": "Add certificate",
        "record certificate": "Record certificate",
        "expiry before issue": "The expiry date",
        "certificate recorded": "The certificate is recorded.",
        "change": "Change",
        "certificate saved": "The certificate is saved.",
        "delete": "Delete",
        "delete certificate": "Delete certificate",
        "certificate deleted": "The certificate is deleted.",
        "add education": "Add education record",
        "add education record": "Add education record",
        "more than 0": "Must be more than 0.",
        "education added": "The education record is added.",
        "education saved": "The education record is saved.",
        "delete education": "Delete education record",
        "education deleted": "The education record is deleted.",
    },
}

LANGUAGES = pytest.mark.parametrize("lang", ["nl", "en"])


def _planner(browser: Browser, live_app: LiveApp, lang: str) -> Page:
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "planner")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def _button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def _open_a_vp(page: Page, live_app: LiveApp, index: int) -> str:
    """Open the VP page of the ``index``-th VP of the pool; return its address."""
    page.goto(live_app.url("/pool"))
    page.locator("table tbody tr a").nth(index).click()
    page.wait_for_url("**/pool/*")
    return page.url


@LANGUAGES
def test_a_planner_filters_sorts_and_exports_the_pool(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    page = _planner(browser, live_app, lang)
    page.get_by_role("link", name=words["pool"], exact=True).click()
    first_rows = page.locator("table tbody tr")
    expect(first_rows.first).to_be_visible()
    page.locator("#f-scope").select_option("integrity")
    page.locator("#f-sort").select_option("-last_name")
    _button(page, words["search"])
    expect(page).to_have_url(re.compile(r"scope=integrity.*sort=-last_name"))
    shown = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert shown, "the filtered pool is empty"
    with page.expect_download() as download:
        page.get_by_role("link", name=words["csv"]).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "nl" else ","))
    assert rows[0][0] == words["surname"]
    assert [f"{row[0]}, {row[1]}" for row in rows[1 : len(shown) + 1]] == shown
    assert all("integrity" in row[6] for row in rows[1:])


@LANGUAGES
def test_a_planner_adds_edits_archives_and_reactivates_a_trust_person(
    browser: Browser, live_app: LiveApp, screenshots: Path, lang: str
) -> None:
    words = WORDS[lang]
    page = _planner(browser, live_app, lang)
    page.goto(live_app.url("/pool"))
    page.get_by_role("link", name=words["new"]).click()
    expect(page.get_by_role("heading", name=words["new"])).to_be_visible()

    # Wrong first: no first name, a travel radius of 900 km.
    page.locator("#last_name").fill(f"van der Test-{lang}")
    page.locator("#email").fill(f"browser-{lang}@vp.example")
    page.locator("input[name=scopes][value=integrity]").check()
    page.locator("input[name=languages][value=tr]").check()
    page.locator("input[name=sectors][value=zorg]").check()
    page.locator("#home_municipality").fill("Utrecht")
    page.locator("#home_latitude").fill("52.09")
    page.locator("#home_longitude").fill("5.12")
    page.locator("#max_travel_km").fill("900")
    page.locator("#background_tags").fill("bicultureel")
    _button(page, words["add"])
    expect(page.locator("#first_name-error")).to_have_text(words["required"])
    expect(page.locator("#max_travel_km-error")).to_have_text(words["at most 400"])
    expect(page.locator("#last_name")).to_have_value(f"van der Test-{lang}")
    expect(page.locator("input[name=languages][value=tr]")).to_be_checked()
    page.screenshot(path=str(screenshots / f"pool-new-errors-{lang}.png"), full_page=True)

    page.locator("#first_name").fill("Ilse")
    page.locator("#max_travel_km").fill("40")
    _button(page, words["add"])
    expect(page.get_by_role("status")).to_have_text(words["added"])
    expect(page.get_by_role("heading", name=f"Ilse van der Test-{lang}")).to_be_visible()

    # The profile: wrong, then right.
    page.get_by_role("link", name=words["edit"]).click()
    expect(page.locator("#first_name")).to_have_value("Ilse")
    page.locator("#capacity_hours_per_month").fill("")
    page.locator("#max_travel_km").fill("401")
    _button(page, words["save"])
    expect(page.locator("#capacity_hours_per_month-error")).to_have_text(words["required"])
    expect(page.locator("#max_travel_km-error")).to_have_text(words["at most 400"])
    expect(page.locator("#max_travel_km")).to_have_value("401")
    page.locator("#capacity_hours_per_month").fill("24")
    page.locator("#max_travel_km").fill("35")
    page.locator("#background_tags").fill("")
    _button(page, words["save"])
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    expect(page.locator("main")).to_contain_text("35 km")

    # Archive (asked once), then reactivate.
    page.get_by_role("link", name=words["archive"], exact=True).click()
    _button(page, words["archive"])
    expect(page.locator("h1 .badge")).to_have_text(words["archived"])
    _button(page, words["reactivate"])
    expect(page.get_by_role("status")).to_have_text(words["back in planning"])
    expect(page.locator("h1 .badge")).to_have_count(0)


@LANGUAGES
def test_a_planner_keeps_a_vps_certificates(
    browser: Browser, live_app: LiveApp, screenshots: Path, lang: str
) -> None:
    words = WORDS[lang]
    page = _planner(browser, live_app, lang)
    vp_page = _open_a_vp(page, live_app, 1 if lang == "nl" else 2)
    number = f"LVV-B-{lang.upper()}-7"
    page.get_by_role("link", name=words["add certificate"]).click()
    page.locator("#number").fill(number)
    page.locator("#issued_on").fill("2026-01-15")
    page.locator("#expires_on").fill("2025-01-15")
    _button(page, words["record certificate"])
    expect(page.locator("#expires_on-error")).to_contain_text(words["expiry before issue"])
    expect(page.locator("#number")).to_have_value(number)
    page.screenshot(path=str(screenshots / f"pool-certificate-errors-{lang}.png"), full_page=True)
    page.locator("#expires_on").fill("2030-01-15")
    _button(page, words["record certificate"])
    expect(page.get_by_role("status")).to_have_text(words["certificate recorded"])

    row = page.locator("tr", has_text=number)
    row.get_by_role("link", name=words["change"]).click()
    expect(page.locator("#expires_on")).to_have_value("2030-01-15")
    page.locator("#expires_on").fill("2030-03-01")
    _button(page, words["save"])
    expect(page.get_by_role("status")).to_have_text(words["certificate saved"])

    page.locator("tr", has_text=number).get_by_role("link", name=words["delete"]).click()
    expect(page.locator("main")).to_contain_text(number)
    _button(page, words["delete certificate"])
    expect(page.get_by_role("status")).to_have_text(words["certificate deleted"])
    expect(page.locator("tr", has_text=number)).to_have_count(0)
    assert page.url.startswith(vp_page.split("?")[0])


@LANGUAGES
def test_a_planner_keeps_a_vps_education_records(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    page = _planner(browser, live_app, lang)
    _open_a_vp(page, live_app, 3 if lang == "nl" else 4)
    title = f"Browsercursus {lang}"
    page.get_by_role("link", name=words["add education"]).click()
    page.locator("#category").select_option("accredited_course")
    page.locator("#title").fill(title)
    page.locator("#hours").fill("0")
    page.locator("#completed_on").fill("2026-02-10")
    _button(page, words["add education record"])
    expect(page.locator("#hours-error")).to_have_text(words["more than 0"])
    expect(page.locator("#title")).to_have_value(title)
    page.locator("#hours").fill("3")
    _button(page, words["add education record"])
    expect(page.get_by_role("status")).to_have_text(words["education added"])

    page.locator("tr", has_text=title).get_by_role("link", name=words["change"]).click()
    page.locator("#hours").fill("")
    _button(page, words["save"])
    expect(page.locator("#hours-error")).to_have_text(words["required"])
    page.locator("#hours").fill("4.5")
    _button(page, words["save"])
    expect(page.get_by_role("status")).to_have_text(words["education saved"])
    expect(page.locator("tr", has_text=title)).to_contain_text("4,5" if lang == "nl" else "4.5")

    page.locator("tr", has_text=title).get_by_role("link", name=words["delete"]).click()
    _button(page, words["delete education"])
    expect(page.get_by_role("status")).to_have_text(words["education deleted"])
    expect(page.locator("tr", has_text=title)).to_have_count(0)
