"""A client's staffing advice: planners keep and send it; the client contact reads it once sent."""

from __future__ import annotations

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.controllers._shared import Id, Resource
from vppool.db.models import StaffingAdviceBase
from vppool.services import staffing
from vppool.services.access import Viewer
from vppool.services.staffing import StaffingView
from vppool.settings import Settings

__all__ = ["StaffingController"]


class StaffingController(
    Resource,
    path="/api/v1/organisations/{organisation_id:int}/staffing-advice",
    tag="organisations",
    guard=logged_in,
):
    """Staffing advice per client organisation."""

    @get("/", sync_to_thread=True)
    def get_staffing_advice(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
    ) -> StaffingView:
        """Read the advice (vppool's proposal until one is kept) and each item's current state.

        A client contact reads their own organisation's advice once it was sent (404 before).
        """
        return staffing.staffing_view(
            db_session, settings, organisation_id=organisation_id, viewer=viewer
        )

    @put("/", sync_to_thread=True)
    def put_staffing_advice(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
        *,
        data: JSONBody[StaffingAdviceBase],
    ) -> StaffingView:
        """Keep the advice (planners); the client contact sees it once it is sent."""
        return staffing.save_advice(
            db_session, settings, organisation_id=organisation_id, data=data, viewer=viewer
        )

    @post("/send", sync_to_thread=True, status_code=200)
    def send_staffing_advice(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
        *,
        data: JSONBody[StaffingAdviceBase],
    ) -> StaffingView:
        """Keep the advice and e-mail it to the client's contacts (planners)."""
        return staffing.save_advice(
            db_session,
            settings,
            organisation_id=organisation_id,
            data=data,
            send=True,
            viewer=viewer,
        )
