"""The journeys of issue 14 in Chromium, with the VP's consent on and a real SMTP server.

A client files a request with wishes; the planner accepts it and places a VP with the quick
match — or, when the client wants to choose, builds and sends a shortlist from which the
client picks; the VP is asked by e-mail and answers **with the e-mail's link**, without
logging in.
Accepted: the assignment is confirmed, it is in the VP's feed and in the client team's feed,
and the client, the VP and the planners each have their e-mails (at the SMTP server) and
their inbox entries. Declined: the seat is open again and the planner is told, led to the
quick match. E-mails go out by the notification job (``vppool run-job send_notifications``)
to an aiosmtpd server on 127.0.0.1.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from icalendar import Calendar
from sqlmodel import Session, col, select

from tests.browser.conftest import (
    PASSWORD,
    LiveApp,
    log_in,
    new_context,
    serve_live_app,
    skip_without_a_browser,
)

skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402  (after the skip check)

from vppool.db import make_engine  # noqa: E402
from vppool.db.models import Assignment, Need, TrustPerson, User  # noqa: E402
from vppool.security import hash_password  # noqa: E402
from vppool.services import access, feed_tokens  # noqa: E402
from vppool.vocab import AssignmentStatus, FeedKind, Role  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LINK = re.compile(r"https?://\S+/app/answer/\d+/[A-Za-z0-9_-]+")


class Mailbox(MessageHandler):
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Message] = []

    def handle_message(self, message: Message) -> None:
        self.received.append(message)

    def to(self, address: str) -> list[tuple[str, str]]:
        """(subject, body) of each message to ``address``."""
        found = []
        for message in self.received:
            if message["To"] != address:
                continue
            parsed = message.get_payload(decode=True)
            charset = message.get_content_charset() or "utf-8"
            body = parsed.decode(charset) if isinstance(parsed, bytes) else ""
            found.append((str(make_header(decode_header(message["Subject"]))), body))
        return found


@pytest.fixture(scope="module", name="mailbox")
def fx_mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="module", name="consent_app")
def fx_consent_app(
    tmp_path_factory: pytest.TempPathFactory, mailbox: tuple[Mailbox, int]
) -> Iterator[LiveApp]:
    _, port = mailbox
    settings = {
        "VPPOOL_VP_CONSENT": "true",
        "VPPOOL_PUBLIC_URL": "{base}",
        "VPPOOL_SMTP_HOST": "127.0.0.1",
        "VPPOOL_SMTP_PORT": str(port),
        "VPPOOL_SMTP_STARTTLS": "false",
    }
    with serve_live_app(tmp_path_factory, settings) as app:
        yield app


def _in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _file_request_with_wishes(
    page: Page, app: LiveApp, title: str, *, choose: bool = False
) -> None:
    page.goto(app.url("/requests"))
    page.get_by_label("Vervanging bij afwezigheid").check()
    page.get_by_label("Korte titel").fill(title)
    page.get_by_label("Ongewenst gedrag").check()
    page.locator("#starts_on").fill(_in_days(10))
    page.locator("#last_day").fill(_in_days(69))
    page.get_by_label("Uren per maand").fill("4")
    page.get_by_label("Gewenste talen").fill("nl")
    if choose:
        page.get_by_label("Wij willen kiezen").check()
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd")


def _accept(planner: Page, app: LiveApp, title: str) -> None:
    """The planner accepts the request, its wishes shown in words."""
    planner.goto(app.url("/needs?status=requested"))
    row = planner.locator("tr", has_text=title)
    expect(row).to_contain_text("spreekt Nederlands")  # the client's wish, in words
    row.get_by_role("button", name="Accepteren").click()
    expect(planner.get_by_role("status")).to_contain_text("geaccepteerd")


def _accept_and_place(planner: Page, app: LiveApp, title: str) -> str:
    """The planner accepts the request and places the quick match's first candidate."""
    _accept(planner, app, title)
    planner.goto(app.url("/needs?status=open&kind=absence_cover"))
    planner.locator("tr", has_text=title).get_by_role("link", name="Snelle match").click()
    candidate = planner.locator("table tbody tr").first
    chosen = candidate.locator("td").first.inner_text().strip()
    candidate.get_by_role("button", name="Plaatsen").click()
    expect(planner.get_by_role("status")).to_contain_text("De vertrouwenspersoon is gevraagd")
    return chosen


def _placed(app: LiveApp, title: str) -> tuple[Assignment, User]:
    """The placement on the request ``title`` and the login of its VP."""
    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            row = session.exec(
                select(Assignment)
                .join(Need, col(Need.id) == Assignment.need_id)
                .where(Need.title == title)
                .order_by(col(Assignment.id).desc())
            ).first()
            assert row is not None
            user = session.exec(
                select(User).where(
                    User.trust_person_id == row.trust_person_id, col(User.active).is_(True)
                )
            ).first()
            assert user is not None
            session.expunge_all()
            return row, user
    finally:
        engine.dispose()


def _sent(app: LiveApp, mailbox: Mailbox, address: str, *subject: str) -> str:
    """The body of the e-mail to ``address`` whose subject holds each of ``subject``."""
    app.run_job("send_notifications")
    bodies = [body for title, body in mailbox.to(address) if all(s in title for s in subject)]
    assert bodies, f"no e-mail {subject} to {address}: {[t for t, _ in mailbox.to(address)]}"
    return bodies[-1]


def _feed(app: LiveApp, **target: object) -> Calendar:
    """A feed of the VP or of the client's team, through a link a planner made."""
    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            planner = session.exec(select(User).where(User.email == app.logins["planner"])).one()
            assert planner.id is not None
            viewer = access.Viewer(user_id=planner.id, role=Role.PLANNER, label="planner")
            _, secret = feed_tokens.create_feed_token(session, viewer, **target)  # type: ignore[arg-type]
            session.commit()
    finally:
        engine.dispose()
    response = httpx.get(f"{app.base}/feeds/{secret}.ics", timeout=30)
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _with_password(app: LiveApp, user: User) -> None:
    """Give the VP's login the test password, to look at their inbox."""
    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            row = session.get(User, user.id)
            assert row is not None
            row.password_hash = hash_password(PASSWORD)
            session.add(row)
            session.commit()
    finally:
        engine.dispose()


def _inbox_holds(page: Page, app: LiveApp, *subjects: str) -> None:
    """The top bar counts unread messages; the inbox lists each subject."""
    page.goto(app.url("/inbox"))
    expect(page.locator(".inbox-link .count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    for subject in subjects:
        expect(page.get_by_text(subject).first).to_be_visible()


def test_the_vp_accepts_from_the_e_mail_and_everyone_is_told(
    browser: Browser, consent_app: LiveApp, mailbox: tuple[Mailbox, int]
) -> None:
    app = consent_app
    title = "Vervanging met wensen"
    client = new_context(browser, app).new_page()
    log_in(client, app, "client")
    _file_request_with_wishes(client, app, title)
    planner = new_context(browser, app).new_page()
    log_in(planner, app, "planner")
    chosen = _accept_and_place(planner, app, title)
    _the_vp_accepts(browser, app, mailbox[0], (client, planner), title=title, chosen=chosen)


def _the_vp_accepts(
    browser: Browser,
    app: LiveApp,
    box: Mailbox,
    pages: tuple[Page, Page],
    *,
    title: str,
    chosen: str,
) -> None:
    """The VP asked for the placement on ``title`` takes it with the e-mail's link; then
    the confirmation, the feeds, the e-mails and the inboxes of everyone concerned."""
    client, planner = pages
    assignment, vp = _placed(app, title)
    assert assignment.status is AssignmentStatus.ASKED

    # The VP's e-mail says what they need and carries the link; they answer without a login.
    asked = _sent(app, box, vp.email, "Gevraagd als vertrouwenspersoon")
    assert "Contactpersoon:" in asked
    assert "uur per maand" in asked
    link = LINK.search(asked)
    assert link, asked
    visitor = new_context(browser, app).new_page()
    visitor.goto(link.group(0))
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Opdracht bij")
    expect(visitor.locator("dl")).to_contain_text(title)
    visitor.get_by_role("button", name="Ik neem de opdracht aan").click()
    expect(visitor.get_by_role("status")).to_contain_text("die is bevestigd")
    assert visitor.context.cookies() == []  # the page set no cookie
    assert _placed(app, title)[0].status is AssignmentStatus.CONFIRMED

    # E-mails: the VP (the assignment with what they need), the client (who), the planners.
    confirmed = _sent(app, box, vp.email, "Nieuwe opdracht")
    assert "Contactpersoon:" in confirmed
    _sent(app, box, app.logins["client"], f"Aanvraag ontvangen: {title}")
    _sent(app, box, app.logins["client"], f"'{title}' is geaccepteerd")
    _sent(app, box, app.logins["client"], f"Uw vertrouwenspersoon: {chosen}")
    _sent(app, box, app.logins["planner"], "Nieuwe aanvraag", title)
    _sent(app, box, app.logins["planner"], f"{chosen} neemt de opdracht aan")

    # Feeds: the VP's own (confirmed) and the client team's (the VP among its members).
    vp_feed = _feed(app, kind=FeedKind.VP_SCHEDULE, trust_person_id=assignment.trust_person_id)
    uid = f"assignment-{assignment.id}@vppool"
    event = next(e for e in vp_feed.walk("VEVENT") if str(e["UID"]) == uid)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Contactpersoon:" in str(event["DESCRIPTION"])
    client_user = _client_user(app)
    team = _feed(
        app,
        kind=FeedKind.ORGANISATION_AVAILABILITY,
        organisation_id=client_user.organisation_id,
    )
    first_name = _first_name(app, assignment.trust_person_id)
    summaries = [str(e["SUMMARY"]) for e in team.walk("VEVENT")]
    assert any(first_name in summary for summary in summaries), summaries[:10]

    # Inboxes, with the unread count in the top bar.
    _inbox_holds(client, app, f"Uw vertrouwenspersoon: {chosen}", f"Aanvraag ontvangen: {title}")
    _inbox_holds(planner, app, f"{chosen} neemt de opdracht aan")
    _with_password(app, vp)
    vp_page = new_context(browser, app).new_page()
    vp_page.goto(app.url("/login"))
    vp_page.get_by_label("E-mailadres").fill(vp.email)
    vp_page.get_by_label("Wachtwoord").fill(PASSWORD)
    vp_page.get_by_role("button", name="Inloggen").click()
    vp_page.wait_for_url(lambda url: "/login" not in url)
    _inbox_holds(vp_page, app, "Nieuwe opdracht", "Gevraagd als vertrouwenspersoon")


def test_the_vp_declines_from_the_e_mail_and_the_planner_is_led_to_the_seat(
    browser: Browser, consent_app: LiveApp, mailbox: tuple[Mailbox, int]
) -> None:
    app = consent_app
    title = "Vervanging zonder ja"
    client = new_context(browser, app).new_page()
    log_in(client, app, "client")
    _file_request_with_wishes(client, app, title)
    planner = new_context(browser, app).new_page()
    log_in(planner, app, "planner")
    chosen = _accept_and_place(planner, app, title)
    _the_vp_declines(browser, app, mailbox[0], planner, title=title, chosen=chosen)


def _the_vp_declines(
    browser: Browser, app: LiveApp, box: Mailbox, planner: Page, *, title: str, chosen: str
) -> None:
    """The VP asked for the placement on ``title`` declines it with the e-mail's link; the
    seat is open again and the planner is told, led to the quick match."""
    confirmations = _confirmations(box, app)
    _, vp = _placed(app, title)
    link = LINK.search(_sent(app, box, vp.email, "Gevraagd als vertrouwenspersoon"))
    assert link
    visitor = new_context(browser, app).new_page()
    visitor.goto(link.group(0))
    # Without a reason: the message sits beside the field, nothing changes.
    visitor.get_by_role("button", name="Afwijzen").click()
    expect(visitor.locator("#reason-error")).to_be_visible()
    expect(visitor.get_by_label("Waarom u de opdracht niet aanneemt")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert _placed(app, title)[0].status is AssignmentStatus.ASKED
    visitor.get_by_label("Waarom u de opdracht niet aanneemt").fill("Te ver van huis")
    visitor.get_by_role("button", name="Afwijzen").click()
    expect(visitor.get_by_role("status")).to_contain_text("de planner zoekt iemand anders")
    row = _placed(app, title)[0]
    assert row.status is AssignmentStatus.DECLINED
    assert row.decline_reason == "Te ver van huis"
    # The link has done its work: opened again, it says how it was answered.
    visitor.goto(link.group(0))
    expect(visitor.get_by_role("status")).to_contain_text("u heeft die afgewezen")
    expect(visitor.get_by_role("button", name="Ik neem de opdracht aan")).to_have_count(0)

    # The planner is told (e-mail and inbox) and led to the quick match of the open seat.
    told = _sent(app, box, app.logins["planner"], f"{chosen} neemt de opdracht niet aan")
    assert "Te ver van huis" in told
    planner.goto(app.url("/inbox"))
    entry = planner.locator("li", has_text=f"{chosen} neemt de opdracht niet aan").first
    expect(entry).to_be_visible()
    entry.get_by_role("button", name="Naar de pagina").click()
    expect(planner).to_have_url(re.compile(rf"/needs/{row.need_id}/quick-match"))
    expect(planner.get_by_role("button", name="Plaatsen").first).to_be_visible()
    # No confirmation reached the client.
    assert _confirmations(box, app) == confirmations


# --------------------------------------------------------------------------- with a shortlist


def _shortlist_and_choice(
    browser: Browser, app: LiveApp, box: Mailbox, title: str
) -> tuple[Page, Page, str]:
    """A request with wishes and "we want to choose"; the planner builds and sends the
    shortlist; the client, told, picks the first candidate. Returns the two pages and the
    name of the VP chosen."""
    client = new_context(browser, app).new_page()
    log_in(client, app, "client")
    _file_request_with_wishes(client, app, title, choose=True)
    planner = new_context(browser, app).new_page()
    log_in(planner, app, "planner")
    _accept(planner, app, title)
    planner.goto(app.url("/needs?status=open&kind=absence_cover"))
    planner.locator("tr", has_text=title).get_by_role("link", name="Shortlist").click()
    planner.get_by_role("button", name="Shortlist samenstellen").click()
    expect(planner.get_by_role("status")).to_contain_text("De shortlist is samengesteld")
    planner.get_by_role("button", name="Naar de klant sturen").click()
    expect(planner.get_by_role("status")).to_contain_text("De shortlist is verstuurd")

    # The client is told (e-mail and inbox) and chooses.
    _sent(app, box, app.logins["client"], f"Kies uw vertrouwenspersoon: {title}")
    _inbox_holds(client, app, f"Kies uw vertrouwenspersoon: {title}")
    client.get_by_role("link", name="Kies uw vertrouwenspersoon").first.click()
    client.get_by_role("link", name=title).click()
    cards = client.locator(".cards .card")
    expect(cards.nth(1)).to_be_visible()  # two or three candidates
    chosen = cards.nth(0).locator("h3").inner_text().split("Voorstel van de planner")[0].strip()
    cards.nth(0).get_by_role("button", name="Kiezen").click()
    expect(client.get_by_role("status")).to_contain_text("uw keuze is doorgegeven")
    # The planner is told of the choice; the VP chosen is asked.
    _sent(app, box, app.logins["planner"], f"kiest {chosen}", title)
    _inbox_holds(planner, app, f"kiest {chosen}")
    return client, planner, chosen


def test_the_client_chooses_from_the_shortlist_and_the_vp_accepts(
    browser: Browser, consent_app: LiveApp, mailbox: tuple[Mailbox, int]
) -> None:
    title = "Wij kiezen en zij zegt ja"
    client, planner, chosen = _shortlist_and_choice(browser, consent_app, mailbox[0], title)
    _the_vp_accepts(browser, consent_app, mailbox[0], (client, planner), title=title, chosen=chosen)


def test_the_client_chooses_from_the_shortlist_and_the_vp_declines(
    browser: Browser, consent_app: LiveApp, mailbox: tuple[Mailbox, int]
) -> None:
    title = "Wij kiezen en zij zegt nee"
    _, planner, chosen = _shortlist_and_choice(browser, consent_app, mailbox[0], title)
    _the_vp_declines(browser, consent_app, mailbox[0], planner, title=title, chosen=chosen)


def _confirmations(box: Mailbox, app: LiveApp) -> int:
    """How many "your trust person" e-mails the client got."""
    return len([s for s, _ in box.to(app.logins["client"]) if "Uw vertrouwenspersoon" in s])


def _client_user(app: LiveApp) -> User:
    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            user = session.exec(select(User).where(User.email == app.logins["client"])).one()
            session.expunge(user)
            return user
    finally:
        engine.dispose()


def _first_name(app: LiveApp, trust_person_id: int) -> str:
    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            person = session.get(TrustPerson, trust_person_id)
            assert person is not None
            return person.first_name
    finally:
        engine.dispose()
