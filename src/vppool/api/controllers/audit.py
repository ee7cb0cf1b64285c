"""The audit log, read-only, for planners and admins."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter
from sqlmodel import Session

from vppool.api.auth import staff_only
from vppool.api.controllers._shared import DEFAULT_LIMIT, IdFilter, Limit, Offset, Resource
from vppool.db.schemas import AuditEntryPublic, Page
from vppool.services import audit
from vppool.services.access import Viewer

__all__ = ["AuditController"]

_Name = Annotated[str | None, Parameter(min_length=1, max_length=80)]


class AuditController(Resource):
    """Who changed what, when."""

    path = "/api/v1/audit-entries"
    tags = ["audit"]  # noqa: RUF012  (Litestar reads class attributes)
    guards = [staff_only]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_audit_entries(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        action: _Name = None,
        entity_type: _Name = None,
        entity_id: IdFilter = None,
        offset: Offset = 0,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Page[AuditEntryPublic]:
        """List audit entries, newest first.

        Filters: action (such as need_declined), entity_type (such as need), entity_id.
        """
        return audit.list_entries(
            db_session,
            viewer=viewer,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            offset=offset,
            limit=limit,
        )
