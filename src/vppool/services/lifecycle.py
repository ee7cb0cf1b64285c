"""The need and assignment life cycle over time (run daily)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from vppool.db.models import Assignment, Need
from vppool.db.types import utc_now
from vppool.services import audit
from vppool.services._common import SYSTEM
from vppool.vocab import AssignmentStatus, NeedStatus

__all__ = ["LifecycleReport", "advance"]


class LifecycleReport(BaseModel):
    """What moved on."""

    assignments_ended: int
    needs_closed: int


def advance(session: Session, today: date) -> LifecycleReport:
    """End confirmed assignments whose period is over (freeing capacity) and close needs."""
    now = utc_now()
    ended = 0
    for assignment in session.exec(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.CONFIRMED,
            col(Assignment.ends_on).is_not(None),
            col(Assignment.ends_on) <= today,
        )
    ).all():
        assignment.status = AssignmentStatus.ENDED
        assignment.updated_at = now
        assignment.revision += 1
        session.add(assignment)
        ended += 1
    closed = 0
    for need in session.exec(
        select(Need).where(
            col(Need.status).in_([NeedStatus.OPEN, NeedStatus.REQUESTED]),
            col(Need.ends_on).is_not(None),
            col(Need.ends_on) <= today,
        )
    ).all():
        need.status = NeedStatus.CLOSED
        need.updated_at = now
        session.add(need)
        closed += 1
    if ended or closed:
        audit.record_change(
            session,
            SYSTEM,
            action="lifecycle_advanced",
            entity_type="need",
            entity_id=None,
            details={"date": today.isoformat(), "assignments_ended": ended, "needs_closed": closed},
        )
    session.flush()
    return LifecycleReport(assignments_ended=ended, needs_closed=closed)
