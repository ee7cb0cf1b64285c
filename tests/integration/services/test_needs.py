"""Needs: create (open) and request (requested), read, update with cross-field rules, list."""

from __future__ import annotations

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
)
from vppool.db.models import AuditEntry
from vppool.errors import NotFound, ValidationFailed
from vppool.services import Actor
from vppool.services import needs as service
from vppool.vocab import NeedStatus

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


# --------------------------------------------------------------------------- create


def test_create_need_is_open_at_its_organisations_site(session: Session) -> None:
    organisation = make_organisation(session)
    site = make_site(session, organisation=organisation)
    need = service.create_need(
        session, organisation_id=organisation.id, data=need_data(site_id=site.id, seats=2)
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
        data=need_data(kind="aftercare", ends_on=day(90)),
        actor=Actor(user_id=client.id, label="HR"),
    )
    assert (need.status, need.requested_by_user_id) == (NeedStatus.REQUESTED, client.id)


def test_create_need_refuses_a_site_of_another_organisation(session: Session) -> None:
    organisation = make_organisation(session)
    foreign_site = make_site(session, organisation=make_organisation(session))
    with pytest.raises(ValidationFailed) as caught:
        service.create_need(
            session, organisation_id=organisation.id, data=need_data(site_id=foreign_site.id)
        )
    assert _fields(caught.value) == {"site_id"}


def test_create_need_for_unknown_organisation_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.create_need(session, organisation_id=31337, data=need_data())


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
        service.create_need(session, organisation_id=organisation.id, data=need_data(**overrides))
    assert _fields(caught.value) == {field}


def test_failed_need_create_leaves_every_table_unchanged(session: Session, engine: Engine) -> None:
    organisation = make_organisation(session)
    session.commit()
    before = table_counts(engine)
    with pytest.raises(ValidationFailed):
        service.create_need(session, organisation_id=organisation.id, data=need_data(seats=0))
    session.rollback()
    assert table_counts(engine) == before


# --------------------------------------------------------------------------- update


def test_update_need_changes_given_fields_and_bumps_updated_at(session: Session) -> None:
    need = make_need(session)
    before = service.get_need(session, need_id=need.id)
    after = service.update_need(
        session, need_id=need.id, data={"urgency": "critical", "ends_on": day(400)}
    )
    assert (after.urgency, after.ends_on, after.title) == ("critical", day(400), before.title)
    assert after.updated_at > before.updated_at


def test_update_need_checks_the_period_against_the_stored_start(session: Session) -> None:
    need = make_need(session, starts_on=day(30))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data={"ends_on": day(10)})
    assert _fields(caught.value) == {"ends_on"}


def test_update_need_refuses_a_site_of_another_organisation(session: Session) -> None:
    need = make_need(session)
    foreign_site = make_site(session, organisation=make_organisation(session))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data={"site_id": foreign_site.id})
    assert _fields(caught.value) == {"site_id"}


def test_update_need_can_clear_the_site(session: Session) -> None:
    organisation = make_organisation(session)
    site = make_site(session, organisation=organisation)
    need = make_need(session, organisation=organisation, site_id=site.id)
    assert service.update_need(session, need_id=need.id, data={"site_id": None}).site_id is None


def test_update_need_refuses_fewer_seats_than_confirmed_ones(session: Session) -> None:
    need = make_need(session, seats=2)
    make_assignment(session, need=need, trust_person=make_trust_person(session), seat=2)
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data={"seats": 1})
    assert _fields(caught.value) == {"seats"}
    assert "seat 2" in caught.value.errors[0].message


def test_update_need_refuses_a_period_that_leaves_out_a_confirmed_assignment(
    session: Session,
) -> None:
    need = make_need(session, starts_on=day(30), ends_on=day(200))
    make_assignment(session, need=need, trust_person=make_trust_person(session))
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data={"ends_on": day(100)})
    assert _fields(caught.value) == {"ends_on"}


def test_update_need_refuses_status_change_through_update(session: Session) -> None:
    need = make_need(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_need(session, need_id=need.id, data={"status": "closed"})
    assert _fields(caught.value) == {"status"}


def test_need_changes_are_audited(session: Session) -> None:
    organisation = make_organisation(session)
    need = service.create_need(session, organisation_id=organisation.id, data=need_data())
    service.update_need(session, need_id=need.id, data={"seats": 2, "title": "Twee VP's"})
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
    assert _titles(service.list_needs(session), needs) == [
        "critical-early",
        "critical-late",
        "high-requested",
        "normal",
        "low",
    ]


def test_list_needs_filters(session: Session, needs: dict[str, int]) -> None:
    organisation_id = service.get_need(session, need_id=needs["low"]).organisation_id
    assert _titles(service.list_needs(session, organisation_id=organisation_id), needs) == [
        "critical-early",
        "normal",
        "low",
    ]
    assert _titles(service.list_needs(session, kind="aftercare"), needs) == ["normal"]
    assert _titles(service.list_needs(session, status="requested"), needs) == ["high-requested"]
    assert _titles(service.list_needs(session, urgency="critical", offset=1, limit=1), needs) == [
        "critical-late"
    ]


def test_list_needs_sorts_by_start_date(session: Session, needs: dict[str, int]) -> None:
    assert _titles(service.list_needs(session, sort="starts_on", limit=2), needs) == [
        "low",
        "high-requested",
    ]


@pytest.mark.parametrize("argument", ["kind", "status", "urgency"])
def test_list_needs_refuses_unknown_filter_value(session: Session, argument: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.list_needs(session, **{argument: "nonsense"})
    assert _fields(caught.value) == {argument}
