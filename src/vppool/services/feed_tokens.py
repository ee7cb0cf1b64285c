"""Secret feed tokens: one token opens one calendar feed, until it is revoked or rotated.

The token is 256 random bits in the URL path (``/feeds/<token>.ics``, under 100 characters
with the host); only its SHA-256 is stored. The owner (the VP for their own feeds, a client
contact for their organisation's team feed) or a planner may create, rotate and revoke it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from vppool.db.models import FeedToken, Organisation, TrustPerson
from vppool.errors import NotFound, PermissionDenied, ValidationFailed
from vppool.security import hash_token, new_token
from vppool.services import audit
from vppool.services.access import Viewer, revoke
from vppool.vocab import FeedKind, Role

__all__ = [
    "FeedTarget",
    "FeedTokenPublic",
    "create_feed_token",
    "feed_links",
    "list_feed_tokens",
    "resolve_feed_token",
    "revoke_feed_token",
    "rotate_feed_token",
]


class FeedTokenPublic(BaseModel):
    """A feed token's metadata (the secret is shown once, when created or rotated)."""

    id: int
    kind: FeedKind
    trust_person_id: int | None
    organisation_id: int | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class FeedTarget:
    """What a valid token opens."""

    token_id: int
    kind: FeedKind
    trust_person_id: int | None
    organisation_id: int | None


def feed_links(public_url: str | None, request_base: str, secret: str) -> dict[str, str]:
    """The https and webcal addresses of a feed secret.

    Under ``public_url`` (``VPPOOL_PUBLIC_URL``) when set; otherwise under the address the
    request came to (``request_base``, scheme and host: https behind a trusted proxy).
    """
    base = (public_url or request_base).rstrip("/")
    https = f"{base}/feeds/{secret}.ics"
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _public(row: FeedToken) -> FeedTokenPublic:
    return FeedTokenPublic.model_validate(row, from_attributes=True)


def _may_manage(viewer: Viewer, kind: FeedKind, vp_id: int | None, org_id: int | None) -> bool:
    if viewer.is_staff:
        return True
    if kind is FeedKind.ORGANISATION_AVAILABILITY:
        return viewer.role is Role.CLIENT and org_id == viewer.organisation_id
    return viewer.role is Role.TRUST_PERSON and vp_id == viewer.trust_person_id


def create_feed_token(
    session: Session,
    viewer: Viewer,
    *,
    kind: FeedKind | str,
    trust_person_id: int | None = None,
    organisation_id: int | None = None,
) -> tuple[FeedTokenPublic, str]:
    """A new token for a feed; returns its metadata and the secret."""
    try:
        kind = FeedKind(kind)
    except ValueError as exc:
        raise ValidationFailed.single(
            "kind", "Choose one of: {choices}.", choices=", ".join(k.value for k in FeedKind)
        ) from exc
    if kind is FeedKind.ORGANISATION_AVAILABILITY:
        if organisation_id is None:
            raise ValidationFailed.single("organisation_id", "A team feed needs the organisation.")
        trust_person_id = None
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("organisation", organisation_id)
    else:
        if trust_person_id is None:
            raise ValidationFailed.single("trust_person_id", "a VP feed needs the trust person")
        organisation_id = None
        if session.get(TrustPerson, trust_person_id) is None:
            raise NotFound("trust person", trust_person_id)
    if not _may_manage(viewer, kind, trust_person_id, organisation_id):
        target = organisation_id if organisation_id is not None else trust_person_id
        raise NotFound("organisation" if organisation_id else "trust person", target)
    secret = new_token()
    row = FeedToken(
        kind=kind,
        trust_person_id=trust_person_id,
        organisation_id=organisation_id,
        token_hash=hash_token(secret),
        created_by_user_id=viewer.user_id,
    )
    session.add(row)
    session.flush()
    audit.record_event(
        session, viewer.actor, ("feed_token", row.id), "created", {"kind": kind.value}
    )
    return _public(row), secret


def _owned(session: Session, viewer: Viewer, token_id: int) -> FeedToken:
    row = session.get(FeedToken, token_id)
    if row is None or not _may_manage(viewer, row.kind, row.trust_person_id, row.organisation_id):
        raise NotFound("feed token", token_id)
    return row


def list_feed_tokens(session: Session, viewer: Viewer) -> list[FeedTokenPublic]:
    """The tokens the viewer may manage (planners: all)."""
    query = select(FeedToken).order_by(col(FeedToken.id))
    if not viewer.is_staff:
        if viewer.role is Role.CLIENT:
            query = query.where(FeedToken.organisation_id == viewer.organisation_id)
        elif viewer.role is Role.TRUST_PERSON:
            query = query.where(FeedToken.trust_person_id == viewer.trust_person_id)
        else:
            raise PermissionDenied("feed tokens belong to VPs, client contacts and planners")
    return [_public(row) for row in session.exec(query).all()]


def revoke_feed_token(session: Session, viewer: Viewer, token_id: int) -> FeedTokenPublic:
    """Revoke a token: its URL answers 404 from now on."""
    row = _owned(session, viewer, token_id)
    revoke(session, viewer, row, "feed token")
    return _public(row)


def rotate_feed_token(
    session: Session, viewer: Viewer, token_id: int
) -> tuple[FeedTokenPublic, str]:
    """Revoke a token and issue a new one for the same feed (a fresh, cache-busting URL)."""
    row = _owned(session, viewer, token_id)
    if row.revoked_at is None:
        revoke_feed_token(session, viewer, token_id)
    return create_feed_token(
        session,
        viewer,
        kind=row.kind,
        trust_person_id=row.trust_person_id,
        organisation_id=row.organisation_id,
    )


#: Every feed request runs this, so it reads the columns it needs (no ORM objects).
_BY_HASH = sa.select(
    col(FeedToken.id),
    col(FeedToken.kind),
    col(FeedToken.trust_person_id),
    col(FeedToken.organisation_id),
    col(FeedToken.revoked_at),
).where(col(FeedToken.token_hash) == sa.bindparam("token_hash"))


def resolve_feed_token(session: Session, secret: str) -> FeedTarget | None:
    """The feed a secret opens, or ``None`` (unknown or revoked: the caller answers 404)."""
    if not secret or len(secret) > 100:
        return None
    row = session.connection().execute(_BY_HASH, {"token_hash": hash_token(secret)}).first()
    if row is None or row.revoked_at is not None or row.id is None:
        return None
    return FeedTarget(row.id, FeedKind(row.kind), row.trust_person_id, row.organisation_id)
