"""Maintenance pages declared, not written out: a form page or a confirmation and its routes.

A :class:`FormRoute` is one :class:`~vppool.web._form_page.FormPage` at an address with what
to fill it with (``load``) and what saving does (``save``); :func:`routes` makes its two route
handlers (show the form, take the submission). A :class:`ConfirmRoute` asks once before a
change such as a cancellation, saying what will happen, and makes the change on "yes"::

    EDIT_SITE = FormRoute(
        "/organisations/{organisation_id:int}/sites/{site_id:int}/edit",
        SiteForm,
        title="Change site",
        back="/organisations/{organisation_id}",
        load=lambda at: Loaded(values_of(SiteForm, site_of(at)), subject=...),
        save=save_site,  # (at, form) -> "/organisations/1?done=site-saved"
    )
    handlers = routes(EDIT_SITE)

Handlers take the page's context and read the path's values from the request
(:attr:`At.path`), so one pair of handlers serves every page. A :class:`ListRoute` is a
list page and its CSV export. Guards default to planners and admins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from litestar.types import Guard
from pydantic import ValidationError

from vppool.db.schemas import Page
from vppool.errors import ValidationFailed
from vppool.inputs import field_errors_from
from vppool.services._common import query_model
from vppool.web._common import FieldErrors, FormData, safe_next, staff_page
from vppool.web._form_page import FormPage
from vppool.web._forms import FormT
from vppool.web._lists import Fetch, ItemT, ListPage
from vppool.web._page import PageContext

__all__ = [
    "At",
    "ConfirmRoute",
    "Confirmation",
    "FormRoute",
    "ListRoute",
    "Loaded",
    "pages",
    "routes",
]

#: A message id with its values, or a message id alone.
Words = str | tuple[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class At(PageContext):
    """A page's context with the values of the address's path (``at["organisation_id"]``)."""

    path: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, ctx: PageContext) -> At:
        """Where ``ctx``'s request is."""
        path = dict(ctx.request.path_params)
        return cls(ctx.request, ctx.settings, ctx.session, ctx.user, ctx.lang, path)

    def __getitem__(self, name: str) -> int:
        """A whole-number value of the path (``at["organisation_id"]``)."""
        return int(self.path[name])

    def back_or(self, default: str) -> str:
        """The page named by ``?back=`` (inside the application), else ``default``."""
        given = self.request.query_params.get("back")
        return safe_next(given) if given else default


@dataclass(frozen=True)
class Loaded:
    """What a form page shows before anything is typed: values and what it is about."""

    values: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None
    back: str | None = None  # where "Cancel" leads, if not the route's ``back``


@dataclass(frozen=True)
class FormRoute(Generic[FormT]):
    """One form page at ``path`` (a Litestar path with typed placeholders); it posts to itself.

    Attributes:
        path: the page's address inside the web application.
        form: the form model.
        title: the page's heading (a message id).
        back: where "Cancel" leads, with ``{name}`` placeholders from the path (unless
            ``load`` names its own).
        load: the values to start from and the subject; raises ``NotFound`` for a record
            outside the viewer's scope.
        save: calls the service with the typed form; returns the page to go to next.
        section: the navigation entry to mark.
        submit_label: the button's words.
        intro: a sentence under the heading, if any.
        once: the form carries a one-time key (a double click submits once).
        relabel: adds what the values alone cannot show again (a picker's chosen name) when
            the form comes back with errors.
        guards: who may use the page.
    """

    path: str
    form: type[FormT]
    title: str
    back: str
    load: Callable[[At], Loaded]
    save: Callable[[At, FormT], str]
    section: str = ""
    submit_label: str = "Save"
    intro: str | None = None
    once: bool = False
    relabel: Callable[[At, dict[str, Any]], dict[str, Any]] | None = None
    guards: Sequence[Guard] = (staff_page,)

    @property
    def form_page(self) -> FormPage[FormT]:
        """The form page this route shows."""
        return FormPage(
            self.form,
            title=self.title,
            action=re.sub(r"\{(\w+):\w+\}", r"{\1}", self.path),
            back=self.back,
            section=self.section,
            submit_label=self.submit_label,
            intro=self.intro,
            once=self.once,
        )


@dataclass(frozen=True)
class ListRoute(Generic[ItemT]):
    """A list page (:class:`~vppool.web._lists.ListPage`) and its CSV export.

    Attributes:
        listing: the list's address, heading, filters, columns and page size.
        template: the page's template (it draws ``listing``).
        service: the list function; it takes the session, its ``query`` (each filter's
            value by its keyword, ``offset`` and ``limit``) and ``viewer``.
        section: the navigation entry to mark.
        guards: who may use the page.
    """

    listing: ListPage[ItemT]
    template: str
    service: Callable[..., Page[ItemT]]
    section: str = ""
    guards: Sequence[Guard] = (staff_page,)

    def fetch(self, ctx: PageContext) -> Fetch[ItemT]:
        """One page of the list for the filters' values, as ``ctx``'s viewer sees it."""
        model = query_model(self.service)

        def one_page(values: Mapping[str, str], offset: int, limit: int) -> Page[ItemT]:
            try:
                query = model(offset=offset, limit=limit, **self.listing.arguments(values))
            except ValidationError as refusal:  # shown next to the filter it names
                raise ValidationFailed(field_errors_from(refusal)) from refusal
            return self.service(ctx.session, query, viewer=ctx.viewer)

        return one_page


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page asks and says will happen."""

    question: Words
    consequences: Sequence[Words] = ()
    subject: str | None = None
    back: str | None = None  # where "Back" leads, if not the route's ``back``


@dataclass(frozen=True)
class ConfirmRoute:
    """A change asked once before it is made, at ``path``.

    Attributes:
        path: the page's address inside the web application (the form posts to it).
        title: the heading and the button's words (message ids).
        back: where "Back" leads, with ``{name}`` placeholders from the path (unless the
            confirmation names its own).
        ask: what to ask and what will happen; raises ``NotFound`` outside the scope.
        act: makes the change; returns the page to go to next.
        section: the navigation entry to mark.
        guards: who may use the page.
    """

    path: str
    title: str
    submit_label: str
    back: str
    ask: Callable[[At], Confirmation]
    act: Callable[[At], str]
    section: str = ""
    guards: Sequence[Guard] = (staff_page,)


Declared = FormRoute[Any] | ConfirmRoute | ListRoute[Any]


def pages(*declared: Declared, extra: Sequence[Any] = ()) -> Router:
    """A router of the declared pages (and ``extra`` controllers), to register with the app.

    The generated handlers live in a router of their own: registered one by one on the
    application, Litestar would not run them in a thread.
    """
    return Router(path="/", route_handlers=[*extra, *routes(*declared)])


def routes(*declared: Declared) -> list[HTTPRouteHandler]:
    """The route handlers of the declared pages: two each (show and submit, or export)."""
    handlers: list[HTTPRouteHandler] = []
    for route in declared:
        if isinstance(route, ConfirmRoute):
            handlers += _confirm_handlers(route)
        elif isinstance(route, ListRoute):
            handlers += _list_handlers(route)
        else:
            handlers += _form_handlers(route)
    return handlers


def _list_handlers(route: ListRoute[Any]) -> list[HTTPRouteHandler]:
    listing = route.listing

    @get(listing.path, **_options(route.guards))
    def show(ctx: NamedDependency[PageContext]) -> Template:
        return listing.show(ctx.request, route.template, route.fetch(ctx), section=route.section)

    @get(listing.path + ".csv", **_options(route.guards))
    def export(ctx: NamedDependency[PageContext]) -> Response[bytes]:
        return listing.csv(ctx.request, route.fetch(ctx))

    return [show, export]


def _options(guards: Sequence[Guard]) -> dict[str, Any]:
    return {"guards": list(guards), "sync_to_thread": True, "include_in_schema": False}


def _form_handlers(route: FormRoute[Any]) -> list[HTTPRouteHandler]:
    @get(route.path, **_options(route.guards))
    def show(ctx: NamedDependency[PageContext]) -> Template:
        at = At.of(ctx)
        loaded = route.load(at)
        return _leading(route.form_page, loaded, at).show(
            at, values=loaded.values, subject=loaded.subject, **at.path
        )

    @post(route.path, status_code=303, **_options(route.guards))
    def submit(ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        at = At.of(ctx)
        loaded = route.load(at)

        def again(*, values: dict[str, Any], errors: FieldErrors, status_code: int) -> Template:
            return _leading(route.form_page, loaded, at).show(
                at,
                values=route.relabel(at, values) if route.relabel else values,
                errors=errors,
                status_code=status_code,
                subject=loaded.subject,
                **at.path,
            )

        return at.handle(route.form, data, act=lambda form: route.save(at, form), again=again)

    return [show, submit]


def _confirm_handlers(route: ConfirmRoute) -> list[HTTPRouteHandler]:
    @get(route.path, **_options(route.guards))
    def ask(ctx: NamedDependency[PageContext]) -> Template:
        at = At.of(ctx)
        asked = route.ask(at)
        return at.render(
            "org_confirm.html",
            section=route.section,
            title=route.title,
            subject=asked.subject,
            question=_words(asked.question),
            consequences=[_words(c) for c in asked.consequences],
            action=_address(route.path, at.path),
            back=asked.back or route.back.format(**at.path),
            submit_label=route.submit_label,
        )

    @post(route.path, status_code=303, **_options(route.guards))
    def confirm(ctx: NamedDependency[PageContext]) -> Redirect:
        return ctx.redirect(route.act(At.of(ctx)))

    return [ask, confirm]


def _leading(form_page: FormPage[Any], loaded: Loaded, at: At) -> FormPage[Any]:
    """The form page with the "Cancel" link ``loaded`` names, if any.

    The form posts to the page's own address with its query (``?back=...``), so ``save``
    can read it too.
    """
    query = at.request.scope.get("query_string", b"").decode("latin-1")
    return replace(
        form_page,
        back=loaded.back or form_page.back,
        action=form_page.action + (f"?{query}" if query else ""),
    )


def _address(path: str, values: Mapping[str, Any]) -> str:
    """``path`` with its placeholders (``{name:int}``) filled in."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), path)


def _words(words: Words) -> tuple[str, Mapping[str, Any]]:
    return (words, {}) if isinstance(words, str) else words
