"""Information sessions in the web application: request, pick a proposed time, cancel.

* ``/sessions``: a client contact's sessions and the form to request one; a planner's queue
  (requests first) and booked sessions; a trust person's own sessions.
* ``/sessions/<id>``: one session; for a planner (or the client contact, when the provider
  lets clients pick) the proposed times, each with a button that books it.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, ClassVar

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from vppool.errors import VppoolError
from vppool.services import assignments, info_sessions, organisations
from vppool.services.info_sessions import InfoSessionBooking, InfoSessionRequest
from vppool.vocab import LANGUAGES, InfoSessionKind, InfoSessionStatus, Role
from vppool.web._common import FormData, client_only, form_text, web_logged_in
from vppool.web._forms import Form, day_after, form_field
from vppool.web._page import FormView, PageContext, WebPages

__all__ = ["InfoSessionPages"]


class InfoSessionForm(Form):
    """A client contact's request for a session."""

    renamed: ClassVar[dict[str, str]] = {"ends_on": "last_day"}

    kind: InfoSessionKind = form_field("Kind of session")
    site_id: int = form_field("Site", ge=1)
    starts_on: date = form_field("From")
    last_day: date = form_field("Last day")
    duration_minutes: int = form_field("Duration (minutes)", ge=15, le=480)
    audience: int = form_field("Number of participants", default=10, ge=1, le=10_000)
    language: str = form_field("Language", default="nl", max_length=8)
    preferred_trust_person_id: int | None = form_field("Preferred trust person", default=None)
    note: str | None = form_field("Explanation for the planner", default=None, max_length=1000)

    def to_input(self) -> InfoSessionRequest:
        """The request as the service files it (the end is the day after the last day)."""
        return self.build(
            InfoSessionRequest,
            **self.typed_values(leave=["last_day"], ends_on=day_after(self.last_day)),
        )


def _list_facts(ctx: PageContext) -> dict[str, Any]:
    """The viewer's sessions and, for a client contact, the form's choices."""
    viewer = ctx.viewer
    listed = info_sessions.list_sessions(
        ctx.session, info_sessions.InfoSessionQuery(limit=100), viewer=viewer
    )
    facts: dict[str, Any] = {
        "sessions": listed,
        "requested": [s for s in listed.items if s.status is InfoSessionStatus.REQUESTED],
        "others": [s for s in listed.items if s.status is not InfoSessionStatus.REQUESTED],
        "is_client": viewer.role is Role.CLIENT,
        "may_book": info_sessions.may_book(ctx.settings, viewer),
        "form_key": secrets.token_urlsafe(16),
    }
    if viewer.role is Role.CLIENT and viewer.organisation_id is not None:
        team = assignments.own_team(ctx.session, viewer=viewer)
        facts |= {
            "kinds": list(InfoSessionKind),
            "sites": organisations.list_sites(
                ctx.session, organisation_id=viewer.organisation_id, viewer=viewer
            ),
            "team": {m.trust_person.id: m.trust_person for m in team},
            "languages": LANGUAGES,
        }
    return facts


SESSIONS = FormView("info_sessions.html", "sessions", _list_facts)


class InfoSessionPages(WebPages, path="/sessions", guard=web_logged_in):
    """Every call passes the viewer: the service scopes what each role sees and may do."""

    @get("/", sync_to_thread=True)
    def sessions(self, ctx: NamedDependency[PageContext]) -> Template:
        """The viewer's sessions (and a client contact's request form)."""
        facts = _list_facts(ctx)
        first_vp = next(iter(facts.get("team") or {}), None)  # one of their own by default
        values = {"duration_minutes": "60", "audience": "10", "language": "nl"}
        if first_vp is not None:
            values["preferred_trust_person_id"] = str(first_vp)
        return ctx.render(
            SESSIONS.template, section=SESSIONS.section, values=values, errors={}, **facts
        )

    @post("/", sync_to_thread=True, status_code=303, guards=[client_only])
    def request(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """File a request; problems are shown next to their fields, typed values kept."""

        def file(form: InfoSessionForm) -> str:
            filed = info_sessions.request_session(
                ctx.session, ctx.settings, data=form.to_input(), viewer=ctx.viewer
            )
            return f"/sessions?done=requested#session-{filed.id}"

        return ctx.handle(InfoSessionForm, data, act=file, again=SESSIONS.again(ctx), once=True)

    @get("/{info_session_id:int}", sync_to_thread=True)
    def session(
        self, ctx: NamedDependency[PageContext], info_session_id: FromPath[int]
    ) -> Template:
        """One session and, for who may book, the proposed times."""
        return self._page(ctx, info_session_id, problem=None)

    def _page(self, ctx: PageContext, info_session_id: int, *, problem: str | None) -> Template:
        item = info_sessions.get_session(
            ctx.session, info_session_id=info_session_id, viewer=ctx.viewer
        )
        may_book = info_sessions.may_book(ctx.settings, ctx.viewer) and not item.held
        proposals = (
            info_sessions.propose_times(
                ctx.session, ctx.settings, info_session_id=info_session_id, viewer=ctx.viewer
            )
            if may_book and item.status is not InfoSessionStatus.CANCELLED
            else []
        )
        return ctx.render(
            "info_session.html",
            section="sessions",
            status_code=422 if problem else 200,
            item=item,
            proposals=proposals,
            may_book=may_book,
            may_cancel=ctx.viewer.role is not Role.TRUST_PERSON
            and item.status is not InfoSessionStatus.CANCELLED
            and not item.held,
            problem=problem,
        )

    @post("/{info_session_id:int}/book", sync_to_thread=True, status_code=303)
    def book(
        self, ctx: NamedDependency[PageContext], info_session_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Book the proposed time picked; if it is no longer free, say so on the page."""
        try:
            picked = InfoSessionBooking(
                trust_person_id=int(form_text(data, "trust_person_id") or 0),
                starts_at=datetime.fromisoformat(form_text(data, "starts_at") or ""),
            )
            info_sessions.book_session(
                ctx.session,
                ctx.settings,
                info_session_id=info_session_id,
                data=picked,
                viewer=ctx.viewer,
            )
        except VppoolError as error:
            ctx.session.rollback()
            return self._page(ctx, info_session_id, problem=ctx.words(error))
        except ValueError:
            return self._page(ctx, info_session_id, problem="Choose one of the proposed times.")
        return ctx.redirect(f"/sessions/{info_session_id}?done=booked")

    @post("/{info_session_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(
        self, ctx: NamedDependency[PageContext], info_session_id: FromPath[int]
    ) -> Template | Redirect:
        """Cancel the request or the booked session."""
        try:
            info_sessions.cancel_session(
                ctx.session, info_session_id=info_session_id, viewer=ctx.viewer
            )
        except VppoolError as error:
            ctx.session.rollback()
            return self._page(ctx, info_session_id, problem=ctx.words(error))
        return ctx.redirect(f"/sessions/{info_session_id}?done=cancelled")
