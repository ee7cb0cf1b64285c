"""Users as the administrator keeps them: invite, role and scope, deactivate, reset a password.

Only administrators (and the system) use these, except the one-time link itself, which its
holder opens without being logged in. A link is 256 random bits whose SHA-256 is stored
(:class:`~vppool.db.models.UserLink`); it sets a password once, before it expires. An
invitation creates the user without a password and issues a link; a reset clears the
password, ends the user's web sessions and issues a link. Each link is also e-mailed through
the notification outbox, and shown to the administrator to pass on.

Two rules keep the provider administrable: an administrator cannot deactivate themselves or
change their own role, and the last active administrator stays one. A deactivated user
cannot log in; their sessions and API tokens are revoked and their open links end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, col, select

from vppool.db.models import ApiToken, FeedToken, Organisation, TrustPerson, User, UserLink
from vppool.db.schemas import Page, PageQuery
from vppool.db.types import utc_now
from vppool.errors import (
    Conflict,
    FieldError,
    InvalidValue,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from vppool.security import hash_password, hash_token, new_token
from vppool.services import access, audit, feed_tokens, notifications
from vppool.services._common import SYSTEM, Actor, fetch_page, plain_text, where_given
from vppool.services.access import SESSION_TOKEN_NAME, UserPublic, Viewer
from vppool.vocab import Role

__all__ = [
    "IssuedLink",
    "LinkPurpose",
    "OpenLink",
    "PasswordChoice",
    "TokenKind",
    "TokenQuery",
    "TokenRow",
    "UserInvite",
    "UserQuery",
    "UserScope",
    "binding_errors",
    "change_scope",
    "deactivate_user",
    "get_user",
    "invite_user",
    "link_base",
    "list_tokens",
    "list_users",
    "open_link",
    "reactivate_user",
    "reset_password",
    "revoke_token",
    "use_link",
]

#: Where the web application shows a link's page (the secret follows).
LINK_PATH = "/app/link/"

#: How long a link works.
LINK_DAYS = {"invitation": 7, "password_reset": 2}

_LAST_ADMIN = "This is the last active administrator; make another user administrator first."


class LinkPurpose(StrEnum):
    """Why a one-time link was issued."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105  (a purpose, not a secret)


class UserScope(BaseModel):
    """A user's role and what it is bound to: an organisation (client), a VP (trust person)."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    organisation_id: int | None = Field(default=None, ge=1)
    trust_person_id: int | None = Field(default=None, ge=1)


class UserInvite(UserScope):
    """A new user: who, their role and scope; they choose their password through the link."""

    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        email = value.strip().lower()
        local, _, domain = email.partition("@")
        if not local or "." not in domain or any(ch.isspace() for ch in email):
            raise InvalidValue("Enter an e-mail address such as name@example.nl.")
        return email


class PasswordChoice(BaseModel):
    """The password the holder of a link chooses."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=access.MIN_PASSWORD_LENGTH, max_length=200)


class IssuedLink(BaseModel):
    """A one-time link just issued: its address is shown only now (and e-mailed)."""

    user: UserPublic
    purpose: LinkPurpose
    url: str
    expires_at: datetime


class OpenLink(BaseModel):
    """What a valid link's page shows: whose password it sets."""

    purpose: LinkPurpose
    email: str
    display_name: str
    expires_at: datetime


def link_base(public_url: str | None, request_base: str) -> str:
    """The address a link's secret is appended to: the web application's link page.

    Under ``public_url`` (``VPPOOL_PUBLIC_URL``) when set; otherwise under the address the
    request came to (scheme and host).
    """
    return f"{(public_url or request_base).rstrip('/')}{LINK_PATH}"


# --------------------------------------------------------------------------- guards


def _require_admin(viewer: Viewer | None, action: str) -> Actor:
    """The actor of an administrator's (or the system's) change; others are refused."""
    if viewer is None:
        return SYSTEM
    if viewer.role is not Role.ADMIN:
        msg = f"only administrators may {action}"
        raise PermissionDenied(msg)
    return viewer.actor


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    count = session.exec(
        select(sa.func.count()).where(
            User.role == Role.ADMIN, col(User.active).is_(True), User.id != user_id
        )
    ).one()
    return int(count)


def binding_errors(
    role: Role | None, organisation_id: int | None, trust_person_id: int | None
) -> list[FieldError]:
    """What is wrong with a role's binding, each under its field (no database needed)."""
    errors: list[FieldError] = []
    if role is Role.CLIENT and organisation_id is None:
        errors.append(FieldError("organisation_id", "A client contact belongs to an organisation."))
    if role is not Role.CLIENT and organisation_id is not None:
        errors.append(
            FieldError("organisation_id", "Only a client contact belongs to an organisation.")
        )
    if role is Role.TRUST_PERSON and trust_person_id is None:
        errors.append(FieldError("trust_person_id", "A trust person's account belongs to a VP."))
    if role is not Role.TRUST_PERSON and trust_person_id is not None:
        errors.append(FieldError("trust_person_id", "Only a trust person's account has a VP."))
    return errors


def _scope_errors(session: Session, scope: UserScope) -> list[FieldError]:
    """What is wrong with a role and its binding, each under its field."""
    org, vp = scope.organisation_id, scope.trust_person_id
    errors = binding_errors(scope.role, org, vp)
    if org is not None and session.get(Organisation, org) is None:
        errors.append(FieldError("organisation_id", "There is no organisation {id}.", {"id": org}))
    if vp is not None and session.get(TrustPerson, vp) is None:
        errors.append(FieldError("trust_person_id", "There is no trust person {id}.", {"id": vp}))
    return errors


# --------------------------------------------------------------------------- reading


class UserQuery(PageQuery):
    """A page of users, of one ``role``, matching ``search``, (in)active (each if given)."""

    role: Role | None = None
    search: str | None = None
    active: bool | None = None


def list_users(session: Session, query: UserQuery, *, viewer: Viewer | None) -> Page[UserPublic]:
    """One page of users by name, as the query asks.

    Raises:
        PermissionDenied: the viewer is not an administrator.
        ValidationFailed: a bad offset or limit, or a search with a NUL character.
    """
    _require_admin(viewer, "see the users")
    statement = where_given(select(User), (User.role, query.role))
    if query.active is not None:
        statement = statement.where(col(User.active).is_(query.active))
    text = (plain_text(query.search, field="search") or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(col(User.display_name)).like(pattern),
                sa.func.lower(col(User.email)).like(pattern),
            )
        )
    return fetch_page(
        session,
        statement,
        query,
        public=UserPublic,
        ordering=[sa.func.lower(col(User.display_name)), col(User.id).asc()],
        convert=lambda rows: [access.user_public(row) for row in rows],
    )


def get_user(session: Session, viewer: Viewer | None, user_id: int) -> UserPublic:
    """One user.

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such user.
    """
    _require_admin(viewer, "see the users")
    return access.user_public(_user(session, user_id))


# --------------------------------------------------------------------------- changes


def invite_user(
    session: Session, viewer: Viewer | None, given: UserInvite, *, link_base: str
) -> IssuedLink:
    """Create a user without a password and issue (and e-mail) an invitation link.

    Args:
        session: the database session.
        viewer: the administrator.
        given: who, with their role and scope.
        link_base: the address the link's secret is appended to (``https://…/app/link/``).

    Raises:
        PermissionDenied: the viewer is not an administrator.
        ValidationFailed: naming each field to fix (a used e-mail address, a scope that
            does not fit the role, an unknown organisation or VP).
    """
    actor = _require_admin(viewer, "invite users")
    email = given.email
    errors = _scope_errors(session, given)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        errors.append(FieldError("email", "Another user already has this e-mail address."))
    if errors:
        raise ValidationFailed(errors, subject="user")
    created = access.create_user(
        session,
        email=email,
        display_name=given.display_name,
        role=given.role,
        organisation_id=given.organisation_id,
        trust_person_id=given.trust_person_id,
        actor=actor,
    )
    return _issue_link(
        session, actor, _user(session, created.id), LinkPurpose.INVITATION, link_base
    )


def change_scope(
    session: Session, viewer: Viewer | None, user_id: int, scope: UserScope
) -> UserPublic:
    """Give a user another role and binding (it counts from their next request on).

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such user.
        ValidationFailed: the scope does not fit the role, the administrator changes their
            own role, or the last active administrator would be one no more.
    """
    actor = _require_admin(viewer, "change roles")
    user = _user(session, user_id)
    errors = _scope_errors(session, scope)
    if scope.role is not user.role:
        if viewer is not None and viewer.user_id == user_id:
            errors.append(FieldError("role", "Your own role is changed by another administrator."))
        elif user.role is Role.ADMIN and user.active and not _other_active_admins(session, user_id):
            errors.append(FieldError("role", _LAST_ADMIN))
    if errors:
        raise ValidationFailed(errors, subject="user")
    before = {"role": user.role.value}
    changed = [
        name
        for name in ("role", "organisation_id", "trust_person_id")
        if getattr(user, name) != getattr(scope, name)
    ]
    if not changed:
        return access.user_public(user)
    user.role = scope.role
    user.organisation_id = scope.organisation_id
    user.trust_person_id = scope.trust_person_id
    session.add(user)
    session.flush()
    change = {"from": before["role"], "to": scope.role.value}
    audit.record_event(session, actor, ("user", user_id), "scope_changed", change, fields=changed)
    return access.user_public(user)


def _end_access(session: Session, user_id: int, *, sessions_only: bool = False) -> int:
    """Revoke the user's web sessions (and API tokens) and end their open links."""
    now = utc_now()
    tokens = select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    if sessions_only:
        tokens = tokens.where(ApiToken.name == SESSION_TOKEN_NAME)
    revoked = 0
    for token in session.exec(tokens).all():
        token.revoked_at = now
        session.add(token)
        revoked += 1
    links = select(UserLink).where(UserLink.user_id == user_id, col(UserLink.used_at).is_(None))
    for link in session.exec(links).all():
        link.used_at = now
        session.add(link)
    session.flush()
    return revoked


def deactivate_user(session: Session, viewer: Viewer | None, user_id: int) -> UserPublic:
    """Switch a user off: no login; sessions and API tokens revoked, open links ended.

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such user.
        Conflict: the administrator's own account, or the last active administrator, or a
            user who is inactive already.
    """
    actor = _require_admin(viewer, "deactivate users")
    user = _user(session, user_id)
    if not user.active:
        raise Conflict("This user is inactive already.")
    if viewer is not None and viewer.user_id == user_id:
        raise Conflict("You cannot deactivate your own account; ask another administrator.")
    if user.role is Role.ADMIN and not _other_active_admins(session, user_id):
        raise Conflict(_LAST_ADMIN)
    user.active = False
    session.add(user)
    revoked = _end_access(session, user_id)
    audit.record_event(
        session, actor, ("user", user_id), "deactivated", {"tokens_revoked": revoked}
    )
    return access.user_public(user)


def reactivate_user(session: Session, viewer: Viewer | None, user_id: int) -> UserPublic:
    """Let a deactivated user log in again (their old sessions and tokens stay revoked).

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such user.
        Conflict: the user is active.
    """
    actor = _require_admin(viewer, "reactivate users")
    user = _user(session, user_id)
    if user.active:
        raise Conflict("This user is active already.")
    user.active = True
    session.add(user)
    session.flush()
    audit.record_event(session, actor, ("user", user_id), "reactivated")
    return access.user_public(user)


def reset_password(
    session: Session, viewer: Viewer | None, user_id: int, *, link_base: str
) -> IssuedLink:
    """Clear a user's password, end their web sessions and issue (and e-mail) a reset link.

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such user.
        Conflict: the user is inactive (reactivate them first).
    """
    actor = _require_admin(viewer, "reset passwords")
    user = _user(session, user_id)
    if not user.active:
        raise Conflict("This user is inactive; reactivate them first.")
    user.password_hash = None
    session.add(user)
    _end_access(session, user_id, sessions_only=True)
    return _issue_link(session, actor, user, LinkPurpose.PASSWORD_RESET, link_base)


_MAIL = {
    LinkPurpose.INVITATION: (
        "Uitnodiging voor vppool / Invitation to vppool",
        "Beste {name},\n\nJe bent uitgenodigd voor vppool. Kies je wachtwoord via deze link "
        "(eenmalig, geldig tot {until}):\n{url}\n\n"
        "You have been invited to vppool. Choose your password with this link "
        "(once, until {until}):\n{url}\n\nvppool",
    ),
    LinkPurpose.PASSWORD_RESET: (
        "Nieuw wachtwoord voor vppool / New password for vppool",
        "Beste {name},\n\nJe wachtwoord voor vppool is opnieuw ingesteld. Kies een nieuw "
        "wachtwoord via deze link (eenmalig, geldig tot {until}):\n{url}\n\n"
        "Your vppool password was reset. Choose a new one with this link "
        "(once, until {until}):\n{url}\n\nvppool",
    ),
}


def _issue_link(
    session: Session, actor: Actor, user: User, purpose: LinkPurpose, link_base: str
) -> IssuedLink:
    """A new link for ``user`` (older open ones end), e-mailed and audited."""
    assert user.id is not None  # noqa: S101  (rows read from the database have ids)
    now = utc_now()
    for old in session.exec(
        select(UserLink).where(UserLink.user_id == user.id, col(UserLink.used_at).is_(None))
    ).all():
        old.used_at = now
        session.add(old)
    secret = new_token()
    link = UserLink(
        user_id=user.id,
        purpose=purpose.value,
        token_hash=hash_token(secret),
        created_by_user_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS[purpose.value]),
    )
    session.add(link)
    session.flush()
    url = link_base + secret
    subject, body = _MAIL[purpose]
    until = link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    notifications.enqueue(
        session,
        kind=f"user_{purpose.value}",
        recipient=user,
        subject=subject,
        body=body.format(name=user.display_name, until=until, url=url),
        dedupe_key=f"user-link:{link.id}",
    )
    audit.record_event(
        session, actor, ("user", user.id), f"{purpose.value}_issued", {"link": link.id}
    )
    return IssuedLink(
        user=access.user_public(user), purpose=purpose, url=url, expires_at=link.expires_at
    )


# --------------------------------------------------------------------------- the link itself


def _valid_link(session: Session, secret: str) -> tuple[UserLink, User]:
    """The open link with this secret and its active user.

    Raises:
        NotFound: no such link, or it was used, expired or its user is inactive.
    """
    found = None
    if secret and len(secret) <= 100:
        found = session.exec(
            select(UserLink).where(UserLink.token_hash == hash_token(secret))
        ).first()
    user = session.get(User, found.user_id) if found is not None else None
    if (
        found is None
        or user is None
        or found.used_at is not None
        or found.expires_at <= utc_now()
        or not user.active
    ):
        raise NotFound("link", "")
    return found, user


def open_link(session: Session, secret: str) -> OpenLink:
    """Whose password a valid link sets.

    Raises:
        NotFound: no such link, or it was used, expired or its user is inactive.
    """
    link, user = _valid_link(session, secret)
    return OpenLink(
        purpose=LinkPurpose(link.purpose),
        email=user.email,
        display_name=user.display_name,
        expires_at=link.expires_at,
    )


def use_link(session: Session, secret: str, choice: PasswordChoice) -> UserPublic:
    """Set the password of the link's user; the link works no more.

    Raises:
        NotFound: no such link, or it was used, expired or its user is inactive.
    """
    link, user = _valid_link(session, secret)
    link.used_at = utc_now()
    user.password_hash = hash_password(choice.password)
    session.add(link)
    session.add(user)
    session.flush()
    audit.record_event(
        session,
        Actor(user.id, f"{user.display_name} <{user.email}>"),
        ("user", user.id),
        "password_set",
        {"link": link.id, "purpose": link.purpose},
    )
    return access.user_public(user)


# --------------------------------------------------------------------------- tokens


class TokenKind(StrEnum):
    """The two kinds of secret the administrator oversees."""

    API = "api"
    FEED = "feed"


class TokenRow(BaseModel):
    """One API token or feed link with its owner, for the administrator's overview."""

    kind: TokenKind
    id: int
    name: str
    owner: str
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utc_now())


class TokenQuery(PageQuery):
    """A page of tokens of one ``kind``.

    ``active`` keeps only the working ones (``True``), only the revoked or expired ones
    (``False``), or all (``None``).
    """

    kind: TokenKind = TokenKind.API
    active: bool | None = True


def list_tokens(session: Session, query: TokenQuery, *, viewer: Viewer | None) -> Page[TokenRow]:
    """One page of API tokens (web sessions left out) or feed links, newest first.

    Raises:
        PermissionDenied: the viewer is not an administrator.
        ValidationFailed: a bad offset or limit.
    """
    _require_admin(viewer, "see every token")
    if query.kind is TokenKind.API:
        now = utc_now()
        statement: Any = (  # an API token or a feed link with its owner's row(s)
            select(ApiToken, User)
            .join(User, col(User.id) == ApiToken.user_id)
            .where(ApiToken.name != SESSION_TOKEN_NAME)
        )
        working = sa.and_(
            col(ApiToken.revoked_at).is_(None),
            sa.or_(col(ApiToken.expires_at).is_(None), col(ApiToken.expires_at) > now),
        )
        newest, convert = col(ApiToken.id).desc(), _api_rows
    else:
        statement = (
            select(FeedToken, TrustPerson, Organisation)
            .outerjoin(TrustPerson, col(TrustPerson.id) == FeedToken.trust_person_id)
            .outerjoin(Organisation, col(Organisation.id) == FeedToken.organisation_id)
        )
        working = col(FeedToken.revoked_at).is_(None)
        newest, convert = col(FeedToken.id).desc(), _feed_rows
    if query.active is not None:
        statement = statement.where(working if query.active else sa.not_(working))
    return fetch_page(
        session, statement, query, public=TokenRow, ordering=[newest], convert=convert
    )


def _api_rows(rows: Sequence[Any]) -> list[TokenRow]:
    return [_api_row(token, user) for token, user in rows]


def _feed_rows(rows: Sequence[Any]) -> list[TokenRow]:
    return [_feed_row(token, person, organisation) for token, person, organisation in rows]


def _api_row(token: ApiToken, user: User) -> TokenRow:
    """An API token (read from the database) as a row: its own fields, its kind and owner."""
    owner = f"{user.display_name} <{user.email}>"
    return TokenRow.model_validate(token.model_dump() | {"kind": TokenKind.API, "owner": owner})


def _feed_row(
    token: FeedToken, person: TrustPerson | None, organisation: Organisation | None
) -> TokenRow:
    assert token.id is not None  # noqa: S101  (rows read from the database have ids)
    owner = (
        f"{person.first_name} {person.last_name}"
        if person is not None
        else (organisation.name if organisation is not None else "")
    )
    return TokenRow(
        kind=TokenKind.FEED,
        id=token.id,
        name=token.kind.value,
        owner=owner,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
    )


def revoke_token(session: Session, viewer: Viewer | None, kind: TokenKind, token_id: int) -> None:
    """Revoke an API token or a feed link (audited; it stops working at once).

    Raises:
        PermissionDenied: the viewer is not an administrator.
        NotFound: there is no such token.
        Conflict: it is revoked already.
    """
    _require_admin(viewer, "revoke tokens")
    assert viewer is not None  # noqa: S101  (the revocations audit a person)
    if kind is TokenKind.API:
        access.revoke_api_token(session, token_id, viewer)
    else:
        feed_tokens.revoke_feed_token(session, viewer, token_id)
