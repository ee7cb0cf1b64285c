"""Messages to users: in the recipient's inbox, and by e-mail unless they chose otherwise.

Every message lands in the inbox; it goes out by e-mail (SMTP, or the log without SMTP
settings) unless the recipient turned e-mail off for its kind.

Enqueuing is idempotent by ``dedupe_key`` (a reminder job that runs twice sends once).
Sending happens in its own job; a failed send keeps the message for the next attempt.
Texts are composed in the recipient's language (:mod:`vppool.services.notices`).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from vppool.db.models import Notification, User
from vppool.db.schemas import Page
from vppool.db.types import utc_now
from vppool.errors import NotFound, ValidationFailed
from vppool.settings import Settings

if TYPE_CHECKING:  # access imports this module's users
    from vppool.services.access import Viewer

__all__ = [
    "EMAIL_KINDS",
    "InboxEntry",
    "MessageSettings",
    "NotificationPublic",
    "enqueue",
    "inbox",
    "list_notifications",
    "mark_read",
    "message_settings",
    "send_pending",
    "set_message_settings",
    "unread_count",
]

log = logging.getLogger("vppool.notifications")

MAX_ATTEMPTS = 5


class NotificationPublic(BaseModel):
    """An outbox entry."""

    id: int
    kind: str
    recipient_email: str
    subject: str
    created_at: object
    sent_at: object | None
    attempts: int
    last_error: str | None


def enqueue(
    session: Session,
    *,
    kind: str,
    recipient: User,
    subject: str,
    body: str,
    dedupe_key: str,
    link: str | None = None,
) -> bool:
    """Add a message unless one with this key exists; returns whether it was added.

    It goes to the recipient's inbox; by e-mail too unless they turned e-mail off for ``kind``.
    """
    if session.exec(select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first():
        return False
    try:
        with session.begin_nested():
            session.add(
                Notification(
                    kind=kind,
                    recipient_user_id=recipient.id,
                    recipient_email=recipient.email,
                    subject=subject[:200],
                    body=body,
                    dedupe_key=dedupe_key,
                    link=link,
                    by_email=choice_of(kind) not in (recipient.email_off or []),
                )
            )
    except IntegrityError:  # another worker enqueued the same message just now
        return False
    return True


def _send_one(settings: Settings, message: Notification) -> None:
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = message.recipient_email
    email["Subject"] = message.subject
    email.set_content(message.body)
    assert settings.smtp_host is not None  # noqa: S101  (checked by the caller)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(email)


def send_pending(session: Session, settings: Settings, *, limit: int = 100) -> tuple[int, int]:
    """Send (or, without SMTP settings, log) unsent messages; returns (sent, failed)."""
    pending = session.exec(
        select(Notification)
        .where(
            col(Notification.sent_at).is_(None),
            col(Notification.by_email).is_(True),
            Notification.attempts < MAX_ATTEMPTS,
        )
        .order_by(col(Notification.id))
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in pending:
        message.attempts += 1
        try:
            if settings.smtp_host:
                _send_one(settings, message)
            else:
                log.info(
                    "notification %s to %s: %s",
                    message.kind,
                    message.recipient_email,
                    message.subject,
                )
            message.sent_at = utc_now()
            message.last_error = None
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
            log.warning("sending notification %s failed: %s", message.id, message.last_error)
        session.add(message)
    session.flush()
    return sent, failed


def list_notifications(session: Session, *, limit: int = 50) -> list[NotificationPublic]:
    """The newest outbox entries."""
    rows = session.exec(
        select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    ).all()
    return [NotificationPublic.model_validate(r, from_attributes=True) for r in rows]


# --------------------------------------------------------------------------- the inbox

#: The kinds of message a user can choose to get by e-mail (always in the inbox), in the
#: order the settings page lists them.
EMAIL_KINDS = (
    "request_received",
    "request_decided",
    "consent_asked",
    "consent_answered",
    "shortlist_ready",
    "choice_made",
    "shortlist_expired",
    "assignment_confirmed",
    "assignment_ending",
    "certification_reminder",
    "education_status",
    "compliance_digest",
    "staffing_advice",
    "info_session",
)

#: Kinds as their senders name them, mapped to the choice that covers them.
_CHOICE_OF = {
    "request_accepted": "request_decided",
    "request_declined": "request_decided",
    "consent_accepted": "consent_answered",
    "consent_declined": "consent_answered",
    "others_asked": "choice_made",
    "info_session_requested": "info_session",
    "info_session_booked": "info_session",
    "info_session_moved": "info_session",
    "info_session_cancelled": "info_session",
}


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One message in a user's inbox."""

    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, row: Notification) -> InboxEntry:
        """The entry of a stored message."""
        read = row.read_at is not None
        return cls(row.id or 0, row.kind, row.subject, row.body, row.link, row.created_at, read)


def _own(viewer: Viewer) -> Any:
    """The viewer's messages; one-time links (invitation, password reset) stay in e-mail."""
    return sa.and_(
        col(Notification.recipient_user_id) == viewer.user_id,
        col(Notification.kind).not_like("user\\_%", escape="\\"),
    )


def inbox(
    session: Session, viewer: Viewer, *, offset: int = 0, limit: int = 20
) -> Page[InboxEntry]:
    """The viewer's messages, newest first."""
    total = session.exec(select(func.count()).where(_own(viewer))).one()
    rows = session.exec(
        select(Notification)
        .where(_own(viewer))
        .order_by(col(Notification.id).desc())
        .offset(max(offset, 0))
        .limit(min(max(limit, 1), 100))
    ).all()
    entries = [InboxEntry.of(row) for row in rows]
    return Page[InboxEntry](items=entries, total=total, offset=max(offset, 0), limit=limit)


def unread_count(session: Session, viewer: Viewer) -> int:
    """How many of the viewer's messages they have not read."""
    return session.exec(
        select(func.count()).where(_own(viewer), col(Notification.read_at).is_(None))
    ).one()


def mark_read(session: Session, viewer: Viewer, ids: Iterable[int] | None = None) -> int:
    """Mark the viewer's messages ``ids`` (all unread ones: ``None``) read; returns how many."""
    statement = (
        sa.update(Notification)
        .where(_own(viewer), col(Notification.read_at).is_(None))
        .values(read_at=utc_now())
    )
    if ids is not None:
        statement = statement.where(col(Notification.id).in_(list(ids)))
    result = session.execute(statement)
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class MessageSettings:
    """A user's choices: the language of their messages and which kinds come by e-mail."""

    language: str
    email: dict[str, bool]


def _user(session: Session, viewer: Viewer) -> User:
    user = session.get(User, viewer.user_id)
    if user is None:
        raise NotFound("user", viewer.user_id)
    return user


def message_settings(session: Session, viewer: Viewer) -> MessageSettings:
    """The viewer's language and e-mail choices."""
    user = _user(session, viewer)
    off = set(user.email_off or [])
    return MessageSettings(user.language, {kind: kind not in off for kind in EMAIL_KINDS})


def set_message_settings(
    session: Session, viewer: Viewer, *, language: str, email: Iterable[str]
) -> MessageSettings:
    """Keep the viewer's language and the kinds they want by e-mail (the rest: inbox only).

    Raises:
        ValidationFailed: an unknown language or kind.
    """
    wanted = set(email)
    if language not in ("nl", "en"):
        raise ValidationFailed.single("language", "Choose Dutch (nl) or English (en).")
    if unknown := wanted - set(EMAIL_KINDS):
        msg = "Unknown kinds of message: {kinds}."
        raise ValidationFailed.single("email", msg, kinds=", ".join(sorted(unknown)))
    user = _user(session, viewer)
    user.language = language
    user.email_off = [kind for kind in EMAIL_KINDS if kind not in wanted]
    session.add(user)
    session.flush()
    return message_settings(session, viewer)


def choice_of(kind: str) -> str:
    """The e-mail choice that covers messages of ``kind``."""
    return _CHOICE_OF.get(kind, kind)
