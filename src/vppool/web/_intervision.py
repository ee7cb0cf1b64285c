"""Intervision groups, their meetings and attendance (planners: all; a trust person: their own).

Forming groups and planning their meetings are solver runs: they are started from the API or
the command line, not from a page (a request never waits for a solve).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.services import intervision
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.web._common import FormData, form_list, page, redirect, staff_or_trust_person_page
from vppool.web._views import all_pages

__all__ = ["IntervisionPages"]

_PAGE = 30


class IntervisionPages(Controller):
    """Every call passes the viewer: a trust person sees and records only their own."""

    path = "/intervision"
    guards = [staff_or_trust_person_page]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def groups(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
        year: FromQuery[int | None] = None,
        offset: FromQuery[int] = 0,
        done: FromQuery[str] = "",
    ) -> Template:
        """A year's groups with their members and meetings."""
        year = year or settings.today().year
        groups = intervision.list_groups(
            db_session, year=year, viewer=viewer, offset=max(offset, 0), limit=_PAGE
        )
        sessions_by_group: dict[int, list[intervision.IntervisionSessionPublic]] = defaultdict(list)
        for meeting in all_pages(
            lambda o, limit: intervision.list_sessions(
                db_session, year=year, viewer=viewer, offset=o, limit=limit
            )
        ):
            sessions_by_group[meeting.group_id].append(meeting)
        return page(
            request,
            "intervision.html",
            section="intervision",
            year=year,
            groups=groups,
            sessions_by_group=sessions_by_group,
            page_size=_PAGE,
            done=done,
        )

    def _meeting(
        self, db_session: Session, viewer: Viewer, group_id: int, session_id: int
    ) -> tuple[intervision.IntervisionGroupPublic, intervision.IntervisionSessionPublic]:
        group = intervision.get_group(db_session, group_id, viewer=viewer)
        meeting = next(
            (
                s
                for s in all_pages(
                    lambda o, limit: intervision.list_sessions(
                        db_session, group_id=group_id, viewer=viewer, offset=o, limit=limit
                    )
                )
                if s.id == session_id
            ),
            None,
        )
        if meeting is None:
            raise NotFoundException
        return group, meeting

    @get("/groups/{group_id:int}/sessions/{session_id:int}", sync_to_thread=True)
    def attendance(
        self,
        *,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        session_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        done: FromQuery[str] = "",
    ) -> Template:
        """Who attended a meeting (a trust person may record only their own attendance)."""
        group, meeting = self._meeting(db_session, viewer, group_id, session_id)
        recorded = intervision.list_attendance(db_session, session_id=session_id, viewer=viewer)
        members = [
            m
            for m in group.members
            if viewer.is_staff or m.trust_person_id == viewer.trust_person_id
        ]
        return page(
            request,
            "intervision_session.html",
            section="intervision",
            group=group,
            meeting=meeting,
            members=members,
            attended={a.trust_person_id: a.attended for a in recorded},
            hours={a.trust_person_id: a.hours for a in recorded if a.attended},
            done=done,
        )

    @post("/groups/{group_id:int}/sessions/{session_id:int}", sync_to_thread=True, status_code=303)
    def record(
        self,
        *,
        group_id: FromPath[int],
        session_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Record the ticked members as present and the others as absent."""
        group, _ = self._meeting(db_session, viewer, group_id, session_id)
        present = set(form_list(data, "attended"))
        for member in group.members:
            if not viewer.is_staff and member.trust_person_id != viewer.trust_person_id:
                continue
            intervision.record_attendance(
                db_session,
                session_id=session_id,
                trust_person_id=member.trust_person_id,
                attended=str(member.trust_person_id) in present,
                viewer=viewer,
            )
        return redirect(f"/intervision/groups/{group_id}/sessions/{session_id}?done=recorded")
