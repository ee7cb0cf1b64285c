"""Shortlists on the web: the planner builds and sends one, the client contact chooses.

The planner's page hangs under the need (``/needs/<id>/shortlist``, linked from the needs
queue and the quick match): build it, change its candidates among the eligible VPs, the
first choice, the last day and the note, send it, and follow its state. The client
contact's page "Kies uw vertrouwenspersoon" (``/shortlists/<id>``, in their navigation and
in the message that tells them) shows a card per candidate with "Kiezen", and a form to ask
for other candidates with a note. Every rule lives in :mod:`vppool.services.shortlists`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from vppool.db.schemas import ShortlistAskOthers, ShortlistChange, ShortlistChoose
from vppool.errors import Conflict, FieldError, ValidationFailed
from vppool.services import matching, needs, organisations, shortlists
from vppool.web._common import FormData, client_only, staff_page
from vppool.web._forms import Form, fields_of, form_field
from vppool.web._page import PageContext, WebPages

__all__ = ["ClientShortlistPages", "PlannerShortlistPages"]


class ShortlistForm(Form):
    """The planner's changes to a draft shortlist."""

    candidates: list[int] = form_field("Candidates", default=[])
    first_choice_id: int | None = form_field("First choice", default=None)
    deadline: date = form_field(
        "Last day to choose",
        hint="The client chooses up to and including this day; after it your first choice stands.",
    )
    note: str | None = form_field(
        "Note for the client", default=None, kind="textarea", wide=True, max_length=1000
    )

    def to_input(self) -> ShortlistChange:
        """The changes (an empty first choice keeps the current one, if still a candidate)."""
        return self.build(ShortlistChange, **self.typed_values(note=self.note or ""))


class ChooseForm(Form):
    """The candidate the client contact chooses."""

    trust_person_id: int = form_field("Trust person", ge=1)

    def to_input(self) -> ShortlistChoose:
        """The choice."""
        return self.build(ShortlistChoose, trust_person_id=self.trust_person_id)


class AskOthersForm(Form):
    """What the client contact wants of other candidates."""

    note: str = form_field("What should other candidates bring?", kind="textarea", max_length=1000)

    def to_input(self) -> ShortlistAskOthers:
        """The request for others."""
        return self.build(ShortlistAskOthers, note=self.note)


# --------------------------------------------------------------------------- the planner


class PlannerShortlistPages(WebPages, path="/needs/{need_id:int}/shortlist", guard=staff_page):
    """A need's shortlist, for planners and administrators."""

    @staticmethod
    def _page(
        ctx: PageContext,
        need_id: int,
        *,
        values: dict[str, Any] | None = None,
        errors: dict[str, list[str]] | None = None,
        problem: str | None = None,
        status_code: int = 200,
    ) -> Template:
        need = needs.get_need(ctx.session, need_id=need_id, viewer=ctx.viewer)
        view = shortlists.latest_for_need(
            ctx.session, ctx.settings, need_id=need_id, viewer=ctx.viewer
        )
        eligible, unavailable = None, None
        if view is not None and view.status.value == "draft":
            try:
                eligible = matching.quick_match_need(ctx.session, ctx.settings, need_id, limit=30)
            except Conflict as exc:
                unavailable = ctx.words(exc)
        if values is None and view is not None:
            values = {
                "candidates": [c.trust_person_id for c in view.candidates],
                "first_choice_id": view.first_choice_id,
                "deadline": view.deadline.isoformat() if view.deadline else "",
                "note": view.note or "",
            }
        return ctx.render(
            "shortlist.html",
            section="needs",
            status_code=status_code,
            need=need,
            organisation=organisations.get_organisation(
                ctx.session, organisation_id=need.organisation_id, viewer=ctx.viewer
            ),
            view=view,
            eligible=eligible,
            unavailable=unavailable,
            problem=problem,
            values=values or {},
            errors=errors or {},
            fields=fields_of(ShortlistForm, ["deadline", "note"]),
        )

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext], need_id: FromPath[int]) -> Template:
        """The need's shortlist: build it, change it, send it, or follow what the client did."""
        return self._page(ctx, need_id)

    @post("/build", sync_to_thread=True, status_code=303)
    def build(
        self, ctx: NamedDependency[PageContext], need_id: FromPath[int]
    ) -> Template | Redirect:
        """Build the shortlist (or build a draft again from today's pool)."""
        try:
            shortlists.build(ctx.session, ctx.settings, need_id=need_id, viewer=ctx.viewer)
        except Conflict as exc:
            ctx.session.rollback()
            return self._page(ctx, need_id, problem=ctx.words(exc), status_code=409)
        return ctx.redirect(f"/needs/{need_id}/shortlist?done=built")

    @post("/", sync_to_thread=True, status_code=303)
    def save(
        self, ctx: NamedDependency[PageContext], need_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Save the draft's candidates, first choice, last day and note."""
        view = shortlists.latest_for_need(
            ctx.session, ctx.settings, need_id=need_id, viewer=ctx.viewer
        )

        def act(form: ShortlistForm) -> str:
            if view is None:
                raise ValidationFailed.single("candidates", "Build the shortlist first.")
            shortlists.update(
                ctx.session,
                ctx.settings,
                shortlist_id=view.id,
                data=form.to_input(),
                viewer=ctx.viewer,
            )
            return f"/needs/{need_id}/shortlist?done=saved"

        def again(*, values: dict[str, Any], errors: Any, status_code: int) -> Template:
            return self._page(ctx, need_id, values=values, errors=errors, status_code=status_code)

        return ctx.handle(ShortlistForm, data, act=act, again=again)

    @post("/send", sync_to_thread=True, status_code=303)
    def send(
        self, ctx: NamedDependency[PageContext], need_id: FromPath[int]
    ) -> Template | Redirect:
        """Send the draft to the client's contacts."""
        view = shortlists.latest_for_need(
            ctx.session, ctx.settings, need_id=need_id, viewer=ctx.viewer
        )
        try:
            if view is None:
                raise Conflict("Build the shortlist first.")
            shortlists.send(ctx.session, ctx.settings, shortlist_id=view.id, viewer=ctx.viewer)
        except (Conflict, ValidationFailed) as exc:
            ctx.session.rollback()
            return self._page(ctx, need_id, problem=ctx.words(exc), status_code=409)
        return ctx.redirect(f"/needs/{need_id}/shortlist?done=sent")


# --------------------------------------------------------------------------- the client


class ClientShortlistPages(WebPages, path="/shortlists", guard=client_only):
    """The client contact's shortlists: choose a trust person, or ask for others."""

    @get("/", sync_to_thread=True)
    def index(self, ctx: NamedDependency[PageContext]) -> Template:
        """The organisation's open shortlists."""
        found = shortlists.list_shortlists(ctx.session, ctx.settings, viewer=ctx.viewer)
        return ctx.render("shortlists.html", section="shortlists", found=found)

    @staticmethod
    def _page(
        ctx: PageContext,
        shortlist_id: int,
        *,
        values: dict[str, Any] | None = None,
        errors: Any = None,
        status_code: int = 200,
    ) -> Template:
        view = shortlists.read(
            ctx.session, ctx.settings, shortlist_id=shortlist_id, viewer=ctx.viewer
        )
        return ctx.render(
            "shortlist_choose.html",
            section="shortlists",
            status_code=status_code,
            view=view,
            values=values or {},
            errors=errors or {},
            fields=fields_of(AskOthersForm),
        )

    @get("/{shortlist_id:int}", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext], shortlist_id: FromPath[int]) -> Template:
        """The page "Kies uw vertrouwenspersoon": a card per candidate (each opening audited)."""
        return self._page(ctx, shortlist_id)

    def _again(self, ctx: PageContext, shortlist_id: int) -> Any:
        def again(*, values: dict[str, Any], errors: Any, status_code: int) -> Template:
            return self._page(
                ctx, shortlist_id, values=values, errors=errors, status_code=status_code
            )

        return again

    def _answer(
        self,
        ctx: PageContext,
        shortlist_id: int,
        data: FormData,
        *,
        form: type[ChooseForm | AskOthersForm],
        service: Callable[..., object],
        done: str,
    ) -> Template | Redirect:
        """Read ``data`` as ``form`` and hand it to ``service``, then go to ``?done=<done>``.

        A refusal that depends on the moment (the candidate can no longer take it, the last
        day passed) is said next to the form's field, like any other.
        """
        field = next(iter(form.model_fields))

        def act(parsed: ChooseForm | AskOthersForm) -> str:
            try:
                service(
                    ctx.session,
                    ctx.settings,
                    shortlist_id=shortlist_id,
                    data=parsed.to_input(),
                    viewer=ctx.viewer,
                )
            except Conflict as exc:
                error = FieldError(field, exc.template, dict(exc.params))
                raise ValidationFailed([error], subject="form") from exc
            return f"/shortlists/{shortlist_id}?done={done}"

        return ctx.handle(form, data, act=act, again=self._again(ctx, shortlist_id))

    @post("/{shortlist_id:int}/choose", sync_to_thread=True, status_code=303)
    def choose(
        self, ctx: NamedDependency[PageContext], shortlist_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Choose a candidate; one who can no longer take it is said next to the cards."""
        return self._answer(
            ctx, shortlist_id, data, form=ChooseForm, service=shortlists.choose, done="chosen"
        )

    @post("/{shortlist_id:int}/ask-others", sync_to_thread=True, status_code=303)
    def ask_others(
        self, ctx: NamedDependency[PageContext], shortlist_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Ask for other candidates, saying what they should bring."""
        return self._answer(
            ctx, shortlist_id, data, form=AskOthersForm, service=shortlists.ask_others, done="asked"
        )
