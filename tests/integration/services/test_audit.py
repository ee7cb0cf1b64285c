"""The audit log service: entries are appended in the caller's transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.dbutil import table_counts
from tests.factories import make_user
from vppool.db.models import AuditEntry
from vppool.services import SYSTEM, Actor, audit

pytestmark = pytest.mark.integration


def test_record_appends_one_entry_with_json_ready_details(session: Session) -> None:
    user = make_user(session)
    audit.record(
        session,
        actor_user_id=user.id,
        actor_label="Planner P.",
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
