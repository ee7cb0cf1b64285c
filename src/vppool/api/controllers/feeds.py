"""Calendar feeds behind secret tokens, and their management by owners and planners."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from litestar import Controller, Request, Response, delete, get, head, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody, Parameter, PathParameter
from pydantic import BaseModel, Field
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.deps import read_only_session
from vppool.calendar import FeedResponse
from vppool.db.schemas import MAX_ID
from vppool.services import feed_tokens, feeds
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import FeedKind

__all__ = ["FeedController", "FeedTokenController"]


class FeedController(Controller):
    """``GET /feeds/<token>.ics``: public by design, the token is the key."""

    path = "/feeds"
    tags = ["feeds"]  # noqa: RUF012

    @get(
        "/{name:str}",
        exclude_from_auth=True,
        media_type="text/calendar",
        responses={304: ResponseSpec(None, description="The caller's copy is current")},
    )
    async def feed(
        self,
        name: Annotated[str, PathParameter(max_length=200)],
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        """A calendar feed; 304 when the caller's ETag or date is current; 404 when revoked.

        Gzip-compressed when the client accepts it. The token is checked on every request,
        so a revoked link answers 404 at once, in every server process.
        """
        status, body, headers = await _answer(request, name)
        return Response(body, status_code=status, headers=headers)

    @head("/{name:str}", exclude_from_auth=True, media_type="text/calendar")
    async def feed_head(
        self,
        name: Annotated[str, PathParameter(max_length=200)],
        request: Request[Any, Any, Any],
    ) -> Response[None]:
        """The headers ``GET`` would answer with (calendar apps check a link with it)."""
        status, body, headers = await _answer(request, name)
        if status == 200:
            headers["Content-Length"] = str(len(body))
        return Response(None, status_code=status, headers=headers)


async def _answer(request: Request[Any, Any, Any], name: str) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers of a feed request (the body of a 200 only)."""
    secret = name.removesuffix(".ics")
    answer = None
    if name.endswith(".ics"):
        answer = await anyio.to_thread.run_sync(_read_feed, request.app.state, secret)
    if answer is None:
        raise NotFoundException(detail="no calendar at this address (revoked or mistyped)")
    body, headers = answer.variant(request.headers.get("accept-encoding"))
    headers["Cache-Control"] = "private, max-age=300"
    if answer.is_not_modified(
        if_none_match=request.headers.get("if-none-match"),
        if_modified_since=request.headers.get("if-modified-since"),
    ):
        return 304, b"", headers
    return 200, body, headers


def _read_feed(state: State, secret: str) -> FeedResponse | None:
    with read_only_session(state) as session:
        return feeds.feed_for_token(session, state.settings, secret)


class TokenInput(BaseModel):
    """Which feed to make a token for."""

    kind: FeedKind
    trust_person_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    organisation_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class FeedLink(BaseModel):
    """A token with its links; the secret appears only when created or rotated."""

    token: feed_tokens.FeedTokenPublic
    https_url: str
    webcal_url: str


def _links(
    request: Request[Any, Any, Any],
    settings: Settings,
    token: feed_tokens.FeedTokenPublic,
    secret: str,
) -> FeedLink:
    """The feed's addresses: under ``VPPOOL_PUBLIC_URL``, else where this request came to.

    Behind a reverse proxy the request's scheme and client are the proxy's own unless the
    proxy is trusted (``VPPOOL_FORWARDED_ALLOW_IPS``, read by ``vppool serve``); then an
    https site gives https links.
    """
    request_base = f"{request.url.scheme}://{request.url.netloc}"
    links = feed_tokens.feed_links(settings.public_url, request_base, secret)
    return FeedLink(token=token, https_url=links["https"], webcal_url=links["webcal"])


class FeedTokenController(Controller):
    """Create, list, rotate and revoke feed tokens (owners and planners)."""

    path = "/api/v1/feed-tokens"
    tags = ["feeds"]  # noqa: RUF012
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_feed_tokens(
        self, viewer: NamedDependency[Viewer], db_session: NamedDependency[Session]
    ) -> list[feed_tokens.FeedTokenPublic]:
        """The feed tokens the caller may manage."""
        return feed_tokens.list_feed_tokens(db_session, viewer)

    @post("/", sync_to_thread=True)
    def create_feed_token(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[TokenInput],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> FeedLink:
        """A new feed link (https and webcal); the secret is shown only now."""
        token, secret = feed_tokens.create_feed_token(
            db_session,
            viewer,
            kind=data.kind,
            trust_person_id=data.trust_person_id,
            organisation_id=data.organisation_id,
        )
        return _links(request, settings, token, secret)

    @post("/{token_id:int}/rotate", sync_to_thread=True)
    def rotate_feed_token(
        self,
        request: Request[Any, Any, Any],
        token_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> FeedLink:
        """Revoke a link and issue a new one for the same feed."""
        token, secret = feed_tokens.rotate_feed_token(db_session, viewer, token_id)
        return _links(request, settings, token, secret)

    @delete("/{token_id:int}", status_code=200, sync_to_thread=True)
    def revoke_feed_token(
        self,
        token_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> feed_tokens.FeedTokenPublic:
        """Revoke a link: it answers 404 from now on."""
        return feed_tokens.revoke_feed_token(db_session, viewer, token_id)
