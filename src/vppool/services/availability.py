"""A VP's availability from the database: the rows become :mod:`vppool.calendar` values.

Weekly hours, date overrides, absences and the busy time imported through the VP's calendar
sources are loaded for many VPs at once (one query per kind of row), and
:func:`vppool.calendar.availability` does the interval algebra in each VP's own zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import Session, col, select

from vppool import calendar as cal
from vppool.db.models import (
    Absence,
    BusyInterval,
    CalendarSource,
    DateOverride,
    InfoSession,
    IntervisionMember,
    IntervisionSession,
    TrustPerson,
    WeeklyAvailability,
)
from vppool.vocab import InfoSessionStatus, SessionStatus

__all__ = ["availability_by_id", "availability_of", "commitments_of"]

#: Information sessions this close outside a window may reach into it with their travel.
_LONGEST_TRIP = timedelta(hours=12)


def availability_of(
    session: Session,
    people: list[TrustPerson],
    window: cal.Interval,
    *,
    tentative_is_busy: bool = True,
    default_weekly: tuple[cal.WeeklyHours, ...] = (),
    leave_out_info_session: int | None = None,
) -> dict[int, cal.Availability]:
    """Each VP's working, busy, free and away time in ``window``, by VP id.

    ``leave_out_info_session``: an information session not to count as busy (the one
    being moved).
    """
    ids = [p.id for p in people if p.id is not None]
    weekly: dict[int, list[cal.WeeklyHours]] = defaultdict(list)
    for row in session.exec(
        select(WeeklyAvailability).where(col(WeeklyAvailability.trust_person_id).in_(ids))
    ).all():
        weekly[row.trust_person_id].append(
            cal.WeeklyHours(row.weekday, row.start_time, row.end_time)
        )
    overrides: dict[int, list[cal.DateOverride]] = defaultdict(list)
    for override in session.exec(
        select(DateOverride).where(col(DateOverride.trust_person_id).in_(ids))
    ).all():
        ranges = (
            (cal.TimeRange(override.start_time, override.end_time),)
            if override.start_time is not None and override.end_time is not None
            else ()
        )
        overrides[override.trust_person_id].append(cal.DateOverride(override.on_date, ranges))
    away: dict[int, list[cal.DayRange]] = defaultdict(list)
    for absence in session.exec(select(Absence).where(col(Absence.trust_person_id).in_(ids))).all():
        away[absence.trust_person_id].append(cal.DayRange(absence.starts_on, absence.ends_on))
    busy: dict[int, list[cal.BusyBlock]] = defaultdict(list)
    for block, source in session.exec(
        select(BusyInterval, CalendarSource)
        .join(CalendarSource, col(CalendarSource.id) == BusyInterval.calendar_source_id)
        .where(
            col(CalendarSource.trust_person_id).in_(ids),
            col(BusyInterval.ends_at) > window.start,
            col(BusyInterval.starts_at) < window.end,
        )
    ).all():
        busy[source.trust_person_id].append(
            cal.BusyBlock(block.starts_at, block.ends_at, block.tentative)
        )
    commitments = commitments_of(session, ids, window, leave_out_info_session)
    result = {}
    for person in people:
        if person.id is None:
            continue
        profile = cal.AvailabilityProfile(
            timezone=person.timezone,
            weekly=tuple(weekly[person.id]) or default_weekly,
            overrides=tuple(_one_per_day(overrides[person.id])),
            absences=tuple(away[person.id]),
        )
        result[person.id] = cal.availability(
            profile,
            window,
            busy=busy[person.id],
            commitments=commitments[person.id],
            tentative_is_busy=tentative_is_busy,
        )
    return result


def availability_by_id(
    session: Session, ids: Sequence[int], window: cal.Interval
) -> dict[int, cal.Availability]:
    """:func:`availability_of` for VPs given by id (unknown ids are left out)."""
    people = session.exec(select(TrustPerson).where(col(TrustPerson.id).in_(ids))).all()
    return availability_of(session, list(people), window)


def commitments_of(
    session: Session,
    ids: Sequence[int],
    window: cal.Interval,
    leave_out_info_session: int | None = None,
) -> dict[int, list[cal.Commitment]]:
    """The VPs' commitments in vppool per VP in ``window``.

    Their groups' intervision sessions, and the information sessions booked with them with
    the travel there and back (but ``leave_out_info_session``).
    """
    result: dict[int, list[cal.Commitment]] = defaultdict(list)
    if not ids:
        return result
    for meeting, person_id in session.exec(
        select(IntervisionSession, IntervisionMember.trust_person_id)
        .join(IntervisionMember, col(IntervisionMember.group_id) == IntervisionSession.group_id)
        .where(
            col(IntervisionMember.trust_person_id).in_(ids),
            IntervisionSession.status != SessionStatus.CANCELLED,
            col(IntervisionSession.ends_at) > window.start,
            col(IntervisionSession.starts_at) < window.end,
        )
    ).all():
        result[person_id].append(
            cal.Commitment(meeting.starts_at, meeting.ends_at, cal.CommitmentKind.INTERVISION)
        )
    for visit in session.exec(
        select(InfoSession).where(
            col(InfoSession.trust_person_id).in_(ids),
            InfoSession.status == InfoSessionStatus.BOOKED,
            col(InfoSession.id) != leave_out_info_session,
            col(InfoSession.ends_at) > window.start - _LONGEST_TRIP,
            col(InfoSession.starts_at) < window.end + _LONGEST_TRIP,
        )
    ).all():
        if visit.trust_person_id is None or visit.starts_at is None or visit.ends_at is None:
            continue
        travel = timedelta(minutes=visit.travel_minutes)
        result[visit.trust_person_id].append(
            cal.Commitment(
                visit.starts_at - travel,
                visit.ends_at + travel,
                cal.CommitmentKind.INFO_SESSION,
            )
        )
    return result


def _one_per_day(overrides: list[cal.DateOverride]) -> list[cal.DateOverride]:
    by_day: dict[date, list[cal.TimeRange]] = defaultdict(list)
    for override in overrides:
        by_day[override.on].extend(override.ranges)
    return [cal.DateOverride(day, tuple(ranges)) for day, ranges in sorted(by_day.items())]
