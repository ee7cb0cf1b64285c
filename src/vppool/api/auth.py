"""Who is calling: a session cookie (web) or a bearer token (scripts), and role guards.

The middleware never refuses a request itself: it attaches the :class:`Viewer` (or
``None``) and the guards on each controller decide. Scoping beyond roles happens in the
services, which receive the viewer.
"""

from __future__ import annotations

from typing import Any

import anyio
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlmodel import Session

from vppool.services.access import Viewer, resolve_token
from vppool.vocab import Role

__all__ = [
    "SESSION_COOKIE",
    "TokenAuthMiddleware",
    "client_or_staff",
    "logged_in",
    "staff_only",
    "trust_person_or_staff",
]

SESSION_COOKIE = "vppool_session"


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
