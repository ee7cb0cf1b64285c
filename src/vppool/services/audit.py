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
from vppool.db.schemas import AuditEntryPublic, AuditQuery, Page
from vppool.services._common import (
    Actor,
    fetch_page,
    flush,
    plain_text,
    require_staff,
    where_given,
)

if TYPE_CHECKING:  # access records its changes here, so the viewer type is for annotations
    from vppool.services.access import Viewer

__all__ = ["list_entries", "record_change", "record_event"]


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
    """Append one entry to the audit log, in the caller's transaction, and flush it.

    ``action`` says what happened as ``<entity type>_<verb>`` (``need_created``,
    ``assignment_ended``, ...); ``details`` are JSON-ready facts about the change, never
    personal data values; ``fields`` lists the names of changed fields, if any. The actor's
    label is kept with the entry, so it still reads when the user is deleted later.
    """
    facts = dict(details or {})
    if fields:
        facts["fields"] = sorted(fields)
    session.add(
        AuditEntry(
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=to_jsonable_python(facts),
        )
    )
    flush(session)


def record_event(
    session: Session,
    actor: Actor,
    entity: tuple[str, int | None],
    verb: str,
    details: Mapping[str, Any] | None = None,
    *,
    fields: Sequence[str] = (),
) -> None:
    """Append ``<entity type>_<verb>`` about ``entity`` (its type and id), the usual action."""
    entity_type, entity_id = entity
    record_change(
        session,
        actor,
        action=f"{entity_type}_{verb}",
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
        fields=fields,
    )


def list_entries(
    session: Session, query: AuditQuery, *, viewer: Viewer | None = None
) -> Page[AuditEntryPublic]:
    """One page of the audit log (of the query's action, kind of entity, entity), newest first.

    Args:
        session: the database session.
        query: the filters (``action`` such as ``need_declined``, ``entity_type`` such as
            ``need``, ``entity_id``) and the page (``offset``, ``limit`` at most 200).
        viewer: who asks (planners and admins only).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a bad offset or limit, or a filter with a NUL character.
    """
    require_staff(viewer, "read the audit log")
    statement = where_given(
        select(AuditEntry),
        (AuditEntry.action, plain_text(query.action, field="action")),
        (AuditEntry.entity_type, plain_text(query.entity_type, field="entity_type")),
        (AuditEntry.entity_id, query.entity_id),
    )
    return fetch_page(
        session,
        statement,
        query,
        public=AuditEntryPublic,
        ordering=[col(AuditEntry.at).desc(), col(AuditEntry.id).desc()],
    )
