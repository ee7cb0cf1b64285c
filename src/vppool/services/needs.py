"""Use cases of needs (inzet): a demand for ``seats`` trust persons at an organisation.

A planner creates needs as ``open``; a client contact files them as ``requested`` for a
planner to accept or decline. A need's site is one of its own organisation's sites, and a
change to a need may not strand its confirmed assignments (a seat or a period they hold).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from vppool.db.models import Assignment, Need, NeedBase, Organisation, Site
from vppool.db.schemas import NeedCreate, NeedPublic, NeedUpdate, Page
from vppool.errors import FieldError, ValidationFailed
from vppool.services import audit
from vppool.services._common import (
    DEFAULT_LIMIT,
    SYSTEM,
    Actor,
    apply_changes,
    choice,
    fetch_page,
    flush,
    get_or_404,
    order_by,
    outside_period,
    parse_input,
    validate_merged,
)
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus, Urgency

__all__ = ["create_need", "get_need", "list_needs", "request_need", "update_need"]

_ENTITY = "need"

#: Urgency as a number, so the most urgent needs sort first on every backend.
_URGENCY_RANK = sa.case({urgency: urgency.rank for urgency in Urgency}, value=col(Need.urgency))


def create_need(
    session: Session,
    *,
    organisation_id: int,
    data: NeedCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
) -> NeedPublic:
    """Create an open need of an organisation (a planner's decision, ready for matching).

    Raises:
        NotFound: there is no such organisation.
        ValidationFailed: a field is invalid (unknown language or scope, no seats, an end
            before the start) or the site is not one of the organisation's.
    """
    return _insert(
        session,
        organisation_id=organisation_id,
        data=data,
        status=NeedStatus.OPEN,
        actor=actor,
    )


def request_need(
    session: Session,
    *,
    organisation_id: int,
    data: NeedCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
) -> NeedPublic:
    """File a need on behalf of a client contact: ``requested`` until a planner decides.

    Raises:
        NotFound: there is no such organisation.
        ValidationFailed: as :func:`create_need`.
    """
    return _insert(
        session,
        organisation_id=organisation_id,
        data=data,
        status=NeedStatus.REQUESTED,
        actor=actor,
    )


def _insert(
    session: Session,
    *,
    organisation_id: int,
    data: NeedCreate | Mapping[str, Any],
    status: NeedStatus,
    actor: Actor,
) -> NeedPublic:
    given = parse_input(NeedCreate, data, subject=_ENTITY)
    get_or_404(session, Organisation, organisation_id, "organisation")
    _check_site(session, organisation_id, given.site_id)
    need = Need.model_validate(
        given,
        update={
            "organisation_id": organisation_id,
            "status": status,
            "requested_by_user_id": actor.user_id if status is NeedStatus.REQUESTED else None,
        },
    )
    session.add(need)
    flush(session)
    audit.record_change(
        session,
        actor,
        action="need_created",
        entity_type="need",
        entity_id=need.id,
        details={"organisation_id": organisation_id, "status": status},
    )
    return NeedPublic.model_validate(need)


def get_need(session: Session, *, need_id: int) -> NeedPublic:
    """One need.

    Raises:
        NotFound: there is no such need.
    """
    return NeedPublic.model_validate(get_or_404(session, Need, need_id, _ENTITY))


def update_need(
    session: Session,
    *,
    need_id: int,
    data: NeedUpdate | Mapping[str, Any],
    actor: Actor = SYSTEM,
) -> NeedPublic:
    """Change the given fields of a need; the period is checked as a whole.

    Raises:
        NotFound: there is no such need.
        ValidationFailed: a field is invalid, the site is not the organisation's, or the
            change would leave a confirmed assignment without its seat or outside the period.
    """
    changes = parse_input(NeedUpdate, data, subject=_ENTITY)
    need = get_or_404(session, Need, need_id, _ENTITY)
    values = validate_merged(NeedBase, need, changes, subject=_ENTITY)
    if "site_id" in changes.model_fields_set:
        _check_site(session, need.organisation_id, changes.site_id)
        values["site_id"] = changes.site_id
    errors = _stranded_assignments(
        session,
        need_id,
        seats=values.get("seats", need.seats),
        period=(values.get("starts_on", need.starts_on), values.get("ends_on", need.ends_on)),
    )
    if errors:
        raise ValidationFailed(errors, subject=_ENTITY)
    changed = apply_changes(need, values)
    if changed:
        flush(session)
        audit.record_change(
            session,
            actor,
            action="need_updated",
            entity_type="need",
            entity_id=need_id,
            fields=changed,
        )
    return NeedPublic.model_validate(need)


def list_needs(
    session: Session,
    *,
    organisation_id: int | None = None,
    kind: NeedKind | str | None = None,
    status: NeedStatus | str | None = None,
    urgency: Urgency | str | None = None,
    sort: str = "urgency",
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> Page[NeedPublic]:
    """One page of needs.

    Args:
        session: the database session.
        organisation_id: only this organisation's needs.
        kind: only needs of this kind.
        status: only needs with this status.
        urgency: only needs of this urgency.
        sort: ``urgency`` (most urgent first, then by start date), ``starts_on`` or
            ``created_at``; prefix ``-`` to reverse.
        offset: how many needs to skip.
        limit: page size, at most 200.

    Raises:
        ValidationFailed: an unknown kind, status, urgency or sort, or a bad offset or limit.
    """
    statement = select(Need)
    if organisation_id is not None:
        statement = statement.where(Need.organisation_id == organisation_id)
    if kind is not None:
        statement = statement.where(Need.kind == choice(NeedKind, kind, field="kind"))
    if status is not None:
        statement = statement.where(Need.status == choice(NeedStatus, status, field="status"))
    if urgency is not None:
        statement = statement.where(Need.urgency == choice(Urgency, urgency, field="urgency"))
    ordering = order_by(
        sort,
        {
            "urgency": [_URGENCY_RANK.desc(), col(Need.starts_on).asc()],
            "starts_on": [col(Need.starts_on).asc()],
            "created_at": [col(Need.created_at).asc()],
        },
        tiebreak=Need.id,
    )
    return fetch_page(
        session, statement, public=NeedPublic, ordering=ordering, offset=offset, limit=limit
    )


def _check_site(session: Session, organisation_id: int, site_id: int | None) -> None:
    if site_id is None:
        return
    site = session.get(Site, site_id)
    if site is None or site.organisation_id != organisation_id:
        msg = f"site {site_id} is not a site of organisation {organisation_id}"
        raise ValidationFailed.single("site_id", msg, subject=_ENTITY)


def _stranded_assignments(
    session: Session, need_id: int, *, seats: int, period: tuple[date, date | None]
) -> list[FieldError]:
    """Errors for confirmed assignments that the changed seats or period would leave out."""
    confirmed = session.exec(
        select(Assignment)
        .where(Assignment.need_id == need_id, Assignment.status == AssignmentStatus.CONFIRMED)
        .order_by(col(Assignment.seat))
    ).all()
    errors = [
        FieldError(
            "seats",
            f"seat {assignment.seat} holds confirmed assignment {assignment.id}; "
            f"end or cancel it before reducing the seats to {seats}",
        )
        for assignment in confirmed
        if assignment.seat > seats
    ]
    for assignment in confirmed:
        errors.extend(
            FieldError(
                end,
                f"confirmed assignment {assignment.id} runs "
                f"{assignment.starts_on.isoformat()} to "
                f"{assignment.ends_on.isoformat() if assignment.ends_on else 'open end'}, "
                "outside the changed period; end it first",
            )
            for end in outside_period(period, (assignment.starts_on, assignment.ends_on))
        )
    return errors
