"""Needs and the request workflow: a client contact requests, a planner accepts or declines.

``POST /api/v1/needs`` files a planner's need as ``open`` and a client contact's as a
``requested`` request for their own organisation. The same submission twice within a minute
files one need: the repeat answers 200 with the need the first one created (201).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import Body
from sqlmodel import Session

from vppool.api.auth import client_or_staff
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import (
    IdFilter,
    Resource,
)
from vppool.db.schemas import NeedDecline, NeedPublic, NeedSubmit, NeedUpdate
from vppool.services import needs
from vppool.services.access import Viewer
from vppool.vocab import NeedKind, NeedStatus, Urgency

__all__ = ["NeedController"]

_NEEDS = RecordRoutes("/", NeedPublic, key="need_id", update=NeedUpdate)


class NeedController(Resource, path="/api/v1/needs", tag="needs", guard=client_or_staff):
    """Needs of client organisations."""

    list_needs = _NEEDS.paging(
        needs.list_needs,
        """List needs.

        Filters: organisation_id, kind, status, urgency. Sort by urgency (most urgent
        first), starts_on or created_at ('-' reverses). A client contact sees only their
        own organisation's needs, with the status and decision reason of their requests.
        """,
        filters={
            "organisation_id": IdFilter,
            "kind": NeedKind | None,
            "status": NeedStatus | None,
            "urgency": Urgency | None,
        },
        sort="urgency",
    )

    @post("/", sync_to_thread=True)
    def submit_need(
        self,
        data: Annotated[
            NeedSubmit,
            Body(
                description=(
                    "A planner names organisation_id and creates an open need. A client "
                    "contact requests absence_cover, reorganisation or aftercare for their "
                    "own organisation, with an end date and hours per month above 0."
                ),
            ),
        ],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Response[NeedPublic]:
        """File a need: open for a planner, a request for a client contact.

        201 with the new need; 200 with the earlier need when the same submission (same
        organisation, kind, title and period) was filed less than a minute ago.
        """
        need, created = needs.submit_need(db_session, data=data, viewer=viewer)
        return Response(need, status_code=201 if created else 200)

    get_need = _NEEDS.reading(
        needs.get_need, "Get a need with its status (and a declined request's reason)."
    )
    update_need = _NEEDS.staff.changing(
        needs.update_need,
        "Change a need's given fields; confirmed assignments must still fit.",
    )
    accept_request = _NEEDS.staff.acting(
        post,
        "/accept",
        needs.accept_request,
        "Accept a requested need: it becomes open for matching (else 409).",
        status_code=200,
    )
    decline_request = _NEEDS.staff.acting(
        post,
        "/decline",
        needs.decline_request,
        "Decline a requested need with a reason the client contact reads (else 409).",
        body=NeedDecline,
        status_code=200,
    )
