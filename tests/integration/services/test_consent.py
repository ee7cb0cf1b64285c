"""The VP's consent: a placement waits for its VP, who accepts (confirmed) or declines."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import make_user, typed, viewer_of
from tests.integration.seed import run_matching, seed_small_pool
from vppool.db.models import Assignment, AuditEntry, Need, Notification, User
from vppool.db.schemas import ConsentAnswer
from vppool.errors import Conflict, NotFound, ValidationFailed
from vppool.services import consent, matching, trust_persons
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, Role

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)


@dataclass
class Pool:
    ids: dict[str, int]
    users: dict[str, int]


@pytest.fixture(name="asking")
def fx_asking(settings: Settings) -> Settings:
    return settings.model_copy(update={"vp_consent": True})


@pytest.fixture(name="pool")
def fx_pool(engine: Engine) -> Pool:
    ids = seed_small_pool(engine)
    with Session(engine) as session:
        school = session.get(Need, ids["school"])
        assert school is not None
        users = {
            "planner": make_user(session).id,
            "bram": make_user(
                session, email="bram@vp.nl", role=Role.TRUST_PERSON, trust_person_id=ids["bram"]
            ).id,
            "anna": make_user(
                session, email="anna@vp.nl", role=Role.TRUST_PERSON, trust_person_id=ids["anna"]
            ).id,
            "client": make_user(
                session,
                email="hr@school.nl",
                role=Role.CLIENT,
                organisation_id=school.organisation_id,
            ).id,
        }
        session.commit()
    return Pool(ids, {name: int(user_id) for name, user_id in users.items() if user_id})


def _viewer(session: Session, user_id: int) -> Viewer:
    user = session.get(User, user_id)
    assert user is not None
    return viewer_of(user)


def _kinds(session: Session, user_id: int) -> list[str]:
    return list(
        session.exec(
            select(Notification.kind)
            .where(Notification.recipient_user_id == user_id)
            .order_by(col(Notification.id))
        ).all()
    )


def _place_bram(engine: Engine, settings: Settings, pool: Pool) -> int:
    with Session(engine) as session:
        assignment_id = matching.override_seat(
            session,
            settings,
            need_id=pool.ids["school"],
            seat=1,
            trust_person_id=pool.ids["bram"],
            today=TODAY,
        )
        session.commit()
    return assignment_id


def _answer(engine: Engine, pool: Pool, who: str, assignment_id: int, **answer: object) -> None:
    with Session(engine) as session:
        consent.answer(
            session,
            assignment_id=assignment_id,
            data=typed(ConsentAnswer, answer),
            viewer=_viewer(session, pool.users[who]),
        )
        session.commit()


def _status(session: Session, assignment_id: int) -> AssignmentStatus:
    row = session.get(Assignment, assignment_id)
    assert row is not None
    return row.status


def _held_seats(engine: Engine, settings: Settings) -> set[tuple[int, int]]:
    with Session(engine) as session:
        instance = matching.build_instance(session, settings, today=TODAY).instance
    return {(a.need_id, a.seat) for a in instance.assignments}


def test_a_placement_asks_the_vp_and_holds_the_seat_until_they_answer(
    engine: Engine, asking: Settings, pool: Pool
) -> None:
    assignment_id = _place_bram(engine, asking, pool)
    with Session(engine) as session:
        assert _status(session, assignment_id) is AssignmentStatus.ASKED
        assert _kinds(session, pool.users["bram"]) == ["consent_asked"]
        assert _kinds(session, pool.users["client"]) == []  # not told before the VP agrees
    assert (pool.ids["school"], 1) in _held_seats(engine, asking)


def test_an_accepted_placement_is_confirmed_and_everyone_is_told(
    engine: Engine, asking: Settings, pool: Pool
) -> None:
    assignment_id = _place_bram(engine, asking, pool)
    _answer(engine, pool, "bram", assignment_id, accept=True)
    with Session(engine) as session:
        assert _status(session, assignment_id) is AssignmentStatus.CONFIRMED
        assert _kinds(session, pool.users["bram"]) == ["consent_asked", "assignment_confirmed"]
        assert _kinds(session, pool.users["client"]) == ["assignment_confirmed"]
        assert _kinds(session, pool.users["planner"]) == ["consent_answered"]
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == assignment_id)
        ).all()
        assert "assignment_accepted" in actions
    with Session(engine) as session, pytest.raises(Conflict):
        consent.answer(
            session,
            assignment_id=assignment_id,
            data=ConsentAnswer(accept=False, reason="toch niet"),
            viewer=_viewer(session, pool.users["bram"]),
        )


def test_a_decline_reopens_the_seat_and_leads_the_planner_to_the_quick_match(
    engine: Engine, asking: Settings, pool: Pool
) -> None:
    assignment_id = _place_bram(engine, asking, pool)
    _answer(engine, pool, "bram", assignment_id, accept=False, reason="Ik ken de directeur")
    with Session(engine) as session:
        row = session.get(Assignment, assignment_id)
        assert row is not None
        assert (row.status, row.decline_reason) == (
            AssignmentStatus.DECLINED,
            "Ik ken de directeur",
        )
        (told,) = session.exec(
            select(Notification).where(Notification.recipient_user_id == pool.users["planner"])
        ).all()
        assert told.link == f"/needs/{pool.ids['school']}/quick-match?seat=1"
        assert "Ik ken de directeur" in told.body
        assert "afgewezen" in told.subject or "niet aan" in told.subject
        assert _kinds(session, pool.users["client"]) == []
    assert (pool.ids["school"], 1) not in _held_seats(engine, asking)
    again = _place_bram(engine, asking, pool)  # the seat can be offered again
    assert again != assignment_id


def test_only_the_vp_asked_answers_and_a_decline_needs_a_reason(
    engine: Engine, asking: Settings, pool: Pool
) -> None:
    assignment_id = _place_bram(engine, asking, pool)
    with pytest.raises(NotFound):
        _answer(engine, pool, "anna", assignment_id, accept=True)
    with pytest.raises(ValidationFailed) as refused:
        _answer(engine, pool, "bram", assignment_id, accept=False, reason="  ")
    assert [e.field for e in refused.value.errors] == ["reason"]


@pytest.mark.parametrize("by", ["login", "link"])
def test_an_answer_at_the_moment_the_vp_is_archived_comes_after_the_withdrawal(
    engine: Engine, asking: Settings, pool: Pool, by: str
) -> None:
    """Archiving withdraws the ask; an acceptance racing it must not bring it back.

    The archiving holds its transaction open while the VP accepts in another; the answer
    waits for it and then finds the placement withdrawn (PostgreSQL: without the row lock
    the acceptance overwrote the withdrawal once the archiving committed).
    """
    assignment_id = _place_bram(engine, asking, pool)
    with Session(engine) as session:
        viewer = _viewer(session, pool.users["bram"])
    outcome: list[str] = []

    def accept() -> None:
        with Session(engine) as session:
            yes = typed(ConsentAnswer, {"accept": True})
            try:
                if by == "login":
                    consent.answer(session, assignment_id=assignment_id, data=yes, viewer=viewer)
                else:
                    secret = consent.answer_url(asking, assignment_id).rsplit("/", 1)[1]
                    consent.answer_by_link(session, asking, assignment_id, secret, yes)
                session.commit()
                outcome.append("accepted")
            except (Conflict, NotFound):  # withdrawn; by link: the archived VP's link is dead
                session.rollback()
                outcome.append("refused")

    with Session(engine) as archiving:
        trust_persons.deactivate_trust_person(archiving, trust_person_id=pool.ids["bram"])
        answering = threading.Thread(target=accept)
        answering.start()
        time.sleep(1.5)  # the answer is under way, waiting for the archiving's lock
        archiving.commit()
    answering.join(timeout=30)
    assert outcome == ["refused"]
    with Session(engine) as session:
        assert _status(session, assignment_id) is AssignmentStatus.CANCELLED


def test_a_confirmed_run_asks_its_vps(engine: Engine, asking: Settings, pool: Pool) -> None:
    summary = run_matching(engine, asking, TODAY)
    with Session(engine) as session:
        ids = matching.confirm_run(session, asking, summary.id, today=TODAY)
        session.commit()
        statuses = set(
            session.exec(select(Assignment.status).where(col(Assignment.id).in_(ids))).all()
        )
        assert statuses == {AssignmentStatus.ASKED}
        asked = session.exec(
            select(Assignment).where(
                col(Assignment.id).in_(ids), Assignment.trust_person_id == pool.ids["bram"]
            )
        ).all()
        assert asked  # Bram lives next to the school
        assert _kinds(session, pool.users["bram"]) == ["consent_asked"] * len(asked)


def test_without_consent_a_placement_is_confirmed_at_once(
    engine: Engine, settings: Settings, pool: Pool
) -> None:
    assignment_id = _place_bram(engine, settings, pool)
    with Session(engine) as session:
        assert _status(session, assignment_id) is AssignmentStatus.CONFIRMED
        assert _kinds(session, pool.users["bram"]) == ["assignment_confirmed"]
