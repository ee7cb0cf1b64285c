"""The VP answers a placement with the personal link of the e-mail or the feed: no login.

Also the placements recorded by hand (``POST /api/v1/assignments`` and the web's
placement), asked of the VP while the VP's consent is on and confirmed at once when off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import make_assignment
from tests.integration.api.world import World
from tests.integration.web.conftest import WEB, csrf_of, login
from vppool.api import create_app
from vppool.db.models import (
    Assignment,
    AuditEntry,
    Need,
    Notification,
    Organisation,
    Site,
    TrustPerson,
    User,
)
from vppool.services import consent
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus

pytestmark = pytest.mark.integration

LINK = re.compile(r"https?://[^/\s]+(/app/answer/\d+/[A-Za-z0-9_-]+)(\?lang=en)?")


@pytest.fixture(name="asking")
def fx_asking(settings: Settings) -> Settings:
    return settings.model_copy(update={"vp_consent": True})


@pytest.fixture(name="asking_client")
def fx_asking_client(asking: Settings, engine: Engine, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(asking, engine=engine)) as client:
        yield client


def _ask(engine: Engine, world: World, settings: Settings) -> int:
    """VP 1 asked for the free seat of organisation two, whose contact and site are known."""
    with Session(engine) as session:
        need = session.get(Need, world["need2_free"])
        person = session.get(TrustPerson, world["vp1"])
        organisation = session.get(Organisation, world["org2"])
        site = session.get(Site, world["site2"])
        assert need is not None
        assert person is not None
        assert organisation is not None
        assert site is not None
        organisation.contact_name = "Hanna de Vries"
        organisation.contact_email = "hr@school-twee.nl"
        site.address = "Schoolstraat 4"
        site.postcode = "3511 AB"
        need.expected_hours_per_month = 4.5
        session.add_all([organisation, site, need])
        row = make_assignment(
            session, need=need, trust_person=person, status=AssignmentStatus.ASKED
        )
        assert row.id is not None
        consent.tell(session, settings, [row.id])
        session.commit()
        return row.id


def _mail(engine: Engine, world: World, role: str, kind: str) -> Notification:
    with Session(engine) as session:
        found = session.exec(
            select(Notification)
            .where(Notification.recipient_email == world.emails[role], Notification.kind == kind)
            .order_by(col(Notification.id).desc())
        ).first()
        assert found is not None, f"{role} got no {kind} message"
        return found


def _link(engine: Engine, world: World) -> str:
    """The path of the answer link in VP 1's e-mail."""
    found = LINK.search(_mail(engine, world, "trust_person", "consent_asked").body)
    assert found, "the e-mail has no answer link"
    return found.group(1)


def _status(engine: Engine, assignment_id: int) -> tuple[AssignmentStatus, str | None]:
    with Session(engine) as session:
        row = session.get(Assignment, assignment_id)
        assert row is not None
        return row.status, row.decline_reason


def test_the_e_mail_says_what_the_vp_needs_and_links_to_the_answer(
    engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    body = _mail(engine, world, "trust_person", "consent_asked").body
    assert "School Twee" in body
    assert "Schoolstraat 4, 3511 AB Utrecht" in body
    assert "Contactpersoon: Hanna de Vries, hr@school-twee.nl" in body
    assert "Uren: 4,5 uur per maand" in body
    assert f"/app/answer/{assignment_id}/" in body
    assert "zonder in te loggen" in body


def test_an_english_vp_reads_the_e_mail_and_the_page_in_english(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == world.emails["trust_person"])).one()
        user.language = "en"
        session.add(user)
        session.commit()
    _ask(engine, world, asking)
    body = _mail(engine, world, "trust_person", "consent_asked").body
    assert "Contact person: Hanna de Vries, hr@school-twee.nl" in body
    assert "Hours: 4.5 a month" in body
    found = LINK.search(body)
    assert found
    assert found.group(2) == "?lang=en"
    page = asking_client.get(found.group(1) + found.group(2))
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "4.5 hours a month" in page.text
    assert "Will you take it?" in page.text


def test_the_vp_accepts_with_the_link_without_logging_in(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)
    asking_client.cookies.clear()
    page = asking_client.get(path)
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert page.headers["cache-control"] == "no-store"
    for fact in ("School Twee", "Tweede VP", "Schoolstraat 4", "Hanna de Vries", "4,5 uur"):
        assert fact in page.text
    assert "Ik neem de opdracht aan" in page.text
    done = asking_client.post(f"{path}/accept")  # no cookie, no CSRF token: the link is the key
    assert done.status_code == 200
    assert "u heeft de opdracht aangenomen; die is bevestigd" in done.text
    assert _status(engine, assignment_id) == (AssignmentStatus.CONFIRMED, None)
    # Audited as the VP, and told as an answer on their page would.
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity_type == "assignment",
                AuditEntry.entity_id == assignment_id,
                AuditEntry.action == "assignment_accepted",
            )
        ).one()
        vp_user = session.exec(select(User).where(User.email == world.emails["trust_person"])).one()
        assert entry.actor_user_id == vp_user.id
        assert "answer link" in entry.actor_label
    _mail(engine, world, "trust_person", "assignment_confirmed")
    assert "neemt de opdracht aan" in _mail(engine, world, "planner", "consent_answered").subject
    # The link stops: the page says it was answered, and how; a second answer is refused.
    again = asking_client.get(path)
    assert "Op deze opdracht is al geantwoord: u heeft die aangenomen." in again.text
    assert "Ik neem de opdracht aan" not in again.text
    assert asking_client.post(f"{path}/accept").status_code == 409
    refused = asking_client.post(f"{path}/decline", data={"reason": "toch niet"})
    assert refused.status_code == 409
    assert _status(engine, assignment_id) == (AssignmentStatus.CONFIRMED, None)


def test_a_decline_by_link_needs_a_reason_said_beside_the_field(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)
    bare = asking_client.post(f"{path}/decline", data={"reason": "  "})
    assert bare.status_code == 422
    assert 'id="reason-error"' in bare.text
    assert 'aria-describedby="reason-error"' in bare.text
    assert _status(engine, assignment_id) == (AssignmentStatus.ASKED, None)
    done = asking_client.post(f"{path}/decline", data={"reason": "Te ver weg"})
    assert done.status_code == 200
    assert "de planner zoekt iemand anders" in done.text
    assert _status(engine, assignment_id) == (AssignmentStatus.DECLINED, "Te ver weg")
    told = _mail(engine, world, "planner", "consent_answered")
    assert "Te ver weg" in told.body
    again = asking_client.get(f"{path}?lang=en")
    assert "This placement was already answered: you declined it." in again.text
    assert "Your reason: Te ver weg" in again.text


def test_a_wrong_or_borrowed_secret_opens_nothing(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)
    secret = path.rsplit("/", 1)[1]
    other = world["assignment1"]
    for wrong in (
        f"{WEB}/answer/{assignment_id}/{secret[:-1]}x",
        f"{WEB}/answer/{assignment_id}/",
        f"{WEB}/answer/{other}/{secret}",  # this secret is not the other assignment's
    ):
        page = asking_client.get(wrong)
        assert page.status_code == 404, wrong
    refused = asking_client.post(f"{WEB}/answer/{other}/{secret}/accept")
    assert refused.status_code == 404
    assert "Deze link werkt niet" in refused.text
    assert _status(engine, assignment_id) == (AssignmentStatus.ASKED, None)


def test_a_withdrawn_placement_says_so_and_takes_no_answer(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)
    with Session(engine) as session:
        row = session.get(Assignment, assignment_id)
        assert row is not None
        row.status = AssignmentStatus.CANCELLED
        session.add(row)
        session.commit()
    page = asking_client.get(path)
    assert "De planner heeft deze opdracht ingetrokken" in page.text
    assert "Ik neem de opdracht aan" not in page.text
    # Where and whom to meet is no longer the link's to tell once the placement is withdrawn.
    assert "Schoolstraat" not in page.text
    assert "Hanna de Vries" not in page.text
    assert asking_client.post(f"{path}/accept").status_code == 409
    assert _status(engine, assignment_id) == (AssignmentStatus.CANCELLED, None)


def test_an_archived_vps_link_no_longer_answers(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)
    assert "Schoolstraat" in asking_client.get(path).text  # the link works while the VP is in
    with Session(engine) as session:
        person = session.get(TrustPerson, world["vp1"])
        assert person is not None
        person.active = False
        session.add(person)
        session.commit()
    page = asking_client.get(path)
    assert page.status_code == 404
    assert "Schoolstraat" not in page.text
    assert asking_client.post(f"{path}/accept").status_code == 404
    assert _status(engine, assignment_id) == (AssignmentStatus.ASKED, None)


def test_the_feed_shows_an_asked_placement_tentative_with_the_same_link(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    assignment_id = _ask(engine, world, asking)
    path = _link(engine, world)

    def event() -> object:
        feed = asking_client.get(f"/feeds/{world.feed_secret}.ics")
        assert feed.status_code == 200
        calendar = Calendar.from_ical(feed.content)
        uid = f"assignment-{assignment_id}@vppool"
        return next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid)

    asked = event()
    assert str(asked["STATUS"]) == "TENTATIVE"  # type: ignore[index]
    assert str(asked["URL"]).endswith(path)  # type: ignore[index]
    assert str(asked["LOCATION"]).startswith("Stadskantoor")  # type: ignore[index]
    description = str(asked["DESCRIPTION"])  # type: ignore[index]
    assert "Contactpersoon: Hanna de Vries, hr@school-twee.nl" in description
    assert "Uren: 4,5 uur per maand" in description
    assert path in description
    asking_client.post(f"{path}/accept")
    confirmed = event()
    assert str(confirmed["STATUS"]) == "CONFIRMED"  # type: ignore[index]
    assert "URL" not in confirmed  # type: ignore[operator]
    with Session(engine) as session:
        row = session.get(Assignment, assignment_id)
        assert row is not None
        assert row.ends_on is None
    assert "Laatste dag: Doorlopend" in str(confirmed["DESCRIPTION"])  # type: ignore[index]


def test_the_vp_page_shows_site_contact_and_hours(
    asking_client: TestClient, engine: Engine, world: World, asking: Settings
) -> None:
    _ask(engine, world, asking)
    login(asking_client, world, "trust_person")
    page = asking_client.get(f"{WEB}/me").text
    assert "Schoolstraat 4, 3511 AB Utrecht" in page
    assert "Hanna de Vries, hr@school-twee.nl" in page
    assert "4,5 uur per maand" in page


# --------------------------------------------------------------------------- by hand


def _by_hand(client: TestClient, engine: Engine, world: World) -> tuple[int, dict[str, object]]:
    """VP 2 recorded by hand on the free seat of organisation two, from its second day."""
    with Session(engine) as session:
        need = session.get(Need, world["need2_free"])
        assert need is not None
        starts_on = need.starts_on + timedelta(days=1)
    response = client.post(
        "/api/v1/assignments",
        json={
            "need_id": world["need2_free"],
            "trust_person_id": world["vp2"],
            "seat": 1,
            "starts_on": starts_on.isoformat(),
        },
        headers=world.auth("planner"),
    )
    return response.status_code, response.json()


def test_a_placement_recorded_by_hand_is_asked_while_consent_is_on(
    asking_client: TestClient, engine: Engine, world: World
) -> None:
    status, body = _by_hand(asking_client, engine, world)
    assert status == 201, body
    assert body["status"] == "asked"
    mail = _mail(engine, world, "trust_person2", "consent_asked")
    assert f"/app/answer/{body['id']}/" in mail.body
    # The asked seat is held: recording another VP on it is refused.
    again = asking_client.post(
        "/api/v1/assignments",
        json={
            "need_id": world["need2_free"],
            "trust_person_id": world["vp1"],
            "seat": 1,
            "starts_on": body["starts_on"],
        },
        headers=world.auth("planner"),
    )
    assert again.status_code == 409


def test_a_placement_recorded_by_hand_is_confirmed_when_consent_is_off(
    app_client: TestClient, engine: Engine, world: World
) -> None:
    status, body = _by_hand(app_client, engine, world)
    assert status == 201, body
    assert body["status"] == "confirmed"
    _mail(engine, world, "trust_person2", "assignment_confirmed")
    with Session(engine) as session:
        asked = session.exec(
            select(Notification).where(Notification.kind == "consent_asked")
        ).first()
        assert asked is None


@pytest.mark.parametrize(("consenting", "expected"), [(True, "asked"), (False, "confirmed")])
def test_the_web_placement_asks_or_confirms(
    settings: Settings, engine: Engine, world: World, consenting: bool, expected: str
) -> None:
    chosen = settings.model_copy(update={"vp_consent": consenting})
    with TestClient(create_app(chosen, engine=engine)) as client:
        login(client, world, "planner")
        page = client.get(f"{WEB}/needs/{world['need2_free']}/quick-match").text
        placed = client.post(
            f"{WEB}/needs/{world['need2_free']}/place",
            data={"_csrf_token": csrf_of(page), "trust_person_id": str(world["vp2"]), "seat": "1"},
        )
        assert placed.status_code == 200, placed.text[-2000:]
    with Session(engine) as session:
        row = session.exec(
            select(Assignment).where(
                Assignment.need_id == world["need2_free"],
                Assignment.trust_person_id == world["vp2"],
            )
        ).one()
        assert row.status.value == expected
