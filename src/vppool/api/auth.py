"""Who is calling: a session cookie (web) or a bearer token (scripts), and role guards.

The middleware never refuses a request itself: it attaches the :class:`Viewer` (or
``None``) and the guards on each controller decide. Scoping beyond roles happens in the
services, which receive the viewer.
"""

from __future__ import annotations

from typing import Any

import anyio
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlmodel import Session

from vppool.services.access import SESSION_HOURS, Viewer, resolve_token
from vppool.settings import Settings
from vppool.vocab import Role

__all__ = [
    "SESSION_COOKIE",
    "TokenAuthMiddleware",
    "client_or_staff",
    "logged_in",
    "secure_cookies",
    "session_cookie",
    "staff_only",
    "trust_person_or_staff",
]

SESSION_COOKIE = "vppool_session"


def secure_cookies(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> bool:
    """Whether cookies set on this request carry ``Secure``.

    Always under an https ``VPPOOL_PUBLIC_URL`` (or ``VPPOOL_SECURE_COOKIES``); otherwise when
    the request itself came over https, which behind a reverse proxy is what a trusted proxy
    (``VPPOOL_FORWARDED_ALLOW_IPS``) says in ``X-Forwarded-Proto``: ``vppool serve`` sets the
    request's scheme from it.
    """
    return settings.https_only_cookies or connection.scope.get("scheme") == "https"


def session_cookie(
    connection: ASGIConnection[Any, Any, Any, Any], settings: Settings, secret: str | None
) -> Cookie:
    """The login cookie holding ``secret``, or (``None``) the one that ends it.

    The one place the API's login and the web's login form build it: HTTP only, SameSite
    lax, ``Secure`` by :func:`secure_cookies`, living as long as the session.
    """
    return Cookie(
        key=SESSION_COOKIE,
        value=secret or "",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(connection, settings),
        max_age=SESSION_HOURS * 3600 if secret else 0,
        path="/",
    )


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(SESSION_COOKIE)


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    """Resolve the bearer token or session cookie to a viewer (or ``None``)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """Look the token up off the event loop."""
        token = _bearer(connection)
        if not token:
            return AuthenticationResult(user=None, auth=None)
        engine = connection.app.state.engine

        def lookup() -> Viewer | None:
            with Session(engine) as session:
                return resolve_token(session, token)

        viewer = await anyio.to_thread.run_sync(lookup)
        return AuthenticationResult(user=viewer, auth=token if viewer else None)


def _viewer(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer:
    viewer = connection.scope.get("user")
    if not isinstance(viewer, Viewer):
        raise NotAuthorizedException(
            detail="log in first (POST /api/v1/auth/login) or send 'Authorization: Bearer <token>'"
        )
    return viewer


def logged_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any authenticated user."""
    _viewer(connection)


def staff_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Planners and admins."""
    if not _viewer(connection).is_staff:
        raise PermissionDeniedException(detail="only planners and admins may do this")


def client_or_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Client contacts (their own organisation), planners and admins."""
    viewer = _viewer(connection)
    if not (viewer.is_staff or viewer.role is Role.CLIENT):
        raise PermissionDeniedException(detail="only client contacts and planners may do this")


def trust_person_or_staff(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Trust persons (their own data), planners and admins."""
    viewer = _viewer(connection)
    if not (viewer.is_staff or viewer.role is Role.TRUST_PERSON):
        raise PermissionDeniedException(detail="only trust persons and planners may do this")
