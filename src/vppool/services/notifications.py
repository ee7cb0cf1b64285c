"""The notification outbox: enqueue messages to users, send them by SMTP or log them.

Enqueuing is idempotent by ``dedupe_key`` (a reminder job that runs twice sends once).
Sending happens in its own job; a failed send keeps the message for the next attempt.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from vppool.db.models import Notification, User
from vppool.db.types import utc_now
from vppool.settings import Settings

__all__ = ["NotificationPublic", "enqueue", "list_notifications", "send_pending"]

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
) -> bool:
    """Add a message unless one with this key exists; returns whether it was added."""
    if session.exec(select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first():
        return False
    try:
        with session.begin_nested():
            session.add(
                Notification(
                    kind=kind,
                    recipient_user_id=recipient.id,
                    recipient_email=recipient.email,
                    subject=subject,
                    body=body,
                    dedupe_key=dedupe_key,
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
        .where(col(Notification.sent_at).is_(None), Notification.attempts < MAX_ATTEMPTS)
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
