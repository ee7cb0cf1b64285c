"""A client's staffing advice: planners keep and send it; the client contact reads it once sent."""

from __future__ import annotations

from typing import Annotated

from litestar import get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.controllers._shared import Resource
from vppool.db.models import StaffingAdviceBase
from vppool.services import staffing
from vppool.services.access import Viewer
from vppool.services.staffing import StaffingView
from vppool.settings import Settings

__all__ = ["StaffingController"]

Send = Annotated[bool, Parameter(description="Also e-mail the advice to the client's contacts.")]


class StaffingController(Resource):
    """Staffing advice per client organisation."""

    path = "/api/v1/organisations/{organisation_id:int}/staffing-advice"
    tags = ["organisations"]  # noqa: RUF012  (Litestar reads class attributes)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def get_staffing_advice(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: FromPath[int],
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
        organisation_id: FromPath[int],
        *,
        data: JSONBody[StaffingAdviceBase],
        send: Send = False,
    ) -> StaffingView:
        """Keep the advice (planners); with ``send=true`` e-mail it to the client's contacts."""
        return staffing.save_advice(
            db_session,
            settings,
            organisation_id=organisation_id,
            data=data,
            send=send,
            viewer=viewer,
        )
