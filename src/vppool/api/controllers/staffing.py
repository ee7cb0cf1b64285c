"""A client's staffing advice: planners keep and send it; the client contact reads it once sent."""

from __future__ import annotations

from functools import partial

from litestar import get, post, put

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import Resource
from vppool.db.models import StaffingAdviceBase
from vppool.services import staffing
from vppool.services.staffing import StaffingView

__all__ = ["StaffingController"]

_ADVICE = RecordRoutes("/", StaffingView, owner="organisation_id")


class StaffingController(
    Resource,
    path="/api/v1/organisations/{organisation_id:int}/staffing-advice",
    tag="organisations",
    guard=logged_in,
):
    """Staffing advice per client organisation."""

    get_staffing_advice = _ADVICE.route(
        get,
        "/",
        staffing.staffing_view,
        """Read the advice (vppool's proposal until one is kept) and each item's current state.

        A client contact reads their own organisation's advice once it was sent (404 before).
        """,
        with_settings=True,
    )
    put_staffing_advice = _ADVICE.route(
        put,
        "/",
        staffing.save_advice,
        "Keep the advice (planners); the client contact sees it once it is sent.",
        body=StaffingAdviceBase,
        with_settings=True,
    )
    send_staffing_advice = _ADVICE.route(
        post,
        "/send",
        partial(staffing.save_advice, send=True),
        "Keep the advice and e-mail it to the client's contacts (planners).",
        body=StaffingAdviceBase,
        with_settings=True,
        status_code=200,
    )
