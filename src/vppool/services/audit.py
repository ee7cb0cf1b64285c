"""The audit log: who changed what, when. Append-only, and free of personal data values.

The log cannot be changed or deleted (a database trigger guards it), so it cannot honour an
AVG/GDPR erasure either. Entries therefore name the entity, its id and the fields that
changed, never the personal values themselves; the values live in the rows, where they can
be erased.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session

from vppool.db.models import AuditEntry
from vppool.services._common import Actor, flush

__all__ = ["record", "record_change"]


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
