"""Users, logins, web sessions and API tokens; who the caller is (:class:`Viewer`).

Secrets are never stored: passwords as argon2id hashes, tokens (API and web session) as
SHA-256 of 256 random bits. A web session is an API token named ``web session`` with a
short expiry, so both kinds are revocable the same way and work across server processes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from vppool.db.models import ApiToken, FeedToken, LoginAttempt, Organisation, TrustPerson, User
from vppool.db.types import utc_now
from vppool.errors import (
    Conflict,
    FieldError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
)
from vppool.security import hash_password, hash_token, new_token, verify_password
from vppool.services import audit
from vppool.services._common import SYSTEM, Actor
from vppool.vocab import Role

__all__ = [
    "SESSION_TOKEN_NAME",
    "ApiTokenPublic",
    "LoginThrottle",
    "Throttled",
    "UserPublic",
    "Viewer",
    "authenticate_password",
    "create_api_token",
    "create_user",
    "end_session",
    "list_api_tokens",
    "resolve_token",
    "revoke",
    "revoke_api_token",
    "set_role",
    "start_session",
    "user_public",
    "viewer_of_user",
]

log = logging.getLogger("vppool.access")

SESSION_TOKEN_NAME = "web session"  # noqa: S105  (a label, not a secret)
SESSION_HOURS = 12
#: How often a token's last use is written at most.
LAST_USED_EVERY = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated caller: what every scoped service call receives."""

    user_id: int
    role: Role
    label: str
    organisation_id: int | None = None
    trust_person_id: int | None = None

    @property
    def actor(self) -> Actor:
        """This viewer as the actor of an audited change."""
        return Actor(user_id=self.user_id, label=self.label)

    @property
    def is_staff(self) -> bool:
        """Planners and admins see the whole provider."""
        return self.role in (Role.ADMIN, Role.PLANNER)


class UserPublic(BaseModel):
    """A user without secrets."""

    id: int
    email: str
    display_name: str
    role: Role
    organisation_id: int | None
    trust_person_id: int | None
    active: bool


class ApiTokenPublic(BaseModel):
    """A token's metadata (the secret itself is shown once, at creation)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def viewer_of_user(session: Session, user_id: int | None) -> Viewer | None:
    """The viewer a background task acts as for the user who asked for it (None: vppool)."""
    user = session.get(User, user_id) if user_id is not None else None
    return _viewer(user) if user is not None and user.active else None


def _viewer(user: User) -> Viewer:
    assert user.id is not None  # noqa: S101  (rows read from the database have ids)
    return Viewer(
        user_id=user.id,
        role=user.role,
        label=f"{user.display_name} <{user.email}>",
        organisation_id=user.organisation_id,
        trust_person_id=user.trust_person_id,
    )


def user_public(user: User) -> UserPublic:
    """What a service shows of a user."""
    return UserPublic.model_validate(user, from_attributes=True)


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    password: str | None = None,
    organisation_id: int | None = None,
    trust_person_id: int | None = None,
    actor: Actor = SYSTEM,
) -> UserPublic:
    """Create a user bound to an organisation (client) or a VP (trust person)."""
    errors: list[FieldError] = []
    try:
        role = Role(role)
    except ValueError:
        errors.append(FieldError("role", f"use one of {', '.join(r.value for r in Role)}"))
        role = Role.PLANNER
    email = email.strip().lower()
    if "@" not in email or "." not in email.partition("@")[2]:
        errors.append(FieldError("email", f"{email!r} is not an e-mail address"))
    if not display_name.strip():
        errors.append(FieldError("display_name", "give a name to show"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"use at least {MIN_PASSWORD_LENGTH} characters"))
    if role is Role.CLIENT and organisation_id is None:
        errors.append(FieldError("organisation_id", "a client user belongs to an organisation"))
    if role is Role.TRUST_PERSON and trust_person_id is None:
        errors.append(FieldError("trust_person_id", "a trust-person user belongs to a VP"))
    if role is not Role.CLIENT and organisation_id is not None:
        errors.append(FieldError("organisation_id", "only client users belong to one"))
    if role is not Role.TRUST_PERSON and trust_person_id is not None:
        errors.append(FieldError("trust_person_id", "only trust-person users belong to a VP"))
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        errors.append(FieldError("organisation_id", f"organisation {organisation_id} not found"))
    if trust_person_id is not None and session.get(TrustPerson, trust_person_id) is None:
        errors.append(FieldError("trust_person_id", f"trust person {trust_person_id} not found"))
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        errors.append(FieldError("email", "already used by another user"))
    if errors:
        raise ValidationFailed(errors, subject="user")
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        organisation_id=organisation_id,
        trust_person_id=trust_person_id,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    audit.record_event(session, actor, ("user", user.id), "created", {"role": role.value})
    return user_public(user)


def set_role(session: Session, user_id: int, role: Role, *, actor: Actor) -> UserPublic:
    """Change a user's role (bindings must fit the new role)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    if role is Role.CLIENT and user.organisation_id is None:
        raise ValidationFailed.single("role", "bind the user to an organisation first")
    if role is Role.TRUST_PERSON and user.trust_person_id is None:
        raise ValidationFailed.single("role", "bind the user to a trust person first")
    old = user.role
    user.role = role
    session.add(user)
    audit.record_change(
        session,
        actor,
        action="role_changed",
        entity_type="user",
        entity_id=user_id,
        details={"from": old.value, "to": role.value},
    )
    session.flush()
    return user_public(user)


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """Limits on failed logins, counted in the database so every server process shares them.

    Three counts over the last ``window_s`` seconds:

    * one account from one client address (someone guessing one password): at
      ``max_failures`` that address must wait, even with the right password;
    * one client address over all accounts (spraying one guess over many e-mails): at
      ``max_failures_per_address`` that address must wait, except for accounts that logged
      in from it before (colleagues behind the same office router keep working);
    * one account from all addresses (a distributed attack on one account): at
      ``max_failures_per_account`` only addresses the account logged in from before (in
      the last ``known_address_days`` days) may still try, so the right password from the
      usual place keeps working while the attack goes on.

    A refused try is not counted (it would only extend the wait).
    """

    max_failures: int = 5
    max_failures_per_address: int = 20
    max_failures_per_account: int = 20
    window_s: int = 900
    known_address_days: int = 90


@dataclass(frozen=True, slots=True)
class Throttled:
    """A login try counted against ``limits``, from the client ``address`` it comes from.

    Every try with a throttle is recorded by its address (none known: one shared address).
    """

    limits: LoginThrottle
    address: str | None


#: A try without a known client address (a test client, a socket) counts under this one.
UNKNOWN_ADDRESS = "unknown"


def _failures(
    session: Session, since: datetime, *, email: str | None, address: str | None
) -> tuple[int, datetime | None]:
    """How many failed tries match, and the oldest of them."""
    query = select(sa.func.count(), sa.func.min(LoginAttempt.at)).where(
        col(LoginAttempt.at) >= since, col(LoginAttempt.succeeded).is_(False)
    )
    if email is not None:
        query = query.where(LoginAttempt.email == email)
    if address is not None:
        query = query.where(LoginAttempt.address == address)
    count, oldest = session.exec(query).one()
    return int(count), oldest


def _check_throttle(
    session: Session, throttle: LoginThrottle, email: str, address: str, now: datetime
) -> None:
    since = now - timedelta(seconds=throttle.window_s)

    def refuse(oldest: datetime | None) -> None:
        wait = throttle.window_s
        if oldest is not None:
            wait = max(1, int(throttle.window_s - (now - oldest).total_seconds()) + 1)
        msg = f"too many failed logins; try again in {wait} seconds"
        raise TooManyAttempts(msg, wait)

    def known() -> bool:
        """Whether the account logged in from this address before (a familiar place)."""
        known_since = now - timedelta(days=throttle.known_address_days)
        found = session.exec(
            select(LoginAttempt.id).where(
                LoginAttempt.email == email,
                LoginAttempt.address == address,
                col(LoginAttempt.succeeded).is_(True),
                col(LoginAttempt.at) >= known_since,
            )
        ).first()
        return found is not None

    count, oldest = _failures(session, since, email=email, address=address)
    if count >= throttle.max_failures:
        refuse(oldest)
    count, oldest = _failures(session, since, email=None, address=address)
    # Many people may share an address (an office behind one router): someone spraying
    # guesses from it stops the accounts that never logged in from there, not those that did.
    if count >= throttle.max_failures_per_address and not known():
        refuse(oldest)
    count, oldest = _failures(session, since, email=email, address=None)
    if count >= throttle.max_failures_per_account and not known():
        refuse(oldest)


def _record_attempt(
    bind: sa.Engine | sa.Connection, email: str, address: str, *, succeeded: bool, now: datetime
) -> None:
    """Store a try in its own transaction (the request's may roll back: a failure still counts)."""
    with Session(bind) as own:
        own.add(LoginAttempt(email=email, address=address, succeeded=succeeded, at=now))
        if succeeded:  # the table holds a day of tries; successes are a natural moment to prune
            own.exec(sa.delete(LoginAttempt).where(col(LoginAttempt.at) < now - timedelta(days=1)))
        own.commit()


def _check_email(email: str) -> str:
    key = email.strip().lower()
    if any(not ch.isprintable() for ch in key):
        msg = "the e-mail address holds a control character; type it again"
        raise ValidationFailed.single("email", msg, subject="login")
    return key[:254]


def authenticate_password(
    session: Session,
    email: str,
    password: str,
    *,
    throttled: Throttled | None = None,
) -> Viewer:
    """The viewer whose e-mail and password these are.

    Every try is counted in the database in its own short transaction, before and apart from
    the caller's (whose rollback on a wrong password must not forget the try); the password
    hash is checked with no transaction open.

    Raises:
        ValidationFailed: the e-mail address holds a control character (a NUL, a newline).
        TooManyAttempts: the limits refuse this try (see :class:`LoginThrottle`).
        Unauthenticated: the e-mail address or the password is wrong.
    """
    key = _check_email(email)
    where = ((throttled.address if throttled else None) or UNKNOWN_ADDRESS)[:64]
    bind = session.get_bind()
    now = utc_now()
    with Session(bind, expire_on_commit=False) as own:
        if throttled is not None:
            _check_throttle(own, throttled.limits, key, where, now)
        user = own.exec(select(User).where(User.email == key)).first()
    valid = (
        user is not None
        and user.active
        and user.password_hash is not None
        and verify_password(user.password_hash, password)
    )
    if throttled is not None:
        _record_attempt(bind, key, where, succeeded=valid, now=now)
    if not valid or user is None:
        msg = "e-mail address or password is wrong"
        raise Unauthenticated(msg)
    return _viewer(user)


def _issue(session: Session, user_id: int, name: str, expires_at: datetime | None) -> str:
    secret = new_token()
    session.add(
        ApiToken(user_id=user_id, name=name, token_hash=hash_token(secret), expires_at=expires_at)
    )
    session.flush()
    return secret


def start_session(session: Session, viewer: Viewer) -> str:
    """A new web-session token for the viewer (the cookie value)."""
    return _issue(
        session,
        viewer.user_id,
        SESSION_TOKEN_NAME,
        utc_now() + timedelta(hours=SESSION_HOURS),
    )


def end_session(session: Session, token: str) -> None:
    """Revoke a web-session token (logout); unknown tokens are ignored."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        session.flush()


def create_api_token(
    session: Session,
    *,
    user_id: int,
    name: str,
    days: int | None = 90,
    actor: Actor = SYSTEM,
) -> tuple[ApiTokenPublic, str]:
    """A bearer token for scripts; returns its metadata and the secret (shown only now)."""
    if session.get(User, user_id) is None:
        raise NotFound("user", user_id)
    if not name.strip() or name == SESSION_TOKEN_NAME:
        raise ValidationFailed.single("name", "give the token a name that says what uses it")
    if days is not None and not 1 <= days <= 3650:
        raise ValidationFailed.single("days", "between 1 and 3650 days, or none")
    expires = utc_now() + timedelta(days=days) if days is not None else None
    secret = _issue(session, user_id, name.strip(), expires)
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).one()
    audit.record_event(session, actor, ("api_token", row.id), "created")
    return ApiTokenPublic.model_validate(row, from_attributes=True), secret


def list_api_tokens(session: Session, viewer: Viewer) -> list[ApiTokenPublic]:
    """The viewer's own API tokens (not web sessions)."""
    rows = session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == viewer.user_id, ApiToken.name != SESSION_TOKEN_NAME)
        .order_by(col(ApiToken.id))
    ).all()
    return [ApiTokenPublic.model_validate(r, from_attributes=True) for r in rows]


def revoke_api_token(session: Session, token_id: int, viewer: Viewer) -> ApiTokenPublic:
    """Revoke one of the viewer's tokens (admins may revoke any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != viewer.user_id and viewer.role is not Role.ADMIN):
        raise NotFound("API token", token_id)
    revoke(session, viewer, row, "API token")
    return ApiTokenPublic.model_validate(row, from_attributes=True)


def revoke(session: Session, viewer: Viewer, row: ApiToken | FeedToken, name: str) -> None:
    """Revoke an API or feed token from now on, audited as ``<token table>_revoked``.

    Raises:
        Conflict: the token is revoked already (``name`` says what kind of token).
    """
    if row.revoked_at is not None:
        msg = f"{name} {row.id} is already revoked"
        raise Conflict(msg)
    row.revoked_at = utc_now()
    session.add(row)
    entity_type = "api_token" if isinstance(row, ApiToken) else "feed_token"
    audit.record_event(session, viewer.actor, (entity_type, row.id), "revoked")
    session.flush()


def resolve_token(session: Session, token: str) -> Viewer | None:
    """The viewer a valid (unrevoked, unexpired) token belongs to, or ``None``."""
    if not token or len(token) > 200:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    now = utc_now()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or row.last_used_at <= now - LAST_USED_EVERY:
        _note_use(session.get_bind(), row.id, now)
    return _viewer(user)


def _note_use(bind: sa.Engine | sa.Connection, token_id: int | None, now: datetime) -> None:
    """Write when a token was last used, in its own transaction; best effort.

    At most every :data:`LAST_USED_EVERY` per token (a write per request would be too many);
    a busy database skips it (the next use tries again).
    """
    try:
        with Session(bind) as own:
            own.exec(
                sa.update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now)
            )
            own.commit()
    except sa.exc.OperationalError:
        log.info("could not note the use of token %s; the database is busy", token_id)
