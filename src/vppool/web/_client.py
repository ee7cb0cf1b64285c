"""A client contact's pages: their team with its availability, and their requests."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from vppool.db.schemas import REQUESTABLE_KINDS
from vppool.services import assignments, needs, organisations
from vppool.vocab import AssignmentStatus, Scope, Urgency
from vppool.web._common import FormData, client_only
from vppool.web._forms import fields_of
from vppool.web._page import FormView, PageContext, WebPages
from vppool.web._record_forms import WISH_FIELDS, RequestForm
from vppool.web._views import all_pages, team_availability

__all__ = ["ClientPages"]

_DAYS = 14


def _requests_facts(ctx: PageContext) -> dict[str, Any]:
    """A client contact's earlier requests, who serves each, and the form's choices."""
    earlier = needs.list_needs(
        ctx.session, needs.NeedQuery(sort="-created_at", limit=50), viewer=ctx.viewer
    )
    team = assignments.own_team(ctx.session, viewer=ctx.viewer)
    names = {
        m.trust_person.id: f"{m.trust_person.first_name} {m.trust_person.last_name}" for m in team
    }
    held = all_pages(
        lambda query: assignments.list_assignments(ctx.session, query, viewer=ctx.viewer),
        assignments.AssignmentQuery(status=AssignmentStatus.CONFIRMED),
    )
    assigned: dict[int, list[str]] = {}
    for assignment in held:
        name = names.get(assignment.trust_person_id)
        if name:
            assigned.setdefault(assignment.need_id, []).append(name)
    return {
        "earlier": earlier,
        "assigned": assigned,
        "kinds": list(REQUESTABLE_KINDS),
        "scopes": list(Scope),
        "urgencies": list(Urgency),
        "wish_fields": fields_of(RequestForm, WISH_FIELDS),
        "form_key": secrets.token_urlsafe(16),
    }


REQUESTS = FormView("client_requests.html", "requests", _requests_facts)


class ClientPages(WebPages, guard=client_only):
    """Only a client contact's own organisation: every call passes the viewer to the services."""

    @get("/team", sync_to_thread=True)
    def team(self, ctx: NamedDependency[PageContext]) -> Template:
        """The trust persons serving the organisation and when they are free (two weeks)."""
        viewer = ctx.viewer
        assert viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        team = assignments.own_team(ctx.session, viewer=viewer)
        today = ctx.today()
        return ctx.render(
            "client_team.html",
            section="team",
            organisation=organisations.get_organisation(
                ctx.session, organisation_id=viewer.organisation_id, viewer=viewer
            ),
            team=team,
            days=[today + timedelta(days=i) for i in range(_DAYS)],
            availability=team_availability(ctx.session, team, today, _DAYS, ctx.settings.timezone),
        )

    @get("/requests", sync_to_thread=True)
    def requests(self, ctx: NamedDependency[PageContext]) -> Template:
        """Earlier requests with their status, and the form for a new one."""
        return REQUESTS.draw(ctx, values={"seats": "1"})

    @post("/requests", sync_to_thread=True, status_code=303)
    def file_request(
        self, ctx: NamedDependency[PageContext], data: FormData
    ) -> Template | Redirect:
        """File a request; problems are shown next to their fields, typed values kept."""

        def file(form: RequestForm) -> str:
            need, _ = needs.submit_need(ctx.session, data=form.to_input(), viewer=ctx.viewer)
            return f"/requests?done=filed#need-{need.id}"

        return ctx.handle(RequestForm, data, act=file, again=REQUESTS.again(ctx), once=True)
