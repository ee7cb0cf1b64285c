"""The audit log: who changed what, when. Append-only, and free of personal data values.

The log cannot be changed or deleted (a database trigger guards it), so it cannot honour an
AVG/GDPR erasure either. Entries therefore name the entity, its id and the fields that
changed, never the personal values themselves; the values live in the rows, where they can
be erased.

Planners and admins read the log (:func:`list_entries`); nobody changes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from vppool.db.models import AuditEntry
from vppool.db.schemas import AuditEntryPublic, Page
from vppool.services._common import (
    DEFAULT_LIMIT,
    Actor,
    fetch_page,
    flush,
    plain_text,
    require_staff,
)

if TYPE_CHECKING:  # access records its changes here, so the viewer type is for annotations
    from vppool.services.access import Viewer

__all__ = ["list_entries", "record", "record_change"]


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    actor_label: str,
    action: str,
    entity_type: str,
    entity_id: int | None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log, in the caller's transaction, and flush it.

    Args:
        session: the session of the change being recorded.
        actor_user_id: the user who made the change, or ``None`` for the system.
        actor_label: how to show the actor (kept when the user is deleted later).
        action: what happened, as ``<entity type>_<verb>``: ``need_created``,
            ``organisation_updated``, ``assignment_ended``, ...
        entity_type: the kind of entity (``organisation``, ``need``, ...).
        entity_id: the entity's id.
        details: JSON-ready facts about the change; no personal data values.
    """
    session.add(
        AuditEntry(
            actor_user_id=actor_user_id,
            actor_label=actor_label,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=to_jsonable_python(dict(details or {})),
        )
    )
    flush(session)


def record_change(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    details: Mapping[str, Any] | None = None,
    fields: Sequence[str] = (),
) -> None:
    """Append an entry for ``actor``; ``fields`` lists the names of changed fields, if any."""
    facts = dict(details or {})
    if fields:
        facts["fields"] = sorted(fields)
    record(
        session,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=facts,
    )


def list_entries(
    session: Session,
    *,
    viewer: Viewer | None = None,
    action: str | None = None,
    entity_type: str | None = None,
    entity_id: int | None = None,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> Page[AuditEntryPublic]:
    """One page of the audit log, newest first.

    Args:
        session: the database session.
        viewer: who asks (planners and admins only).
        action: only entries of this action (``need_declined``, ...).
        entity_type: only entries about this kind of entity (``need``, ...).
        entity_id: only entries about the entity with this id.
        offset: how many entries to skip.
        limit: page size, at most 200.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a bad offset or limit, or a filter with a NUL character.
    """
    require_staff(viewer, "read the audit log")
    statement = select(AuditEntry)
    if action is not None:
        statement = statement.where(AuditEntry.action == plain_text(action, field="action"))
    if entity_type is not None:
        statement = statement.where(
            AuditEntry.entity_type == plain_text(entity_type, field="entity_type")
        )
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == entity_id)
    return fetch_page(
        session,
        statement,
        public=AuditEntryPublic,
        ordering=[col(AuditEntry.at).desc(), col(AuditEntry.id).desc()],
        offset=offset,
        limit=limit,
    )
