"""The employees' page of an organisation, its link and QR code, and the VP's public profile.

* ``/employees/<token>``: the page itself, for anyone with the link. No login, no cookie
  (the CSRF middleware leaves the address alone), no script, no form, nothing recorded
  about who opens it; ``?lang=en`` shows it in English.
* ``/team/employee-page`` (the client contact) and ``/organisations/<id>/employee-page``
  (planners): the link, its QR code, and making a new link (the old address stops).
* ``/me/profile``: what a trust person shows the employees of the organisations they serve,
  and their optional photo (``/me/profile/photo``, ``/me/profile/photo/delete``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import segno
from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from vppool.db.models import PublicProfileBase
from vppool.errors import NotFound, ValidationFailed
from vppool.services import employee_pages, profile_photos
from vppool.services.employee_pages import PageLink
from vppool.web._common import (
    WEB_PATH,
    FieldErrors,
    FormData,
    client_only,
    staff_page,
    trust_person_only,
)
from vppool.web._form_page import FormPage
from vppool.web._forms import Form, errors_by_field, form_field
from vppool.web._i18n import LANGUAGES, translator
from vppool.web._page import PageContext, WebPages

__all__ = [
    "EMPLOYEE_PAGE_PATH",
    "EmployeePageLinks",
    "EmployeePages",
    "OrganisationEmployeePage",
    "ProfilePages",
]

#: Where the employees' pages live inside the web application (no cookie is set below it).
EMPLOYEE_PAGE_PATH = "/employees"

#: Headers of the employees' page: not indexed, nothing passed on when a link is followed,
#: never kept by a shared cache (the address is the secret).
_PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


class EmployeePages(WebPages, path=EMPLOYEE_PAGE_PATH):
    """The page an organisation's employees open: their trust persons, without a login."""

    @get("/{token:str}", sync_to_thread=True, opt={"exclude_from_auth": True})
    def employees(
        self, ctx: NamedDependency[PageContext], token: FromPath[str], lang: FromQuery[str] = "nl"
    ) -> Template:
        """The organisation's confirmed trust persons, or a page that says the link is gone."""
        lang = lang if lang in LANGUAGES else "nl"
        context: dict[str, Any] = {
            "lang": lang,
            "t": translator(lang),
            "root": WEB_PATH,
            "token": token,
        }
        try:
            view = employee_pages.employee_view(
                ctx.session, token, datetime.now(ctx.settings.zone), ctx.settings.timezone
            )
        except NotFound:
            return Template(
                template_name="employees.html",
                status_code=404,
                context={**context, "view": None},
                headers=_PRIVATE,
            )
        return Template(
            template_name="employees.html", context={**context, "view": view}, headers=_PRIVATE
        )


def _link_page(ctx: PageContext, link: PageLink, *, back: str, action: str) -> Template:
    """The link, its QR code and the button that makes a new link."""
    address = qr = None
    if link.token is not None:
        base = ctx.settings.public_url or f"{ctx.request.url.scheme}://{ctx.request.url.netloc}"
        address = f"{base.rstrip('/')}{WEB_PATH}{EMPLOYEE_PAGE_PATH}/{link.token}"
        qr = segno.make(address, error="m").svg_inline(
            scale=4, title=translator(ctx.lang)("QR code of the employees' page")
        )
    return ctx.render(
        "employee_page_link.html",
        section="team" if ctx.viewer.organisation_id else "organisations",
        link=link,
        address=address,
        qr=qr,
        back=back,
        action=action,
    )


class EmployeePageLinks(WebPages, path="/team/employee-page", guard=client_only):
    """The client contact keeps their organisation's link."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """The link and its QR code (or the button that makes the first one)."""
        link = employee_pages.page_link(ctx.session, ctx.viewer, _own(ctx))
        return _link_page(ctx, link, back="/team", action="/team/employee-page/rotate")

    @post("/rotate", sync_to_thread=True, status_code=303)
    def rotate(self, ctx: NamedDependency[PageContext]) -> Redirect:
        """Make a new link; the old address stops at once."""
        employee_pages.rotate_page_link(ctx.session, ctx.viewer, _own(ctx))
        return ctx.redirect("/team/employee-page?done=made")


class OrganisationEmployeePage(
    WebPages, path="/organisations/{organisation_id:int}/employee-page", guard=staff_page
):
    """A planner keeps an organisation's link (for a client without a contact in vppool)."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext], organisation_id: FromPath[int]) -> Template:
        """The organisation's link and its QR code."""
        link = employee_pages.page_link(ctx.session, ctx.viewer, organisation_id)
        return _link_page(
            ctx,
            link,
            back=f"/organisations/{organisation_id}",
            action=f"/organisations/{organisation_id}/employee-page/rotate",
        )

    @post("/rotate", sync_to_thread=True, status_code=303)
    def rotate(self, ctx: NamedDependency[PageContext], organisation_id: FromPath[int]) -> Redirect:
        """Make a new link; the old address stops at once."""
        employee_pages.rotate_page_link(ctx.session, ctx.viewer, organisation_id)
        return ctx.redirect(f"/organisations/{organisation_id}/employee-page?done=made")


def _own(ctx: PageContext) -> int:
    """The client contact's own organisation."""
    assert ctx.viewer.organisation_id is not None  # noqa: S101  (client users are bound)
    return ctx.viewer.organisation_id


# --------------------------------------------------------------------------- the profile


class ProfileForm(Form):
    """What a trust person shows employees; every field may stay empty."""

    introduction: str | None = form_field(
        "Introduction",
        default=None,
        kind="textarea",
        wide=True,
        max_length=800,
        hint="A few sentences for the employees: who you are and how you work.",
    )
    phone: str | None = form_field("Phone for employees", default=None, kind="tel", max_length=40)
    email: str | None = form_field(
        "E-mail for employees", default=None, kind="email", max_length=254
    )

    def to_input(self) -> PublicProfileBase:
        """The profile as stored; blank text shows nothing."""
        return self.build(
            PublicProfileBase, introduction=self.introduction, phone=self.phone, email=self.email
        )


PROFILE = FormPage(
    ProfileForm,
    title="What employees see of you",
    intro="The employees of the organisations you serve see your name, your languages, "
    "your next free times and what you fill in here.",
    action="/me/profile",
    back="/me",
    section="profile",
    template="me_profile.html",
)


@dataclass
class PhotoUploadForm:
    """The photo upload: one image file."""

    photo: UploadFile | None = None


#: The upload's body: a multipart form.
PhotoUpload = Annotated[PhotoUploadForm, Body(media_type=RequestEncodingType.MULTI_PART)]


def _photo_context(ctx: PageContext, errors: FieldErrors | None = None) -> dict[str, Any]:
    """What the photo panel of the profile page shows."""
    return {
        "photo": profile_photos.photo_of(ctx.session, ctx.viewer, _vp(ctx)),
        "photo_errors": errors or {},
        "photo_megabytes": profile_photos.MAX_UPLOAD_BYTES // 1_000_000,
        "photo_pixels": profile_photos.SIZE,
    }


def _profile_values(ctx: PageContext) -> dict[str, Any]:
    profile = employee_pages.public_profile(ctx.session, ctx.viewer, _vp(ctx))
    return {name: value or "" for name, value in profile.model_dump().items()}


class ProfilePages(WebPages, path="/me/profile", guard=trust_person_only):
    """The trust person's public profile."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """The profile as it is now, and the photo."""
        return PROFILE.show(ctx, values=_profile_values(ctx), extra=_photo_context(ctx))

    @post("/", sync_to_thread=True, status_code=303)
    def save(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Keep the profile; refused input is shown again next to its field."""

        def save(form: ProfileForm) -> str:
            employee_pages.save_public_profile(ctx.session, ctx.viewer, _vp(ctx), form.to_input())
            return "/me?done=profile"

        return PROFILE.submit(ctx, data, save, extra=_photo_context(ctx))

    @post("/photo", sync_to_thread=True, request_max_body_size=profile_photos.UPLOAD_BODY_LIMIT)
    def upload_photo(
        self, ctx: NamedDependency[PageContext], data: PhotoUpload
    ) -> Template | Redirect:
        """Take a photo (or a new one); a refused file is named next to the field."""
        file = data.photo if isinstance(data.photo, UploadFile) else None
        content = b""
        if file is not None:
            with file.file:
                content = file.file.read(profile_photos.MAX_UPLOAD_BYTES + 1)
        try:
            profile_photos.set_photo(ctx.session, ctx.viewer, _vp(ctx), content)
        except ValidationFailed as exc:
            ctx.session.rollback()
            errors = errors_by_field(exc, ctx.lang, {"photo"})
            if "" in errors:
                errors.setdefault("photo", []).extend(errors.pop(""))
            return PROFILE.show(
                ctx, values=_profile_values(ctx), extra=_photo_context(ctx, errors), status_code=422
            )
        return ctx.redirect("/me/profile?done=photo")

    @post("/photo/delete", sync_to_thread=True, status_code=303)
    def remove_photo(self, ctx: NamedDependency[PageContext]) -> Redirect:
        """Remove the photo; employees and clients see the initials again."""
        profile_photos.remove_photo(ctx.session, ctx.viewer, _vp(ctx))
        return ctx.redirect("/me/profile?done=photo-removed")


def _vp(ctx: PageContext) -> int:
    assert ctx.viewer.trust_person_id is not None  # noqa: S101  (trust-person users are bound)
    return ctx.viewer.trust_person_id
