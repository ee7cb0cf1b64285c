"""The administrator's pages and forming intervision groups, in a real browser, in both languages.

Each flow also submits a wrong form once and checks that the message stands next to its
field in the page's language and that what was typed is still there.
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from tests.browser.conftest import PASSWORD, LiveApp, log_in, new_context, skip_without_a_browser

skip_without_a_browser()

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW_PASSWORD = "een-heel-nieuw-wachtwoord"


def _english(context: BrowserContext, live_app: LiveApp) -> None:
    context.add_cookies([{"name": "vppool_lang", "value": "en", "url": live_app.base}])


def _log_in_as(page: Page, live_app: LiveApp, email: str, password: str, button: str) -> None:
    page.goto(live_app.url("/login"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name=button).click()


def _open_user(page: Page, live_app: LiveApp, email: str) -> None:
    page.goto(live_app.url("/admin/users"))
    page.locator("#f-search").fill(email)
    page.locator("form.filters button[type=submit]").click()
    page.locator("table tbody td a").first.click()
    expect(page.locator("dl.facts")).to_contain_text(email)


def test_an_invited_user_chooses_a_password_with_the_link_and_logs_in(
    browser: Browser, live_app: LiveApp
) -> None:
    admin = new_context(browser, live_app).new_page()
    log_in(admin, live_app, "admin")
    admin.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers").click()
    admin.get_by_role("link", name="Gebruiker uitnodigen").click()
    admin.get_by_label("Naam").fill("Nieuwe Planner")
    admin.get_by_label("E-mailadres").fill("geen-adres")
    admin.get_by_label("Rol").select_option("client")
    admin.get_by_role("button", name="Uitnodigen").click()
    expect(admin.locator("#email-error")).to_contain_text("Vul een e-mailadres in zoals")
    expect(admin.locator("#organisation_id-error")).to_contain_text(
        "Een contactpersoon hoort bij een organisatie."
    )
    expect(admin.get_by_label("Naam")).to_have_value("Nieuwe Planner")
    expect(admin.get_by_label("E-mailadres")).to_have_value("geen-adres")
    admin.get_by_label("E-mailadres").fill("nieuwe.planner@example.nl")
    admin.get_by_label("Rol").select_option("planner")
    admin.get_by_role("button", name="Uitnodigen").click()
    expect(admin.get_by_role("heading", name="De gebruiker is uitgenodigd")).to_be_visible()
    link = admin.locator("#one-time-link").input_value()

    invitee = new_context(browser, live_app).new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Kies een wachtwoord")).to_be_visible()
    invitee.get_by_label("Nieuw wachtwoord").fill("kort")
    invitee.get_by_label("Herhaal het wachtwoord").fill("anders")
    invitee.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(invitee.locator("#password-error")).to_contain_text("Gebruik minstens 10 teken(s).")
    expect(invitee.locator("#repeat-error")).to_contain_text("De twee wachtwoorden verschillen.")
    expect(invitee.get_by_label("Nieuw wachtwoord")).to_have_value("")  # never sent back
    invitee.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    invitee.get_by_label("Herhaal het wachtwoord").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(invitee.get_by_role("heading", name="Wachtwoord opgeslagen")).to_be_visible()
    _log_in_as(invitee, live_app, "nieuwe.planner@example.nl", NEW_PASSWORD, "Inloggen")
    invitee.wait_for_url("**/app/dashboard")
    invitee.goto(link)
    expect(invitee.get_by_text("Deze link werkt niet (meer).")).to_be_visible()


def test_in_english_a_deactivated_user_cannot_log_in_until_reactivated(
    browser: Browser, live_app: LiveApp
) -> None:
    context = new_context(browser, live_app)
    _english(context, live_app)
    admin = context.new_page()
    _log_in_as(admin, live_app, live_app.logins["admin"], PASSWORD, "Log in")
    client_email = live_app.logins["client"]
    _open_user(admin, live_app, client_email)
    admin.get_by_role("link", name="Change role and scope").click()
    admin.get_by_label("Role").select_option("trust_person")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator("#trust_person_id-error")).to_contain_text(
        "A trust person's account belongs to a VP."
    )
    expect(admin.locator("#organisation_id-error")).to_contain_text(
        "Only a client contact belongs to an organisation."
    )
    admin.get_by_role("link", name="Cancel").click()
    admin.get_by_role("link", name="Deactivate").click()
    expect(admin.get_by_text("They can no longer log in.")).to_be_visible()
    admin.get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_role("status")).to_contain_text("The user is deactivated")

    visitor = new_context(browser, live_app)
    _english(visitor, live_app)
    page = visitor.new_page()
    _log_in_as(page, live_app, client_email, PASSWORD, "Log in")
    expect(page.locator("#login-error")).to_contain_text(
        "The e-mail address or the password is wrong."
    )

    admin.get_by_role("button", name="Reactivate").click()
    expect(admin.get_by_role("status")).to_contain_text("The user can log in again.")
    _log_in_as(page, live_app, client_email, PASSWORD, "Log in")
    page.wait_for_url("**/app/team")


def test_a_password_reset_gives_a_link_and_the_old_password_stops(
    browser: Browser, live_app: LiveApp
) -> None:
    admin = new_context(browser, live_app).new_page()
    log_in(admin, live_app, "admin")
    email = live_app.logins["trust_person"]
    _open_user(admin, live_app, email)
    admin.get_by_role("link", name="Wachtwoord opnieuw instellen").click()
    expect(admin.get_by_text("Het huidige wachtwoord werkt dan niet meer")).to_be_visible()
    admin.get_by_role("button", name="Wachtwoord opnieuw instellen").click()
    expect(admin.get_by_role("heading", name="Het wachtwoord is opnieuw ingesteld")).to_be_visible()
    link = admin.locator("#one-time-link").input_value()

    person = new_context(browser, live_app).new_page()
    _log_in_as(person, live_app, email, PASSWORD, "Inloggen")
    expect(person.locator("#login-error")).to_be_visible()
    person.goto(link)
    person.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    person.get_by_label("Herhaal het wachtwoord").fill(NEW_PASSWORD + "x")
    person.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(person.locator("#repeat-error")).to_contain_text("De twee wachtwoorden verschillen.")
    person.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    person.get_by_label("Herhaal het wachtwoord").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Wachtwoord opslaan").click()
    _log_in_as(person, live_app, email, NEW_PASSWORD, "Inloggen")
    person.wait_for_url("**/app/me")


def test_in_english_the_admin_revokes_an_api_token_and_it_stops_at_once(
    browser: Browser, live_app: LiveApp
) -> None:
    with httpx.Client(base_url=live_app.base) as api:
        api.post(
            "/api/v1/auth/login",
            json={"email": live_app.logins["planner"], "password": PASSWORD},
        ).raise_for_status()
        made = api.post("/api/v1/auth/tokens", json={"name": "browser-script"}).json()
    secret = made["secret"]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{live_app.base}/api/v1/auth/me", headers=bearer).status_code == 200

    context = new_context(browser, live_app)
    _english(context, live_app)
    admin = context.new_page()
    _log_in_as(admin, live_app, live_app.logins["admin"], PASSWORD, "Log in")
    admin.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Tokens"
    ).click()
    row = admin.locator("tr", has_text="browser-script")
    expect(row).to_contain_text(live_app.logins["planner"])
    row.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_role("status")).to_contain_text("The token is revoked.")
    assert httpx.get(f"{live_app.base}/api/v1/auth/me", headers=bearer).status_code == 401
    admin.get_by_label("Status").select_option("inactive")
    admin.locator("form.filters button[type=submit]").click()
    expect(admin.locator("tr", has_text="browser-script")).to_contain_text("Revoked on")


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            "en",
            {
                "form": "Form intervision groups",
                "year": "Year",
                "limit": "Time limit (seconds)",
                "start": "Form the groups",
                "too_early": "Must be at least 2000.",
                "too_long": "Must be at most 600.",
                "store": "Store these groups",
                "stored": "The groups are stored.",
            },
        ),
        (
            "nl",
            {
                "form": "Intervisiegroepen vormen",
                "year": "Jaar",
                "limit": "Tijdslimiet (seconden)",
                "start": "Groepen vormen",
                "too_early": "Moet minstens 2000 zijn.",
                "too_long": "Mag hoogstens 600 zijn.",
                "store": "Deze groepen opslaan",
                "stored": "De groepen zijn opgeslagen.",
            },
        ),
    ],
)
def test_a_planner_forms_a_years_groups_and_stores_them(
    browser: Browser, live_app: LiveApp, lang: str, labels: dict[str, str]
) -> None:
    context = new_context(browser, live_app)
    if lang == "en":
        _english(context, live_app)
    page = context.new_page()
    _log_in_as(
        page,
        live_app,
        live_app.logins["planner"],
        PASSWORD,
        "Log in" if lang == "en" else "Inloggen",
    )
    page.goto(live_app.url("/intervision"))
    page.get_by_role("link", name=labels["form"]).click()
    page.get_by_label(labels["year"]).fill("1999")
    page.get_by_label(labels["limit"]).fill("900")
    page.get_by_role("button", name=labels["start"]).click()
    expect(page.locator("#year-error")).to_contain_text(labels["too_early"])
    expect(page.locator("#time_limit_s-error")).to_contain_text(labels["too_long"])
    expect(page.get_by_label(labels["year"])).to_have_value("1999")
    expect(page.get_by_label(labels["limit"])).to_have_value("900")
    page.get_by_label(labels["limit"]).fill("5")
    year = str(date.today().year + 1)
    page.get_by_label(labels["year"]).fill(year)
    page.get_by_role("button", name=labels["start"]).click()
    store = page.get_by_role("button", name=labels["store"])
    expect(store).to_be_visible(timeout=90_000)
    expect(page.locator("table")).to_contain_text(year)
    store.click()
    expect(page.get_by_role("status")).to_contain_text(labels["stored"])
    expect(page.locator("section.panel h2").first).to_contain_text(year)
