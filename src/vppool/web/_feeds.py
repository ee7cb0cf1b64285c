"""Calendar feed links of a trust person or a client team: create, copy, rotate, revoke.

A link's secret is shown once, right after it is made or rotated (only its hash is
stored); the page then offers it as https and webcal addresses with copy buttons.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from vppool.services import feed_tokens
from vppool.services.access import Viewer
from vppool.services.feed_tokens import FeedTokenPublic
from vppool.settings import Settings
from vppool.vocab import FeedKind, Role
from vppool.web._common import FormData, client_or_trust_person_page, form_text
from vppool.web._page import PageContext, WebPages

__all__ = ["FeedPages", "feed_links"]


def feed_links(request: Request[Any, Any, Any], settings: Settings, secret: str) -> dict[str, str]:
    """The https and webcal addresses of a feed secret."""
    request_base = f"{request.url.scheme}://{request.url.netloc}"
    return feed_tokens.feed_links(settings.public_url, request_base, secret)


def _kinds(viewer: Viewer) -> list[FeedKind]:
    if viewer.role is Role.CLIENT:
        return [FeedKind.ORGANISATION_AVAILABILITY]
    return [FeedKind.VP_SCHEDULE, FeedKind.VP_AVAILABILITY]


class FeedPages(WebPages, path="/feeds", guard=client_or_trust_person_page):
    """A trust person's or client contact's own feed links (the service lists only theirs).

    Planners manage every feed link through the API; here each person keeps their own.
    """

    @get("/", sync_to_thread=True)
    def feeds(self, ctx: NamedDependency[PageContext]) -> Template:
        """The viewer's feed links (their addresses are shown once, when made)."""
        return self._page(ctx)

    def _page(self, ctx: PageContext, made: tuple[FeedTokenPublic, str] | None = None) -> Template:
        """The links, and the one just ``made`` (with its secret) if any."""
        tokens = [
            token
            for token in feed_tokens.list_feed_tokens(ctx.session, ctx.viewer)
            if token.revoked_at is None
        ]
        fresh = None
        if made is not None:
            token, secret = made
            fresh = {"token": token, **feed_links(ctx.request, ctx.settings, secret)}
        return ctx.render(
            "feeds.html", section="feeds", tokens=tokens, kinds=_kinds(ctx.viewer), fresh=fresh
        )

    @post("/", sync_to_thread=True, status_code=200)
    def create(self, ctx: NamedDependency[PageContext], data: FormData) -> Template:
        """Make a new link to the viewer's own feed of this kind."""
        viewer = ctx.viewer
        made = feed_tokens.create_feed_token(
            ctx.session,
            viewer,
            kind=form_text(data, "kind"),
            trust_person_id=viewer.trust_person_id if viewer.role is Role.TRUST_PERSON else None,
            organisation_id=viewer.organisation_id if viewer.role is Role.CLIENT else None,
        )
        return self._page(ctx, made)

    @post("/{token_id:int}/rotate", sync_to_thread=True, status_code=200)
    def rotate(self, ctx: NamedDependency[PageContext], token_id: FromPath[int]) -> Template:
        """Replace a link by a new one: subscribers of the old one get nothing from now on."""
        return self._page(ctx, feed_tokens.rotate_feed_token(ctx.session, ctx.viewer, token_id))

    @post("/{token_id:int}/revoke", sync_to_thread=True, status_code=303)
    def revoke(self, ctx: NamedDependency[PageContext], token_id: FromPath[int]) -> Redirect:
        """Switch a link off."""
        feed_tokens.revoke_feed_token(ctx.session, ctx.viewer, token_id)
        return ctx.redirect("/feeds")
