"""Trust persons: create, read, update, list, deactivate, delete and AVG erasure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.dbutil import table_counts
from tests.factories import (
    make_assignment,
    make_need,
    make_organisation,
    make_trust_person,
    make_user,
    trust_person_data,
    typed,
)
from vppool.db.models import AuditEntry, User
from vppool.db.schemas import TrustPersonCreate, TrustPersonUpdate, client_view
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vppool.services import trust_persons as service
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus, Gender, Role

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


# --------------------------------------------------------------------------- create and get


def test_create_returns_public_shape_with_id_and_timestamps(session: Session) -> None:
    created = service.create_trust_person(
        session,
        data=typed(
            TrustPersonCreate,
            trust_person_data(email="Anna.Jansen@Example.nl", languages=["nl", "en"]),
        ),
    )
    assert created.id is not None
    assert created.email == "anna.jansen@example.nl"
    assert created.created_at.tzinfo is not None
    assert service.get_trust_person(session, trust_person_id=created.id) == created


def test_create_refuses_unknown_language_code_on_languages(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data(languages=["nl", "xx"]))
        )
    assert _fields(caught.value) == {"languages"}
    assert "xx" in caught.value.errors[0].message


def test_create_refuses_coordinates_outside_the_netherlands(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_trust_person(
            session,
            data=typed(
                TrustPersonCreate, trust_person_data(home_latitude=48.85, home_longitude=2.35)
            ),
        )
    assert _fields(caught.value) == {"home_latitude", "home_longitude"}
    assert "outside the Netherlands" in caught.value.errors[0].message


def test_create_refuses_negative_capacity_hours(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data(capacity_hours_per_month=-4))
        )
    assert _fields(caught.value) == {"capacity_hours_per_month"}


def test_create_refuses_unknown_field_instead_of_ignoring_it(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data(frist_name="Anna"))
        )
    assert _fields(caught.value) == {"frist_name"}


def test_create_refuses_duplicate_email_as_already_used(session: Session) -> None:
    make_trust_person(session, email="anna@example.nl")
    with pytest.raises(ValidationFailed) as caught:
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data(email="ANNA@example.nl"))
        )
    assert _fields(caught.value) == {"email"}
    assert "already used" in caught.value.errors[0].message


def test_failed_create_leaves_every_table_unchanged(session: Session, engine: Engine) -> None:
    make_trust_person(session, email="anna@example.nl")
    session.commit()
    before = table_counts(engine)
    with pytest.raises(ValidationFailed):
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data(email="anna@example.nl"))
        )
    session.rollback()
    assert table_counts(engine) == before


def test_create_failing_after_its_first_write_leaves_nothing_after_rollback(
    session: Session, engine: Engine
) -> None:
    """The person is flushed before the audit entry, which fails on an unknown actor."""
    before = table_counts(engine)
    with pytest.raises(Conflict):
        service.create_trust_person(
            session,
            data=typed(TrustPersonCreate, trust_person_data()),
            viewer=Viewer(999, Role.PLANNER, "ghost"),
        )
    session.rollback()
    assert table_counts(engine) == before


def test_get_unknown_trust_person_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_trust_person(session, trust_person_id=12345)


# --------------------------------------------------------------------------- update


def test_update_changes_given_fields_only_and_bumps_updated_at(session: Session) -> None:
    person = make_trust_person(session, phone="030-1234567", languages=["nl"])
    before = service.get_trust_person(session, trust_person_id=person.id)
    after = service.update_trust_person(
        session,
        trust_person_id=person.id,
        data=typed(TrustPersonUpdate, {"languages": ["nl", "tr"], "phone": None}),
    )
    assert after.languages == ["nl", "tr"]
    assert after.phone is None
    assert after.first_name == before.first_name
    assert after.updated_at > before.updated_at


def test_update_with_no_real_change_keeps_updated_at(session: Session) -> None:
    person = make_trust_person(session)
    before = service.get_trust_person(session, trust_person_id=person.id)
    after = service.update_trust_person(
        session,
        trust_person_id=person.id,
        data=typed(TrustPersonUpdate, {"first_name": before.first_name}),
    )
    assert after.updated_at == before.updated_at


def test_update_validates_given_fields_with_the_base_rules(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_trust_person(
            session,
            trust_person_id=person.id,
            data=typed(
                TrustPersonUpdate,
                {"languages": ["klingon"], "home_longitude": 12.5, "max_travel_km": -1},
            ),
        )
    assert _fields(caught.value) == {"languages", "home_longitude", "max_travel_km"}


def test_update_shape_refuses_bad_values_before_any_service_runs() -> None:
    with pytest.raises(ValueError, match="Unknown language"):
        TrustPersonUpdate.model_validate({"languages": ["xx"]})


def test_update_refuses_null_for_a_required_field(session: Session) -> None:
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_trust_person(
            session, trust_person_id=person.id, data=typed(TrustPersonUpdate, {"last_name": None})
        )
    assert _fields(caught.value) == {"last_name"}
    assert "leave the field out" in caught.value.errors[0].message


def test_update_refuses_email_of_another_trust_person(session: Session) -> None:
    make_trust_person(session, email="taken@example.nl")
    person = make_trust_person(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_trust_person(
            session,
            trust_person_id=person.id,
            data=typed(TrustPersonUpdate, {"email": "taken@example.nl"}),
        )
    assert _fields(caught.value) == {"email"}
    assert "already used" in caught.value.errors[0].message


def test_update_keeping_own_email_is_allowed(session: Session) -> None:
    person = make_trust_person(session, email="own@example.nl")
    updated = service.update_trust_person(
        session,
        trust_person_id=person.id,
        data=typed(TrustPersonUpdate, {"email": "own@example.nl", "phone": "06-1"}),
    )
    assert updated.phone == "06-1"


def test_update_of_unknown_trust_person_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.update_trust_person(
            session, trust_person_id=999, data=typed(TrustPersonUpdate, {"phone": "06-1"})
        )


def test_failed_update_leaves_the_row_unchanged(session: Session, engine: Engine) -> None:
    person = make_trust_person(session)
    session.commit()
    before = service.get_trust_person(session, trust_person_id=person.id)
    counts = table_counts(engine)
    with pytest.raises(ValidationFailed):
        service.update_trust_person(
            session,
            trust_person_id=person.id,
            data=typed(TrustPersonUpdate, {"first_name": "Changed", "home_latitude": 40.0}),
        )
    session.rollback()
    assert service.get_trust_person(session, trust_person_id=person.id) == before
    assert table_counts(engine) == counts


# --------------------------------------------------------------------------- list


@pytest.fixture(name="pool")
def fx_pool(session: Session) -> dict[str, int]:
    """Five trust persons with distinct names, places, languages and capacity."""
    people = {
        "de Vries": make_trust_person(
            session,
            first_name="Sanne",
            last_name="de Vries",
            home_municipality="Amsterdam",
            languages=["nl", "en"],
            capacity_hours_per_month=20,
        ),
        "Bakker": make_trust_person(
            session,
            first_name="Jan",
            last_name="Bakker",
            email="jan.bakker@example.nl",
            scopes=["integrity"],
            capacity_hours_per_month=8,
        ),
        "Yilmaz": make_trust_person(
            session,
            first_name="Ayşe",
            last_name="Yilmaz",
            languages=["nl", "tr"],
            capacity_hours_per_month=32,
        ),
        "Smit": make_trust_person(
            session, first_name="Piet", last_name="Smit", active=False, capacity_hours_per_month=4
        ),
        "Mulder": make_trust_person(
            session,
            first_name="Eva",
            last_name="Mulder",
            scopes=["unwanted_behaviour"],
            capacity_hours_per_month=16,
        ),
    }
    return {name: person.id for name, person in people.items() if person.id is not None}


def _names(page: object) -> list[str]:
    return [item.last_name for item in page.items]


def test_list_sorts_by_last_name_by_default(session: Session, pool: dict[str, int]) -> None:
    page = service.list_trust_persons(session, service.TrustPersonQuery())
    # Dutch order: "de Vries" under V, by the family name without its particle.
    assert _names(page) == ["Bakker", "Mulder", "Smit", "de Vries", "Yilmaz"]
    assert page.total == 5


def test_list_pages_with_offset_and_limit(session: Session, pool: dict[str, int]) -> None:
    page = service.list_trust_persons(session, service.TrustPersonQuery(offset=2, limit=2))
    assert _names(page) == ["Smit", "de Vries"]
    assert (page.total, page.offset, page.limit) == (5, 2, 2)


def test_list_sorts_by_capacity_descending(session: Session, pool: dict[str, int]) -> None:
    page = service.list_trust_persons(session, service.TrustPersonQuery(sort="-capacity"))
    assert _names(page) == ["Yilmaz", "de Vries", "Mulder", "Bakker", "Smit"]


def test_list_sorts_by_created_at(session: Session, pool: dict[str, int]) -> None:
    page = service.list_trust_persons(session, service.TrustPersonQuery(sort="created_at"))
    assert _names(page) == ["de Vries", "Bakker", "Yilmaz", "Smit", "Mulder"]


def test_list_filters_on_active(session: Session, pool: dict[str, int]) -> None:
    assert _names(service.list_trust_persons(session, service.TrustPersonQuery(active=False))) == [
        "Smit"
    ]
    assert service.list_trust_persons(session, service.TrustPersonQuery(active=True)).total == 4


def test_list_filters_on_scope(session: Session, pool: dict[str, int]) -> None:
    page = service.list_trust_persons(session, service.TrustPersonQuery(scope="integrity"))
    assert "Mulder" not in _names(page)
    assert page.total == 4


def test_list_filters_on_language(session: Session, pool: dict[str, int]) -> None:
    assert _names(service.list_trust_persons(session, service.TrustPersonQuery(language="tr"))) == [
        "Yilmaz"
    ]
    assert _names(service.list_trust_persons(session, service.TrustPersonQuery(language="en"))) == [
        "de Vries"
    ]


def test_list_filters_on_municipality_in_any_letter_case(
    session: Session, pool: dict[str, int]
) -> None:
    assert _names(
        service.list_trust_persons(session, service.TrustPersonQuery(municipality="amsterdam"))
    ) == ["de Vries"]


def test_list_searches_names_and_email(session: Session, pool: dict[str, int]) -> None:
    assert _names(
        service.list_trust_persons(session, service.TrustPersonQuery(search="jan.bakker@"))
    ) == ["Bakker"]
    assert _names(
        service.list_trust_persons(session, service.TrustPersonQuery(search="sanne VRIES"))
    ) == ["de Vries"]
    assert service.list_trust_persons(session, service.TrustPersonQuery(search="100%")).total == 0


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "age"}, "sort"),
        ({"scope": "finance"}, "scope"),
        ({"language": "xx"}, "language"),
    ],
)
def test_list_refuses_bad_arguments_on_their_field(
    session: Session, arguments: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.list_trust_persons(session, service.TrustPersonQuery(**arguments))
    assert _fields(caught.value) == {field}


def test_list_allows_the_maximum_page_size(session: Session, pool: dict[str, int]) -> None:
    assert service.list_trust_persons(session, service.TrustPersonQuery(limit=200)).total == 5


# --------------------------------------------------------------------------- life cycle


def test_deactivate_keeps_the_person_but_inactive(session: Session) -> None:
    person = make_trust_person(session)
    result = service.deactivate_trust_person(session, trust_person_id=person.id)
    assert result.active is False
    assert service.get_trust_person(session, trust_person_id=person.id).active is False


def test_archiving_withdraws_the_placements_that_wait_for_an_answer(session: Session) -> None:
    person = make_trust_person(session)
    other = make_trust_person(session)
    asked = make_assignment(
        session, need=make_need(session), trust_person=person, status=AssignmentStatus.ASKED
    )
    confirmed = make_assignment(session, need=make_need(session), trust_person=person)
    others_ask = make_assignment(
        session, need=make_need(session), trust_person=other, status=AssignmentStatus.ASKED
    )
    service.deactivate_trust_person(session, trust_person_id=person.id)
    for row in (asked, confirmed, others_ask):
        session.refresh(row)
    # The archived VP can no longer answer: the seat opens again. A confirmed assignment
    # stays (ending it is the planner's decision); another VP's ask is untouched.
    assert asked.status is AssignmentStatus.CANCELLED
    assert confirmed.status is AssignmentStatus.CONFIRMED
    assert others_ask.status is AssignmentStatus.ASKED
    entries = session.exec(
        select(AuditEntry).where(
            AuditEntry.entity_type == "assignment", AuditEntry.entity_id == asked.id
        )
    ).all()
    assert [(e.action, e.details["because"]) for e in entries] == [
        ("assignment_cancelled", "trust_person_archived")
    ]
    # Reactivating does not bring the withdrawn ask back.
    service.reactivate_trust_person(session, trust_person_id=person.id)
    session.refresh(asked)
    assert asked.status is AssignmentStatus.CANCELLED


def test_archiving_by_a_profile_change_is_the_same_archiving(session: Session) -> None:
    person = make_trust_person(session)
    asked = make_assignment(
        session, need=make_need(session), trust_person=person, status=AssignmentStatus.ASKED
    )
    for active in (False, True):
        changed = service.update_trust_person(
            session, trust_person_id=person.id, data=TrustPersonUpdate(active=active)
        )
        assert changed.active is active
    session.refresh(asked)
    assert asked.status is AssignmentStatus.CANCELLED
    actions = session.exec(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "trust_person", AuditEntry.entity_id == person.id
        )
    ).all()
    # Audited as archiving and taking back (an adopted scenario's queued archiving reads
    # the latter), not as a plain profile change.
    assert "trust_person_deactivated" in actions
    assert "trust_person_reactivated" in actions


def test_archiving_again_withdraws_asks_left_from_before(session: Session) -> None:
    # A VP archived before asks were withdrawn on archiving still holds a seat.
    person = make_trust_person(session, active=False)
    asked = make_assignment(
        session, need=make_need(session), trust_person=person, status=AssignmentStatus.ASKED
    )
    service.deactivate_trust_person(session, trust_person_id=person.id)
    session.refresh(asked)
    assert asked.status is AssignmentStatus.CANCELLED


def test_delete_removes_a_person_without_assignments(session: Session) -> None:
    person = make_trust_person(session)
    service.delete_trust_person(session, trust_person_id=person.id)
    with pytest.raises(NotFound):
        service.get_trust_person(session, trust_person_id=person.id)


def test_delete_refuses_a_person_with_assignments(session: Session) -> None:
    person = make_trust_person(session)
    make_assignment(session, need=make_need(session), trust_person=person)
    with pytest.raises(Conflict, match="deactivate"):
        service.delete_trust_person(session, trust_person_id=person.id)


def test_delete_refuses_a_person_with_a_user_account(session: Session) -> None:
    person = make_trust_person(session)
    make_user(session, role="trust_person", trust_person_id=person.id)
    with pytest.raises(Conflict, match="user account"):
        service.delete_trust_person(session, trust_person_id=person.id)


def test_erase_sensitive_attributes_clears_them_and_audits_field_names_only(
    session: Session,
) -> None:
    person = make_trust_person(
        session,
        gender=Gender.FEMALE,
        gender_visible_to_clients=True,
        birth_year=1975,
        background_tags=["turks-nederlands"],
    )
    erased = service.erase_sensitive_attributes(session, trust_person_id=person.id)
    assert (erased.gender, erased.birth_year, erased.background_tags) == (None, None, [])
    assert erased.gender_visible_to_clients is False
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "trust_person_sensitive_attributes_erased")
    ).one()
    assert entry.entity_id == person.id
    assert "turks" not in str(entry.details)
    assert "1975" not in str(entry.details)
    assert "birth_year" in entry.details["fields"]


def test_update_audit_names_fields_without_personal_values(session: Session) -> None:
    user = make_user(session)
    person = make_trust_person(session)
    service.update_trust_person(
        session,
        trust_person_id=person.id,
        data=typed(TrustPersonUpdate, {"email": "new.address@example.nl"}),
        viewer=Viewer(user.id, Role.PLANNER, "planner"),
    )
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "trust_person_updated")
    ).one()
    assert (entry.entity_type, entry.entity_id, entry.actor_user_id) == (
        "trust_person",
        person.id,
        user.id,
    )
    assert entry.details == {"fields": ["email"]}
    assert entry.at <= datetime.now(UTC)


# --------------------------------------------------------------------------- client view


def test_client_view_hides_gender_the_person_did_not_share(session: Session) -> None:
    person = make_trust_person(session, gender=Gender.MALE, gender_visible_to_clients=False)
    view = client_view(service.get_trust_person(session, trust_person_id=person.id))
    assert view.gender is None
    assert "birth_year" not in view.model_dump()
    assert "background_tags" not in view.model_dump()


def test_client_view_shows_gender_the_person_shared(session: Session) -> None:
    person = make_trust_person(session, gender=Gender.FEMALE, gender_visible_to_clients=True)
    view = client_view(service.get_trust_person(session, trust_person_id=person.id))
    assert view.gender is Gender.FEMALE
    assert view.email == person.email


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


def _own_viewer(session: Session) -> tuple[int, Viewer]:
    person = make_trust_person(session)
    assert person.id is not None
    return person.id, _viewer(make_user(session, role="trust_person", trust_person_id=person.id))


def test_a_trust_person_sees_only_themselves(session: Session) -> None:
    other = make_trust_person(session)
    own_id, viewer = _own_viewer(session)
    assert service.get_trust_person(session, trust_person_id=own_id, viewer=viewer).id == own_id
    with pytest.raises(NotFound):
        service.get_trust_person(session, trust_person_id=other.id, viewer=viewer)
    page = service.list_trust_persons(session, service.TrustPersonQuery(), viewer=viewer)
    assert (page.total, [p.id for p in page.items]) == (1, [own_id])


def test_a_trust_person_changes_only_self_editable_fields_of_their_own(
    session: Session,
) -> None:
    other = make_trust_person(session)
    own_id, viewer = _own_viewer(session)
    changed = service.update_trust_person(
        session,
        trust_person_id=own_id,
        data=typed(
            TrustPersonUpdate,
            {"phone": "06-1", "capacity_standing_clients": 3, "gender": "non_binary"},
        ),
        viewer=viewer,
    )
    assert (changed.phone, changed.capacity_standing_clients) == ("06-1", 3)
    entry = session.exec(select(AuditEntry)).one()
    assert entry.actor_user_id == viewer.user_id
    with pytest.raises(PermissionDenied, match="a planner keeps languages, last_name"):
        service.update_trust_person(
            session,
            trust_person_id=own_id,
            data=typed(TrustPersonUpdate, {"languages": ["en"], "last_name": "X"}),
            viewer=viewer,
        )
    with pytest.raises(NotFound):
        service.update_trust_person(
            session,
            trust_person_id=other.id,
            data=typed(TrustPersonUpdate, {"phone": "1"}),
            viewer=viewer,
        )


def test_clients_use_no_trust_person_records(session: Session) -> None:
    person = make_trust_person(session)
    organisation = make_organisation(session)
    client = _viewer(make_user(session, role="client", organisation_id=organisation.id))
    with pytest.raises(PermissionDenied):
        service.get_trust_person(session, trust_person_id=person.id, viewer=client)
    with pytest.raises(PermissionDenied):
        service.list_trust_persons(session, service.TrustPersonQuery(), viewer=client)


def test_planner_only_use_cases_refuse_a_trust_person(session: Session) -> None:
    own_id, viewer = _own_viewer(session)
    with pytest.raises(PermissionDenied):
        service.create_trust_person(
            session, data=typed(TrustPersonCreate, trust_person_data()), viewer=viewer
        )
    with pytest.raises(PermissionDenied):
        service.deactivate_trust_person(session, trust_person_id=own_id, viewer=viewer)
    with pytest.raises(PermissionDenied):
        service.delete_trust_person(session, trust_person_id=own_id, viewer=viewer)


def test_a_trust_person_erases_their_own_sensitive_attributes(session: Session) -> None:
    person = make_trust_person(session, gender=Gender.FEMALE, birth_year=1980)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    erased = service.erase_sensitive_attributes(session, trust_person_id=person.id, viewer=viewer)
    assert (erased.gender, erased.birth_year) == (None, None)
