"""What a page handler works with, in one piece: the request, who asks, settings, session.

A handler takes one ``ctx`` (provided once for the whole web application in
:func:`vppool.web._app.create_web_app`) instead of the request, the viewer, the settings and
the session one by one, and renders, redirects and handles its form through it. Controllers
of pages derive from :class:`WebPages`, which keeps them out of the API's schema and takes
their address and guard as class keywords::

    class PlannerPages(WebPages, guard=staff_page):
        @get("/dashboard", sync_to_thread=True)
        def dashboard(self, ctx: NamedDependency[PageContext]) -> Template:
            board = dashboard.planner_dashboard(ctx.session, ctx.settings, ctx.viewer, ctx.today())
            return ctx.render("dashboard.html", section="dashboard", board=board)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Protocol

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.types import Guard
from sqlmodel import Session

from vppool.errors import VppoolError
from vppool.services import notifications
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.web._common import (
    FieldErrors,
    IdempotencyKeys,
    done_of,
    language_of,
    page,
    redirect,
    viewer_of,
)
from vppool.web._forms import FormT, handle
from vppool.web._messages import localise_error

__all__ = ["CONTEXT", "FormView", "PageContext", "Redraw", "WebPages", "provide_context"]

#: The name handlers ask for the context by: ``ctx: NamedDependency[PageContext]``.
CONTEXT = "ctx"


class Redraw(Protocol):
    """Draws a form's page again with the typed values and the errors next to their fields."""

    def __call__(
        self, *, values: dict[str, Any], errors: FieldErrors, status_code: int
    ) -> Template: ...


@dataclass(frozen=True, slots=True)
class PageContext:
    """One request to a page: who asks (if anyone), in which language, with what to work on.

    Attributes:
        request: the request.
        settings: the application's settings.
        session: the request's database session (committed when the handler succeeds).
        user: the logged-in user, or ``None`` on the pages for visitors.
        lang: the page's language.
    """

    request: Request[Any, Any, Any]
    settings: Settings
    session: Session
    user: Viewer | None
    lang: str

    @property
    def viewer(self) -> Viewer:
        """The logged-in user (the guards let only them in; others go to the login page)."""
        if self.user is None:
            raise NotAuthorizedException
        return self.user

    def today(self) -> date:
        """Today in the provider's time zone."""
        return self.settings.today()

    @property
    def done(self) -> str:
        """What the change before this page did (``?done=saved``; every page is told it)."""
        return done_of(self.request)

    @property
    def htmx(self) -> bool:
        """Whether htmx asks (for a fragment instead of the whole page)."""
        return bool(self.request.headers.get("hx-request"))

    def render(
        self, template: str, *, section: str = "", status_code: int = 200, **context: Any
    ) -> Template:
        """``template`` with what every page needs (see :func:`vppool.web._common.page`).

        For a logged-in user, ``unread`` counts their unread messages (the inbox link).
        """
        if self.user is not None and "unread" not in context:
            context["unread"] = notifications.unread_count(self.session, self.user)
        return page(self.request, template, section=section, status_code=status_code, **context)

    @staticmethod
    def redirect(path: str) -> Redirect:
        """A 303 to ``path`` inside the web application."""
        return redirect(path)

    def words(self, error: VppoolError) -> str:
        """A refusal in the page's language."""
        return localise_error(error, self.lang)

    def handle(
        self,
        form: type[FormT],
        data: Mapping[str, Any],
        act: Callable[[FormT], str],
        again: Redraw,
        *,
        once: bool = False,
    ) -> Template | Redirect:
        """Read ``data`` as ``form`` and ``act`` on it, or draw the page ``again`` (status 422).

        ``once``: act once per one-time form key (a double click creates one record). What
        ``act`` wrote before it was refused is rolled back (see
        :func:`vppool.web._forms.handle`).
        """
        return handle(
            form,
            data,
            self.lang,
            act=(lambda parsed: self.once(data, lambda: act(parsed))) if once else act,
            again=lambda values, errors: again(values=values, errors=errors, status_code=422),
            rollback=self.session.rollback,
        )

    def once(self, data: Mapping[str, Any], submit: Callable[[], str]) -> str:
        """Run ``submit`` once per one-time form key (a double click creates one record)."""
        keys: IdempotencyKeys = self.request.app.state.web_submissions
        return keys.once(data, submit)


@dataclass(frozen=True)
class FormView:
    """A page that holds a form: drawn first, and again with the typed values and errors.

    ``facts`` gives what else the page shows for the request (lists, a report); a handler
    draws it (``draw``) and hands ``again(ctx)`` to :meth:`PageContext.handle`::

        EDUCATION = FormView("me_education.html", "education", _education_facts)
        ...
        return ctx.handle(EducationForm, data, act=record, again=EDUCATION.again(ctx))
    """

    template: str
    section: str
    facts: Callable[[PageContext], Mapping[str, Any]]

    def draw(
        self,
        ctx: PageContext,
        *,
        values: Mapping[str, Any] | None = None,
        errors: FieldErrors | None = None,
        status_code: int = 200,
        **more: Any,
    ) -> Template:
        """The page with the form's ``values`` and ``errors``; ``more`` replaces facts."""
        facts = {**self.facts(ctx), **more}
        values = dict(values or {})
        return ctx.render(
            self.template,
            section=self.section,
            status_code=status_code,
            values=values,
            errors=errors or {},
            **facts,
        )

    def again(self, ctx: PageContext) -> Redraw:
        """Draws the page again for ``ctx``'s request (what a refused form shows)."""
        return partial(self.draw, ctx)


def provide_context(
    request: Request[Any, Any, Any],
    settings: NamedDependency[Settings],
    db_session: NamedDependency[Session],
) -> PageContext:
    """The context of a page request (a dependency of the web application)."""
    return PageContext(
        request=request,
        settings=settings,
        session=db_session,
        user=viewer_of(request),
        lang=language_of(request),
    )


class WebPages(Controller):
    """A controller of pages: out of the API's schema, its address and guard given as keywords.

    ``class PlannerPages(WebPages, guard=staff_page)`` serves below ``/`` to staff only;
    ``path`` names another address (``class FeedPages(WebPages, path="/feeds", ...)``).
    """

    include_in_schema = False

    def __init_subclass__(
        cls, *, path: str = "/", guard: Guard | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.path = path
        if guard is not None:
            cls.guards = [guard]
