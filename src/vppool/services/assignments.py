"""Use cases of assignments (koppelingen): one trust person on one seat of a need.

Proposals come from the matcher; here a planner records a placement by hand (asked of the
VP first while ``Settings.vp_consent`` is on, else confirmed),
pins or unpins an assignment, records the works council's consent and ends an assignment.
The database holds one confirmed trust person per seat and a trust person at most once among
a need's confirmed seats; a clash with either is a :class:`~vppool.errors.Conflict`.

Scoping (``viewer``; ``None`` is the system): planners and admins see every assignment,
proposals included, and make every change. A client contact sees the confirmed (and ended)
assignments on their own organisation's needs, and the trust persons on them only as
:class:`~vppool.db.schemas.TrustPersonClientView` (:func:`organisation_team`). A trust
person sees their own confirmed and ended assignments, with the organisation's name and the
kind of need (:func:`own_assignments`), never another trust person's. Proposals stay with
the planners until confirmed. An assignment outside the viewer's scope is
:class:`~vppool.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from vppool.db.models import Assignment, Need, Organisation, TrustPerson
from vppool.db.schemas import (
    AssignmentCreate,
    AssignmentPublic,
    AssignmentView,
    Page,
    PageQuery,
    TeamAssignment,
    TeamMember,
    TrustPersonPublic,
    client_view,
)
from vppool.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from vppool.services import audit, consent, notices
from vppool.services._common import (
    Actor,
    UniqueKey,
    acting,
    apply_changes,
    choice,
    ensure_own_organisation,
    fetch_page,
    flush,
    get_or_404,
    in_scope,
    order_by,
    outside_period,
    require_role,
    require_staff,
    sees_everything,
    where_given,
)
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus, Role

__all__ = [
    "SHARED_STATUSES",
    "create_assignment",
    "end_assignment",
    "get_assignment",
    "list_assignments",
    "organisation_team",
    "own_assignments",
    "own_team",
    "record_works_council_consent",
    "set_pinned",
]

#: The assignments client contacts and trust persons see: agreed ones, current or past.
SHARED_STATUSES = (AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED)
#: A trust person also sees the placements they are asked for and the ones they declined.
OWN_STATUSES = (*SHARED_STATUSES, AssignmentStatus.ASKED, AssignmentStatus.DECLINED)


def _at_organisation(organisation_id: int | None) -> sa.ColumnElement[bool]:
    """The assignments on needs of the organisation."""
    return col(Assignment.need_id).in_(
        select(Need.id).where(Need.organisation_id == organisation_id)
    )


def _shown_statuses(viewer: Viewer) -> tuple[AssignmentStatus, ...]:
    return OWN_STATUSES if viewer.role is Role.TRUST_PERSON else SHARED_STATUSES


_ENTITY = "assignment"
_SEAT_KEY: UniqueKey = ("assignment", ("need_id", "seat"))
_PERSON_KEY: UniqueKey = ("assignment", ("need_id", "trust_person_id"))
_PINNABLE = (AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED)


def create_assignment(
    session: Session,
    *,
    data: AssignmentCreate,
    settings: Settings | None = None,
    viewer: Viewer | None = None,
) -> AssignmentPublic:
    """Record a placement of a trust person on a seat of an open need by hand (planners).

    With ``settings.vp_consent`` the VP is asked first (``asked``, the seat held; the VP gets
    the answer link), as a run's proposals and the quick match are; otherwise (or without
    ``settings``) it is confirmed at once and the VP and the client are told. Without
    ``ends_on`` the placement ends when the need ends.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: the need or the trust person does not exist.
        ValidationFailed: the need is not open, the trust person is inactive, the seat is
            beyond the need's seats, the period lies outside the need's, or consent is given
            for a need that is not standing.
        Conflict: the seat is already held (confirmed, or asked of a VP), or this trust
            person already holds a seat of the need.
    """
    require_staff(viewer, "place trust persons")
    actor = acting(viewer)
    given = data
    need = get_or_404(session, Need, given.need_id, "need")
    person = get_or_404(session, TrustPerson, given.trust_person_id, "trust person")
    ends_on = given.ends_on if given.ends_on is not None else need.ends_on
    errors = _placement_errors(need, person, given, ends_on)
    if errors:
        raise ValidationFailed(errors, subject=_ENTITY)
    _refuse_taken(session, need, given, ends_on)
    ask = settings is not None and settings.vp_consent
    status = AssignmentStatus.ASKED if ask else AssignmentStatus.CONFIRMED
    assignment = Assignment.model_validate(given, update={"ends_on": ends_on, "status": status})
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
    if assignment.id is not None:
        if settings is not None:
            consent.tell(session, settings, [assignment.id])
        else:
            notices.assignments_confirmed(session, [assignment.id])
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
            col(Assignment.status).in_([*consent.HELD_STATUSES, AssignmentStatus.ENDED]),
        )
    ).all()
    for other in held:
        if other.status in consent.HELD_STATUSES and other.seat == given.seat:
            raise _seat_taken(need.id, given.seat, other.id)
        if other.status in consent.HELD_STATUSES and other.trust_person_id == given.trust_person_id:
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


def get_assignment(
    session: Session, *, assignment_id: int, viewer: Viewer | None = None
) -> AssignmentPublic:
    """One assignment (client contacts and trust persons: a shared one in their scope).

    Raises:
        NotFound: there is no such assignment in the viewer's scope.
    """
    assignment = _assignment(session, assignment_id)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        need = get_or_404(session, Need, assignment.need_id, "need")
        mine = (
            need.organisation_id == viewer.organisation_id
            if viewer.role is Role.CLIENT
            else assignment.trust_person_id == viewer.trust_person_id
        )
        if not mine or assignment.status not in _shown_statuses(viewer):
            raise NotFound(_ENTITY, assignment_id)
    return AssignmentPublic.model_validate(assignment)


class AssignmentQuery(PageQuery):
    """A page of assignments: of a need, trust person, organisation or status (each if given).

    ``sort``: ``starts_on`` or ``created_at``; prefix ``-`` to reverse.
    """

    need_id: int | None = None
    trust_person_id: int | None = None
    organisation_id: int | None = None
    status: AssignmentStatus | str | None = None
    sort: str = "starts_on"


def list_assignments(
    session: Session, query: AssignmentQuery, *, viewer: Viewer | None = None
) -> Page[AssignmentPublic]:
    """One page of assignments (client contacts and trust persons: the shared ones in scope).

    Args:
        session: the database session.
        query: the filters, the sort and the page (offset, limit at most 200).
        viewer: who asks; a client contact sees the confirmed and ended assignments of
            their organisation, a trust person their own.

    Raises:
        ValidationFailed: an unknown status or sort, or a bad offset or limit.
    """
    statement = in_scope(
        select(Assignment),
        viewer,
        organisation=_at_organisation,
        trust_person=lambda key: Assignment.trust_person_id == key,
    )
    if viewer is not None and not viewer.is_staff:
        statement = statement.where(col(Assignment.status).in_(_shown_statuses(viewer)))
    statement = where_given(
        statement,
        (Assignment.need_id, query.need_id),
        (Assignment.trust_person_id, query.trust_person_id),
    )
    if query.organisation_id is not None:
        statement = statement.where(_at_organisation(query.organisation_id))
    if query.status is not None:
        statement = statement.where(
            Assignment.status == choice(AssignmentStatus, query.status, field="status")
        )
    ordering = order_by(
        query.sort,
        {
            "starts_on": [col(Assignment.starts_on).asc(), col(Assignment.seat).asc()],
            "created_at": [col(Assignment.created_at).asc()],
        },
        tiebreak=Assignment.id,
    )
    return fetch_page(
        session,
        statement,
        query,
        public=AssignmentPublic,
        ordering=ordering,
    )


def set_pinned(
    session: Session,
    *,
    assignment_id: int,
    pinned: bool,
    viewer: Viewer | None = None,
) -> AssignmentPublic:
    """Pin an assignment (the matcher keeps it) or release it (planners).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such assignment.
        Conflict: the assignment is ended or cancelled.
    """
    require_staff(viewer, "pin assignments")
    actor = acting(viewer)
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
    session: Session,
    *,
    assignment_id: int,
    consent_on: date,
    viewer: Viewer | None = None,
) -> AssignmentPublic:
    """Record the date the works council consented to a standing assignment (OR-instemming).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such assignment.
        ValidationFailed: the assignment is not a confirmed assignment of a standing need.
    """
    require_staff(viewer, "record works-council consent")
    actor = acting(viewer)
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
        return FieldError(
            "works_council_consent_on",
            "Works-council consent is recorded for confirmed assignments of standing needs "
            "only; this need is {kind}, not standing.",
            {"kind": need.kind},
        )
    if status is not AssignmentStatus.CONFIRMED:
        return FieldError(
            "works_council_consent_on",
            "Works-council consent is recorded for confirmed assignments of standing needs "
            "only; this assignment is {status}, not confirmed.",
            {"status": status},
        )
    return None


def end_assignment(
    session: Session,
    *,
    assignment_id: int,
    on: date,
    viewer: Viewer | None = None,
) -> AssignmentPublic:
    """End a confirmed assignment on ``on`` (its last day is the day before) (planners).

    The trust person serves until ``on``; the seat is free for a successor from ``on``.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such assignment.
        Conflict: the assignment is not confirmed (a proposal is not ended but cancelled).
        ValidationFailed: on ``on`` when it is not after the start, or later than an end
            already agreed (ending cannot extend an assignment).
    """
    require_staff(viewer, "end assignments")
    actor = acting(viewer)
    assignment = _assignment(session, assignment_id)
    if assignment.status is not AssignmentStatus.CONFIRMED:
        raise Conflict(
            "This assignment is {status}; only confirmed assignments can be ended.",
            status=assignment.status,
        )
    if on <= assignment.starts_on:
        raise ValidationFailed.single(
            "on",
            "The last day can be no earlier than the first day ({first_day}); an assignment "
            "that has not begun is cancelled, not ended.",
            subject=_ENTITY,
            first_day=assignment.starts_on,
        )
    if assignment.ends_on is not None and on > assignment.ends_on:
        raise ValidationFailed.single(
            "on",
            "The assignment already ends after {last_day}; ending early brings the end "
            "forward, it does not extend it.",
            subject=_ENTITY,
            last_day=assignment.ends_on - timedelta(days=1),
        )
    apply_changes(assignment, {"ends_on": on, "status": AssignmentStatus.ENDED})
    flush(session)
    _record(session, actor, "ended", assignment, details={"ends_on": on})
    return AssignmentPublic.model_validate(assignment)


class OwnAssignmentQuery(PageQuery):
    """A page of the trust person's own assignments, of one status if given."""

    status: AssignmentStatus | str | None = None


def own_assignments(
    session: Session, query: OwnAssignmentQuery, *, viewer: Viewer
) -> Page[AssignmentView]:
    """A trust person's own assignments (asked, confirmed, declined, ended), latest first.

    Each names the organisation and the kind of need it serves, the site's address, the
    client's contact person and the hours a month; nothing about the other trust persons
    on the same need.

    Raises:
        PermissionDenied: the viewer is not a trust person.
        ValidationFailed: an unknown status, or a bad offset or limit.
    """
    if viewer.role is not Role.TRUST_PERSON:
        msg = "only trust persons have assignments of their own; planners list all of them"
        raise PermissionDenied(msg)
    statement = select(Assignment).where(
        Assignment.trust_person_id == viewer.trust_person_id,
        col(Assignment.status).in_(OWN_STATUSES),
    )
    if query.status is not None:
        statement = statement.where(
            Assignment.status == choice(AssignmentStatus, query.status, field="status")
        )
    return fetch_page(
        session,
        statement,
        query,
        public=AssignmentView,
        ordering=[col(Assignment.starts_on).desc(), col(Assignment.id).desc()],
        convert=lambda rows: _with_context(session, rows),
    )


def _with_context(session: Session, rows: Sequence[Assignment]) -> list[AssignmentView]:
    """The assignments with their need's kind and title and their organisation's name.

    Each also says what the VP needs to know: the site's address, the contact person and
    the hours a month.
    """
    need_ids = {row.need_id for row in rows}
    needs = {
        need.id: (need, organisation)
        for need, organisation in session.exec(
            select(Need, Organisation)
            .join(Organisation, col(Organisation.id) == col(Need.organisation_id))
            .where(col(Need.id).in_(need_ids))
        ).all()
    }
    views = []
    for row in rows:
        need, organisation = needs[row.need_id]
        where = notices.whereabouts(session, need, organisation)
        views.append(
            AssignmentView.model_validate(
                {
                    **row.model_dump(),
                    "need_kind": need.kind,
                    "need_title": need.title,
                    "organisation_id": need.organisation_id,
                    "organisation_name": organisation.name,
                    "site": where.site,
                    "contact": where.contact,
                    "hours_per_month": where.hours,
                }
            )
        )
    return views


def organisation_team(
    session: Session, *, organisation_id: int, viewer: Viewer | None = None
) -> list[TeamMember]:
    """The trust persons with a confirmed assignment at an organisation, by name.

    Each appears once, as the client contact sees them (name, contact, languages, and gender
    only where they chose to show it), with the seats they hold there.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: there is no such organisation in the viewer's scope.
    """
    require_role(viewer, Role.CLIENT, "see an organisation's team")
    ensure_own_organisation(viewer, organisation_id)
    get_or_404(session, Organisation, organisation_id, "organisation")
    rows = session.exec(
        select(Assignment, Need, TrustPerson)
        .join(Need, col(Need.id) == col(Assignment.need_id))
        .join(TrustPerson, col(TrustPerson.id) == col(Assignment.trust_person_id))
        .where(
            Need.organisation_id == organisation_id,
            Assignment.status == AssignmentStatus.CONFIRMED,
        )
        .order_by(
            func.lower(TrustPerson.last_name),
            func.lower(TrustPerson.first_name),
            col(TrustPerson.id),
            col(Assignment.starts_on),
            col(Assignment.id),
        )
    ).all()
    team: dict[int, TeamMember] = {}
    for assignment, need, person in rows:
        assert person.id is not None  # noqa: S101  (rows read from the database have ids)
        member = team.get(person.id)
        if member is None:
            member = TeamMember(
                trust_person=client_view(TrustPersonPublic.model_validate(person)),
                assignments=[],
            )
            team[person.id] = member
        member.assignments.append(
            TeamAssignment.model_validate(
                {
                    "assignment_id": assignment.id,
                    "need_id": assignment.need_id,
                    "need_kind": need.kind,
                    "need_title": need.title,
                    "starts_on": assignment.starts_on,
                    "ends_on": assignment.ends_on,
                }
            )
        )
    return list(team.values())


def own_team(session: Session, *, viewer: Viewer) -> list[TeamMember]:
    """The team of the client contact's own organisation (see :func:`organisation_team`).

    Raises:
        PermissionDenied: the viewer is not a client contact.
    """
    if viewer.role is not Role.CLIENT or viewer.organisation_id is None:
        msg = "only client contacts have a team of their own; planners ask per organisation"
        raise PermissionDenied(msg)
    return organisation_team(session, organisation_id=viewer.organisation_id, viewer=viewer)


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
    audit.record_event(
        session,
        actor,
        ("assignment", assignment.id),
        action,
        {
            "need_id": assignment.need_id,
            "trust_person_id": assignment.trust_person_id,
            **(details or {}),
        },
    )
