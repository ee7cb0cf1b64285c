"""Summaries of the pool and the plan for planners: counts, monthly load, coverage.

Read in a few aggregate queries (no paging through thousands of rows), for the demo, the
CLI, the API's overview and the planners' dashboard. Staff only: callers check the role.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from vppool.db.models import Assignment, Need, Organisation, TrustPerson
from vppool.services.compliance import current_certificates
from vppool.vocab import AssignmentStatus, NeedKind, NeedStatus

__all__ = [
    "MonthSpan",
    "MonthlyLoad",
    "Overview",
    "UncoveredOrganisation",
    "add_pro_rata",
    "month_spans",
    "monthly_load",
    "pool_overview",
    "uncovered_organisations",
]


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


class MonthlyLoad(BaseModel):
    """One active VP's confirmed hours per month (pro rata to the days each seat covers)."""

    trust_person_id: int
    name: str
    capacity_hours_per_month: float
    hours: list[float]


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1]) + timedelta(1)


#: A month as ``add_pro_rata`` reads it: its first day, the next month's first day, its days.
MonthSpan = tuple[date, date, int]


def month_spans(months: list[date]) -> list[MonthSpan]:
    """The spans of ``months`` (their first days)."""
    return [(month, end, (end - month).days) for month in months for end in [_month_end(month)]]


def add_pro_rata(
    row: list[float], per_month: float, period: tuple[date, date | None], spans: list[MonthSpan]
) -> None:
    """Add ``per_month`` hours to each month of ``row``, pro rata to the days ``period`` covers."""
    starts_on, ends_on = period
    for index, (month, following, days) in enumerate(spans):
        start, end = max(starts_on, month), min(ends_on or following, following)
        if end > start:
            row[index] += per_month * (end - start).days / days


def monthly_load(session: Session, months: list[date]) -> list[MonthlyLoad]:
    """Confirmed hours of every active VP in each of ``months`` (first days of months)."""
    if not months:
        return []
    spans = month_spans(months)
    first, last = months[0], spans[-1][1]
    hours: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(months))
    for vp_id, starts_on, ends_on, per_month in session.execute(
        sa.select(
            col(Assignment.trust_person_id),
            col(Assignment.starts_on),
            col(Assignment.ends_on),
            col(Need.expected_hours_per_month),
        )
        .join(Need, col(Need.id) == Assignment.need_id)
        .where(
            col(Assignment.status) == AssignmentStatus.CONFIRMED,
            col(Assignment.starts_on) < last,
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > first),
        )
    ).all():
        add_pro_rata(hours[vp_id], per_month, (starts_on, ends_on), spans)
    return [
        MonthlyLoad(
            trust_person_id=vp_id,
            name=f"{first_name} {last_name}",
            capacity_hours_per_month=capacity,
            hours=[round(h, 1) for h in hours.get(vp_id, [0.0] * len(months))],
        )
        for vp_id, first_name, last_name, capacity in session.execute(
            sa.select(
                col(TrustPerson.id),
                col(TrustPerson.first_name),
                col(TrustPerson.last_name),
                col(TrustPerson.capacity_hours_per_month),
            )
            .where(col(TrustPerson.active))
            .order_by(col(TrustPerson.id))
        ).all()
    ]


class UncoveredOrganisation(BaseModel):
    """An organisation whose open standing need has no VP with a valid certificate today."""

    organisation_id: int
    name: str
    reason: str


def uncovered_organisations(session: Session, today: date) -> list[UncoveredOrganisation]:
    """Organisations with an open standing need but no current, certified VP on it."""
    standing = session.execute(
        sa.select(col(Need.id), col(Need.organisation_id), col(Organisation.name))
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .where(col(Need.status) == NeedStatus.OPEN, col(Need.kind) == NeedKind.STANDING)
    ).all()
    holders: dict[int, list[int]] = defaultdict(list)
    for need_id, vp_id in session.execute(
        sa.select(col(Assignment.need_id), col(Assignment.trust_person_id))
        .join(Need, col(Need.id) == Assignment.need_id)
        .where(
            col(Assignment.status) == AssignmentStatus.CONFIRMED,
            col(Need.kind) == NeedKind.STANDING,
            col(Assignment.starts_on) <= today,
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
        )
    ).all():
        holders[need_id].append(vp_id)
    certified = {
        vp_id for vp_id, cert in current_certificates(session, today).items()
        if cert.expires_on > today
    }  # fmt: skip
    by_organisation: dict[int, tuple[str, list[int]]] = {}
    for need_id, organisation_id, name in standing:
        _, people = by_organisation.setdefault(organisation_id, (name, []))
        people.extend(holders.get(need_id, []))
    result = []
    for organisation_id, (name, people) in by_organisation.items():
        if any(vp in certified for vp in people):
            continue
        reason = "certificate of the VP expired" if people else "no VP on the standing need"
        result.append(
            UncoveredOrganisation(organisation_id=organisation_id, name=name, reason=reason)
        )
    return sorted(result, key=lambda item: (item.name, item.organisation_id))
