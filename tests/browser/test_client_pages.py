"""Keeping clients in a real browser, in Dutch and in English: every form once wrong, then right.

Organisations (new, change), their sites (add, remove after a confirmation), conflicts of
interest (a VP chosen by typing, then ended), needs (change, duplicate, cancel) and
assignments (end early, works-council consent, replace). A wrong input shows the message
next to its field in the page's language and keeps what was typed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.browser.conftest import LiveApp, log_in, new_context, skip_without_a_browser
from vppool.db import make_engine
from vppool.db.models import Assignment, Need, Organisation, TrustPerson
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORDS = {
    "nl": {
        "organisations": "Organisaties",
        "new organisation": "Nieuwe organisatie",
        "add organisation": "Organisatie toevoegen",
        "required": "Vul dit veld in.",
        "at least 1": "Moet minstens 1 zijn.",
        "added": "De organisatie is toegevoegd.",
        "change": "Wijzigen",
        "save": "Opslaan",
        "saved": "De wijzigingen zijn opgeslagen.",
        "add site": "Vestiging toevoegen",
        "a number": "Vul een getal in.",
        "site added": "De vestiging is toegevoegd.",
        "remove": "Verwijderen",
        "remove site": "Vestiging verwijderen",
        "site removed": "De vestiging is verwijderd.",
        "add conflict": "Belangenconflict toevoegen",
        "trust person": "Vertrouwenspersoon",
        "record conflict": "Belangenconflict vastleggen",
        "conflict recorded": "Het belangenconflict is vastgelegd.",
        "before the first day": "ligt vóór de eerste dag",
        "end": "Beëindigen",
        "end conflict": "Conflict beëindigen",
        "conflict ended": "Het belangenconflict is beëindigd.",
        "need saved": "De inzet is gewijzigd.",
        "duplicate": "Dupliceren",
        "create need": "Inzet aanmaken",
        "need created": "De inzet is aangemaakt.",
        "cancel need": "Inzet annuleren",
        "need cancelled": "De inzet is geannuleerd.",
        "end early": "Eerder beëindigen",
        "end assignment": "Koppeling beëindigen",
        "before the start": "De laatste dag kan niet vóór de eerste dag",
        "ended": "De koppeling is beëindigd.",
        "consent": "OR-instemming",
        "consent recorded": "De instemming van de ondernemingsraad is vastgelegd.",
        "replace": "Vervangen",
        "replace and choose": "Vervangen en een opvolger kiezen",
    },
    "en": {
        "organisations": "Organisations",
        "new organisation": "New organisation",
        "add organisation": "Add organisation",
        "required": "This field is required.",
        "at least 1": "Must be at least 1.",
        "added": "The organisation was added.",
        "change": "Change",
        "save": "Save",
        "saved": "The changes were saved.",
        "add site": "Add site",
        "a number": "Enter a number.",
        "site added": "The site was added.",
        "remove": "Remove",
        "remove site": "Remove site",
        "site removed": "The site was removed.",
        "add conflict": "Add conflict",
        "trust person": "Trust person",
        "record conflict": "Record conflict",
        "conflict recorded": "The conflict of interest was recorded.",
        "before the first day": "is before the first day",
        "end": "End",
        "end conflict": "End conflict",
        "conflict ended": "The conflict of interest was ended.",
        "need saved": "The need was changed.",
        "duplicate": "Duplicate",
        "create need": "Create need",
        "need created": "The need was created.",
        "cancel need": "Cancel need",
        "need cancelled": "The need was cancelled.",
        "end early": "End early",
        "end assignment": "End assignment",
        "before the start": "The last day can be no earlier than the first day",
        "ended": "The assignment was ended.",
        "consent": "Works-council consent",
        "consent recorded": "The works council's consent was recorded.",
        "replace": "Replace",
        "replace and choose": "Replace and choose a successor",
    },
}

LANGUAGES = pytest.mark.parametrize("lang", ["nl", "en"])
#: Which of the found records a language's test uses (each language changes its own).
_INDEX = {"nl": 0, "en": 1}


def _planner(browser: Browser, live_app: LiveApp, lang: str) -> Page:
    page = new_context(browser, live_app).new_page()
    log_in(page, live_app, "planner")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def _button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def _notice(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _query(live_app: LiveApp, statement: Any) -> list[Any]:
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(statement).all())
    finally:
        engine.dispose()


def _confirmed_standing(live_app: LiveApp, lang: str, *, skip: int = 0) -> Assignment:
    """A confirmed assignment under way on a standing need, ending well after today."""
    today = date.today()
    found = _query(
        live_app,
        select(Assignment)
        .join(Need, col(Need.id) == col(Assignment.need_id))
        .where(
            Assignment.status == AssignmentStatus.CONFIRMED,
            Need.kind == NeedKind.STANDING,
            col(Assignment.starts_on) < today,
            (col(Assignment.ends_on).is_(None)) | (col(Assignment.ends_on) > today + timedelta(9)),
        )
        .order_by(col(Assignment.id)),
    )
    return found[2 * skip + _INDEX[lang]]


@LANGUAGES
def test_a_planner_adds_and_changes_an_organisation_and_its_sites(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    page = _planner(browser, live_app, lang)
    page.get_by_role("link", name=words["organisations"], exact=True).click()
    page.get_by_role("link", name=words["new organisation"]).click()

    # Wrong first: no name.
    page.locator("#sector").select_option("onderwijs")
    page.locator("#headcount").fill("80")
    page.locator("#contact_name").fill("Els de Vries")
    _button(page, words["add organisation"])
    expect(page.locator("#name-error")).to_have_text(words["required"])
    expect(page.locator("#contact_name")).to_have_value("Els de Vries")
    page.locator("#name").fill(f"Browserschool {lang}")
    _button(page, words["add organisation"])
    _notice(page, words["added"])
    expect(page.get_by_role("heading", name=f"Browserschool {lang}")).to_be_visible()

    # Change it: wrong, then right.
    page.locator(".page-head").get_by_role("link", name=words["change"]).click()
    page.locator("#headcount").fill("0")
    _button(page, words["save"])
    expect(page.locator("#headcount-error")).to_have_text(words["at least 1"])
    expect(page.locator("#headcount")).to_have_value("0")
    page.locator("#headcount").fill("85")
    _button(page, words["save"])
    _notice(page, words["saved"])
    expect(page.locator("main")).to_contain_text("85")

    # A site: wrong, right, then removed after the question.
    page.get_by_role("link", name=words["add site"]).click()
    page.locator("#name").fill("Hoofdgebouw")
    page.locator("#municipality").fill("Utrecht")
    page.locator("#longitude").fill("5.12")
    _button(page, words["add site"])
    expect(page.locator("#latitude-error")).to_have_text(words["required"])
    expect(page.locator("#name")).to_have_value("Hoofdgebouw")
    page.locator("#latitude").fill("52.09")
    _button(page, words["add site"])
    _notice(page, words["site added"])
    page.locator("#h-sites").locator("..").locator("..").get_by_role(
        "link", name=words["remove"]
    ).first.click()
    _button(page, words["remove site"])
    _notice(page, words["site removed"])


@LANGUAGES
def test_a_planner_records_and_ends_a_conflict_of_interest(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    organisation = _query(live_app, select(Organisation).order_by(col(Organisation.id)))[
        _INDEX[lang]
    ]
    person = _query(
        live_app, select(TrustPerson).where(col(TrustPerson.active)).order_by(col(TrustPerson.id))
    )[-1 - _INDEX[lang]]
    page = _planner(browser, live_app, lang)
    page.goto(live_app.url(f"/organisations/{organisation.id}"))
    page.get_by_role("link", name=words["add conflict"]).click()

    # Wrong first: the VP chosen by typing, a last day before the first day.
    search = page.get_by_role("combobox", name=words["trust person"])
    search.press_sequentially(person.last_name, delay=20)
    expect(page.locator("#trust_person_id-results [role=option]").first).to_be_visible()
    page.locator("#trust_person_id-results [role=option]").filter(
        has_text=f"{person.first_name} {person.last_name}"
    ).first.click()
    page.locator("#reason").select_option("personal_tie")
    page.locator("#starts_on").fill((date.today() + timedelta(days=10)).isoformat())
    page.locator("#last_day").fill(date.today().isoformat())
    _button(page, words["record conflict"])
    expect(page.locator("#last_day-error")).to_contain_text(words["before the first day"])
    expect(search).to_have_value(f"{person.first_name} {person.last_name}")
    expect(page.locator("#reason")).to_have_value("personal_tie")
    page.locator("#last_day").fill("")
    _button(page, words["record conflict"])
    _notice(page, words["conflict recorded"])

    # End it: a last day before its first day first, then one after.
    page.locator("#h-conflicts").locator("..").locator("..").get_by_role(
        "link", name=words["end"], exact=True
    ).last.click()
    page.locator("#last_day").fill(date.today().isoformat())  # before its first day
    _button(page, words["end conflict"])
    expect(page.locator("#last_day-error")).to_contain_text(words["before the first day"])
    page.locator("#last_day").fill((date.today() + timedelta(days=30)).isoformat())
    _button(page, words["end conflict"])
    _notice(page, words["conflict ended"])


def _open_needs(live_app: LiveApp) -> list[Need]:
    return _query(
        live_app,
        select(Need)
        .where(Need.status == NeedStatus.OPEN, col(Need.ends_on).is_not(None))
        .order_by(col(Need.id)),
    )


@LANGUAGES
def test_a_planner_changes_duplicates_and_cancels_needs(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    needs = _open_needs(live_app)
    changed, cancelled = needs[_INDEX[lang]], needs[-1 - _INDEX[lang]]
    page = _planner(browser, live_app, lang)

    # Change: the title emptied first.
    page.goto(live_app.url(f"/organisations/{changed.organisation_id}"))
    row = page.locator("#needs tbody tr").filter(has_text=changed.title).first
    row.get_by_role("link", name=words["change"]).click()
    page.locator("#title").fill("")
    page.locator("#expected_hours_per_month").fill("7")
    _button(page, words["save"])
    expect(page.locator("#title-error")).to_have_text(words["required"])
    expect(page.locator("#expected_hours_per_month")).to_have_value("7")
    page.locator("#title").fill(f"Gewijzigd {lang}")
    _button(page, words["save"])
    _notice(page, words["need saved"])

    # Duplicate: the copy's hours emptied first; the organisation stays chosen.
    page.locator("#needs tbody tr").filter(has_text=f"Gewijzigd {lang}").first.get_by_role(
        "link", name=words["duplicate"]
    ).click()
    expect(page.locator("#title")).to_have_value(f"Gewijzigd {lang}")
    page.locator("#title").fill(f"Kopie {lang}")
    page.locator("#expected_hours_per_month").fill("")
    _button(page, words["create need"])
    expect(page.locator("#expected_hours_per_month-error")).to_have_text(words["required"])
    expect(page.locator("#title")).to_have_value(f"Kopie {lang}")
    page.locator("#expected_hours_per_month").fill("5")
    _button(page, words["create need"])
    _notice(page, words["need created"])
    expect(page.locator("#needs")).to_contain_text(f"Kopie {lang}")

    # Cancel: a page says what stops, then the need is cancelled.
    page.goto(live_app.url(f"/needs/{cancelled.id}/cancel"))
    expect(page.get_by_role("heading", name=words["cancel need"])).to_be_visible()
    _button(page, words["cancel need"])
    _notice(page, words["need cancelled"])


@LANGUAGES
def test_a_planner_ends_an_assignment_records_consent_and_replaces_one(
    browser: Browser, live_app: LiveApp, lang: str
) -> None:
    words = WORDS[lang]
    ending = _confirmed_standing(live_app, lang)
    page = _planner(browser, live_app, lang)
    need = _query(live_app, select(Need).where(Need.id == ending.need_id))[0]
    page.goto(live_app.url(f"/organisations/{need.organisation_id}"))
    row = page.locator(f"#assignment-{ending.id}")

    # Works-council consent: empty first.
    row.get_by_role("link", name=words["consent"]).click()
    page.locator("#works_council_consent_on").fill("")
    _button(page, words["save"])
    expect(page.locator("#works_council_consent_on-error")).to_have_text(words["required"])
    page.locator("#works_council_consent_on").fill(date.today().isoformat())
    _button(page, words["save"])
    _notice(page, words["consent recorded"])

    # End early: a last day before the first day first.
    page.locator(f"#assignment-{ending.id}").get_by_role("link", name=words["end early"]).click()
    too_early = (ending.starts_on - timedelta(days=1)).isoformat()
    page.locator("#last_day").fill(too_early)
    _button(page, words["end assignment"])
    expect(page.locator("#last_day-error")).to_contain_text(words["before the start"])
    expect(page.locator("#last_day")).to_have_value(too_early)
    page.locator("#last_day").fill((date.today() + timedelta(days=3)).isoformat())
    _button(page, words["end assignment"])
    _notice(page, words["ended"])

    # Replace another: asked once, then the quick match for its need.
    replaced = _confirmed_standing(live_app, lang, skip=1)
    replaced_need = _query(live_app, select(Need).where(Need.id == replaced.need_id))[0]
    page.goto(live_app.url(f"/organisations/{replaced_need.organisation_id}"))
    page.locator(f"#assignment-{replaced.id}").get_by_role("link", name=words["replace"]).click()
    _button(page, words["replace and choose"])
    page.wait_for_url(f"**/needs/{replaced.need_id}/quick-match*")
