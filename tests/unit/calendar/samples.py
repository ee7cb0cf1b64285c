"""Feed inputs used by the feed tests: a VP's year, and a client team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from vppool.calendar import (
    BusyBlock,
    DeadlineKind,
    FeedAssignment,
    FeedDeadline,
    FeedSession,
    FeedTraining,
    Interval,
    TeamMember,
)
from vppool.vocab import AssignmentStatus, NeedKind, SessionStatus

TODAY = date(2026, 11, 23)
CHANGED = datetime(2026, 11, 20, 9, 15, 30, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assignment(number: int, **changes: object) -> FeedAssignment:
    values: dict[str, object] = {
        "id": number,
        "revision": 2,
        "updated_at": utc(2026, 10, 1, 8, 30),
        "organisation_name": "Zorggroep Noorderlicht",
        "need_kind": NeedKind.STANDING,
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2027, 3, 1),
        "status": AssignmentStatus.CONFIRMED,
    }
    values.update(changes)
    return FeedAssignment(**values)  # type: ignore[arg-type]


def session(number: int, start: datetime, **changes: object) -> FeedSession:
    values: dict[str, object] = {
        "id": number,
        "revision": 1,
        "updated_at": utc(2026, 9, 1, 12),
        "group_name": "Intervisiegroep Utrecht 3",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "location": "Utrecht, Vredenburg 40",
    }
    values.update(changes)
    return FeedSession(**values)  # type: ignore[arg-type]


def vp_year() -> dict[str, list]:  # type: ignore[type-arg]
    """A busy VP's year: 520 sessions/trainings, assignments, deadlines, cancellations."""
    assignments = [
        assignment(
            1000 + i,
            organisation_name=f"Organisatie {i} \u2013 \u00cbindhoven \U0001f600",
            starts_on=TODAY + timedelta(days=7 * i - 20),
            ends_on=TODAY + timedelta(days=7 * i + 40),
            status=AssignmentStatus.PROPOSED if i % 5 == 0 else AssignmentStatus.CONFIRMED,
        )
        for i in range(40)
    ]
    assignments.append(assignment(1999, ends_on=None, starts_on=TODAY - timedelta(days=400)))
    sessions = []
    for i in range(400):
        # 09:30 local, through both DST changes of 2027.
        start = utc(2026, 10, 24, 7, 30) + timedelta(days=i)
        status = SessionStatus.CANCELLED if i % 50 == 7 else SessionStatus.PLANNED
        sessions.append(
            session(
                5000 + i,
                start,
                status=status,
                cancelled_at=CHANGED if status == "cancelled" else None,
            )
        )
    trainings = [
        FeedTraining(
            id=7000 + i,
            revision=0,
            updated_at=utc(2026, 8, 1),
            title=f"Bijscholing klokkenluidersregeling deel {i}",
            starts_at=utc(2026, 11, 30, 13) + timedelta(days=3 * i),
            ends_at=utc(2026, 11, 30, 16) + timedelta(days=3 * i),
        )
        for i in range(120)
    ]
    deadlines = [
        FeedDeadline(
            certification_id=31,
            revision=4,
            updated_at=utc(2026, 6, 1),
            kind=DeadlineKind.RENEWAL_WINDOW_OPENS,
            on=date(2027, 2, 1),
            certificate_number="LVV-2022-0815",
        ),
        FeedDeadline(
            certification_id=31,
            revision=4,
            updated_at=utc(2026, 6, 1),
            kind=DeadlineKind.CERTIFICATION_EXPIRES,
            on=date(2027, 8, 1),
            certificate_number="LVV-2022-0815",
        ),
    ]
    return {
        "assignments": assignments,
        "sessions": sessions,
        "trainings": trainings,
        "deadlines": deadlines,
    }


def team() -> list[TeamMember]:
    """Three VPs serving one client; two share a first name."""
    return [
        TeamMember(
            trust_person_id=11,
            first_name="Anna",
            last_name="Bakker",
            busy=(
                BusyBlock(utc(2026, 11, 24, 8), utc(2026, 11, 24, 12)),
                BusyBlock(utc(2026, 11, 25, 13), utc(2026, 11, 25, 14), tentative=True),
            ),
            free=(Interval(utc(2026, 11, 24, 12), utc(2026, 11, 24, 16)),),
        ),
        TeamMember(
            trust_person_id=12,
            first_name="Anna",
            last_name="de Vries",
            busy=(BusyBlock(utc(2026, 11, 24, 8), utc(2026, 11, 24, 10)),),
        ),
        TeamMember(
            trust_person_id=13,
            first_name="Mohammed",
            last_name="El Amrani",
            busy=(BusyBlock(utc(2027, 3, 28, 7), utc(2027, 3, 28, 9)),),
            free=(Interval(utc(2026, 11, 26, 8), utc(2026, 11, 26, 16)),),
        ),
    ]
