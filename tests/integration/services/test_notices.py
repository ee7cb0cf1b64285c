"""Everyone told in their own language: requests, decisions, confirmed and ending assignments,
in the inbox and (as each user chose) by e-mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import (
    make_assignment,
    make_need,
    make_organisation,
    make_site,
    make_trust_person,
    make_user,
    typed,
    viewer_of,
)
from vppool.db.models import Notification, User
from vppool.db.schemas import AssignmentCreate, NeedDecline, NeedRequest
from vppool.errors import ValidationFailed
from vppool.services import assignments, needs, notices, notifications
from vppool.settings import Settings
from vppool.vocab import NeedKind, NeedStatus, Role

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 3)


def _messages(session: Session, user: User) -> list[Notification]:
    return list(
        session.exec(
            select(Notification)
            .where(Notification.recipient_user_id == user.id)
            .order_by(col(Notification.id))
        ).all()
    )


def _request() -> NeedRequest:
    return typed(
        NeedRequest,
        {
            "kind": "absence_cover",
            "title": "Vervanging interne vertrouwenspersoon",
            "description": "Liefst iemand die Turks spreekt",
            "scopes": ["unwanted_behaviour"],
            "languages": ["nl"],
            "starts_on": "2026-12-14",
            "ends_on": "2026-12-19",
            "expected_hours_per_month": 6.5,
        },
    )


def test_a_request_tells_every_planner_in_their_language_and_the_decision_tells_the_contact(
    engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        org = make_organisation(session, name="Gemeente Zeist")
        dutch = make_user(session)
        english = make_user(session, role=Role.ADMIN, language="en")
        make_user(session, active=False)  # an inactive planner hears nothing
        contact = make_user(session, role=Role.CLIENT, organisation_id=org.id, email="hr@zeist.nl")
        assert org.id is not None
        need = needs.request_need(
            session, organisation_id=org.id, data=_request(), viewer=viewer_of(contact), today=TODAY
        )
        (nl,) = _messages(session, dutch)
        assert (
            nl.subject
            == "Nieuwe aanvraag van Gemeente Zeist: Vervanging interne vertrouwenspersoon"
        )
        # The period reads to its last day (the stored end, the 19th, is exclusive).
        assert "14 december 2026 \u2013 18 december 2026" in nl.body
        assert "6,5 uur per maand" in nl.body
        assert "Liefst iemand die Turks spreekt" in nl.body
        assert nl.link == "/needs?status=requested"
        (en,) = _messages(session, english)
        assert en.subject.startswith("New request from Gemeente Zeist")
        assert "14 December 2026 \u2013 18 December 2026" in en.body
        assert sum(len(_messages(session, u)) for u in (dutch, english)) == 2
        # The contact who filed it gets a receipt, in their language.
        (receipt,) = _messages(session, contact)
        assert receipt.subject == "Aanvraag ontvangen: Vervanging interne vertrouwenspersoon"
        assert "14 december 2026 \u2013 18 december 2026" in receipt.body
        assert receipt.kind == "request_received"
        assert receipt.link == "/requests"

        contact.email_off = ["request_decided"]
        session.add(contact)
        needs.decline_request(
            session,
            need_id=need.id,
            data=typed(NeedDecline, {"reason": "Wij hebben niemand vrij"}),
            viewer=viewer_of(dutch),
        )
        _, decided = _messages(session, contact)
        assert decided.subject == "Uw aanvraag 'Vervanging interne vertrouwenspersoon' is afgewezen"
        assert "Toelichting: Wij hebben niemand vrij" in decided.body
        # The contact chose the inbox only for decisions: no e-mail is sent.
        assert decided.by_email is False
        sent, failed = notifications.send_pending(session, settings)
        session.refresh(decided)
        assert decided.sent_at is None
        assert sent == 3  # the two planners' messages and the receipt
        assert failed == 0


def test_a_confirmed_assignment_tells_the_vp_where_and_when_and_the_client_who(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        org = make_organisation(
            session, name="Zorggroep Oost", contact_name="Ellen Smit", contact_email="e@oost.nl"
        )
        make_site(
            session,
            organisation=org,
            name="Hoofdkantoor",
            address="Stationsplein 1",
            postcode="3511 AA",
            is_main=True,
        )
        person = make_trust_person(session, first_name="Elif", last_name="Şahin")
        vp_user = make_user(
            session, role=Role.TRUST_PERSON, trust_person_id=person.id, language="nl"
        )
        contact = make_user(session, role=Role.CLIENT, organisation_id=org.id, language="en")
        planner = make_user(session)
        need = make_need(
            session,
            organisation=org,
            title="Vaste vertrouwenspersoon",
            starts_on=date(2027, 1, 1),
            ends_on=date(2028, 1, 1),
            expected_hours_per_month=4,
        )
        assignments.create_assignment(
            session,
            data=typed(
                AssignmentCreate,
                {
                    "need_id": need.id,
                    "trust_person_id": person.id,
                    "seat": 1,
                    "starts_on": "2027-01-01",
                },
            ),
            viewer=viewer_of(planner),
        )
        (told,) = _messages(session, vp_user)
        assert told.subject == "Nieuwe opdracht: Zorggroep Oost"
        assert "Periode: 1 januari 2027 \u2013 31 december 2027" in told.body
        assert "Uren: 4 uur per maand" in told.body
        assert "Locatie: Hoofdkantoor, Stationsplein 1, 3511 AA Utrecht" in told.body
        assert "Contactpersoon: Ellen Smit, e@oost.nl" in told.body
        (client,) = _messages(session, contact)
        assert client.subject == "Your trust person: Elif Şahin"
        assert "1 January 2027 \u2013 31 December 2027" in client.body
        assert client.kind == "assignment_confirmed"


def test_an_assignment_ending_within_two_weeks_is_announced_once(engine: Engine) -> None:
    with Session(engine) as session:
        org = make_organisation(session, name="School Noord")
        person = make_trust_person(session, first_name="Bram", last_name="de Vries")
        vp_user = make_user(session, role=Role.TRUST_PERSON, trust_person_id=person.id)
        contact = make_user(session, role=Role.CLIENT, organisation_id=org.id)
        need = make_need(
            session,
            organisation=org,
            kind=NeedKind.ABSENCE_COVER,
            status=NeedStatus.OPEN,
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=15),
        )
        later = make_need(
            session,
            organisation=org,
            starts_on=TODAY - timedelta(days=30),
            ends_on=TODAY + timedelta(days=16),
        )
        make_assignment(session, need=need, trust_person=person)
        make_assignment(session, need=later, trust_person=person)
        # The first ends on the 17th (its last day, 14 days from today); the second a day later.
        assert notices.assignments_ending(session, TODAY) == 2
        assert notices.assignments_ending(session, TODAY) == 0
        (vp_told,) = _messages(session, vp_user)
        assert vp_told.subject == "Opdracht eindigt op 17 december 2026: School Noord"
        assert vp_told.body.startswith("Uw opdracht bij School Noord")
        assert "\nLocatie: " in vp_told.body
        assert "\nContactpersoon: " in vp_told.body
        (client,) = _messages(session, contact)
        assert client.subject == "Opdracht van Bram de Vries eindigt op 17 december 2026"
        assert "tot en met 17 december 2026 uw vertrouwenspersoon" in client.body
        assert "onder Aanvragen" in client.body
        assert (client.kind, client.link) == ("assignment_ending", "/requests")


def test_the_inbox_is_the_users_own_and_marks_read(engine: Engine) -> None:
    with Session(engine) as session:
        mine = make_user(session)
        other = make_user(session)
        for number, (user, kind) in enumerate(
            [(mine, "request_received"), (mine, "user_password_reset"), (other, "request_received")]
        ):
            notifications.enqueue(
                session,
                kind=kind,
                recipient=user,
                subject=f"bericht {number}",
                body="tekst",
                dedupe_key=f"test:{number}",
            )
        me = viewer_of(mine)
        page = notifications.inbox(session, me)
        # A one-time link (password reset) stays in the e-mail, out of the inbox.
        assert [entry.subject for entry in page.items] == ["bericht 0"]
        assert notifications.unread_count(session, me) == 1
        assert notifications.mark_read(session, viewer_of(other), [page.items[0].id]) == 0
        assert notifications.unread_count(session, me) == 1
        assert notifications.mark_read(session, me) == 1
        assert notifications.unread_count(session, me) == 0
        assert notifications.inbox(session, me).items[0].read is True


def test_message_settings_keep_the_language_and_the_email_choices(engine: Engine) -> None:
    with Session(engine) as session:
        me = viewer_of(make_user(session))
        assert notifications.message_settings(session, me).email["assignment_confirmed"] is True
        kept = notifications.set_message_settings(
            session, me, language="en", email=["request_received"]
        )
        assert kept.language == "en"
        assert kept.email["request_received"] is True
        assert kept.email["assignment_confirmed"] is False
        with pytest.raises(ValidationFailed, match="Dutch"):
            notifications.set_message_settings(session, me, language="de", email=[])
        with pytest.raises(ValidationFailed, match="Unknown kinds"):
            notifications.set_message_settings(session, me, language="nl", email=["spam"])
