"""Shortlists: the VPs a client chooses its trust person from (issue 14, point 2).

Planners build a need's shortlist (the client asked to choose), change it while it is a
draft and send it. A client contact lists their organisation's open shortlists, reads one
(the candidates' profiles while it is open; each opening is audited), chooses a candidate
or asks for others. A trust person sees no shortlist (403).
"""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromQuery

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import IdFilter, Resource
from vppool.db.schemas import (
    ShortlistAskOthers,
    ShortlistBuild,
    ShortlistChange,
    ShortlistChoose,
)
from vppool.services import shortlists
from vppool.services.shortlists import ShortlistSummary, ShortlistView
from vppool.vocab import ShortlistStatus

__all__ = ["ShortlistController"]

_SHORTLISTS = RecordRoutes(
    "/", ShortlistView, key="shortlist_id", create=ShortlistBuild, update=ShortlistChange
)


class ShortlistController(Resource, path="/api/v1/shortlists", tag="shortlists", guard=logged_in):
    """Shortlists of trust persons for the needs whose client wants to choose."""

    list_shortlists = _SHORTLISTS.route(
        get,
        "/",
        shortlists.list_shortlists,
        """List shortlists, newest first.

        Planners see every one (filters: need_id, status); a client contact sees their own
        organisation's open ones (sent, the last day not passed).
        """,
        returns=list[ShortlistSummary],
        query={
            "need_id": (IdFilter, None),
            "status": (FromQuery[ShortlistStatus | None], None),  # type: ignore[misc]
        },
        with_settings=True,
    )
    build_shortlist = _SHORTLISTS.staff.creating(
        shortlists.build,
        """Build the shortlist of a need whose client wants to choose (a draft).

        Two or three eligible VPs (every hard rule, the client's conditions included) who
        differ where the pool allows (gender, age band, background, languages), then the
        cheapest; the cheapest is the first choice. A draft is built again from today's
        pool; 409 when the client did not ask to choose, every seat is taken, it was sent
        already, or fewer than two VPs are eligible.
        """,
        with_settings=True,
        spread=True,
    )
    get_shortlist = _SHORTLISTS.reading(
        shortlists.read,
        """Get a shortlist. A client contact sees the candidates' profiles while it is open
        (audited each time), after the choice only the VP placed.""",
        with_settings=True,
    )
    change_shortlist = _SHORTLISTS.staff.changing(
        shortlists.update,
        "Change a draft: candidates (two or three eligible VPs), first choice, last day, note.",
        with_settings=True,
    )
    send_shortlist = _SHORTLISTS.staff.acting(
        post,
        "/send",
        shortlists.send,
        """Send a draft to the client's contacts (told by inbox and e-mail).

        The candidates are checked again: 409 names those who can no longer take the need.
        """,
        with_settings=True,
        status_code=200,
    )
    choose_from_shortlist = _SHORTLISTS.acting(
        post,
        "/choose",
        shortlists.choose,
        """Choose a candidate (the client's contact, or a planner for them), up to the last day.

        The VP is placed on the need's first open seat (asked first when the VP's consent is
        on); 409 when they can no longer take it, 422 when they are not on the shortlist.
        """,
        body=ShortlistChoose,
        with_settings=True,
        status_code=200,
    )
    ask_for_other_candidates = _SHORTLISTS.acting(
        post,
        "/ask-others",
        shortlists.ask_others,
        "Ask for other candidates, with a note: the shortlist is a draft again; planners told.",
        body=ShortlistAskOthers,
        with_settings=True,
        status_code=200,
    )
