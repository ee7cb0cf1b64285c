"""Assignments: manual confirmed placement, reading, pinning, works-council consent, ending."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.dbutil import table_counts
from tests.factories import (
    day,
    make_assignment,
    make_need,
    make_organisation,
    make_trust_person,
    make_user,
    typed,
)
from vppool.db.models import AuditEntry, Need, TrustPerson, User
from vppool.db.schemas import AssignmentCreate
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vppool.services import assignments as service
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus, Gender, NeedKind, Role

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


def _placement(need: Need, person: TrustPerson, **overrides: Any) -> dict[str, Any]:
    return {
        "need_id": need.id,
        "trust_person_id": person.id,
        "seat": 1,
        "starts_on": need.starts_on,
        **overrides,
    }


# --------------------------------------------------------------------------- create


def test_create_assignment_is_confirmed_and_ends_with_the_need(session: Session) -> None:
    need = make_need(session, starts_on=day(30), ends_on=day(120))
    person = make_trust_person(session)
    created = service.create_assignment(
        session, data=typed(AssignmentCreate, _placement(need, person, seat=1))
    )
    assert created.status is AssignmentStatus.CONFIRMED
    assert (created.starts_on, created.ends_on, created.revision) == (day(30), day(120), 0)
    assert service.get_assignment(session, assignment_id=created.id) == created


def test_create_assignment_refuses_a_proposed_status(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate, _placement(need, make_trust_person(session), status="proposed")
            ),
        )
    assert _fields(caught.value) == {"status"}


def test_create_assignment_refuses_a_seat_beyond_the_needs_seats(session: Session) -> None:
    need = make_need(session, seats=2)
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session,
            data=typed(AssignmentCreate, _placement(need, make_trust_person(session), seat=3)),
        )
    assert _fields(caught.value) == {"seat"}


def test_create_assignment_refuses_a_period_outside_the_needs(session: Session) -> None:
    need = make_need(session, starts_on=day(30), ends_on=day(120))
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate,
                _placement(need, make_trust_person(session), starts_on=day(20), ends_on=day(150)),
            ),
        )
    assert _fields(caught.value) == {"starts_on", "ends_on"}


def test_create_assignment_refuses_end_before_start(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate,
                _placement(need, make_trust_person(session), starts_on=day(40), ends_on=day(35)),
            ),
        )
    assert _fields(caught.value) == {"ends_on"}


def test_create_assignment_with_unknown_trust_person_is_not_found(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(NotFound) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate,
                {**_placement(need, make_trust_person(session)), "trust_person_id": 999},
            ),
        )
    assert caught.value.entity == "trust person"


def test_create_assignment_with_unknown_need_is_not_found(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(NotFound) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate,
                {"need_id": 999, "trust_person_id": person.id, "seat": 1, "starts_on": day(1)},
            ),
        )
    assert caught.value.entity == "need"


def test_create_assignment_refuses_a_need_that_is_not_open(session: Session) -> None:
    need = make_need(session, status="requested")
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session, data=typed(AssignmentCreate, _placement(need, make_trust_person(session)))
        )
    assert _fields(caught.value) == {"need_id"}


def test_create_assignment_refuses_an_inactive_trust_person(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(ValidationFailed) as caught:
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate, _placement(need, make_trust_person(session, active=False))
            ),
        )
    assert _fields(caught.value) == {"trust_person_id"}


def test_create_assignment_refuses_a_seat_that_is_taken(session: Session) -> None:
    need = make_need(session, seats=2)
    make_assignment(session, need=need, trust_person=make_trust_person(session), seat=1)
    with pytest.raises(Conflict, match=r"seat 1 .* already has a confirmed trust person"):
        service.create_assignment(
            session, data=typed(AssignmentCreate, _placement(need, make_trust_person(session)))
        )


def test_create_assignment_refuses_the_same_person_twice_on_a_need(session: Session) -> None:
    need = make_need(session, seats=2)
    person = make_trust_person(session)
    make_assignment(session, need=need, trust_person=person, seat=1)
    with pytest.raises(Conflict, match="already holds a confirmed seat"):
        service.create_assignment(
            session, data=typed(AssignmentCreate, _placement(need, person, seat=2))
        )


def _race_past_the_up_front_check(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch, *, same_person: bool
) -> Conflict:
    """Place a second trust person as if a concurrent request passed the up-front check."""
    need = make_need(session, seats=2)
    person = make_trust_person(session)
    make_assignment(session, need=need, trust_person=person, seat=1)
    other = person if same_person else make_trust_person(session)
    session.commit()
    before = table_counts(engine)
    monkeypatch.setattr(service, "_refuse_taken", lambda *_args: None)
    with pytest.raises(Conflict) as caught:
        service.create_assignment(
            session,
            data=typed(AssignmentCreate, _placement(need, other, seat=2 if same_person else 1)),
        )
    session.rollback()
    assert table_counts(engine) == before
    return caught.value


def test_unique_index_on_confirmed_seat_becomes_a_conflict(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _race_past_the_up_front_check(session, engine, monkeypatch, same_person=False)
    assert "seat 1 of need" in error.message
    assert "already has a confirmed trust person" in error.message


def test_unique_index_on_confirmed_person_becomes_a_conflict(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _race_past_the_up_front_check(session, engine, monkeypatch, same_person=True)
    assert "already holds a confirmed seat" in error.message


def test_a_successor_may_take_an_ended_seat_after_its_end(session: Session) -> None:
    need = make_need(session, starts_on=day(0))
    first = make_assignment(session, need=need, trust_person=make_trust_person(session))
    service.end_assignment(session, assignment_id=first.id, on=day(60))
    with pytest.raises(Conflict, match="may not overlap"):
        service.create_assignment(
            session,
            data=typed(
                AssignmentCreate, _placement(need, make_trust_person(session), starts_on=day(59))
            ),
        )
    successor = service.create_assignment(
        session,
        data=typed(
            AssignmentCreate, _placement(need, make_trust_person(session), starts_on=day(60))
        ),
    )
    assert successor.seat == 1


def test_assignment_creation_is_audited(session: Session) -> None:
    user = make_user(session)
    need = make_need(session)
    person = make_trust_person(session)
    created = service.create_assignment(
        session,
        data=typed(AssignmentCreate, _placement(need, person)),
        viewer=Viewer(user.id, Role.PLANNER, "Planner"),
    )
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.actor_user_id) == (
        "assignment_created",
        "assignment",
        created.id,
        user.id,
    )
    assert entry.details == {
        "need_id": need.id,
        "trust_person_id": person.id,
        "seat": 1,
        "status": "confirmed",
    }


# --------------------------------------------------------------------------- list


def test_list_assignments_filters_on_need_person_organisation_and_status(
    session: Session,
) -> None:
    first, second = make_organisation(session), make_organisation(session)
    need_a = make_need(session, organisation=first, seats=2)
    need_b = make_need(session, organisation=second)
    anna, bert = make_trust_person(session), make_trust_person(session)
    a1 = make_assignment(session, need=need_a, trust_person=anna, seat=1)
    a2 = make_assignment(session, need=need_a, trust_person=bert, seat=2, status="proposed")
    b1 = make_assignment(session, need=need_b, trust_person=anna)

    def ids(**filters: Any) -> list[int | None]:
        return [
            a.id
            for a in service.list_assignments(session, service.AssignmentQuery(**filters)).items
        ]

    assert ids(need_id=need_a.id) == [a1.id, a2.id]
    assert ids(trust_person_id=anna.id) == [a1.id, b1.id]
    assert ids(organisation_id=second.id) == [b1.id]
    assert ids(status="proposed") == [a2.id]
    assert ids(organisation_id=first.id, status="confirmed") == [a1.id]
    page = service.list_assignments(
        session, service.AssignmentQuery(limit=1, offset=1, sort="-created_at")
    )
    assert ([a.id for a in page.items], page.total) == ([a2.id], 3)


def test_list_assignments_refuses_unknown_status(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.list_assignments(session, service.AssignmentQuery(status="done"))
    assert _fields(caught.value) == {"status"}


def test_get_unknown_assignment_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_assignment(session, assignment_id=5)


# --------------------------------------------------------------------------- changes


def test_set_pinned_bumps_revision_and_updated_at(session: Session) -> None:
    assignment = make_assignment(
        session, need=make_need(session), trust_person=make_trust_person(session)
    )
    pinned = service.set_pinned(session, assignment_id=assignment.id, pinned=True)
    assert (pinned.pinned, pinned.revision) == (True, 1)
    assert pinned.updated_at > assignment.created_at
    released = service.set_pinned(session, assignment_id=assignment.id, pinned=False)
    assert (released.pinned, released.revision) == (False, 2)
    actions = session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all()
    assert actions == ["assignment_pinned", "assignment_unpinned"]


def test_set_pinned_refuses_an_ended_assignment(session: Session) -> None:
    assignment = make_assignment(
        session,
        need=make_need(session),
        trust_person=make_trust_person(session),
        status="ended",
        ends_on=None,
    )
    with pytest.raises(Conflict):
        service.set_pinned(session, assignment_id=assignment.id, pinned=True)


def test_record_works_council_consent_on_a_confirmed_standing_assignment(
    session: Session,
) -> None:
    assignment = make_assignment(
        session, need=make_need(session, kind="standing"), trust_person=make_trust_person(session)
    )
    recorded = service.record_works_council_consent(
        session, assignment_id=assignment.id, consent_on=day(-5)
    )
    assert (recorded.works_council_consent_on, recorded.revision) == (day(-5), 1)


def test_works_council_consent_refused_for_a_need_that_is_not_standing(
    session: Session,
) -> None:
    need = make_need(session, kind="absence_cover", ends_on=day(100))
    assignment = make_assignment(session, need=need, trust_person=make_trust_person(session))
    with pytest.raises(ValidationFailed) as caught:
        service.record_works_council_consent(
            session, assignment_id=assignment.id, consent_on=day(0)
        )
    assert _fields(caught.value) == {"works_council_consent_on"}
    assert "absence_cover, not standing" in caught.value.errors[0].message


def test_works_council_consent_refused_for_a_proposed_assignment(session: Session) -> None:
    assignment = make_assignment(
        session,
        need=make_need(session),
        trust_person=make_trust_person(session),
        status="proposed",
    )
    with pytest.raises(ValidationFailed) as caught:
        service.record_works_council_consent(
            session, assignment_id=assignment.id, consent_on=day(0)
        )
    assert "proposed, not confirmed" in caught.value.errors[0].message


def test_end_assignment_sets_the_end_and_status(session: Session) -> None:
    assignment = make_assignment(
        session, need=make_need(session, starts_on=day(0)), trust_person=make_trust_person(session)
    )
    ended = service.end_assignment(session, assignment_id=assignment.id, on=day(45))
    assert (ended.status, ended.ends_on, ended.revision) == (AssignmentStatus.ENDED, day(45), 1)
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.details["ends_on"]) == ("assignment_ended", day(45).isoformat())


def test_end_assignment_refuses_a_date_not_after_the_start(session: Session) -> None:
    assignment = make_assignment(
        session, need=make_need(session, starts_on=day(10)), trust_person=make_trust_person(session)
    )
    with pytest.raises(ValidationFailed) as caught:
        service.end_assignment(session, assignment_id=assignment.id, on=day(10))
    assert _fields(caught.value) == {"on"}


def test_end_assignment_cannot_extend_an_agreed_end(session: Session) -> None:
    need = make_need(session, starts_on=day(0), ends_on=day(90))
    assignment = make_assignment(session, need=need, trust_person=make_trust_person(session))
    with pytest.raises(ValidationFailed) as caught:
        service.end_assignment(session, assignment_id=assignment.id, on=day(120))
    assert _fields(caught.value) == {"on"}


def test_end_assignment_refuses_a_proposal(session: Session) -> None:
    assignment = make_assignment(
        session,
        need=make_need(session),
        trust_person=make_trust_person(session),
        status="proposed",
    )
    with pytest.raises(Conflict, match="only confirmed"):
        service.end_assignment(session, assignment_id=assignment.id, on=day(100))


# --------------------------------------------------------------------------- scoping


def _viewer(user: User) -> Viewer:
    assert user.id is not None
    return Viewer(
        user_id=user.id,
        role=user.role,
        label=user.display_name,
        organisation_id=user.organisation_id,
        trust_person_id=user.trust_person_id,
    )


@pytest.fixture(name="plan")
def fx_plan(session: Session) -> dict[str, Any]:
    """Organisation A with a confirmed, an ended and a proposed assignment; B with one."""
    a, b = make_organisation(session, name="A"), make_organisation(session, name="B")
    first = make_trust_person(
        session, last_name="Aa", gender=Gender.FEMALE, gender_visible_to_clients=True
    )
    second = make_trust_person(session, last_name="Bb", gender=Gender.MALE, birth_year=1970)
    standing = make_need(session, organisation=a, seats=3)
    aftercare = make_need(
        session, organisation=a, kind=NeedKind.AFTERCARE, title="Nazorg", ends_on=day(120)
    )
    other = make_need(session, organisation=b)
    rows = {
        "confirmed": make_assignment(session, need=standing, trust_person=first),
        "ended": make_assignment(
            session,
            need=aftercare,
            trust_person=first,
            status=AssignmentStatus.ENDED,
            ends_on=day(60),
        ),
        "proposed": make_assignment(
            session, need=standing, trust_person=second, seat=2, status=AssignmentStatus.PROPOSED
        ),
        "second_confirmed": make_assignment(session, need=standing, trust_person=second, seat=3),
        "other": make_assignment(session, need=other, trust_person=second),
    }
    return {
        **{name: row.id for name, row in rows.items()},
        "a": a.id,
        "b": b.id,
        "first": first.id,
        "second": second.id,
        "client": _viewer(make_user(session, role="client", organisation_id=a.id)),
        "vp": _viewer(make_user(session, role="trust_person", trust_person_id=first.id)),
    }


def test_a_client_sees_the_agreed_assignments_of_their_organisation(
    session: Session, plan: dict[str, Any]
) -> None:
    client = plan["client"]
    page = service.list_assignments(session, service.AssignmentQuery(), viewer=client)
    assert {a.id for a in page.items} == {
        plan["confirmed"],
        plan["ended"],
        plan["second_confirmed"],
    }
    assert service.get_assignment(session, assignment_id=plan["ended"], viewer=client)
    for hidden in ("proposed", "other"):
        with pytest.raises(NotFound):
            service.get_assignment(session, assignment_id=plan[hidden], viewer=client)


def test_a_trust_person_sees_their_own_agreed_assignments(
    session: Session, plan: dict[str, Any]
) -> None:
    vp = plan["vp"]
    page = service.list_assignments(session, service.AssignmentQuery(), viewer=vp)
    assert {a.id for a in page.items} == {plan["confirmed"], plan["ended"]}
    with pytest.raises(NotFound):
        service.get_assignment(session, assignment_id=plan["other"], viewer=vp)


def test_own_assignments_name_the_organisation_and_the_kind_of_need(
    session: Session, plan: dict[str, Any]
) -> None:
    page = service.own_assignments(session, service.OwnAssignmentQuery(), viewer=plan["vp"])
    # the latest start first; both start with their needs, so the later id comes first
    assert [(a.id, a.organisation_name, a.need_kind) for a in page.items] == [
        (plan["ended"], "A", NeedKind.AFTERCARE),
        (plan["confirmed"], "A", NeedKind.STANDING),
    ]
    ended = service.own_assignments(
        session, service.OwnAssignmentQuery(status="ended"), viewer=plan["vp"]
    )
    assert [a.id for a in ended.items] == [plan["ended"]]
    with pytest.raises(PermissionDenied):
        service.own_assignments(session, service.OwnAssignmentQuery(), viewer=plan["client"])


def test_the_team_shows_confirmed_trust_persons_as_the_client_sees_them(
    session: Session, plan: dict[str, Any]
) -> None:
    team = service.own_team(session, viewer=plan["client"])
    assert [m.trust_person.id for m in team] == [plan["first"], plan["second"]]
    first, second = team
    assert first.trust_person.gender is Gender.FEMALE  # shared
    assert second.trust_person.gender is None  # not shared
    assert "birth_year" not in second.trust_person.model_dump()
    assert [a.assignment_id for a in first.assignments] == [plan["confirmed"]]
    with pytest.raises(NotFound):
        service.organisation_team(session, organisation_id=plan["b"], viewer=plan["client"])
    with pytest.raises(PermissionDenied):
        service.own_team(session, viewer=plan["vp"])


def test_changing_assignments_is_for_planners(session: Session, plan: dict[str, Any]) -> None:
    for viewer in (plan["client"], plan["vp"]):
        with pytest.raises(PermissionDenied):
            service.set_pinned(session, assignment_id=plan["confirmed"], pinned=True, viewer=viewer)
        with pytest.raises(PermissionDenied):
            service.end_assignment(
                session, assignment_id=plan["confirmed"], on=day(90), viewer=viewer
            )
