"""A client contact's pages: their team with its availability, and their requests."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.db.schemas import REQUESTABLE_KINDS
from vppool.services import assignments, needs, organisations
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, Scope, Urgency
from vppool.web._common import (
    FormData,
    IdempotencyKeys,
    client_only,
    language_of,
    page,
)
from vppool.web._forms import handle
from vppool.web._record_forms import RequestForm
from vppool.web._views import all_pages, team_availability

__all__ = ["ClientPages"]

_DAYS = 14


class ClientPages(Controller):
    """Only a client contact's own organisation: every call passes the viewer to the services."""

    path = "/"
    guards = [client_only]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    @get("/team", sync_to_thread=True)
    def team(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """The trust persons serving the organisation and when they are free (two weeks)."""
        assert viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        team = assignments.own_team(db_session, viewer=viewer)
        today = settings.today()
        return page(
            request,
            "client_team.html",
            section="team",
            organisation=organisations.get_organisation(
                db_session, organisation_id=viewer.organisation_id, viewer=viewer
            ),
            team=team,
            days=[today + timedelta(days=i) for i in range(_DAYS)],
            availability=team_availability(db_session, team, today, _DAYS, settings.timezone),
        )

    @get("/requests", sync_to_thread=True)
    def requests(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        done: FromQuery[str] = "",
    ) -> Template:
        """Earlier requests with their status, and the form for a new one."""
        return self._page(request, db_session, viewer, values={"seats": "1"}, errors={}, done=done)

    def _page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        viewer: Viewer,
        *,
        values: dict[str, Any],
        errors: dict[str, list[str]],
        done: FromQuery[str] = "",
        status_code: int = 200,
    ) -> Template:
        earlier = needs.list_needs(db_session, sort="-created_at", limit=50, viewer=viewer)
        team = assignments.own_team(db_session, viewer=viewer)
        names = {
            m.trust_person.id: f"{m.trust_person.first_name} {m.trust_person.last_name}"
            for m in team
        }
        held = all_pages(
            lambda offset, limit: assignments.list_assignments(
                db_session,
                status=AssignmentStatus.CONFIRMED,
                offset=offset,
                limit=limit,
                viewer=viewer,
            )
        )
        assigned: dict[int, list[str]] = {}
        for assignment in held:
            name = names.get(assignment.trust_person_id)
            if name:
                assigned.setdefault(assignment.need_id, []).append(name)
        return page(
            request,
            "client_requests.html",
            section="requests",
            status_code=status_code,
            earlier=earlier,
            assigned=assigned,
            values=values,
            errors=errors,
            kinds=list(REQUESTABLE_KINDS),
            scopes=list(Scope),
            urgencies=list(Urgency),
            form_key=secrets.token_urlsafe(16),
            done=done,
        )

    @post("/requests", sync_to_thread=True, status_code=303)
    def file_request(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        state: State,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """File a request; problems are shown next to their fields, typed values kept."""
        keys: IdempotencyKeys = state.web_submissions

        def file(form: RequestForm) -> str:
            def submit() -> str:
                need, _ = needs.submit_need(db_session, data=form.to_input(), viewer=viewer)
                return f"/requests?done=filed#need-{need.id}"

            return keys.once(data, submit)

        return handle(
            RequestForm,
            data,
            language_of(request),
            act=file,
            again=lambda values, errors: self._page(
                request, db_session, viewer, values=values, errors=errors, status_code=422
            ),
            rollback=db_session.rollback,
        )
