"""Use cases of assignments (koppelingen): one trust person on one seat of a need.

Proposals come from the matcher; here a planner places a trust person by hand (confirmed),
pins or unpins an assignment, records the works council's consent and ends an assignment.
The database holds one confirmed trust person per seat and a trust person at most once among
a need's confirmed seats; a clash with either is a :class:`~vppool.errors.Conflict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from vppool.db.models import Assignment, Need, TrustPerson
from vppool.db.schemas import AssignmentCreate, AssignmentPublic, Page
from vppool.errors import Conflict, FieldError, ValidationFailed
from vppool.services import audit
from vppool.services._common import (
    DEFAULT_LIMIT,
    SYSTEM,
    Actor,
    UniqueKey,
    apply_changes,
    choice,
    fetch_page,
    flush,
    get_or_404,
    order_by,
    outside_period,
    parse_input,
)
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus

__all__ = [
    "create_assignment",
    "end_assignment",
    "get_assignment",
    "list_assignments",
    "record_works_council_consent",
    "set_pinned",
]

_ENTITY = "assignment"
_SEAT_KEY: UniqueKey = ("assignment", ("need_id", "seat"))
_PERSON_KEY: UniqueKey = ("assignment", ("need_id", "trust_person_id"))
_PINNABLE = (AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED)


def create_assignment(
    session: Session,
    *,
    data: AssignmentCreate | Mapping[str, Any],
    actor: Actor = SYSTEM,
) -> AssignmentPublic:
    """Place a trust person on a seat of an open need by hand, confirmed.

    Without ``ends_on`` the placement ends when the need ends.

    Raises:
        NotFound: the need or the trust person does not exist.
        ValidationFailed: the need is not open, the trust person is inactive, the seat is
            beyond the need's seats, the period lies outside the need's, or consent is given
            for a need that is not standing.
        Conflict: the seat already has a confirmed trust person, or this trust person
            already holds a seat of the need.
    """
    given = parse_input(AssignmentCreate, data, subject=_ENTITY)
    need = get_or_404(session, Need, given.need_id, "need")
    person = get_or_404(session, TrustPerson, given.trust_person_id, "trust person")
    ends_on = given.ends_on if given.ends_on is not None else need.ends_on
    errors = _placement_errors(need, person, given, ends_on)
    if errors:
        raise ValidationFailed(errors, subject=_ENTITY)
    _refuse_taken(session, need, given, ends_on)
    assignment = Assignment.model_validate(given, update={"ends_on": ends_on})
    session.add(assignment)
    flush(
        session,
        {
            _SEAT_KEY: _seat_taken(need.id, given.seat),
            _PERSON_KEY: _person_placed(need.id, given.trust_person_id),
        },
    )
    _record(
        session,
        actor,
        "created",
        assignment,
        details={"seat": assignment.seat, "status": assignment.status},
    )
    return AssignmentPublic.model_validate(assignment)


def _placement_errors(
    need: Need, person: TrustPerson, given: AssignmentCreate, ends_on: date | None
) -> list[FieldError]:
    errors = []
    if need.status is not NeedStatus.OPEN:
        msg = f"need {need.id} is {need.status.value}; only open needs take placements"
        errors.append(FieldError("need_id", msg))
    if not person.active:
        msg = f"trust person {person.id} is inactive; reactivate them before placing them"
        errors.append(FieldError("trust_person_id", msg))
    if given.seat > need.seats:
        msg = f"need {need.id} has {need.seats} seat(s); seat {given.seat} does not exist"
        errors.append(FieldError("seat", msg))
    need_end = need.ends_on.isoformat() if need.ends_on else "open end"
    errors.extend(
        FieldError(
            end,
            f"the assignment must lie within the need's period "
            f"{need.starts_on.isoformat()} to {need_end}",
        )
        for end in outside_period((need.starts_on, need.ends_on), (given.starts_on, ends_on))
    )
    consent = _consent_refusal(need, AssignmentStatus.CONFIRMED)
    if given.works_council_consent_on is not None and consent is not None:
        errors.append(consent)
    return errors


def _refuse_taken(
    session: Session, need: Need, given: AssignmentCreate, ends_on: date | None
) -> None:
    """Refuse a seat that is held, and a trust person who already holds a seat of the need."""
    held = session.exec(
        select(Assignment).where(
            Assignment.need_id == need.id,
            col(Assignment.status).in_([AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED]),
        )
    ).all()
    for other in held:
        if other.status is AssignmentStatus.CONFIRMED and other.seat == given.seat:
            raise _seat_taken(need.id, given.seat, other.id)
        if (
            other.status is AssignmentStatus.CONFIRMED
            and other.trust_person_id == given.trust_person_id
        ):
            raise _person_placed(need.id, given.trust_person_id, other.id)
        if other.seat == given.seat and _overlap(other, given.starts_on, ends_on):
            msg = (
                f"seat {given.seat} of need {need.id} is held by ended assignment {other.id} "
                f"from {other.starts_on} until {other.ends_on}; the periods may not overlap"
            )
            raise Conflict(msg)


def _overlap(ended: Assignment, starts_on: date, ends_on: date | None) -> bool:
    """Whether ``[starts_on, ends_on)`` overlaps the ended assignment's period."""
    return (ended.ends_on is None or starts_on < ended.ends_on) and (
        ends_on is None or ended.starts_on < ends_on
    )


def _seat_taken(need_id: int | None, seat: int, holder: int | None = None) -> Conflict:
    by = f" (assignment {holder})" if holder is not None else ""
    return Conflict(
        f"seat {seat} of need {need_id} already has a confirmed trust person{by}; "
        "end or cancel that assignment first"
    )


def _person_placed(
    need_id: int | None, trust_person_id: int, holder: int | None = None
) -> Conflict:
    by = f" (assignment {holder})" if holder is not None else ""
    return Conflict(
        f"trust person {trust_person_id} already holds a confirmed seat of need {need_id}{by}; "
        "a need needs distinct trust persons"
    )


def get_assignment(session: Session, *, assignment_id: int) -> AssignmentPublic:
    """One assignment.

    Raises:
        NotFound: there is no such assignment.
    """
    return AssignmentPublic.model_validate(_assignment(session, assignment_id))


def list_assignments(
    session: Session,
    *,
    need_id: int | None = None,
    trust_person_id: int | None = None,
    organisation_id: int | None = None,
    status: AssignmentStatus | str | None = None,
    sort: str = "starts_on",
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> Page[AssignmentPublic]:
    """One page of assignments.

    Args:
        session: the database session.
        need_id: only assignments of this need.
        trust_person_id: only assignments of this trust person.
        organisation_id: only assignments on needs of this organisation.
        status: only assignments with this status.
        sort: ``starts_on`` or ``created_at``; prefix ``-`` to reverse.
        offset: how many assignments to skip.
        limit: page size, at most 200.

    Raises:
        ValidationFailed: an unknown status or sort, or a bad offset or limit.
    """
    statement = select(Assignment)
    if need_id is not None:
        statement = statement.where(Assignment.need_id == need_id)
    if trust_person_id is not None:
        statement = statement.where(Assignment.trust_person_id == trust_person_id)
    if organisation_id is not None:
        statement = statement.join(Need, col(Need.id) == col(Assignment.need_id)).where(
            Need.organisation_id == organisation_id
        )
    if status is not None:
        statement = statement.where(
            Assignment.status == choice(AssignmentStatus, status, field="status")
        )
    ordering = order_by(
        sort,
        {
            "starts_on": [col(Assignment.starts_on).asc(), col(Assignment.seat).asc()],
            "created_at": [col(Assignment.created_at).asc()],
        },
        tiebreak=Assignment.id,
    )
    return fetch_page(
        session,
        statement,
        public=AssignmentPublic,
        ordering=ordering,
        offset=offset,
        limit=limit,
    )


def set_pinned(
    session: Session, *, assignment_id: int, pinned: bool, actor: Actor = SYSTEM
) -> AssignmentPublic:
    """Pin an assignment (the matcher keeps it) or release it.

    Raises:
        NotFound: there is no such assignment.
        Conflict: the assignment is ended or cancelled.
    """
    assignment = _assignment(session, assignment_id)
    if assignment.status not in _PINNABLE:
        msg = (
            f"assignment {assignment_id} is {assignment.status.value}; "
            "only proposed or confirmed assignments can be pinned"
        )
        raise Conflict(msg)
    if apply_changes(assignment, {"pinned": pinned}):
        flush(session)
        _record(session, actor, "pinned" if pinned else "unpinned", assignment, details=None)
    return AssignmentPublic.model_validate(assignment)


def record_works_council_consent(
    session: Session, *, assignment_id: int, consent_on: date, actor: Actor = SYSTEM
) -> AssignmentPublic:
    """Record the date the works council consented to a standing assignment (OR-instemming).

    Raises:
        NotFound: there is no such assignment.
        ValidationFailed: the assignment is not a confirmed assignment of a standing need.
    """
    assignment = _assignment(session, assignment_id)
    need = get_or_404(session, Need, assignment.need_id, "need")
    refusal = _consent_refusal(need, assignment.status)
    if refusal is not None:
        raise ValidationFailed([refusal], subject=_ENTITY)
    if apply_changes(assignment, {"works_council_consent_on": consent_on}):
        flush(session)
        _record(
            session,
            actor,
            "works_council_consent_recorded",
            assignment,
            details={"consent_on": consent_on},
        )
    return AssignmentPublic.model_validate(assignment)


def _consent_refusal(need: Need, status: AssignmentStatus) -> FieldError | None:
    """Why works-council consent cannot be recorded, or ``None`` if it can."""
    if need.kind is not NeedKind.STANDING:
        reason = f"its need {need.id} is {need.kind.value}, not standing"
    elif status is not AssignmentStatus.CONFIRMED:
        reason = f"it is {status.value}, not confirmed"
    else:
        return None
    return FieldError(
        "works_council_consent_on",
        "works-council consent is recorded for confirmed assignments of standing needs "
        f"only; {reason}",
    )


def end_assignment(
    session: Session, *, assignment_id: int, on: date, actor: Actor = SYSTEM
) -> AssignmentPublic:
    """End a confirmed assignment on ``on`` (its last day is the day before).

    The trust person serves until ``on``; the seat is free for a successor from ``on``.

    Raises:
        NotFound: there is no such assignment.
        Conflict: the assignment is not confirmed (a proposal is not ended but cancelled).
        ValidationFailed: on ``on`` when it is not after the start, or later than an end
            already agreed (ending cannot extend an assignment).
    """
    assignment = _assignment(session, assignment_id)
    if assignment.status is not AssignmentStatus.CONFIRMED:
        msg = (
            f"assignment {assignment_id} is {assignment.status.value}; "
            "only confirmed assignments can be ended"
        )
        raise Conflict(msg)
    if on <= assignment.starts_on:
        msg = (
            f"{on.isoformat()} is not after the start {assignment.starts_on.isoformat()}; "
            "an assignment that never started is cancelled, not ended"
        )
        raise ValidationFailed.single("on", msg, subject=_ENTITY)
    if assignment.ends_on is not None and on > assignment.ends_on:
        msg = (
            f"the assignment already ends on {assignment.ends_on.isoformat()}; "
            "ending can bring the end forward, not extend it"
        )
        raise ValidationFailed.single("on", msg, subject=_ENTITY)
    apply_changes(assignment, {"ends_on": on, "status": AssignmentStatus.ENDED})
    flush(session)
    _record(session, actor, "ended", assignment, details={"ends_on": on})
    return AssignmentPublic.model_validate(assignment)


def _assignment(session: Session, assignment_id: int) -> Assignment:
    return get_or_404(session, Assignment, assignment_id, _ENTITY)


def _record(
    session: Session,
    actor: Actor,
    action: str,
    assignment: Assignment,
    *,
    details: Mapping[str, Any] | None,
) -> None:
    audit.record_change(
        session,
        actor,
        action=f"assignment_{action}",
        entity_type="assignment",
        entity_id=assignment.id,
        details={
            "need_id": assignment.need_id,
            "trust_person_id": assignment.trust_person_id,
            **(details or {}),
        },
    )
