"""The staffing advice of a client: kept and sent by planners, read by the client's contact.

* ``/organisations/<id>/staffing`` (planners): the advice (vppool's proposal until one is
  kept), each item against the current state, the form to change it, "save" and "save and
  send to the client".
* ``/team/advice`` (the client contact): the advice once it was sent, with the same checks.
"""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from vppool.db.models import StaffingAdviceBase
from vppool.errors import NotFound
from vppool.services import staffing
from vppool.services.staffing import StaffingView
from vppool.web._client_forms import _LANGUAGES_HINT as LANGUAGES_HINT
from vppool.web._common import FieldErrors, FormData, client_only, form_text, staff_page
from vppool.web._forms import Form, fields_of, form_field, values_of
from vppool.web._page import PageContext, WebPages
from vppool.web._record_forms import codes

__all__ = ["StaffingPages", "TeamAdvice"]


class StaffingForm(Form):
    """The advice as a planner writes it."""

    trust_persons: int = form_field("Number of trust persons", ge=1, le=50)
    languages: str | None = form_field(
        "Languages", default=None, max_length=200, hint=LANGUAGES_HINT
    )
    both_genders: bool = form_field("Both a woman and a man", default=False)
    local: bool = form_field(
        "Local", default=False, hint="A trust person within reach of every site."
    )
    internal_backup: bool = form_field("Backup for the internal trust person", default=False)
    note: str | None = form_field("Explanation", default=None, max_length=2000, kind="textarea")

    def to_input(self) -> StaffingAdviceBase:
        """The advice as the service keeps it."""
        return self.build(
            StaffingAdviceBase,
            trust_persons=self.trust_persons,
            languages=codes(self.languages),
            both_genders=self.both_genders,
            local=self.local,
            internal_backup=self.internal_backup,
            note=self.note,
        )


def _values(view: StaffingView) -> dict[str, Any]:
    values = values_of(StaffingForm, view.advice.model_dump())
    values["languages"] = ", ".join(view.advice.languages)
    return values


class StaffingPages(
    WebPages, path="/organisations/{organisation_id:int}/staffing", guard=staff_page
):
    """A planner keeps and sends a client's staffing advice."""

    @get("/", sync_to_thread=True)
    def show(
        self,
        ctx: NamedDependency[PageContext],
        organisation_id: FromPath[int],
    ) -> Template:
        """The advice against the current state, and the form."""
        view = staffing.staffing_view(
            ctx.session, ctx.settings, organisation_id=organisation_id, viewer=ctx.viewer
        )
        return self._page(ctx, view, values=_values(view), errors={})

    @staticmethod
    def _page(
        ctx: PageContext,
        view: StaffingView,
        *,
        values: dict[str, Any],
        errors: FieldErrors,
        status_code: int = 200,
    ) -> Template:
        return ctx.render(
            "staffing.html",
            section="organisations",
            status_code=status_code,
            view=view,
            fields=fields_of(StaffingForm),
            values=values,
            errors=errors,
        )

    @post("/", sync_to_thread=True, status_code=303)
    def save(
        self, ctx: NamedDependency[PageContext], organisation_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Keep the advice; with "send", e-mail it to the client's contacts too."""
        send = form_text(data, "send") == "1"

        def act(form: StaffingForm) -> str:
            staffing.save_advice(
                ctx.session,
                ctx.settings,
                organisation_id=organisation_id,
                data=form.to_input(),
                viewer=ctx.viewer,
                send=send,
            )
            return f"/organisations/{organisation_id}/staffing?done={'sent' if send else 'saved'}"

        def again(*, values: dict[str, Any], errors: FieldErrors, status_code: int) -> Template:
            view = staffing.staffing_view(
                ctx.session, ctx.settings, organisation_id=organisation_id, viewer=ctx.viewer
            )
            return self._page(ctx, view, values=values, errors=errors, status_code=status_code)

        return ctx.handle(StaffingForm, data, act=act, again=again)


class TeamAdvice(WebPages, path="/team/advice", guard=client_only):
    """The client contact reads the advice the provider sent."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """The advice and how the organisation stands, or that none was sent yet."""
        assert ctx.viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        try:
            view: StaffingView | None = staffing.staffing_view(
                ctx.session,
                ctx.settings,
                organisation_id=ctx.viewer.organisation_id,
                viewer=ctx.viewer,
            )
        except NotFound:
            view = None
        return ctx.render("team_advice.html", section="team", view=view)
