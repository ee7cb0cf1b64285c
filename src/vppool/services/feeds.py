"""Calendar feeds behind secret tokens: gather the rows, render with :mod:`vppool.calendar`.

Three feeds: a VP's own schedule (assignments, intervision sessions, certificate dates), a
VP's availability (busy and free blocks only) and a client team's availability (per VP,
first name only). Each answer carries a strong ETag and a Last-Modified from the stored,
monotonic ``feed_state`` of its subject, so clients can revalidate cheaply.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from vppool import calendar as cal
from vppool.db.models import (
    Absence,
    Assignment,
    BusyInterval,
    CalendarSource,
    DateOverride,
    FeedState,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Need,
    Organisation,
    TrustPerson,
    WeeklyAvailability,
)
from vppool.services.compliance import current_certificates
from vppool.services.feed_tokens import FeedTarget, resolve_feed_token
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, FeedKind

__all__ = ["feed_for_token"]

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_SHOWN = (AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED, AssignmentStatus.CANCELLED)


def _changed_at(session: Session, key: str) -> datetime:
    state = session.get(FeedState, key)
    return state.changed_at if state is not None else EPOCH


def feed_for_token(
    session: Session, settings: Settings, secret: str, *, today: date | None = None
) -> cal.FeedResponse | None:
    """The feed a token opens, rendered, or ``None`` for an unknown or revoked token."""
    target = resolve_feed_token(session, secret)
    if target is None:
        return None
    today = today or settings.today()
    if target.kind is FeedKind.ORGANISATION_AVAILABILITY:
        return _team_feed(session, settings, target, today)
    person = session.get(TrustPerson, target.trust_person_id)
    if person is None:
        return None
    if target.kind is FeedKind.VP_SCHEDULE:
        return _schedule_feed(session, person, today)
    return _availability_feed(session, person, today)


def _schedule_feed(session: Session, person: TrustPerson, today: date) -> cal.FeedResponse:
    assert person.id is not None  # noqa: S101  (read from the database)
    rows = session.exec(
        select(Assignment, Need, Organisation)
        .join(Need, col(Need.id) == Assignment.need_id)
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .where(Assignment.trust_person_id == person.id, col(Assignment.status).in_(_SHOWN))
    ).all()
    assignments = [
        cal.FeedAssignment(
            id=a.id or 0,
            revision=a.revision,
            updated_at=a.updated_at,
            organisation_name=org.name,
            need_kind=need.kind,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            status=a.status,
            cancelled_at=a.updated_at if a.status is AssignmentStatus.CANCELLED else None,
        )
        for a, need, org in rows
    ]
    sessions = [
        cal.FeedSession(
            id=s.id or 0,
            revision=s.revision,
            updated_at=s.updated_at,
            group_name=group.name,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            status=s.status,
            location=s.location,
        )
        for s, group in session.exec(
            select(IntervisionSession, IntervisionGroup)
            .join(IntervisionGroup, col(IntervisionGroup.id) == IntervisionSession.group_id)
            .join(IntervisionMember, col(IntervisionMember.group_id) == IntervisionGroup.id)
            .where(IntervisionMember.trust_person_id == person.id)
        ).all()
    ]
    deadlines = []
    cert = current_certificates(session, today).get(person.id)
    if cert is not None and cert.id is not None:
        for kind, on in (
            (cal.DeadlineKind.CERTIFICATION_EXPIRES, cert.expires_on),
            (cal.DeadlineKind.RENEWAL_WINDOW_OPENS, cert.expires_on - timedelta(days=365)),
        ):
            deadlines.append(
                cal.FeedDeadline(
                    certification_id=cert.id,
                    revision=cert.revision,
                    updated_at=cert.updated_at,
                    kind=kind,
                    on=on,
                    certificate_number=cert.number,
                )
            )
    body = cal.render_vp_feed(
        trust_person_id=person.id,
        display_name=f"{person.first_name} {person.last_name}",
        timezone=person.timezone,
        today=today,
        assignments=assignments,
        sessions=sessions,
        deadlines=deadlines,
    )
    changed = _changed_at(session, f"vp:{person.id}")
    return cal.feed_response(body, changed_at=changed, today=today, timezone=person.timezone)


def _availability_of(
    session: Session, people: list[TrustPerson], window: cal.Interval
) -> dict[int, cal.Availability]:
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
    result = {}
    for person in people:
        if person.id is None:
            continue
        profile = cal.AvailabilityProfile(
            timezone=person.timezone,
            weekly=tuple(weekly[person.id]),
            overrides=tuple(_one_per_day(overrides[person.id])),
            absences=tuple(away[person.id]),
        )
        result[person.id] = cal.availability(profile, window, busy=busy[person.id])
    return result


def _one_per_day(overrides: list[cal.DateOverride]) -> list[cal.DateOverride]:
    by_day: dict[date, list[cal.TimeRange]] = defaultdict(list)
    for override in overrides:
        by_day[override.on].extend(override.ranges)
    return [cal.DateOverride(day, tuple(ranges)) for day, ranges in sorted(by_day.items())]


def _availability_feed(session: Session, person: TrustPerson, today: date) -> cal.FeedResponse:
    assert person.id is not None  # noqa: S101  (read from the database)
    options = cal.FeedOptions()
    window = options.window.interval(today, ZoneInfo(person.timezone))
    state = _availability_of(session, [person], window)[person.id]
    changed = _changed_at(session, f"vp:{person.id}")
    body = cal.render_availability_feed(
        trust_person_id=person.id,
        display_name=f"{person.first_name} {person.last_name}",
        timezone=person.timezone,
        today=today,
        changed_at=changed,
        busy=state.busy,
        free=state.free,
        options=options,
    )
    return cal.feed_response(body, changed_at=changed, today=today, timezone=person.timezone)


def _team_feed(
    session: Session, settings: Settings, target: FeedTarget, today: date
) -> cal.FeedResponse | None:
    organisation = session.get(Organisation, target.organisation_id)
    if organisation is None or organisation.id is None:
        return None
    team = set(
        session.exec(
            select(Assignment.trust_person_id)
            .join(Need, col(Need.id) == Assignment.need_id)
            .where(
                Need.organisation_id == organisation.id,
                Assignment.status == AssignmentStatus.CONFIRMED,
            )
        ).all()
    )
    people = list(
        session.exec(
            select(TrustPerson).where(col(TrustPerson.id).in_(team)).order_by(col(TrustPerson.id))
        ).all()
    )
    options = cal.FeedOptions()
    window = options.window.interval(today, settings.zone)
    states = _availability_of(session, people, window)
    members = [
        cal.TeamMember(
            trust_person_id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            busy=states[p.id].busy,
            free=states[p.id].free,
        )
        for p in people
        if p.id is not None
    ]
    changed = max(
        [_changed_at(session, f"org:{organisation.id}")]
        + [_changed_at(session, f"vp:{p.id}") for p in people]
    )
    body = cal.render_team_feed(
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        timezone=settings.timezone,
        today=today,
        changed_at=changed,
        members=members,
        options=options,
    )
    return cal.feed_response(body, changed_at=changed, today=today, timezone=settings.timezone)
