"""Users, for administrators: list, invite, role and scope, deactivate, reset a password.

An invitation and a password reset answer with a one-time link (shown only in that answer,
and e-mailed through the outbox) whose holder chooses a password on the web application's
link page. Everyone but administrators is refused (403); the rules are the service's
(:mod:`vppool.services.users`).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post, put
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import JSONBody, Parameter, QueryParameter
from sqlmodel import Session

from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import DEFAULT_LIMIT, Id, Limit, Offset, Resource
from vppool.db.schemas import Page
from vppool.services import users
from vppool.services.access import UserPublic, Viewer
from vppool.settings import Settings
from vppool.vocab import Role

__all__ = ["TokenController", "UserController", "admin_only"]


def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Administrators."""
    viewer = connection.scope.get("user")
    if not isinstance(viewer, Viewer):
        raise NotAuthorizedException(
            detail="log in first (POST /api/v1/auth/login) or send 'Authorization: Bearer <token>'"
        )
    if viewer.role is not Role.ADMIN:
        raise PermissionDeniedException(detail="only administrators may do this")


def _link_base(request: Request[Any, Any, Any], settings: Settings) -> str:
    return users.link_base(settings.public_url, f"{request.url.scheme}://{request.url.netloc}")


_USERS = RecordRoutes("/", UserPublic, key="user_id")
_USER = _USERS.item

#: A role to filter by.
RoleFilter = Annotated[Role | None, Parameter(description="Only users of this role")]
#: Active users, or inactive ones.
ActiveFilter = Annotated[bool | None, Parameter(description="Only (in)active users")]
#: Words in the name or e-mail address (the query parameter ``q``).
SearchFilter = Annotated[str | None, QueryParameter(name="q", min_length=1, max_length=200)]


class UserController(Resource, path="/api/v1/users", tag="users", guard=admin_only):
    """Users and their one-time links."""

    list_users = _USERS.paging(
        users.list_users,
        "List users by name; filter by role, name or e-mail text, and active or not.",
        filters={"role": RoleFilter, "search": SearchFilter, "active": ActiveFilter},
    )

    @post("/", sync_to_thread=True)
    def invite_user(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[users.UserInvite],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> users.IssuedLink:
        """Invite a user: created without a password, with a one-time link to choose one.

        The link is in this answer only (and e-mailed to the user); it works once, for
        seven days.
        """
        return users.invite_user(db_session, viewer, data, link_base=_link_base(request, settings))

    get_user = _USERS.reading(users.get_user, "Show one user.")

    @put(_USER + "/scope", sync_to_thread=True)
    def change_user_scope(
        self,
        user_id: Id,
        data: JSONBody[users.UserScope],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> UserPublic:
        """Give a user another role and binding (an organisation or a VP).

        An administrator's own role, and the last active administrator's, stay as they are.
        """
        return users.change_scope(db_session, viewer, user_id, data)

    deactivate_user = _USERS.acting(
        post,
        "/deactivate",
        users.deactivate_user,
        "Deactivate a user: no login; their sessions and API tokens are revoked.",
        status_code=200,
    )
    reactivate_user = _USERS.acting(
        post,
        "/reactivate",
        users.reactivate_user,
        "Let a deactivated user log in again.",
        status_code=200,
    )

    @post(_USER + "/password-reset", sync_to_thread=True)
    def reset_user_password(
        self,
        request: Request[Any, Any, Any],
        user_id: Id,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> users.IssuedLink:
        """Clear a user's password and issue a one-time link to choose a new one."""
        return users.reset_password(
            db_session, viewer, user_id, link_base=_link_base(request, settings)
        )


#: API tokens or feed links.
KindFilter = Annotated[users.TokenKind, Parameter(description="API tokens or feed links")]
#: Working tokens, or revoked and expired ones.
TokenStatus = Annotated[bool | None, Parameter(description="Only working (or only ended) ones")]


class TokenController(Resource, path="/api/v1/tokens", tag="users", guard=admin_only):
    """Every API token and feed link, for administrators (revoke through their own routes)."""

    @get("/", sync_to_thread=True)
    def list_all_tokens(
        self,
        *,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        kind: KindFilter = users.TokenKind.API,
        active: TokenStatus = True,
        offset: Offset = 0,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Page[users.TokenRow]:
        """List API tokens (web sessions left out) or feed links with their owners, newest first.

        Revoke an API token with ``DELETE /api/v1/auth/tokens/{id}`` and a feed link with
        ``DELETE /api/v1/feed-tokens/{id}``.
        """
        query = users.TokenQuery(kind=kind, active=active, offset=offset, limit=limit)
        return users.list_tokens(db_session, query, viewer=viewer)
