"""Organisations, sites, conflicts of interest and preferences."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.dbutil import table_counts
from tests.factories import (
    day,
    make_need,
    make_organisation,
    make_site,
    make_trust_person,
    make_user,
    organisation_data,
    site_data,
    typed,
)
from vppool.db.models import AuditEntry, User
from vppool.db.schemas import (
    ConflictOfInterestCreate,
    OrganisationCreate,
    OrganisationUpdate,
    PreferenceCreate,
    SiteCreate,
    SiteUpdate,
)
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vppool.services import organisations as service
from vppool.services.access import Viewer
from vppool.vocab import Role

pytestmark = pytest.mark.integration


def _fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


def _actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all())


# --------------------------------------------------------------------------- organisations


def test_create_get_and_update_organisation(session: Session) -> None:
    created = service.create_organisation(
        session,
        data=typed(
            OrganisationCreate,
            organisation_data(name="Zorggroep Noord", contact_email="HR@Noord.nl"),
        ),
    )
    assert created.contact_email == "hr@noord.nl"
    assert service.get_organisation(session, organisation_id=created.id) == created
    updated = service.update_organisation(
        session,
        organisation_id=created.id,
        data=typed(OrganisationUpdate, {"headcount": 900, "languages": ["nl", "pl"]}),
    )
    assert (updated.headcount, updated.languages) == (900, ["nl", "pl"])
    assert updated.updated_at > created.updated_at


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sector": "ruimtevaart"}, "sector"),
        ({"headcount": 0}, "headcount"),
        ({"languages": ["xx"]}, "languages"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"name": ""}, "name"),
    ],
)
def test_create_organisation_refuses_bad_field(
    session: Session, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_organisation(
            session, data=typed(OrganisationCreate, organisation_data(**overrides))
        )
    assert _fields(caught.value) == {field}


def test_create_organisation_refuses_name_already_used(session: Session) -> None:
    make_organisation(session, name="Gemeente Utrecht")
    with pytest.raises(ValidationFailed) as caught:
        service.create_organisation(
            session, data=typed(OrganisationCreate, organisation_data(name="Gemeente Utrecht"))
        )
    assert _fields(caught.value) == {"name"}
    assert "already used" in caught.value.errors[0].message


def test_update_organisation_refuses_name_of_another(session: Session) -> None:
    make_organisation(session, name="Gemeente Utrecht")
    other = make_organisation(session)
    with pytest.raises(ValidationFailed) as caught:
        service.update_organisation(
            session,
            organisation_id=other.id,
            data=typed(OrganisationUpdate, {"name": "Gemeente Utrecht"}),
        )
    assert _fields(caught.value) == {"name"}


def test_unknown_organisation_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_organisation(session, organisation_id=77)
    with pytest.raises(NotFound):
        service.update_organisation(
            session, organisation_id=77, data=typed(OrganisationUpdate, {"headcount": 5})
        )


def test_list_organisations_filters_on_sector_active_and_text(session: Session) -> None:
    make_organisation(session, name="Ziekenhuis Oost", sector="zorg", contact_name="Els de Wit")
    make_organisation(session, name="Basisschool De Linde", sector="onderwijs")
    make_organisation(session, name="Zorgcentrum West", sector="zorg", active=False)
    assert service.list_organisations(session, service.OrganisationQuery(sector="zorg")).total == 2
    assert [
        o.name
        for o in service.list_organisations(
            session, service.OrganisationQuery(sector="zorg", active=True)
        ).items
    ] == ["Ziekenhuis Oost"]
    assert [
        o.name
        for o in service.list_organisations(
            session, service.OrganisationQuery(search="de wit")
        ).items
    ] == ["Ziekenhuis Oost"]
    with pytest.raises(ValidationFailed) as caught:
        service.list_organisations(session, service.OrganisationQuery(sector="ruimtevaart"))
    assert _fields(caught.value) == {"sector"}


def test_list_organisations_sorts_and_pages(session: Session) -> None:
    for name, headcount in [("b", 30), ("A", 10), ("c", 20)]:
        make_organisation(session, name=name, headcount=headcount)
    assert [
        o.name for o in service.list_organisations(session, service.OrganisationQuery()).items
    ] == ["A", "b", "c"]
    page = service.list_organisations(
        session, service.OrganisationQuery(sort="-headcount", offset=1, limit=1)
    )
    assert ([o.name for o in page.items], page.total) == (["c"], 3)


def test_delete_organisation_refused_when_it_has_needs(session: Session) -> None:
    organisation = make_organisation(session)
    make_need(session, organisation=organisation)
    with pytest.raises(Conflict, match="deactivate"):
        service.delete_organisation(session, organisation_id=organisation.id)


def test_delete_organisation_refused_when_it_has_client_accounts(session: Session) -> None:
    organisation = make_organisation(session)
    make_user(session, role="client", organisation_id=organisation.id)
    with pytest.raises(Conflict, match="client user accounts"):
        service.delete_organisation(session, organisation_id=organisation.id)


def test_delete_organisation_without_needs(session: Session) -> None:
    organisation = make_organisation(session)
    make_site(session, organisation=organisation)
    service.delete_organisation(session, organisation_id=organisation.id)
    with pytest.raises(NotFound):
        service.get_organisation(session, organisation_id=organisation.id)


def test_organisation_changes_are_audited_with_the_actor(session: Session) -> None:
    user = make_user(session)
    planner = Viewer(user.id, Role.PLANNER, "Planner")
    created = service.create_organisation(
        session, data=typed(OrganisationCreate, organisation_data()), viewer=planner
    )
    service.update_organisation(
        session,
        organisation_id=created.id,
        data=typed(OrganisationUpdate, {"wishes": "twee VP's"}),
        viewer=planner,
    )
    service.update_organisation(
        session, organisation_id=created.id, data=typed(OrganisationUpdate, {"wishes": "twee VP's"})
    )
    service.delete_organisation(session, organisation_id=created.id, viewer=planner)
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    assert [e.action for e in entries] == [
        "organisation_created",
        "organisation_updated",
        "organisation_deleted",
    ]
    assert {(e.actor_user_id, e.actor_label, e.entity_id) for e in entries} == {
        (user.id, "Planner", created.id)
    }
    assert entries[1].details == {"fields": ["wishes"]}


def test_failed_organisation_update_leaves_the_database_unchanged(
    session: Session, engine: Engine
) -> None:
    organisation = make_organisation(session)
    session.commit()
    before = service.get_organisation(session, organisation_id=organisation.id)
    counts = table_counts(engine)
    with pytest.raises(ValidationFailed):
        service.update_organisation(
            session,
            organisation_id=organisation.id,
            data=typed(OrganisationUpdate, {"headcount": 10, "sector": "?"}),
        )
    session.rollback()
    assert table_counts(engine) == counts
    assert service.get_organisation(session, organisation_id=organisation.id) == before


# --------------------------------------------------------------------------- sites


def test_add_list_update_and_delete_sites(session: Session) -> None:
    organisation = make_organisation(session)
    office = service.add_site(
        session, organisation_id=organisation.id, data=typed(SiteCreate, site_data(name="Kantoor"))
    )
    depot = service.add_site(
        session, organisation_id=organisation.id, data=typed(SiteCreate, site_data(name="Depot"))
    )
    renamed = service.update_site(
        session,
        organisation_id=organisation.id,
        site_id=depot.id,
        data=typed(SiteUpdate, {"name": "Magazijn"}),
    )
    assert renamed.name == "Magazijn"
    assert [s.id for s in service.list_sites(session, organisation_id=organisation.id)] == [
        office.id,
        depot.id,
    ]
    service.delete_site(session, organisation_id=organisation.id, site_id=office.id)
    assert [s.id for s in service.list_sites(session, organisation_id=organisation.id)] == [
        depot.id
    ]


def test_add_site_refuses_coordinates_outside_the_netherlands(session: Session) -> None:
    organisation = make_organisation(session)
    with pytest.raises(ValidationFailed) as caught:
        service.add_site(
            session,
            organisation_id=organisation.id,
            data=typed(SiteCreate, site_data(longitude=2.35)),
        )
    assert _fields(caught.value) == {"longitude"}


def test_add_site_to_unknown_organisation_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.add_site(session, organisation_id=404, data=typed(SiteCreate, site_data()))


def test_a_new_main_site_takes_over_from_the_old_one(session: Session) -> None:
    organisation = make_organisation(session)
    old = service.add_site(
        session, organisation_id=organisation.id, data=typed(SiteCreate, site_data(is_main=True))
    )
    new = service.add_site(
        session, organisation_id=organisation.id, data=typed(SiteCreate, site_data(is_main=True))
    )
    sites = {s.id: s.is_main for s in service.list_sites(session, organisation_id=organisation.id)}
    assert sites == {old.id: False, new.id: True}
    service.update_site(
        session,
        organisation_id=organisation.id,
        site_id=old.id,
        data=typed(SiteUpdate, {"is_main": True}),
    )
    sites = {s.id: s.is_main for s in service.list_sites(session, organisation_id=organisation.id)}
    assert sites == {old.id: True, new.id: False}


def test_site_of_another_organisation_is_not_found(session: Session) -> None:
    site = make_site(session, organisation=make_organisation(session))
    other = make_organisation(session)
    with pytest.raises(NotFound):
        service.update_site(
            session,
            organisation_id=other.id,
            site_id=site.id,
            data=typed(SiteUpdate, {"name": "x"}),
        )


# --------------------------------------------------------------------------- conflicts


def test_add_list_and_delete_conflict_of_interest(session: Session) -> None:
    person = make_trust_person(session)
    organisation = make_organisation(session)
    conflict = service.add_conflict_of_interest(
        session,
        data=typed(
            ConflictOfInterestCreate,
            {
                "trust_person_id": person.id,
                "organisation_id": organisation.id,
                "reason": "employment",
                "ends_on": day(365),
            },
        ),
    )
    assert service.list_conflicts_of_interest(session, trust_person_id=person.id) == [conflict]
    assert service.list_conflicts_of_interest(session, organisation_id=organisation.id) == [
        conflict
    ]
    service.delete_conflict_of_interest(session, conflict_of_interest_id=conflict.id)
    assert service.list_conflicts_of_interest(session, trust_person_id=person.id) == []
    assert _actions(session) == ["conflict_of_interest_created", "conflict_of_interest_deleted"]


def test_add_conflict_of_interest_with_unknown_trust_person_is_not_found(
    session: Session,
) -> None:
    organisation = make_organisation(session)
    with pytest.raises(NotFound) as caught:
        service.add_conflict_of_interest(
            session,
            data=typed(
                ConflictOfInterestCreate,
                {"trust_person_id": 999, "organisation_id": organisation.id, "reason": "hr_role"},
            ),
        )
    assert caught.value.entity == "trust person"


def test_add_conflict_of_interest_with_unknown_organisation_is_not_found(
    session: Session,
) -> None:
    person = make_trust_person(session)
    with pytest.raises(NotFound) as caught:
        service.add_conflict_of_interest(
            session,
            data=typed(
                ConflictOfInterestCreate,
                {"trust_person_id": person.id, "organisation_id": 999, "reason": "hr_role"},
            ),
        )
    assert caught.value.entity == "organisation"


def test_add_conflict_of_interest_refuses_end_before_start(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.add_conflict_of_interest(
            session,
            data=typed(
                ConflictOfInterestCreate,
                {
                    "trust_person_id": make_trust_person(session).id,
                    "organisation_id": make_organisation(session).id,
                    "reason": "personal_tie",
                    "starts_on": day(10),
                    "ends_on": day(10),
                },
            ),
        )
    assert _fields(caught.value) == {"ends_on"}


def test_conflict_of_interest_records_who_recorded_it(session: Session) -> None:
    user = make_user(session)
    conflict = service.add_conflict_of_interest(
        session,
        data=typed(
            ConflictOfInterestCreate,
            {
                "trust_person_id": make_trust_person(session).id,
                "organisation_id": make_organisation(session).id,
                "reason": "works_council",
            },
        ),
        viewer=Viewer(user.id, Role.PLANNER, "Planner"),
    )
    assert conflict.recorded_by_user_id == user.id


def test_list_conflicts_needs_a_trust_person_or_organisation(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        service.list_conflicts_of_interest(session)


# --------------------------------------------------------------------------- preferences


def test_set_preference_replaces_the_same_partys_earlier_one(session: Session) -> None:
    person = make_trust_person(session)
    organisation = make_organisation(session)
    pair = {"trust_person_id": person.id, "organisation_id": organisation.id}
    first = service.set_preference(
        session, data=typed(PreferenceCreate, {**pair, "party": "client", "strength": 2})
    )
    again = service.set_preference(
        session, data=typed(PreferenceCreate, {**pair, "party": "client", "strength": -1})
    )
    own = service.set_preference(
        session, data=typed(PreferenceCreate, {**pair, "party": "trust_person", "strength": 1})
    )
    assert again.id == first.id
    listed = service.list_preferences(session, organisation_id=organisation.id)
    assert {(p.party, p.strength) for p in listed} == {("client", -1), ("trust_person", 1)}
    assert own.id != first.id


def test_set_preference_refuses_strength_outside_the_scale(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.set_preference(
            session,
            data=typed(
                PreferenceCreate,
                {
                    "trust_person_id": make_trust_person(session).id,
                    "organisation_id": make_organisation(session).id,
                    "party": "client",
                    "strength": 3,
                },
            ),
        )
    assert _fields(caught.value) == {"strength"}


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


def test_a_client_sees_only_their_own_organisation_and_its_sites(session: Session) -> None:
    own, other = make_organisation(session), make_organisation(session)
    site = make_site(session, organisation=own)
    make_site(session, organisation=other)
    client = _viewer(make_user(session, role="client", organisation_id=own.id))
    assert service.get_organisation(session, organisation_id=own.id, viewer=client).id == own.id
    assert [s.id for s in service.list_sites(session, organisation_id=own.id, viewer=client)] == [
        site.id
    ]
    page = service.list_organisations(session, service.OrganisationQuery(), viewer=client)
    assert [o.id for o in page.items] == [own.id]
    with pytest.raises(NotFound):
        service.get_organisation(session, organisation_id=other.id, viewer=client)
    with pytest.raises(NotFound):
        service.list_sites(session, organisation_id=other.id, viewer=client)


def test_a_client_changes_nothing_on_the_client_list(session: Session) -> None:
    own = make_organisation(session)
    person = make_trust_person(session)
    client = _viewer(make_user(session, role="client", organisation_id=own.id))
    for call in (
        lambda: service.update_organisation(
            session,
            organisation_id=own.id,
            data=typed(OrganisationUpdate, {"wishes": "x"}),
            viewer=client,
        ),
        lambda: service.add_site(
            session, organisation_id=own.id, data=typed(SiteCreate, site_data()), viewer=client
        ),
        lambda: service.list_conflicts_of_interest(session, organisation_id=own.id, viewer=client),
        lambda: service.list_preferences(session, organisation_id=own.id, viewer=client),
        lambda: service.set_preference(
            session,
            data=typed(
                PreferenceCreate,
                {
                    "trust_person_id": person.id,
                    "organisation_id": own.id,
                    "party": "client",
                    "strength": 2,
                },
            ),
            viewer=client,
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_trust_persons_do_not_use_the_client_list(session: Session) -> None:
    organisation = make_organisation(session)
    person = make_trust_person(session)
    viewer = _viewer(make_user(session, role="trust_person", trust_person_id=person.id))
    with pytest.raises(PermissionDenied):
        service.get_organisation(session, organisation_id=organisation.id, viewer=viewer)
    with pytest.raises(PermissionDenied):
        service.list_organisations(session, service.OrganisationQuery(), viewer=viewer)


@pytest.mark.parametrize("key", ["trust_person_id", "organisation_id"])
def test_a_caller_given_id_beyond_32_bits_is_a_field_error(session: Session, key: str) -> None:
    data = {"trust_person_id": 1, "organisation_id": 1, "reason": "other", key: 2**31}
    with pytest.raises(ValidationFailed) as caught:
        service.add_conflict_of_interest(session, data=typed(ConflictOfInterestCreate, data))
    assert _fields(caught.value) == {key}
