"""The audit log, read-only, for planners and admins."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from vppool.api.auth import staff_only
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import IdFilter, Resource
from vppool.db.schemas import AuditEntryPublic
from vppool.services import audit

__all__ = ["AuditController"]

_Name = Annotated[str | None, Parameter(min_length=1, max_length=80)]


class AuditController(Resource, path="/api/v1/audit-entries", tag="audit", guard=staff_only):
    """Who changed what, when."""

    list_audit_entries = RecordRoutes("/", AuditEntryPublic).paging(
        audit.list_entries,
        """List audit entries, newest first.

        Filters: action (such as need_declined), entity_type (such as need), entity_id.
        """,
        filters={"action": _Name, "entity_type": _Name, "entity_id": IdFilter},
    )
