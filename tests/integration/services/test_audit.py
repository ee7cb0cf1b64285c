"""The audit log service: entries are appended in the caller's transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.dbutil import table_counts
from tests.factories import make_organisation, make_user
from vppool.db.models import AuditEntry
from vppool.db.schemas import AuditQuery
from vppool.errors import PermissionDenied, ValidationFailed
from vppool.services import SYSTEM, Actor, audit
from vppool.services.access import Viewer
from vppool.vocab import Role

pytestmark = pytest.mark.integration


def test_record_change_appends_one_entry_with_json_ready_details(session: Session) -> None:
    user = make_user(session)
    audit.record_change(
        session,
        Actor(user_id=user.id, label="Planner P."),
        action="need_updated",
        entity_type="need",
        entity_id=7,
        details={"fields": ["seats"], "on": date(2027, 1, 1)},
    )
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.actor_user_id, entry.actor_label, entry.action) == (
        user.id,
        "Planner P.",
        "need_updated",
    )
    assert (entry.entity_type, entry.entity_id) == ("need", 7)
    assert entry.details == {"fields": ["seats"], "on": "2027-01-01"}
    assert entry.at.tzinfo is not None


def test_record_change_lists_changed_fields_sorted_for_the_system_actor(
    session: Session,
) -> None:
    audit.record_change(
        session,
        SYSTEM,
        action="organisation_updated",
        entity_type="organisation",
        entity_id=1,
        fields=["name", "headcount"],
    )
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.actor_user_id, entry.actor_label) == (None, "system")
    assert entry.details == {"fields": ["headcount", "name"]}


def test_entries_roll_back_with_the_change_they_describe(session: Session, engine: Engine) -> None:
    before = table_counts(engine)
    audit.record_change(
        session,
        Actor(user_id=None, label="cli"),
        action="need_created",
        entity_type="need",
        entity_id=1,
    )
    session.rollback()
    assert table_counts(engine) == before


# --------------------------------------------------------------------------- reading


def _entries(session: Session) -> None:
    for number, (action, entity_id) in enumerate(
        [("need_created", 1), ("need_updated", 1), ("site_created", 2), ("need_updated", 3)]
    ):
        audit.record_change(
            session,
            SYSTEM,
            action=action,
            entity_type=action.split("_")[0],
            entity_id=entity_id,
            details={"n": number},
        )


def test_list_entries_is_newest_first_with_filters(session: Session) -> None:
    _entries(session)
    page = audit.list_entries(session, AuditQuery())
    assert [e.details["n"] for e in page.items] == [3, 2, 1, 0]
    updated = audit.list_entries(session, AuditQuery(action="need_updated"))
    assert [e.entity_id for e in updated.items] == [3, 1]
    of_need = audit.list_entries(
        session, AuditQuery(entity_type="need", entity_id=1, offset=1, limit=1)
    )
    assert (of_need.total, [e.action for e in of_need.items]) == (2, ["need_created"])


def test_list_entries_is_for_staff(session: Session) -> None:
    organisation = make_organisation(session)
    client = make_user(session, role="client", organisation_id=organisation.id)
    assert client.id is not None
    viewer = Viewer(client.id, Role.CLIENT, "HR", organisation_id=organisation.id)
    with pytest.raises(PermissionDenied):
        audit.list_entries(session, AuditQuery(), viewer=viewer)
    planner = Viewer(client.id, Role.PLANNER, "P")
    assert audit.list_entries(session, AuditQuery(), viewer=planner).total == 0


def test_list_entries_refuses_a_nul_character_in_a_filter(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        audit.list_entries(session, AuditQuery(action="need\x00"))
