"""Needs: create (open) and request (requested), read, update with cross-field rules, list;
accepting and declining requests, scoping by viewer, and double submits."""

from __future__ import annotations

import threading
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
    make_site,
    make_trust_person,
    make_user,
    need_data,
    typed,
)
from vppool.db.models import AuditEntry, Need, Notification, User
from vppool.db.schemas import NeedCreate, NeedDecline, NeedRequest, NeedSubmit, NeedUpdate
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vppool.services import needs as service
from vppool.services.access import Viewer
from vppool.vocab import NeedStatus, Role

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


# --------------------------------------------------------------------------- create


def test_create_need_is_open_at_its_organisations_site(session: Session) -> None:
    organisation = make_organisation(session)
    site = make_site(session, organisation=organisation)
    need = service.create_need(
        session,
        organisation_id=organisation.id,
        data=typed(NeedCreate, need_data(site_id=site.id, seats=2)),
    )
    assert (need.status, need.organisation_id, need.site_id, need.seats) == (
        NeedStatus.OPEN,
        organisation.id,
        site.id,
        2,
    )
    assert need.requested_by_user_id is None
    assert service.get_need(session, need_id=need.id) == need


def test_need_filed_by_a_client_is_requested_by_that_user(session: Session) -> None:
    organisation = make_organisation(session)
    client = make_user(session, role="client", organisation_id=organisation.id)
    need = service.request_need(
        session,
        organisation_id=organisation.id,
        data=typed(NeedRequest, need_data(kind="aftercare", ends_on=day(90))),
        viewer=Viewer(client.id, Role.CLIENT, "HR", organisation_id=organisation.id),
        today=day(0),
    )
    assert (need.status, need.requested_by_user_id) == (NeedStatus.REQUESTED, client.id)


def test_create_need_refuses_a_site_of_another_organisation(session: Session) -> None:
    organisation = make_organisation(session)
    foreign_site = make_site(session, organisation=make_organisation(session))
    with pytest.raises(ValidationFailed) as caught:
        service.create_need(
            session,
            organisation_id=organisation.id,
            data=typed(NeedCreate, need_data(site_id=foreign_site.id)),
        )
    assert _fields(caught.value) == {"site_id"}


def test_create_need_for_unknown_organisation_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.create_need(session, organisation_id=31337, data=typed(NeedCreate, need_data()))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"languages": ["nl", "xx"]}, "languages"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["finance"]}, "scopes"),
        ({"seats": 0}, "seats"),
        ({"starts_on": day(60), "ends_on": day(30)}, "ends_on"),
        ({"expected_hours_per_month": -1}, "expected_hours_per_month"),
        ({"urgency": "asap"}, "urgency"),
    ],
)
def test_create_need_refuses_bad_field(
    session: Session, overrides: dict[str, object], field: str
) -> None:
    organisation = make_organisation(session)
    with pytest.raises(ValidationFailed) as caught:
        service.create_need(
            session, organisation_id=organisation.id, data=typed(NeedCreate, need_data(**overrides))
        )
    assert _fields(caught.value) == {field}


def test_failed_need_create_leaves_every_table_unchanged(session: Session, engine: Engine) -> None:
    organisation = make_organisation(session)
    session.commit()
    before = table_counts(engine)
    with pytest.raises(ValidationFailed):
        service.create_need(
            session, organisation_id=organisation.id, data=typed(NeedCreate, need_data(seats=0))
        )
    session.rollback()
    assert table_counts(engine) == before


# --------------------------------------------------------------------------- update


def test_update_need_changes_given_fields_and_bumps_updated_at(session: Session) -> None:
    need = make_need(session)
    before = service.get_need(session, need_id=need.id)
    after = service.update_need(
        session,
        need_id=need.id,
        data=typed(NeedUpdate, {"urgency": "critical", "ends_on": day(400)}),
    )
    assert (after.urgency, after.ends_on, after.title) == ("critical", day(400), before.title)
    assert after.updated_at > before.updated_at


def test_update_need_checks_the_period_against_the_stored_start(session: Session) -> None:
    need = make_need(session, starts_on=day(30))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data=typed(NeedUpdate, {"ends_on": day(10)}))
    assert _fields(caught.value) == {"ends_on"}


def test_update_need_refuses_a_site_of_another_organisation(session: Session) -> None:
    need = make_need(session)
    foreign_site = make_site(session, organisation=make_organisation(session))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(
            session, need_id=need.id, data=typed(NeedUpdate, {"site_id": foreign_site.id})
        )
    assert _fields(caught.value) == {"site_id"}


def test_update_need_can_clear_the_site(session: Session) -> None:
    organisation = make_organisation(session)
    site = make_site(session, organisation=organisation)
    need = make_need(session, organisation=organisation, site_id=site.id)
    assert (
        service.update_need(
            session, need_id=need.id, data=typed(NeedUpdate, {"site_id": None})
        ).site_id
        is None
    )


def test_update_need_refuses_fewer_seats_than_confirmed_ones(session: Session) -> None:
    need = make_need(session, seats=2)
    make_assignment(session, need=need, trust_person=make_trust_person(session), seat=2)
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data=typed(NeedUpdate, {"seats": 1}))
    assert _fields(caught.value) == {"seats"}
    assert "seat 2" in caught.value.errors[0].message.lower()


def test_update_need_refuses_a_period_that_leaves_out_a_confirmed_assignment(
    session: Session,
) -> None:
    need = make_need(session, starts_on=day(30), ends_on=day(200))
    make_assignment(session, need=need, trust_person=make_trust_person(session))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data=typed(NeedUpdate, {"ends_on": day(100)}))
    assert _fields(caught.value) == {"ends_on"}


def test_update_need_refuses_status_change_through_update(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data=typed(NeedUpdate, {"status": "closed"}))
    assert _fields(caught.value) == {"status"}


def test_need_changes_are_audited(session: Session) -> None:
    organisation = make_organisation(session)
    need = service.create_need(
        session, organisation_id=organisation.id, data=typed(NeedCreate, need_data())
    )
    service.update_need(
        session, need_id=need.id, data=typed(NeedUpdate, {"seats": 2, "title": "Twee VP's"})
    )
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.entity_type == "need").order_by(col(AuditEntry.id))
    ).all()
    assert [(e.action, e.entity_id) for e in entries] == [
        ("need_created", need.id),
        ("need_updated", need.id),
    ]
    assert entries[0].details == {"organisation_id": organisation.id, "status": "open"}
    assert entries[1].details == {"fields": ["seats", "title"]}


# --------------------------------------------------------------------------- list


@pytest.fixture(name="needs")
def fx_needs(session: Session) -> dict[str, int]:
    first = make_organisation(session)
    second = make_organisation(session)
    rows = {
        "low": make_need(session, organisation=first, urgency="low", starts_on=day(1)),
        "critical-late": make_need(
            session, organisation=second, urgency="critical", starts_on=day(50)
        ),
        "normal": make_need(
            session, organisation=first, kind="aftercare", ends_on=day(90), starts_on=day(5)
        ),
        "critical-early": make_need(
            session, organisation=first, urgency="critical", starts_on=day(10)
        ),
        "high-requested": make_need(
            session, organisation=second, urgency="high", status="requested", starts_on=day(2)
        ),
    }
    return {name: need.id for name, need in rows.items() if need.id is not None}


def _titles(page: object, needs: dict[str, int]) -> list[str]:
    by_id = {value: key for key, value in needs.items()}
    return [by_id[item.id] for item in page.items]


def test_list_needs_sorts_by_urgency_then_start(session: Session, needs: dict[str, int]) -> None:
    assert _titles(service.list_needs(session, service.NeedQuery()), needs) == [
        "critical-early",
        "critical-late",
        "high-requested",
        "normal",
        "low",
    ]


def test_list_needs_filters(session: Session, needs: dict[str, int]) -> None:
    organisation_id = service.get_need(session, need_id=needs["low"]).organisation_id
    assert _titles(
        service.list_needs(session, service.NeedQuery(organisation_id=organisation_id)), needs
    ) == [
        "critical-early",
        "normal",
        "low",
    ]
    assert _titles(service.list_needs(session, service.NeedQuery(kind="aftercare")), needs) == [
        "normal"
    ]
    assert _titles(service.list_needs(session, service.NeedQuery(status="requested")), needs) == [
        "high-requested"
    ]
    assert _titles(
        service.list_needs(session, service.NeedQuery(urgency="critical", offset=1, limit=1)), needs
    ) == ["critical-late"]


def test_list_needs_sorts_by_start_date(session: Session, needs: dict[str, int]) -> None:
    assert _titles(
        service.list_needs(session, service.NeedQuery(sort="starts_on", limit=2)), needs
    ) == [
        "low",
        "high-requested",
    ]


@pytest.mark.parametrize("argument", ["kind", "status", "urgency"])
def test_list_needs_refuses_unknown_filter_value(session: Session, argument: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.list_needs(session, service.NeedQuery(**{argument: "nonsense"}))
    assert _fields(caught.value) == {argument}


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


def _request(**overrides: Any) -> dict[str, Any]:
    return need_data(**{"kind": "absence_cover", "ends_on": day(90), **overrides})


def test_a_client_sees_only_their_own_organisations_needs(session: Session) -> None:
    own, other = make_organisation(session), make_organisation(session)
    mine = make_need(session, organisation=own)
    theirs = make_need(session, organisation=other)
    client = _viewer(make_user(session, role="client", organisation_id=own.id))
    assert service.get_need(session, need_id=mine.id, viewer=client).id == mine.id
    with pytest.raises(NotFound) as caught:
        service.get_need(session, need_id=theirs.id, viewer=client)
    assert caught.value.message == f"need {theirs.id} was not found"
    page = service.list_needs(session, service.NeedQuery(), viewer=client)
    assert [need.id for need in page.items] == [mine.id]
    assert (
        service.list_needs(
            session, service.NeedQuery(organisation_id=other.id), viewer=client
        ).total
        == 0
    )


def test_trust_persons_do_not_see_needs(session: Session) -> None:
    need = make_need(session)
    person = make_trust_person(session)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    with pytest.raises(PermissionDenied):
        service.get_need(session, need_id=need.id, viewer=viewer)
    with pytest.raises(PermissionDenied):
        service.list_needs(session, service.NeedQuery(), viewer=viewer)


def test_only_staff_create_open_needs_and_change_needs(session: Session) -> None:
    organisation = make_organisation(session)
    need = make_need(session, organisation=organisation)
    client = _viewer(make_user(session, role="client", organisation_id=organisation.id))
    with pytest.raises(PermissionDenied):
        service.create_need(
            session,
            organisation_id=organisation.id,
            data=typed(NeedCreate, need_data()),
            viewer=client,
        )
    with pytest.raises(PermissionDenied):
        service.update_need(
            session, need_id=need.id, data=typed(NeedUpdate, {"seats": 2}), viewer=client
        )


# --------------------------------------------------------------------------- requests


def test_submit_files_a_clients_request_for_their_own_organisation(session: Session) -> None:
    organisation = make_organisation(session)
    user = make_user(session, role="client", organisation_id=organisation.id)
    need, created = service.submit_need(
        session, data=typed(NeedSubmit, _request()), viewer=_viewer(user), today=day(0)
    )
    assert created
    assert (need.status, need.organisation_id, need.requested_by_user_id) == (
        NeedStatus.REQUESTED,
        organisation.id,
        user.id,
    )
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.actor_user_id) == ("need_created", user.id)


def test_submit_of_a_client_for_another_organisation_is_not_found(session: Session) -> None:
    own, other = make_organisation(session), make_organisation(session)
    client = _viewer(make_user(session, role="client", organisation_id=own.id))
    with pytest.raises(NotFound):
        service.submit_need(
            session,
            data=typed(NeedSubmit, _request(organisation_id=other.id)),
            viewer=client,
            today=day(0),
        )


def test_submit_by_a_planner_is_open_for_the_named_organisation(session: Session) -> None:
    organisation = make_organisation(session)
    planner = _viewer(make_user(session))
    need, _ = service.submit_need(
        session, data=typed(NeedSubmit, need_data(organisation_id=organisation.id)), viewer=planner
    )
    assert (need.status, need.requested_by_user_id) == (NeedStatus.OPEN, None)
    with pytest.raises(ValidationFailed) as caught:
        service.submit_need(session, data=typed(NeedSubmit, need_data()), viewer=planner)
    assert _fields(caught.value) == {"organisation_id"}


def test_a_request_may_not_start_in_the_past(session: Session) -> None:
    organisation = make_organisation(session)
    with pytest.raises(ValidationFailed) as caught:
        service.request_need(
            session,
            organisation_id=organisation.id,
            data=typed(NeedRequest, _request(starts_on=day(-1))),
            today=day(0),
        )
    assert _fields(caught.value) == {"starts_on"}
    assert "2026-11-22 is in the past" in caught.value.message


def test_a_request_asks_for_temporary_help_with_an_end_and_hours(session: Session) -> None:
    organisation = make_organisation(session)
    with pytest.raises(ValidationFailed) as caught:
        service.request_need(
            session,
            organisation_id=organisation.id,
            data=typed(NeedRequest, need_data(kind="standing", expected_hours_per_month=0)),
            today=day(0),
        )
    assert _fields(caught.value) == {"kind", "ends_on", "expected_hours_per_month"}


def test_the_same_submission_within_a_minute_answers_the_first_need(session: Session) -> None:
    organisation = make_organisation(session)
    client = _viewer(make_user(session, role="client", organisation_id=organisation.id))
    first, created = service.submit_need(
        session, data=typed(NeedSubmit, _request()), viewer=client, today=day(0)
    )
    again, created_again = service.submit_need(
        session, data=typed(NeedSubmit, _request(description="twice")), viewer=client, today=day(0)
    )
    assert (created, created_again, again.id) == (True, False, first.id)
    later, created_later = service.submit_need(
        session, data=typed(NeedSubmit, _request(ends_on=day(91))), viewer=client, today=day(0)
    )
    assert created_later
    assert later.id != first.id


def test_the_same_submission_after_a_minute_is_a_new_need(session: Session) -> None:
    organisation = make_organisation(session)
    client = _viewer(make_user(session, role="client", organisation_id=organisation.id))
    first, _ = service.submit_need(
        session, data=typed(NeedSubmit, _request()), viewer=client, today=day(0)
    )
    row = session.get(Need, first.id)
    assert row is not None
    row.created_at = row.created_at - service.REPLAY_WINDOW
    session.flush()
    second, created = service.submit_need(
        session, data=typed(NeedSubmit, _request()), viewer=client, today=day(0)
    )
    assert created
    assert second.id != first.id


@pytest.mark.parametrize("attempt", range(2))
def test_two_simultaneous_identical_submissions_file_one_need(engine: Engine, attempt: int) -> None:
    with Session(engine) as session:
        organisation = make_organisation(session)
        user = make_user(session, role="client", organisation_id=organisation.id)
        client = _viewer(user)
        session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                need, created = service.submit_need(
                    session, data=typed(NeedSubmit, _request()), viewer=client, today=day(0)
                )
                session.commit()
            with lock:
                outcomes.append((need.id, created))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(created for _, created in outcomes) == [False, True]
    assert len({need_id for need_id, _ in outcomes}) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Need)).all()) == 1


# --------------------------------------------------------------------------- decisions


def _requested(session: Session) -> tuple[Need, User, Viewer]:
    organisation = make_organisation(session)
    client = make_user(session, role="client", organisation_id=organisation.id)
    need = make_need(
        session,
        organisation=organisation,
        kind="aftercare",
        ends_on=day(90),
        status="requested",
        requested_by_user_id=client.id,
    )
    return need, client, _viewer(make_user(session))


def test_accepting_a_request_opens_it_and_tells_the_client(session: Session) -> None:
    need, client, planner = _requested(session)
    accepted = service.accept_request(session, need_id=need.id, viewer=planner)
    assert (accepted.status, accepted.decision_reason) == (NeedStatus.OPEN, None)
    actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert actions == ["need_accepted"]
    message = session.exec(select(Notification)).one()
    assert (message.recipient_user_id, message.kind) == (client.id, "request_accepted")


def test_declining_a_request_keeps_the_reason_for_the_client(session: Session) -> None:
    need, client, planner = _requested(session)
    declined = service.decline_request(
        session,
        need_id=need.id,
        data=typed(NeedDecline, {"reason": "  Geen capaciteit  "}),
        viewer=planner,
    )
    assert (declined.status, declined.decision_reason) == (NeedStatus.DECLINED, "Geen capaciteit")
    entry = session.exec(select(AuditEntry)).one()
    assert entry.details == {
        "organisation_id": need.organisation_id,
        "status": "declined",
    }
    assert "Geen capaciteit" in session.exec(select(Notification)).one().body
    viewer = _viewer(client)
    assert service.get_need(session, need_id=need.id, viewer=viewer).decision_reason == (
        "Geen capaciteit"
    )


def test_a_decision_needs_a_requested_need(session: Session) -> None:
    need, _, planner = _requested(session)
    service.accept_request(session, need_id=need.id, viewer=planner)
    with pytest.raises(Conflict, match="only a requested need can be accepted"):
        service.accept_request(session, need_id=need.id, viewer=planner)
    with pytest.raises(Conflict, match="only a requested need can be declined"):
        service.decline_request(
            session, need_id=need.id, data=typed(NeedDecline, {"reason": "x"}), viewer=planner
        )
    with pytest.raises(NotFound):
        service.accept_request(session, need_id=need.id + 1000, viewer=planner)


def test_declining_needs_a_reason(session: Session) -> None:
    need, _, planner = _requested(session)
    for data in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}):
        with pytest.raises(ValidationFailed) as caught:
            service.decline_request(
                session, need_id=need.id, data=typed(NeedDecline, data), viewer=planner
            )
        assert _fields(caught.value) == {"reason"}


def test_only_staff_decide_requests(session: Session) -> None:
    need, client, _ = _requested(session)
    with pytest.raises(PermissionDenied):
        service.accept_request(session, need_id=need.id, viewer=_viewer(client))
    assert client.role is Role.CLIENT
