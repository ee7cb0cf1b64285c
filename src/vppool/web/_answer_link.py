"""The VP's answer page: accept or decline a placement from the e-mail's or the feed's link.

``/answer/<assignment>/<secret>`` shows the placement (client, need, site address, contact
person, hours, first and last day) and takes the answer, without a login and without a
cookie: the CSRF middleware leaves the address alone, as the link's secret already proves
the form came from the VP's own page. Once answered, or withdrawn by the planner, the page
says so (and how it was answered) instead of the buttons. ``?lang=en`` shows it in English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from vppool.db.schemas import ConsentAnswer
from vppool.errors import Conflict, NotFound
from vppool.services import consent
from vppool.services.consent import ANSWER_PATH, LinkedPlacement
from vppool.web._common import WEB_PATH, FormData
from vppool.web._forms import handle
from vppool.web._i18n import LANGUAGES, translator
from vppool.web._page import PageContext, WebPages
from vppool.web._record_forms import DeclinePlacementForm

__all__ = ["ANSWER_PATH", "AnswerPages"]

#: Not indexed, nothing passed on when a link is followed, never kept by a shared cache.
_PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
_PUBLIC = {"exclude_from_auth": True}


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "nl"


def _page(
    lang: str,
    placement: LinkedPlacement | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """The answer page (``placement`` ``None``: the link does not work)."""
    return Template(
        template_name="answer.html",
        status_code=status_code,
        context={
            "lang": lang,
            "t": translator(lang),
            "root": WEB_PATH,
            "placement": placement,
            "values": {},
            "errors": {},
            "done": "",
            **context,
        },
        headers=_PRIVATE,
    )


class AnswerPages(WebPages, path=ANSWER_PATH):
    """The placement a VP is asked for, answered with the personal link."""

    @get("/{assignment_id:int}/{secret:str}", sync_to_thread=True, opt=_PUBLIC)
    def show(
        self,
        ctx: NamedDependency[PageContext],
        assignment_id: FromPath[int],
        secret: FromPath[str],
        lang: FromQuery[str] = "nl",
        done: FromQuery[str] = "",
    ) -> Template:
        """The placement and the buttons, or what became of it."""
        lang = _lang(lang)
        try:
            placement = consent.linked_placement(ctx.session, ctx.settings, assignment_id, secret)
        except NotFound:
            return _page(lang, None, status_code=404)
        return _page(lang, placement, done=done, secret=secret)

    @post("/{assignment_id:int}/{secret:str}/accept", sync_to_thread=True, opt=_PUBLIC)
    def accept(
        self,
        ctx: NamedDependency[PageContext],
        assignment_id: FromPath[int],
        secret: FromPath[str],
        lang: FromQuery[str] = "nl",
    ) -> Template | Redirect:
        """Take the placement: it is confirmed."""
        link = _Link(ctx, assignment_id, secret, _lang(lang))
        return link.answering(lambda: ctx.redirect(link.answer(ConsentAnswer(accept=True))))

    @post("/{assignment_id:int}/{secret:str}/decline", sync_to_thread=True, opt=_PUBLIC)
    def decline(
        self,
        ctx: NamedDependency[PageContext],
        assignment_id: FromPath[int],
        secret: FromPath[str],
        data: FormData,
        lang: FromQuery[str] = "nl",
    ) -> Template | Redirect:
        """Decline the placement, saying why (the message beside the field when not)."""
        link = _Link(ctx, assignment_id, secret, _lang(lang))

        def again(values: dict[str, Any], errors: dict[str, list[str]]) -> Template:
            return link.page(status_code=422, values=values, errors=errors)

        return link.answering(
            lambda: handle(
                DeclinePlacementForm,
                data,
                link.lang,
                act=lambda form: link.answer(form.to_input()),
                again=again,
                rollback=ctx.session.rollback,
            )
        )


@dataclass(frozen=True, slots=True)
class _Link:
    """One answer link as a request uses it."""

    ctx: PageContext
    assignment_id: int
    secret: str
    lang: str

    def placement(self) -> LinkedPlacement:
        """The placement the link opens."""
        return consent.linked_placement(
            self.ctx.session, self.ctx.settings, self.assignment_id, self.secret
        )

    def page(self, *, status_code: int, **context: Any) -> Template:
        """The page of the placement as it is now."""
        return _page(
            self.lang, self.placement(), status_code=status_code, secret=self.secret, **context
        )

    def answer(self, data: ConsentAnswer) -> str:
        """Record the answer; the page to show next (the link's, saying what was done)."""
        consent.answer_by_link(
            self.ctx.session, self.ctx.settings, self.assignment_id, self.secret, data
        )
        done = "accepted" if data.accept else "declined"
        return f"{ANSWER_PATH}/{self.assignment_id}/{self.secret}?lang={self.lang}&done={done}"

    def answering(self, act: Callable[[], Template | Redirect]) -> Template | Redirect:
        """``act``, or a page that says why not.

        The link does not work (404), or the placement was answered or withdrawn meanwhile
        (409: the page says which).
        """
        try:
            return act()
        except NotFound:
            return _page(self.lang, None, status_code=404)
        except Conflict:
            self.ctx.session.rollback()
            return self.page(status_code=409)
