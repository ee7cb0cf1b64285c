"""Login, logout, who am I, and the caller's own API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from pydantic import BaseModel, Field
from sqlmodel import Session

from vppool.api.auth import SESSION_COOKIE, logged_in, session_cookie
from vppool.api.openapi import problem_responses
from vppool.db.schemas import MAX_ID
from vppool.services import access

__all__ = ["AuthController"]


class LoginInput(BaseModel):
    """E-mail and password."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class TokenInput(BaseModel):
    """A new API token: a name that says what uses it, and how many days it lives."""

    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(default=90, ge=1, le=3650)


class NewToken(BaseModel):
    """A new token with its secret, which is shown only this once."""

    token: access.ApiTokenPublic
    secret: str


class Me(BaseModel):
    """The logged-in user."""

    user_id: int
    role: str
    label: str
    organisation_id: int | None
    trust_person_id: int | None


def _me(viewer: access.Viewer) -> Me:
    return Me(
        user_id=viewer.user_id,
        role=viewer.role.value,
        label=viewer.label,
        organisation_id=viewer.organisation_id,
        trust_person_id=viewer.trust_person_id,
    )


class AuthController(Controller):
    """Sessions and tokens."""

    path = "/api/v1/auth"
    tags = ["auth"]  # noqa: RUF012  (Litestar reads a class attribute)

    @post("/login", sync_to_thread=True, responses=problem_responses(401, 422, 429))
    def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginInput],
        state: State,
        db_session: NamedDependency[Session],
    ) -> Response[Me]:
        """Log in with e-mail and password; sets the session cookie (12 hours)."""
        viewer = access.authenticate_password(
            db_session,
            data.email,
            data.password,
            throttled=access.Throttled(
                state.login_throttle, request.client.host if request.client else None
            ),
        )
        secret = access.start_session(db_session, viewer)
        cookie = session_cookie(request, state.settings, secret)
        return Response(_me(viewer), cookies=[cookie])

    @post("/logout", guards=[logged_in], sync_to_thread=True, status_code=204)
    def logout(
        self,
        request: Request[Any, Any, Any],
        state: State,
        db_session: NamedDependency[Session],
    ) -> Response[None]:
        """End the current session (a bearer token stays valid: revoke it instead)."""
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            access.end_session(db_session, token)
        return Response(
            None,
            status_code=204,
            cookies=[session_cookie(request, state.settings, None)],
        )

    @get("/me", guards=[logged_in], sync_to_thread=False)
    def me(self, viewer: NamedDependency[access.Viewer]) -> Me:
        """Who is logged in."""
        return _me(viewer)

    @get("/tokens", guards=[logged_in], sync_to_thread=True)
    def tokens(
        self, viewer: NamedDependency[access.Viewer], db_session: NamedDependency[Session]
    ) -> list[access.ApiTokenPublic]:
        """The caller's API tokens."""
        return access.list_api_tokens(db_session, viewer)

    @post("/tokens", guards=[logged_in], sync_to_thread=True)
    def create_token(
        self,
        data: JSONBody[TokenInput],
        viewer: NamedDependency[access.Viewer],
        db_session: NamedDependency[Session],
    ) -> NewToken:
        """Create an API token for scripts; the secret is in this answer only."""
        token, secret = access.create_api_token(
            db_session, user_id=viewer.user_id, name=data.name, days=data.days, actor=viewer.actor
        )
        return NewToken(token=token, secret=secret)

    @delete("/tokens/{token_id:int}", guards=[logged_in], sync_to_thread=True, status_code=200)
    def revoke_token(
        self,
        token_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
        viewer: NamedDependency[access.Viewer],
        db_session: NamedDependency[Session],
    ) -> access.ApiTokenPublic:
        """Revoke one of the caller's tokens."""
        return access.revoke_api_token(db_session, token_id, viewer)
