"""The administrator's users: list, invite, role and scope, deactivate, reset a password.

An invitation and a password reset each give a one-time link, shown here once (and e-mailed
through the outbox); its holder opens it without logging in (:class:`LinkPages`) and chooses
a password. Everything else is :mod:`vppool.services.users`'s, which audits each change.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any, TypeVar

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlmodel import Session

from vppool.errors import FieldError, NotFound, ValidationFailed
from vppool.services import organisations, trust_persons, users
from vppool.services.access import UserPublic
from vppool.vocab import Role
from vppool.web._common import FormData, admin_page
from vppool.web._form_page import FormPage
from vppool.web._form_routes import (
    At,
    Confirmation,
    ConfirmRoute,
    FormRoute,
    ListRoute,
    Loaded,
    pages,
)
from vppool.web._forms import Choice, Form, form_field, picked
from vppool.web._lists import Column, ListFilter, ListPage, status_filter
from vppool.web._page import PageContext, WebPages

__all__ = ["LinkPages", "UserPages", "admin_pages"]

InputT = TypeVar("InputT", bound=BaseModel)

_PAGE = 50


class ScopeForm(Form):
    """A role with what it is bound to."""

    role: Role = form_field("Role")
    organisation_id: int | None = picked(
        "organisation", optional=True, hint="Only for a client contact."
    )
    trust_person_id: int | None = picked(
        "trust person", optional=True, hint="Only for a trust person's own account."
    )

    def to_input(self) -> users.UserScope:
        """The role and binding as the service takes them."""
        return self._bound(users.UserScope)

    def _bound(self, model: type[InputT]) -> InputT:
        """``model`` from the form; when refused, also what is wrong with the binding."""
        try:
            return self.build(model, **self.typed_values())
        except ValidationFailed as refused:
            binding = (
                users.binding_errors(self.role, self.organisation_id, self.trust_person_id)
                if self.role is not None
                else []
            )
            raise ValidationFailed(refused.errors + binding, subject="form") from refused


class InviteForm(ScopeForm):
    """A new user: name, e-mail address, role and scope."""

    display_name: str = form_field("Name", min_length=1, max_length=200)
    email: str = form_field("E-mail address", kind="email", min_length=3, max_length=254)

    def to_input(self) -> users.UserInvite:
        """The invitation as the service takes it."""
        return self._bound(users.UserInvite)


class PasswordForm(Form):
    """A new password, typed twice."""

    password: str = form_field(
        "New password",
        kind="password",
        hint="At least 10 characters.",
        min_length=10,
        max_length=200,
    )
    repeat: str = form_field("Repeat the password", kind="password", max_length=200)

    def to_input(self) -> users.PasswordChoice:
        """The chosen password as the service takes it (both typed the same)."""
        errors: list[FieldError] = []
        try:
            choice = self.build(users.PasswordChoice, password=self.password)
        except ValidationFailed as refused:
            errors += refused.errors
        if self.password != self.repeat:
            errors.append(FieldError("repeat", "The two passwords differ."))
        if errors:
            raise ValidationFailed(errors, subject="form")
        return choice


INVITE = FormPage(
    InviteForm,
    title="Invite a user",
    intro="The new user gets a one-time link to choose a password; you see it once, next.",
    action="/admin/users/new",
    back="/admin/users",
    section="users",
    submit_label="Invite",
    only=("display_name", "email", "role", "organisation_id", "trust_person_id"),
)

PASSWORD = FormPage(
    PasswordForm,
    title="Choose a password",
    action="/link/{secret}",
    back="/login",
    submit_label="Save the password",
)


def link_base(ctx: PageContext) -> str:
    """The address a one-time link's secret is appended to, for this request."""
    url = ctx.request.url
    return users.link_base(ctx.settings.public_url, f"{url.scheme}://{url.netloc}")


def _scope_values(session: Session, user: UserPublic) -> dict[str, Any]:
    """The scope form's values of ``user``, with the names the pickers show."""
    values = {
        "role": user.role.value,
        "organisation_id": str(user.organisation_id or ""),
        "trust_person_id": str(user.trust_person_id or ""),
    }
    return {**_labels(session, values), **values}


def _labels(session: Session, values: Mapping[str, Any]) -> dict[str, str]:
    """The names of the organisation and VP chosen in ``values`` (their pickers' text)."""
    names: dict[str, str] = {}
    org_id, vp_id = _whole(values.get("organisation_id")), _whole(values.get("trust_person_id"))
    with suppress(NotFound):
        if org_id:
            org = organisations.get_organisation(session, organisation_id=org_id)
            names["organisation_id_label"] = org.name
    with suppress(NotFound):
        if vp_id:
            vp = trust_persons.get_trust_person(session, trust_person_id=vp_id)
            names["trust_person_id_label"] = f"{vp.first_name} {vp.last_name}"
    return names


def _whole(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _picked_names_of(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    return {**_labels(session, values), **values}


def _role_choices() -> list[Choice]:
    return [Choice(role.value, role.value.replace("_", " ").capitalize()) for role in Role]


def _token_kinds() -> list[Choice]:
    return [Choice("api", "API tokens"), Choice("feed", "Calendar feed links")]


#: The status filter's values in the address (``?status=inactive``).
_STATUS = ("active", "inactive")

USERS = ListPage[UserPublic](
    path="/admin/users",
    title="Users",
    new=("/admin/users/new", "Invite a user"),
    search="Filter the users",
    none="No users match.",
    filters=(
        ListFilter("search", "Name or e-mail address"),
        ListFilter("role", "Role", kind="select", choices=_role_choices, read=Role),
        status_filter(name="status", values=_STATUS),
    ),
    columns=(
        Column("Name", lambda u: u.display_name),
        Column("E-mail address", lambda u: u.email),
        Column("Role", lambda u: u.role),
        Column("Active", lambda u: u.active),
    ),
    filename="users",
)

TOKENS = ListPage[users.TokenRow](
    path="/admin/tokens",
    title="Tokens",
    search="Filter the tokens",
    none="No tokens match.",
    filters=(
        ListFilter(
            "kind",
            "Kind",
            kind="select",
            choices=_token_kinds,
            default="api",
            everything=None,
            read=users.TokenKind,
        ),
        status_filter(name="status", values=_STATUS, default="active"),
    ),
    columns=(
        Column("Kind", lambda r: r.kind),
        Column("Name", lambda r: r.name),
        Column("Owner", lambda r: r.owner),
        Column("Created", lambda r: r.created_at),
        Column("Last used", lambda r: r.last_used_at),
        Column("Expires", lambda r: r.expires_at),
        Column("Revoked", lambda r: r.revoked_at),
    ),
    filename="tokens",
)


_USER = "/admin/users/{user_id:int}"
_ADMIN = (admin_page,)


def _scope_of(at: At) -> Loaded:
    user = users.get_user(at.session, at.viewer, at["user_id"])
    return Loaded(_scope_values(at.session, user), subject=user.display_name)


def _change_scope(at: At, form: ScopeForm) -> str:
    users.change_scope(at.session, at.viewer, at["user_id"], form.to_input())
    return f"/admin/users/{at['user_id']}?done=scope"


def _picked_names(at: At, values: dict[str, Any]) -> dict[str, Any]:
    """The pickers' names of the chosen organisation and VP, shown again with errors."""
    return _picked_names_of(at.session, values)


def _ask_deactivate(at: At) -> Confirmation:
    user = users.get_user(at.session, at.viewer, at["user_id"])
    return Confirmation(
        question=("Deactivate {name}?", {"name": user.display_name}),
        consequences=(
            "They can no longer log in.",
            "Their sessions and API tokens are revoked at once; reactivating does not bring "
            "them back.",
        ),
        subject=user.display_name,
    )


def _deactivate(at: At) -> str:
    users.deactivate_user(at.session, at.viewer, at["user_id"])
    return f"/admin/users/{at['user_id']}?done=deactivated"


#: Where a user's pages lead back to, and who may use them.
_ON_USER: dict[str, Any] = {"back": "/admin/users/{user_id}", "section": "users", "guards": _ADMIN}

DECLARED = (
    ListRoute(USERS, "admin_users.html", users.list_users, section="users", guards=_ADMIN),
    ListRoute(TOKENS, "admin_tokens.html", users.list_tokens, section="tokens", guards=_ADMIN),
    FormRoute(
        _USER + "/scope",
        ScopeForm,
        title="Role and scope",
        load=_scope_of,
        save=_change_scope,
        relabel=_picked_names,
        **_ON_USER,
    ),
    ConfirmRoute(
        _USER + "/deactivate",
        title="Deactivate user",
        submit_label="Deactivate",
        ask=_ask_deactivate,
        act=_deactivate,
        **_ON_USER,
    ),
)


class UserPages(WebPages, path="/admin", guard=admin_page):
    """Users and tokens, for administrators only (the services check it again)."""

    @post("/tokens/{kind:str}/{token_id:int}/revoke", sync_to_thread=True, status_code=303)
    def revoke_token(
        self, ctx: NamedDependency[PageContext], kind: FromPath[str], token_id: FromPath[int]
    ) -> Redirect:
        """Revoke a token or feed link: it stops working at once."""
        if kind not in {k.value for k in users.TokenKind}:
            raise NotFound("token", token_id)
        users.revoke_token(ctx.session, ctx.viewer, users.TokenKind(kind), token_id)
        return ctx.redirect(f"/admin/tokens?kind={kind}&done=revoked")

    @get("/users/new", sync_to_thread=False)
    def invite_form(self, ctx: NamedDependency[PageContext]) -> Template:
        """The invitation form."""
        return INVITE.show(ctx, values={"role": Role.PLANNER.value})

    @post("/users/new", sync_to_thread=True, status_code=200)
    def invite(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Create the user and show their one-time link."""
        issued: list[users.IssuedLink] = []

        def save(form: InviteForm) -> str:
            invite = form.to_input()
            issued.append(
                users.invite_user(ctx.session, ctx.viewer, invite, link_base=link_base(ctx))
            )
            return "/admin/users"

        answer = INVITE.submit(ctx, data, save)
        if issued:
            return _link_page(ctx, issued[0])
        if isinstance(answer, Template):
            answer.context["values"] = _picked_names_of(ctx.session, answer.context["values"])
        return answer

    @get("/users/{user_id:int}", sync_to_thread=True)
    def user(self, ctx: NamedDependency[PageContext], user_id: FromPath[int]) -> Template:
        """One user: their role and scope, and what the administrator can do."""
        user = users.get_user(ctx.session, ctx.viewer, user_id)
        names = _labels(ctx.session, _scope_values(ctx.session, user))
        return ctx.render(
            "admin_user.html",
            section="users",
            user=user,
            organisation=names.get("organisation_id_label"),
            trust_person=names.get("trust_person_id_label"),
            own=user.id == ctx.viewer.user_id,
        )

    @post("/users/{user_id:int}/reactivate", sync_to_thread=True, status_code=303)
    def reactivate(self, ctx: NamedDependency[PageContext], user_id: FromPath[int]) -> Redirect:
        """Let the user log in again."""
        users.reactivate_user(ctx.session, ctx.viewer, user_id)
        return ctx.redirect(f"/admin/users/{user_id}?done=reactivated")

    @get("/users/{user_id:int}/reset-password", sync_to_thread=True)
    def ask_reset(self, ctx: NamedDependency[PageContext], user_id: FromPath[int]) -> Template:
        """Asks once before the password is cleared, saying what happens."""
        user = users.get_user(ctx.session, ctx.viewer, user_id)
        return ctx.render(
            "org_confirm.html",
            section="users",
            title="Reset password",
            subject=user.display_name,
            question=("Reset the password of {name}?", {"name": user.display_name}),
            consequences=[
                ("Their current password stops working and their sessions end.", {}),
                ("You get a one-time link to pass on; it is also e-mailed to them.", {}),
            ],
            action=f"/admin/users/{user_id}/reset-password",
            back=f"/admin/users/{user_id}",
            submit_label="Reset password",
        )

    @post("/users/{user_id:int}/reset-password", sync_to_thread=True, status_code=200)
    def reset(self, ctx: NamedDependency[PageContext], user_id: FromPath[int]) -> Template:
        """Clear the password and show the one-time link to choose a new one."""
        issued = users.reset_password(ctx.session, ctx.viewer, user_id, link_base=link_base(ctx))
        return _link_page(ctx, issued)


def _link_page(ctx: PageContext, issued: users.IssuedLink) -> Template:
    return ctx.render("admin_link.html", section="users", issued=issued)


class LinkPages(WebPages, path="/link"):
    """The one-time link's page: whoever holds the link chooses the password (no login)."""

    @get("/saved", sync_to_thread=False)
    def saved(self, ctx: NamedDependency[PageContext]) -> Template:
        """The password is set: on to the login page."""
        return ctx.render("admin_link_saved.html")

    @get("/{secret:str}", sync_to_thread=True)
    def link(self, ctx: NamedDependency[PageContext], secret: FromPath[str]) -> Template:
        """The password form, or why the link does not work."""
        try:
            opened = users.open_link(ctx.session, secret)
        except NotFound:
            return _dead_link(ctx)
        return PASSWORD.show(ctx, subject=_whose(opened), secret=secret)

    @post("/{secret:str}", sync_to_thread=True, status_code=303)
    def choose(
        self, ctx: NamedDependency[PageContext], secret: FromPath[str], data: FormData
    ) -> Template | Redirect:
        """Set the password; the link works no more."""
        try:
            opened = users.open_link(ctx.session, secret)
        except NotFound:
            return _dead_link(ctx)

        def save(form: PasswordForm) -> str:
            users.use_link(ctx.session, secret, form.to_input())
            return "/link/saved"

        answer = PASSWORD.submit(ctx, data, save, subject=_whose(opened), secret=secret)
        if isinstance(answer, Template):
            answer.context["values"] = {}  # a password is never sent back to the page
        return answer


def _whose(opened: users.OpenLink) -> str:
    return f"{opened.display_name} <{opened.email}>"


def _dead_link(ctx: PageContext) -> Template:
    return ctx.render(
        "error.html",
        status_code=404,
        status=404,
        message="This link does not work (any more). Ask the administrator for a new one.",
    )


def admin_pages() -> Router:
    """The administrator's pages and the link pages, as one router to register."""
    return pages(*DECLARED, extra=[UserPages, LinkPages])
