"""The VP's consent: a placement becomes an assignment only once its trust person accepts.

A confirmed run's proposals and a planner's placement from the quick match are *asked*
(:attr:`AssignmentStatus.ASKED`) while ``Settings.vp_consent`` is on (the default): the seat
is held (no other run or placement takes it) and the VP is told. The VP accepts — the
assignment is confirmed and the VP and the client are told, as before — or declines with a
reason: the seat is open again and the planners are told, with a link to the quick match
for that seat. Each answer is audited.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from vppool.db.models import Assignment
from vppool.db.schemas import AssignmentPublic, ConsentAnswer
from vppool.db.types import utc_now
from vppool.errors import Conflict, NotFound, PermissionDenied
from vppool.services import audit, notices
from vppool.services._common import acting, flush
from vppool.services.access import Viewer
from vppool.vocab import AssignmentStatus, Role

__all__ = ["HELD_STATUSES", "answer", "ask_or_confirm"]

#: Placements that hold their seat and count on their VP's capacity: asked or confirmed.
HELD_STATUSES = (AssignmentStatus.ASKED, AssignmentStatus.CONFIRMED)
_RACE = "Another confirmation took one of these seats or VPs at the same moment; reload."


def ask_or_confirm(
    session: Session, rows: Sequence[Assignment], *, ask: bool, race: str = _RACE
) -> None:
    """Give new placements their status and tell whom it concerns.

    ``ask``: the VPs are asked first (``asked``, the VP is told); otherwise the placements
    are confirmed at once (the VP and the client are told).
    """
    status = AssignmentStatus.ASKED if ask else AssignmentStatus.CONFIRMED
    now = utc_now()
    for row in rows:
        row.status = status
        row.updated_at = now
        row.revision += 1
        session.add(row)
    flush(session, race=race)
    ids = [row.id for row in rows if row.id is not None]
    if ask:
        notices.consent_asked(session, ids)
    else:
        notices.assignments_confirmed(session, ids)


def answer(
    session: Session, *, assignment_id: int, data: ConsentAnswer, viewer: Viewer
) -> AssignmentPublic:
    """The trust person accepts or declines the placement they were asked for.

    Raises:
        PermissionDenied: the viewer is not a trust person.
        NotFound: no such assignment among the viewer's own.
        Conflict: the assignment is not waiting for an answer (answered, or withdrawn).
    """
    if viewer.role is not Role.TRUST_PERSON:
        msg = "only the trust person asked can accept or decline a placement"
        raise PermissionDenied(msg)
    row = session.get(Assignment, assignment_id)
    if row is None or row.trust_person_id != viewer.trust_person_id:
        raise NotFound("assignment", assignment_id)
    if row.status is not AssignmentStatus.ASKED:
        raise Conflict(
            "This placement is {status}; only one waiting for your answer can be accepted or "
            "declined.",
            status=row.status,
        )
    row.status = AssignmentStatus.CONFIRMED if data.accept else AssignmentStatus.DECLINED
    row.decline_reason = None if data.accept else data.reason
    row.updated_at = utc_now()
    row.revision += 1
    session.add(row)
    flush(session, race="The seat was taken meanwhile; ask the planner.")
    verb = "accepted" if data.accept else "declined"
    audit.record_event(
        session,
        acting(viewer),
        ("assignment", row.id),
        verb,
        {"need_id": row.need_id, "seat": row.seat, "trust_person_id": row.trust_person_id},
    )
    notices.consent_answered(session, row)
    if data.accept and row.id is not None:
        notices.assignments_confirmed(session, [row.id])
    return AssignmentPublic.model_validate(row)
