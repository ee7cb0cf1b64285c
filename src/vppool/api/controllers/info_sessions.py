"""Information sessions at a client's site: requested, proposed times, booked, cancelled.

A client contact requests a session for their own organisation (a planner for any); vppool
proposes times at which a suitable VP is free, travel included; a planner (or the client
contact, when the provider allows it) books one; either cancels. A trust person reads the
sessions they hold.
"""

from __future__ import annotations

from litestar import get, post

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import IdFilter, Resource
from vppool.services import info_sessions
from vppool.services.info_sessions import (
    InfoSessionBooking,
    InfoSessionPublic,
    InfoSessionRequest,
    Proposal,
)
from vppool.vocab import InfoSessionStatus

__all__ = ["InfoSessionController"]

_SESSIONS = RecordRoutes("/", InfoSessionPublic, key="info_session_id", create=InfoSessionRequest)


class InfoSessionController(
    Resource, path="/api/v1/info-sessions", tag="info-sessions", guard=logged_in
):
    """Information sessions (voorlichting, team meetings, introductions) at clients' sites."""

    list_info_sessions = _SESSIONS.paging(
        info_sessions.list_sessions,
        """List information sessions: requests first, then booked ones, latest first.

        Filters: status, organisation_id, trust_person_id. A client contact sees their own
        organisation's sessions, a trust person the ones they hold.
        """,
        filters={
            "status": InfoSessionStatus | None,
            "organisation_id": IdFilter,
            "trust_person_id": IdFilter,
        },
    )
    request_info_session = _SESSIONS.creating(
        info_sessions.request_session,
        """Request a session (client contacts for their own organisation; planners name it).

        The period is whole days: ``starts_on`` up to the day before ``ends_on``, at most
        VPPOOL_INFO_SESSION_MAX_DAYS long. The planners are told.
        """,
        with_settings=True,
    )
    get_info_session = _SESSIONS.reading(info_sessions.get_session, "Get one session.")
    propose_info_session_times = _SESSIONS.acting(
        get,
        "/proposals",
        info_sessions.propose_times,
        """Times at which a suitable VP is free, travel included, best first.

        Planners; client contacts too when VPPOOL_INFO_SESSION_CLIENTS_BOOK is on.
        """,
        with_settings=True,
        returns=list[Proposal],
    )
    book_info_session = _SESSIONS.acting(
        post,
        "/book",
        info_sessions.book_session,
        """Book the session with a VP at a time (or move a booked one there).

        The time is checked again: 422 when the VP is no longer free then. The VP and the
        client's contacts are told.
        """,
        body=InfoSessionBooking,
        with_settings=True,
        status_code=200,
    )
    cancel_info_session = _SESSIONS.acting(
        post,
        "/cancel",
        info_sessions.cancel_session,
        "Cancel a request or a booked session (planners, the client's contact).",
        status_code=200,
    )
