"""Use cases of needs (inzet): a demand for ``seats`` trust persons at an organisation.

A planner creates needs as ``open``; a client contact files them as ``requested`` for a
planner to accept (``open``) or decline (``declined``, with a reason the client reads). A
need's site is one of its own organisation's sites, and a change to a need may not strand
its confirmed assignments (a seat or a period they hold).

Scoping (``viewer``; ``None`` is the system): planners and admins see and change every need.
A client contact sees the needs of their own organisation, whatever their status, and files
requests for it; another organisation's need answers :class:`~vppool.errors.NotFound`.
Trust persons do not use needs (they see the needs they serve through their assignments).

A double submit of the same request is not filed twice: :func:`submit_need` answers a need
with the same organisation, kind, title and period filed less than a minute earlier with
that need instead of a new one (see :data:`REPLAY_WINDOW`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, col, select

from vppool.db.engine import serialise_writes
from vppool.db.models import Assignment, Need, NeedBase, Organisation, Site
from vppool.db.schemas import (
    NeedCreate,
    NeedDecline,
    NeedPublic,
    NeedRequest,
    NeedSubmit,
    NeedUpdate,
    Page,
    PageQuery,
)
from vppool.db.types import utc_now
from vppool.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from vppool.inputs import field_errors_from
from vppool.services import audit, notices
from vppool.services._common import (
    Actor,
    acting,
    apply_changes,
    choice,
    ensure_own_organisation,
    fetch_page,
    flush,
    get_or_404,
    order_by,
    outside_period,
    require_role,
    require_staff,
    sees_everything,
    validate_merged,
    where_given,
)
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus, Role, Urgency

__all__ = [
    "REPLAY_WINDOW",
    "Cancellation",
    "accept_request",
    "cancel_need",
    "cancellation_of",
    "create_need",
    "decline_request",
    "get_need",
    "list_needs",
    "needs_by_id",
    "request_need",
    "submit_need",
    "update_need",
]

_ENTITY = "need"
_CLIENT_ZONE = ZoneInfo("Europe/Amsterdam")

#: How long a filed need answers an identical submission instead of a second need.
REPLAY_WINDOW = timedelta(minutes=1)

#: Urgency as a number, so the most urgent needs sort first on every backend.
_URGENCY_RANK = sa.case({urgency: urgency.rank for urgency in Urgency}, value=col(Need.urgency))


def create_need(
    session: Session,
    *,
    organisation_id: int,
    data: NeedCreate,
    viewer: Viewer | None = None,
) -> NeedPublic:
    """Create an open need of an organisation (a planner's decision, ready for matching).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such organisation.
        ValidationFailed: a field is invalid (unknown language or scope, no seats, an end
            before the start) or the site is not one of the organisation's.
    """
    require_staff(viewer, "create open needs")
    return _insert(session, organisation_id, data, NeedStatus.OPEN, acting(viewer))[0]


def request_need(
    session: Session,
    *,
    organisation_id: int,
    data: NeedRequest,
    viewer: Viewer | None = None,
    today: date | None = None,
) -> NeedPublic:
    """File a client contact's request: ``requested`` until a planner accepts or declines it.

    A request asks for temporary help (absence cover, a reorganisation, aftercare) for a
    period that starts today or later and has an end, with the expected hours per month.

    Args:
        session: the database session.
        organisation_id: the organisation the request is for (a client contact's own).
        data: the request.
        viewer: who asks.
        today: the date requests may start from (default: today in the Netherlands).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such organisation in the viewer's scope.
        ValidationFailed: naming every missing or invalid field (dates, scopes, hours,
            seats, kind) or a site that is not the organisation's.
    """
    require_role(viewer, Role.CLIENT, "request needs")
    ensure_own_organisation(viewer, organisation_id)
    given = _parse_request(data, today)
    return _insert(session, organisation_id, given, NeedStatus.REQUESTED, acting(viewer))[0]


def submit_need(
    session: Session,
    *,
    data: NeedSubmit,
    viewer: Viewer | None = None,
    today: date | None = None,
) -> tuple[NeedPublic, bool]:
    """File a need from the API: a planner's need is ``open``, a client's a request.

    A client contact's need is a request for their own organisation (``organisation_id``
    may be left out; another organisation's id is not found) with the rules of
    :func:`request_need`. A planner names the organisation and creates the need ``open``.

    The same submission twice (the same organisation, kind, title, start and end, with the
    same status) within :data:`REPLAY_WINDOW` files one need: the second call answers the
    first need. Submissions of one organisation are serialised (the organisation's row is
    locked, or the database's write lock taken on SQLite), so two simultaneous clicks do not
    both pass the check.

    Returns:
        The need, and whether it was created now (``False``: an identical need was filed
        moments ago and is returned instead).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: the organisation does not exist or is not the client contact's.
        ValidationFailed: naming every missing or invalid field.
    """
    serialise_writes(session)
    if sees_everything(viewer):
        if data.organisation_id is None:
            msg = "Choose the organisation the need is for."
            raise ValidationFailed.single("organisation_id", msg, subject=_ENTITY)
        organisation_id: int = data.organisation_id
        given: NeedCreate = data
        status = NeedStatus.OPEN
    elif viewer is not None and viewer.role is Role.CLIENT:
        assert viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        request = _parse_request(data, today)
        organisation_id = request.organisation_id or viewer.organisation_id
        ensure_own_organisation(viewer, organisation_id)
        given = request
        status = NeedStatus.REQUESTED
    else:
        msg = "only client contacts and planners file needs"
        raise PermissionDenied(msg)
    return _insert(session, organisation_id, given, status, acting(viewer), replay=True)


def _parse_request(data: NeedSubmit, today: date | None) -> NeedRequest:
    """A submission as a request, whose rules are stricter (an end, hours, a kind of help)."""
    if isinstance(data, NeedRequest):
        given = data
    else:
        try:
            given = NeedRequest.model_validate(data.model_dump(exclude_unset=True))
        except ValidationError as exc:
            raise ValidationFailed(field_errors_from(exc), subject="request") from exc
    first_day = today or datetime.now(_CLIENT_ZONE).date()
    if given.starts_on < first_day:
        msg = "{starts_on} is in the past; a request starts today ({today}) or later."
        raise ValidationFailed.single(
            "starts_on", msg, subject="request", starts_on=given.starts_on, today=first_day
        )
    return given


def _insert(
    session: Session,
    organisation_id: int,
    given: NeedCreate,
    status: NeedStatus,
    actor: Actor,
    *,
    replay: bool = False,
) -> tuple[NeedPublic, bool]:
    organisation = session.exec(
        select(Organisation).where(Organisation.id == organisation_id).with_for_update()
    ).first()
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    _check_site(session, organisation_id, given.site_id)
    if replay:
        earlier = _same_need_just_filed(session, organisation_id, given, status)
        if earlier is not None:
            return NeedPublic.model_validate(earlier), False
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
    audit.record_event(
        session,
        actor,
        ("need", need.id),
        "created",
        {"organisation_id": organisation_id, "status": status},
    )
    if status is NeedStatus.REQUESTED:
        notices.request_received(session, need, organisation)
    return NeedPublic.model_validate(need), True


def _same_need_just_filed(
    session: Session, organisation_id: int, given: NeedCreate, status: NeedStatus
) -> Need | None:
    """A need with the same natural key filed within the replay window, if any."""
    ends = col(Need.ends_on).is_(None) if given.ends_on is None else Need.ends_on == given.ends_on
    return session.exec(
        select(Need)
        .where(
            Need.organisation_id == organisation_id,
            Need.kind == given.kind,
            Need.title == given.title,
            Need.starts_on == given.starts_on,
            ends,
            Need.status == status,
            col(Need.created_at) >= utc_now() - REPLAY_WINDOW,
        )
        .order_by(col(Need.id))
    ).first()


def get_need(session: Session, *, need_id: int, viewer: Viewer | None = None) -> NeedPublic:
    """One need (a client contact: one of their own organisation's).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such need in the viewer's scope.
    """
    return NeedPublic.model_validate(_visible(session, viewer, need_id))


def needs_by_id(
    session: Session, ids: Iterable[int], *, viewer: Viewer | None = None
) -> dict[int, NeedPublic]:
    """The needs with these ids that the viewer may see, by id, in one query.

    Raises:
        PermissionDenied: the viewer is a trust person.
    """
    require_role(viewer, Role.CLIENT, "see needs")
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    statement = select(Need).where(col(Need.id).in_(wanted))
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        statement = statement.where(Need.organisation_id == viewer.organisation_id)
    shown = (NeedPublic.model_validate(need) for need in session.exec(statement).all())
    return {need.id: need for need in shown}


def accept_request(session: Session, *, need_id: int, viewer: Viewer | None = None) -> NeedPublic:
    """Accept a client's request: the need becomes ``open``, ready for matching.

    The client contact who filed it is notified.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such need.
        Conflict: the need is not ``requested`` (already accepted, declined or a planner's).
    """
    require_staff(viewer, "accept requests")
    need = _requested(session, need_id, "accepted")
    apply_changes(need, {"status": NeedStatus.OPEN})
    flush(session)
    _record_decision(session, acting(viewer), need, "accepted")
    return NeedPublic.model_validate(need)


def decline_request(
    session: Session,
    *,
    need_id: int,
    data: NeedDecline,
    viewer: Viewer | None = None,
) -> NeedPublic:
    """Decline a client's request with a reason, which the client contact reads.

    The client contact who filed it is notified. The audit entry names the need, not the
    reason's text (which stays on the need, where it can be corrected).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: on ``reason`` when it is missing or empty.
        NotFound: there is no such need.
        Conflict: the need is not ``requested`` (already accepted, declined or a planner's).
    """
    require_staff(viewer, "decline requests")
    need = _requested(session, need_id, "declined")
    apply_changes(need, {"status": NeedStatus.DECLINED, "decision_reason": data.reason})
    flush(session)
    _record_decision(session, acting(viewer), need, "declined")
    return NeedPublic.model_validate(need)


def _requested(session: Session, need_id: int, decision: str) -> Need:
    """The need, locked against a simultaneous decision, if it still awaits one."""
    serialise_writes(session)
    need = session.exec(
        select(Need)
        .where(Need.id == need_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if need is None:
        raise NotFound(_ENTITY, need_id)
    if need.status is not NeedStatus.REQUESTED:
        msg = f"need {need_id} is {need.status.value}; only a requested need can be {decision}"
        raise Conflict(msg)
    return need


def _record_decision(session: Session, actor: Actor, need: Need, decision: str) -> None:
    audit.record_event(
        session,
        actor,
        ("need", need.id),
        decision,
        {"organisation_id": need.organisation_id, "status": need.status},
    )
    notices.request_decided(session, need, decision)


def _visible(session: Session, viewer: Viewer | None, need_id: int) -> Need:
    require_role(viewer, Role.CLIENT, "see needs")
    need = get_or_404(session, Need, need_id, _ENTITY)
    ensure_own_organisation(viewer, need.organisation_id, entity=_ENTITY, key=need_id)
    return need


def update_need(
    session: Session,
    *,
    need_id: int,
    data: NeedUpdate,
    viewer: Viewer | None = None,
) -> NeedPublic:
    """Change the given fields of a need; the period is checked as a whole (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such need.
        ValidationFailed: a field is invalid, the site is not the organisation's, or the
            change would leave a confirmed assignment without its seat or outside the period.
    """
    require_staff(viewer, "change needs")
    actor = acting(viewer)
    changes = data
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
        audit.record_event(session, actor, ("need", need_id), "updated", fields=changed)
    return NeedPublic.model_validate(need)


@dataclass(frozen=True)
class Cancellation:
    """What cancelling a need does to its assignments (counted before it is done).

    Attributes:
        need: the need.
        withdrawn: proposals that are withdrawn (cancelled).
        called_off: confirmed assignments that have not begun, cancelled.
        ended: confirmed assignments under way, ended: ``today`` is the first day without.
        today: the day the cancellation takes effect.
    """

    need: NeedPublic
    withdrawn: int
    called_off: int
    ended: int
    today: date


#: The statuses of a need that can be cancelled.
_CANCELLABLE = (NeedStatus.OPEN,)


def cancellation_of(
    session: Session, *, need_id: int, viewer: Viewer | None = None, today: date | None = None
) -> Cancellation:
    """What :func:`cancel_need` would do, to show before a planner confirms it.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such need.
        Conflict: the need is not open.
    """
    require_staff(viewer, "cancel needs")
    need, changes, first_free = _cancellation(session, need_id, today)
    counts = dict.fromkeys(("withdrawn", "called_off", "ended"), 0)
    for _, what in changes:
        counts[what] += 1
    return Cancellation(NeedPublic.model_validate(need), **counts, today=first_free)


def cancel_need(
    session: Session,
    *,
    need_id: int,
    viewer: Viewer | None = None,
    today: date | None = None,
) -> NeedPublic:
    """Cancel an open need: it is no longer matched, and its assignments stop (planners).

    Proposals are withdrawn and confirmed assignments that have not begun are cancelled;
    one under way ends, ``today`` being the first day without it. Each change is audited.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such need.
        Conflict: the need is not open.
    """
    require_staff(viewer, "cancel needs")
    actor = acting(viewer)
    serialise_writes(session)
    need, changes, first_free = _cancellation(session, need_id, today)
    for assignment, what in changes:
        if what == "ended":
            ends_on = assignment.ends_on
            if ends_on is None or ends_on > first_free:
                ends_on = first_free
            apply_changes(assignment, {"status": AssignmentStatus.ENDED, "ends_on": ends_on})
        else:
            apply_changes(assignment, {"status": AssignmentStatus.CANCELLED})
    apply_changes(need, {"status": NeedStatus.CANCELLED})
    flush(session)
    for assignment, what in changes:
        audit.record_change(
            session,
            actor,
            action="assignment_ended" if what == "ended" else "assignment_cancelled",
            entity_type="assignment",
            entity_id=assignment.id,
            details={
                "need_id": need_id,
                "trust_person_id": assignment.trust_person_id,
                "because": "need_cancelled",
            },
        )
    audit.record_event(
        session, actor, ("need", need_id), "cancelled", {"assignments": len(changes)}
    )
    return NeedPublic.model_validate(need)


def _cancellation(
    session: Session, need_id: int, today: date | None
) -> tuple[Need, list[tuple[Assignment, str]], date]:
    """The need, each assignment it stops with how, and the first day without them."""
    need = get_or_404(session, Need, need_id, _ENTITY)
    if need.status not in _CANCELLABLE:
        raise Conflict(
            "Only open needs can be cancelled; this need is {status}.", status=need.status
        )
    first_free = today or datetime.now(_CLIENT_ZONE).date()
    changes: list[tuple[Assignment, str]] = []
    for assignment in session.exec(
        select(Assignment)
        .where(
            Assignment.need_id == need_id,
            col(Assignment.status).in_(
                [AssignmentStatus.PROPOSED, AssignmentStatus.ASKED, AssignmentStatus.CONFIRMED]
            ),
        )
        .order_by(col(Assignment.seat), col(Assignment.id))
    ).all():
        if assignment.status in (AssignmentStatus.PROPOSED, AssignmentStatus.ASKED):
            changes.append((assignment, "withdrawn"))
        elif assignment.starts_on >= first_free:
            changes.append((assignment, "called_off"))
        else:
            changes.append((assignment, "ended"))
    return need, changes, first_free


class NeedQuery(PageQuery):
    """A page of needs: of an organisation, kind, status or urgency (each if given).

    ``sort``: ``urgency`` (most urgent first, then by start date), ``starts_on`` or
    ``created_at``; prefix ``-`` to reverse.
    """

    organisation_id: int | None = None
    kind: NeedKind | str | None = None
    status: NeedStatus | str | None = None
    urgency: Urgency | str | None = None
    sort: str = "urgency"


def list_needs(
    session: Session, query: NeedQuery, *, viewer: Viewer | None = None
) -> Page[NeedPublic]:
    """One page of needs (for a client contact: only their own organisation's).

    Args:
        session: the database session.
        query: the filters, the sort and the page (offset, limit at most 200).
        viewer: who asks; a client contact's page holds only their organisation's needs.

    Raises:
        PermissionDenied: the viewer is a trust person.
        ValidationFailed: an unknown kind, status, urgency or sort, or a bad offset or limit.
    """
    require_role(viewer, Role.CLIENT, "list needs")
    statement = select(Need)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        statement = statement.where(Need.organisation_id == viewer.organisation_id)
    statement = where_given(statement, (Need.organisation_id, query.organisation_id))
    if query.kind is not None:
        statement = statement.where(Need.kind == choice(NeedKind, query.kind, field="kind"))
    if query.status is not None:
        statement = statement.where(Need.status == choice(NeedStatus, query.status, field="status"))
    if query.urgency is not None:
        statement = statement.where(Need.urgency == choice(Urgency, query.urgency, field="urgency"))
    ordering = order_by(
        query.sort,
        {
            "urgency": [_URGENCY_RANK.desc(), col(Need.starts_on).asc()],
            "starts_on": [col(Need.starts_on).asc()],
            "created_at": [col(Need.created_at).asc()],
        },
        tiebreak=Need.id,
    )
    return fetch_page(session, statement, query, public=NeedPublic, ordering=ordering)


def _check_site(session: Session, organisation_id: int, site_id: int | None) -> None:
    if site_id is None:
        return
    site = session.get(Site, site_id)
    if site is None or site.organisation_id != organisation_id:
        msg = f"site {site_id} is not a site of organisation {organisation_id}"
        raise ValidationFailed.single("site_id", msg, subject=_ENTITY)


def _runs(assignment: Assignment) -> tuple[str, dict[str, Any]]:
    """Why a changed period strands a confirmed assignment, with its first and last day."""
    if assignment.ends_on is None:
        return (
            "A confirmed assignment runs from {first_day} without an end, outside the changed "
            "period; end it first.",
            {"first_day": assignment.starts_on},
        )
    return (
        "A confirmed assignment runs from {first_day} to {last_day}, outside the changed "
        "period; end it first.",
        {"first_day": assignment.starts_on, "last_day": assignment.ends_on - timedelta(days=1)},
    )


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
            "Seat {seat} holds a confirmed assignment; end or cancel it before reducing the "
            "seats to {seats}.",
            {"seat": assignment.seat, "seats": seats},
        )
        for assignment in confirmed
        if assignment.seat > seats
    ]
    for assignment in confirmed:
        errors.extend(
            FieldError(end, *_runs(assignment))
            for end in outside_period(period, (assignment.starts_on, assignment.ends_on))
        )
    return errors
