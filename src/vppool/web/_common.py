"""What every page shares: the viewer, the language, navigation, rendering, forms and errors."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, NamedTuple
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from vppool.db.schemas import MAX_ID
from vppool.errors import NotFound, PermissionDenied, ValidationFailed, VppoolError
from vppool.services.access import Viewer
from vppool.vocab import Role
from vppool.web._i18n import DEFAULT_LANGUAGE, LANGUAGE_COOKIE, LANGUAGES, translator
from vppool.web._messages import localise_error

__all__ = [
    "WEB_PATH",
    "FieldErrors",
    "FormData",
    "IdempotencyKeys",
    "NavItem",
    "admin_page",
    "client_only",
    "client_or_staff_page",
    "client_or_trust_person_page",
    "done_of",
    "form_list",
    "form_text",
    "ids_in_range",
    "language_of",
    "page",
    "redirect",
    "staff_or_trust_person_page",
    "staff_page",
    "trust_person_only",
    "viewer_of",
    "web_exception_handlers",
    "web_logged_in",
]

log = logging.getLogger("vppool.web")

#: Where the web application is mounted in the composition root.
WEB_PATH = "/app"

#: A submitted HTML form: each field's value, or a list when the field was repeated.
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

#: Field name -> the messages to show next to it.
FieldErrors = dict[str, list[str]]


class NavItem(NamedTuple):
    """One entry of the main navigation; its section is the last part of its address."""

    href: str
    label: str

    @property
    def section(self) -> str:
        """The section a page names to mark this entry (``/me/education``: ``education``)."""
        return self.href.rpartition("/")[2]


_NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.PLANNER: (
        NavItem("/dashboard", "Dashboard"),
        NavItem("/needs", "Needs"),
        NavItem("/matching", "Matching"),
        NavItem("/pool", "Pool"),
        NavItem("/organisations", "Organisations"),
        NavItem("/intervision", "Intervision"),
        NavItem("/sessions", "Sessions"),
        NavItem("/insight", "Insight"),
        NavItem("/audit", "Audit log"),
    ),
    Role.CLIENT: (
        NavItem("/team", "Our trust persons"),
        NavItem("/requests", "Requests"),
        NavItem("/shortlists", "Choose your trust person"),
        NavItem("/sessions", "Sessions"),
        NavItem("/feeds", "Calendar feed"),
    ),
    Role.TRUST_PERSON: (
        NavItem("/me", "My assignments"),
        NavItem("/me/availability", "Availability"),
        NavItem("/me/education", "Education"),
        NavItem("/intervision", "Intervision"),
        NavItem("/sessions", "Sessions"),
        NavItem("/me/calendars", "My calendars"),
        NavItem("/me/profile", "My profile"),
        NavItem("/feeds", "Calendar feeds"),
    ),
}
_NAVIGATION[Role.ADMIN] = (
    *_NAVIGATION[Role.PLANNER],
    NavItem("/admin/users", "Users"),
    NavItem("/admin/tokens", "Tokens"),
)


def viewer_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer | None:
    """The logged-in user, if any."""
    viewer = connection.scope.get("user")
    return viewer if isinstance(viewer, Viewer) else None


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The language chosen with the switch (a cookie), Dutch by default."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _required(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer:
    viewer = viewer_of(connection)
    if viewer is None:
        raise NotAuthorizedException
    return viewer


def web_logged_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any logged-in user; others go to the login page."""
    _required(connection)


def _only(*roles: Role) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """A guard that lets ``roles`` in; to anyone else the page does not exist (404)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if _required(connection).role not in roles:
            raise NotFoundException

    return guard


#: Planners and admins; a page of theirs does not exist for anyone else (404).
staff_page = _only(Role.PLANNER, Role.ADMIN)
#: Administrators only.
admin_page = _only(Role.ADMIN)
#: Client contacts (the services scope them to their organisation) and staff.
client_or_staff_page = _only(Role.CLIENT, Role.PLANNER, Role.ADMIN)
#: Client contacts' own pages.
client_only = _only(Role.CLIENT)
#: Trust persons (the services scope them to their own records) and staff.
staff_or_trust_person_page = _only(Role.TRUST_PERSON, Role.PLANNER, Role.ADMIN)
#: Client contacts' and trust persons' own pages (staff use the full lists instead).
client_or_trust_person_page = _only(Role.CLIENT, Role.TRUST_PERSON)
#: Trust persons' own pages.
trust_person_only = _only(Role.TRUST_PERSON)


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    section: str = "",
    status_code: int = 200,
    **context: Any,
) -> Template:
    """Render ``template`` with what every page needs: viewer, language, navigation."""
    viewer = viewer_of(request)
    lang = language_of(request)
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "viewer": viewer,
            "lang": lang,
            "t": translator(lang),
            "root": WEB_PATH,
            "nav": _NAVIGATION.get(viewer.role, ()) if viewer else (),
            "section": section,
            "here": _here(request),
            "today_year": request.app.state.settings.today().year,
            "done": done_of(request),
            **context,
        },
    )


def done_of(request: Request[Any, Any, Any]) -> str:
    """What the change before this page did (``?done=saved``), for the page to say so."""
    return request.query_params.get("done", "")


def _here(request: Request[Any, Any, Any]) -> str:
    """The current page's address inside the web application, for links back to it."""
    path = request.scope.get("path", "/").rstrip("/") or "/"
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


def redirect(path: str) -> Redirect:
    """A 303 to a page of the web application (``path`` inside it, such as ``/needs``)."""
    return Redirect(WEB_PATH + path, status_code=HTTP_303_SEE_OTHER)


def safe_next(target: str | None) -> str:
    """A return address inside the web application; anything else becomes the home page."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def form_text(form: Mapping[str, Any], key: str) -> str:
    """One text field of a form, stripped; '' when absent (a repeated field: the last)."""
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def form_list(form: Mapping[str, Any], key: str) -> list[str]:
    """Every value of a repeated field (checkboxes), without blanks."""
    value = form.get(key, [])
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


class IdempotencyKeys:
    """Form submissions already handled, by the one-time key their form carried.

    A double click sends the same key twice; the second answer points to what the first
    created instead of creating it again. Kept per process for ``ttl_s`` seconds; the
    services' own replay check (an identical need within a minute) covers several processes.
    """

    def __init__(self, ttl_s: float = 3600.0, size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._seen: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, key: str) -> str | None:
        """Where the first submission with ``key`` led, if it was handled recently."""
        now = time.monotonic()
        with self._lock:
            found = self._seen.get(key)
            if found is None or now - found[0] > self.ttl_s:
                return None
            return found[1]

    def remember(self, key: str, outcome: str) -> None:
        """Record that ``key`` was handled and led to ``outcome`` (a page address)."""
        with self._lock:
            self._seen[key] = (time.monotonic(), outcome)
            self._seen.move_to_end(key)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def once(self, form: Mapping[str, Any], submit: Callable[[], str]) -> str:
        """Run ``submit`` (which returns the page to go to) once per form key.

        A repeated key goes to where the first submission led, without running ``submit``;
        errors ``submit`` raises pass through and the key stays unused.

        Returns:
            The page to go to.
        """
        key = form_text(form, "form_key")
        if key and (earlier := self.seen(key)):
            return earlier
        outcome = submit()
        if key:
            self.remember(key, outcome)
        return outcome


def iso(day: date | None) -> str:
    """A date as the value of a date input."""
    return day.isoformat() if day else ""


# --------------------------------------------------------------------------- errors


def _error_page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    if request.headers.get("hx-request"):
        lang = language_of(request)
        text = translator(lang)(message)
        return Response(
            f'<p class="alert alert-error" role="alert">{_escape(text)}</p>',
            status_code=status,
            media_type="text/html",
        )
    return page(request, "error.html", status_code=status, status=status, message=message)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _not_logged_in(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": WEB_PATH + "/login"})
    target = quote(_here(request), safe="/")
    return Redirect(f"{WEB_PATH}/login?next_page={target}", status_code=HTTP_303_SEE_OTHER)


def _domain(request: Request[Any, Any, Any], exc: VppoolError) -> Response[Any]:
    if isinstance(exc, NotFound | PermissionDenied):
        # Outside the viewer's scope looks the same as absent: no existence leaks.
        return _error_page(request, 404, "This page does not exist or is not yours to see.")
    words = localise_error(exc, language_of(request))
    return _error_page(request, 422 if isinstance(exc, ValidationFailed) else 409, words)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 403 and "CSRF" in exc.detail:
        return _error_page(request, 403, "This form has expired. Reload the page and try again.")
    if exc.status_code in (403, 404):
        return _error_page(request, 404, "This page does not exist or is not yours to see.")
    if exc.status_code == 401:
        return _not_logged_in(request, exc)
    if exc.status_code >= 500:
        return _error_page(request, exc.status_code, "Something went wrong on our side.")
    return _error_page(request, exc.status_code, "This request could not be handled.")


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(request, 500, "Something went wrong on our side.")


def ids_in_range(request: Request[Any, Any, Any]) -> None:
    """Before every page: a record id in the address that no database can hold does not exist.

    Without it, ``/app/shortlists/<a 22-digit number>`` reached the database and failed there
    (a 500); now every such address is the ordinary "page does not exist".
    """
    for value in request.path_params.values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFoundException


def web_exception_handlers() -> dict[int | type[Exception], Any]:
    """HTML answers for errors: the login page, a not-found page, or the problem in words."""
    return {
        NotAuthorizedException: _not_logged_in,
        VppoolError: _domain,
        HTTPException: _http,
        Exception: _unexpected,
    }
