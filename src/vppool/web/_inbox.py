"""Everyone's inbox: the messages vppool sent them, unread first to the eye, and their choices.

Every logged-in user has one (planners, client contacts, trust persons). The settings page
keeps the language of their messages and which kinds also come by e-mail.
"""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from vppool.errors import ValidationFailed
from vppool.services import notifications
from vppool.services.notifications import MessageSettings
from vppool.web._common import FormData, form_list, form_text, web_logged_in
from vppool.web._messages import localise_error
from vppool.web._page import PageContext, WebPages

__all__ = ["InboxPages"]

_PAGE = 20

#: What each e-mail choice covers, in the user's words (message ids).
CHOICES = {
    "request_received": "A client files a request (planners)",
    "request_decided": "Your request is accepted or declined (client contacts)",
    "consent_asked": "You are asked to take an assignment (trust persons)",
    "consent_answered": "A trust person accepts or declines a placement (planners)",
    "shortlist_ready": "A shortlist of trust persons to choose from (client contacts)",
    "choice_made": "A client chooses from a shortlist or asks for others (planners)",
    "shortlist_expired": "Nobody chose from a shortlist in time",
    "assignment_confirmed": "An assignment is confirmed: who, where, when",
    "assignment_ending": "An assignment ends within two weeks",
    "certification_reminder": "Your certificate expires soon",
    "education_status": "You fall behind on education hours",
    "compliance_digest": "Weekly overview of certificates and education (planners)",
    "staffing_advice": "Staffing advice for your organisation (client contacts)",
    "info_session": "Information sessions: requested, booked, moved or cancelled",
}


class InboxPages(WebPages, path="/inbox", guard=web_logged_in):
    """The viewer's own messages (the service reads only theirs)."""

    @get("/", sync_to_thread=True)
    def inbox(
        self,
        ctx: NamedDependency[PageContext],
        offset: FromQuery[int] = 0,
    ) -> Template:
        """The messages, newest first."""
        found = notifications.inbox(ctx.session, ctx.viewer, offset=max(offset, 0), limit=_PAGE)
        return ctx.render("inbox.html", section="inbox", found=found, page_size=_PAGE)

    @post("/read", sync_to_thread=True, status_code=303)
    def read(self, ctx: NamedDependency[PageContext], data: FormData) -> Redirect:
        """Mark one message read (``id``) or all of them."""
        chosen = form_text(data, "id")
        ids = [int(chosen)] if chosen.isdigit() else None
        notifications.mark_read(ctx.session, ctx.viewer, ids)
        target = form_text(data, "open")
        if target.startswith("/") and not target.startswith("//"):
            return ctx.redirect(target)
        return ctx.redirect("/inbox")

    @get("/settings", sync_to_thread=True)
    def settings_page(self, ctx: NamedDependency[PageContext]) -> Template:
        """The language of the viewer's messages and which kinds come by e-mail."""
        return _settings(ctx, notifications.message_settings(ctx.session, ctx.viewer))

    @post("/settings", sync_to_thread=True, status_code=303)
    def save_settings(
        self, ctx: NamedDependency[PageContext], data: FormData
    ) -> Template | Redirect:
        """Keep the choices; a refused one is shown again with why."""
        language = form_text(data, "language")
        email = form_list(data, "email")
        try:
            notifications.set_message_settings(
                ctx.session, ctx.viewer, language=language, email=email
            )
        except ValidationFailed as exc:
            ctx.session.rollback()
            kept = MessageSettings(
                language, {kind: kind in email for kind in notifications.EMAIL_KINDS}
            )
            return _settings(ctx, kept, localise_error(exc, ctx.lang))
        return ctx.redirect("/inbox?done=settings")


def _settings(ctx: PageContext, chosen: MessageSettings, error: str = "") -> Template:
    """The settings page with ``chosen`` ticked, and why they were refused (status 422)."""
    page = {"chosen": chosen, "choices": CHOICES, "error": error}
    return ctx.render(
        "inbox_settings.html", section="inbox", status_code=422 if error else 200, **page
    )
