"""Calendar feed links of a trust person or a client team: create, copy, rotate, revoke.

A link's secret is shown once, right after it is made or rotated (only its hash is
stored); the page then offers it as https and webcal addresses with copy buttons.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.services import feed_tokens
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import FeedKind, Role
from vppool.web._common import FormData, client_or_trust_person_page, form_text, page, redirect

__all__ = ["FeedPages", "feed_links"]


def feed_links(request: Request[Any, Any, Any], settings: Settings, secret: str) -> dict[str, str]:
    """The https and webcal addresses of a feed secret."""
    request_base = f"{request.url.scheme}://{request.url.netloc}"
    return feed_tokens.feed_links(settings.public_url, request_base, secret)


def _kinds(viewer: Viewer) -> list[FeedKind]:
    if viewer.role is Role.CLIENT:
        return [FeedKind.ORGANISATION_AVAILABILITY]
    return [FeedKind.VP_SCHEDULE, FeedKind.VP_AVAILABILITY]


class FeedPages(Controller):
    """A trust person's or client contact's own feed links (the service lists only theirs).

    Planners manage every feed link through the API; here each person keeps their own.
    """

    path = "/feeds"
    guards = [client_or_trust_person_page]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def feeds(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template:
        """The viewer's feed links (their addresses are shown once, when made)."""
        return self._page(request, db_session, viewer, fresh=None)

    def _page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        viewer: Viewer,
        *,
        fresh: dict[str, Any] | None,
    ) -> Template:
        tokens = [
            token
            for token in feed_tokens.list_feed_tokens(db_session, viewer)
            if token.revoked_at is None
        ]
        return page(
            request,
            "feeds.html",
            section="feeds",
            tokens=tokens,
            kinds=_kinds(viewer),
            fresh=fresh,
        )

    @post("/", sync_to_thread=True, status_code=200)
    def create(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """Make a new link to the viewer's own feed of this kind."""
        kind = form_text(data, "kind")
        token, secret = feed_tokens.create_feed_token(
            db_session,
            viewer,
            kind=kind,
            trust_person_id=viewer.trust_person_id if viewer.role is Role.TRUST_PERSON else None,
            organisation_id=viewer.organisation_id if viewer.role is Role.CLIENT else None,
        )
        return self._page(
            request,
            db_session,
            viewer,
            fresh={"token": token, **feed_links(request, settings, secret)},
        )

    @post("/{token_id:int}/rotate", sync_to_thread=True, status_code=200)
    def rotate(
        self,
        *,
        request: Request[Any, Any, Any],
        token_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """Replace a link by a new one: subscribers of the old one get nothing from now on."""
        token, secret = feed_tokens.rotate_feed_token(db_session, viewer, token_id)
        return self._page(
            request,
            db_session,
            viewer,
            fresh={"token": token, **feed_links(request, settings, secret)},
        )

    @post("/{token_id:int}/revoke", sync_to_thread=True, status_code=303)
    def revoke(
        self,
        *,
        token_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Switch a link off."""
        feed_tokens.revoke_feed_token(db_session, viewer, token_id)
        return redirect("/feeds")
