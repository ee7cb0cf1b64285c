"""The caller's own views: a client contact's team, a trust person's assignments."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import Resource
from vppool.db.schemas import AssignmentView, TeamMember
from vppool.services import assignments
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus

__all__ = ["MeController"]


class MeController(Resource, path="/api/v1/me", tag="me", guard=logged_in):
    """What is the caller's own (planners use the full lists instead: 403 here)."""

    @get("/team", sync_to_thread=True)
    def get_my_team(
        self, viewer: NamedDependency[Viewer], db_session: NamedDependency[Session]
    ) -> list[TeamMember]:
        """List the trust persons confirmed at the client contact's organisation.

        Name, contact details, languages, and gender only where the trust person chose to
        show it; with the seats each holds.
        """
        return assignments.own_team(db_session, viewer=viewer)

    list_my_assignments = RecordRoutes("/assignments", AssignmentView).paging(
        assignments.own_assignments,
        """List the trust person's own confirmed and ended assignments, the latest first.

        Each names the organisation and the kind of need.
        """,
        filters={"status": AssignmentStatus | None},
    )
