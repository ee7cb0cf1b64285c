"""A page with one form: the maintenance pages (add, change) declared instead of written out.

A :class:`FormPage` knows its form model, its words and where it leads; a controller's
handlers only say which service to call::

    NEW_CERTIFICATE = FormPage(
        CertificateForm,
        title="New certificate",
        action="/pool/{owner}/certificates/new",
        back="/pool/{owner}",
        section="pool",
    )

    @get("/pool/{owner:int}/certificates/new", sync_to_thread=False)
    def new_certificate(self, ctx: NamedDependency[PageContext], owner: int) -> Template:
        return NEW_CERTIFICATE.show(ctx, owner=owner)

    @post("/pool/{owner:int}/certificates/new", sync_to_thread=True, status_code=303)
    def add_certificate(self, ctx: NamedDependency[PageContext], owner: int, data: FormData):
        def save(form: CertificateForm) -> str:
            trust_persons.add_certification(ctx.session, ..., viewer=ctx.viewer)
            return f"/pool/{owner}?done=certificate"

        return NEW_CERTIFICATE.submit(ctx, data, save, owner=owner)

An edit page passes the record's current values to :meth:`FormPage.show` (as text, periods
with their last day: see :func:`vppool.web._forms.values_of`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic

from litestar.response import Redirect, Template

from vppool.web._common import FieldErrors
from vppool.web._forms import FormT, fields_of
from vppool.web._page import PageContext

__all__ = ["FormPage"]


@dataclass(frozen=True)
class FormPage(Generic[FormT]):
    """One form on its own page.

    Attributes:
        form: the form model.
        title: the page's heading (an English message id).
        action: where the form posts, inside the application, with ``{name}`` placeholders
            filled from the path values given to :meth:`show` and :meth:`submit`.
        back: where "Cancel" leads (placeholders likewise).
        section: the navigation entry to mark.
        submit_label: the button's words.
        intro: a sentence under the heading, if any.
        once: the form carries a one-time key, so a double click submits once.
        only: the fields to show, in this order (default: all of the form's).
        template: the page's template (one that extends ``form_page.html`` adds to it).
    """

    form: type[FormT]
    title: str
    action: str
    back: str
    section: str = ""
    submit_label: str = "Save"
    intro: str | None = None
    once: bool = False
    only: tuple[str, ...] | None = None
    template: str = "form_page.html"

    def show(
        self,
        ctx: PageContext,
        *,
        values: Mapping[str, Any] | None = None,
        errors: FieldErrors | None = None,
        status_code: int = 200,
        subject: str | None = None,
        extra: Mapping[str, Any] | None = None,
        **path: object,
    ) -> Template:
        """The page with the form, filled with ``values`` and showing ``errors``.

        Args:
            ctx: the page's context.
            values: the fields' values as text (lists for ticked boxes).
            errors: the messages by field, in the page's language.
            status_code: 200, or 422 when the form is shown again with errors.
            subject: what the form is about (a person's or organisation's name), shown
                above the heading.
            extra: more for a :attr:`template` that adds to the page.
            **path: the values of the placeholders in ``action`` and ``back``.
        """
        return ctx.render(
            self.template,
            **dict(extra or {}),
            section=self.section,
            status_code=status_code,
            title=self.title,
            intro=self.intro,
            subject=subject,
            fields=fields_of(self.form, self.only),
            values=dict(values or {}),
            errors=errors or {},
            action=self.action.format(**path),
            back=self.back.format(**path),
            submit_label=self.submit_label,
            form_key=secrets.token_urlsafe(16) if self.once else None,
        )

    def submit(
        self,
        ctx: PageContext,
        data: Mapping[str, Any],
        save: Callable[[FormT], str],
        *,
        subject: str | None = None,
        extra: Mapping[str, Any] | None = None,
        **path: object,
    ) -> Template | Redirect:
        """Read the submitted form and ``save`` it; show it again with the errors if refused.

        ``save`` calls the service and returns the page to go to next.
        """

        def again(*, values: dict[str, Any], errors: FieldErrors, status_code: int) -> Template:
            return self.show(
                ctx,
                values=values,
                errors=errors,
                status_code=status_code,
                subject=subject,
                extra=extra,
                **path,
            )

        return ctx.handle(self.form, data, act=save, again=again)
