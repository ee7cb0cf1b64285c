"""A small summary of the pool and the plan, for the demo, the CLI and the home page."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from vppool.db.models import Assignment, Need, Organisation, TrustPerson
from vppool.vocab import AssignmentStatus, NeedStatus

__all__ = ["Overview", "pool_overview"]


class Overview(BaseModel):
    """Counts a planner looks at first."""

    trust_persons_active: int
    organisations: int
    needs_open: int
    needs_requested: int
    seats_open_needs: int
    assignments_confirmed: int


def pool_overview(session: Session) -> Overview:
    """Count active VPs, organisations, open and requested needs and confirmed assignments."""

    def count(statement: SelectOfScalar[int]) -> int:
        return int(session.exec(statement).one())

    return Overview(
        trust_persons_active=count(
            select(func.count()).select_from(TrustPerson).where(col(TrustPerson.active))
        ),
        organisations=count(select(func.count()).select_from(Organisation)),
        needs_open=count(
            select(func.count()).select_from(Need).where(Need.status == NeedStatus.OPEN)
        ),
        needs_requested=count(
            select(func.count()).select_from(Need).where(Need.status == NeedStatus.REQUESTED)
        ),
        seats_open_needs=count(
            select(func.coalesce(func.sum(Need.seats), 0)).where(Need.status == NeedStatus.OPEN)
        ),
        assignments_confirmed=count(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.status == AssignmentStatus.CONFIRMED)
        ),
    )
