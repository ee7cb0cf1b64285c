"""Intervision: form a year's groups, plan their sessions when all members are free, attendance.

**Forming** (staff): the active VPs whose certificate is valid on the first day of the year
(or on today, later in the year) are partitioned by :func:`vppool.matching.form_groups`.
VPs who serve the same client organisation that year (confirmed or ended assignments that
overlap it) go in different groups; last year's groups steer towards new pairs; homes give
the meeting places. Members of a group must share weekly time
(``VPPOOL_INTERVISION_MIN_COMMON_HOURS``, from :func:`weekly_free`); a VP who cannot is
left out with the reason.
:func:`vppool.matching.validate_groups` re-checks the grouping, common time included, before
anything is stored. A year's groups are *replaced* as a whole, inside the caller's
transaction, as long as none of their sessions has taken place (held, attended or begun).
A group that met is history that attendance and education hours refer to: re-forming in
the middle of the year keeps it (see :mod:`vppool.services.intervision_reform`: only
members who left the pool move; a group too small is topped up or dissolved) and says
each change in words.

**Scheduling** (staff): each group gets ``VPPOOL_INTERVISION_SESSIONS_PER_YEAR`` sessions of
``VPPOOL_INTERVISION_SESSION_HOURS``, one in each of as many equal windows of the year, at
the free moment nearest the window's middle when every member is free: weekly hours, date
overrides, absences, Dutch public holidays, imported busy time and the members' other
intervision sessions, all as :mod:`vppool.services.availability` loads them.
Scheduling again re-plans sessions that have not begun and keeps those that took place; a
window without common time is reported with the reason, never filled at a bad time.

**Attendance** (staff, or a trust person for themselves) is recorded per member of the
session's group; attending creates or updates the member's intervision education record
(hours = the session's length), not attending removes it, and the session counts as held.

Scoping: planners and admins see every group; a trust person sees the groups they belong to
and their sessions (another group's id is :class:`~vppool.errors.NotFound`); client
contacts get :class:`~vppool.errors.PermissionDenied`.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from vppool import calendar as cal
from vppool import matching as m
from vppool.db import serialise_writes
from vppool.db.models import (
    Assignment,
    Certification,
    EducationRecord,
    IntervisionAttendance,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Need,
    TrustPerson,
)
from vppool.db.schemas import Page, PageQuery
from vppool.db.types import utc_now
from vppool.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from vppool.services import audit
from vppool.services import intervision_reform as reformed
from vppool.services._common import (
    SYSTEM,
    Actor,
    acting,
    fetch_page,
    flush,
    require_role,
    require_staff,
    sees_everything,
    where_given,
)
from vppool.services.access import Viewer
from vppool.services.availability import availability_of
from vppool.services.compliance import current_certificates
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, EducationCategory, Role, SessionStatus

__all__ = [
    "AttendancePublic",
    "Change",
    "FormationReport",
    "GroupExplanation",
    "GroupSchedule",
    "IntervisionGroupPublic",
    "IntervisionSessionPublic",
    "LeftOut",
    "MemberPublic",
    "ScheduleReport",
    "WeeklyTime",
    "WindowOutcome",
    "form_groups_for_year",
    "get_group",
    "list_attendance",
    "list_groups",
    "list_sessions",
    "record_attendance",
    "schedule_sessions",
    "store_formation",
    "weekly_free",
]

log = logging.getLogger("vppool.intervision")

_GROUP = "intervision group"
_SESSION = "intervision session"
_FIRST_YEAR, _LAST_YEAR = 2000, 2200
#: Sessions start on a whole or half hour.
_GRID = timedelta(minutes=30)
#: Assignments that tie a VP to an organisation in a year.
_SERVING = (AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED)

#: ``progress(step, done, total)`` while scheduling.
ScheduleProgress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- shapes


class MemberPublic(BaseModel):
    """A member of a group, as the other members and planners see them."""

    trust_person_id: int
    first_name: str
    last_name: str


class IntervisionGroupPublic(BaseModel):
    """A group with its members."""

    id: int
    name: str
    year: int
    meeting_place: str | None
    meeting_latitude: float | None
    meeting_longitude: float | None
    created_at: datetime
    members: list[MemberPublic]


class WeeklyTime(BaseModel):
    """A piece of weekly time (``weekday`` 0 = Monday), in the provider's time zone."""

    weekday: int
    starts: time
    ends: time


class GroupExplanation(BaseModel):
    """How a formed group scores on the soft goals, and the weekly time its members share."""

    group: IntervisionGroupPublic
    mean_travel_km: float
    max_travel_km: float
    new_members: int
    seasoned_members: int
    genders: list[str]
    repeated_pairs: int
    common_weekly_hours: float = 0.0
    common_time: list[WeeklyTime] = []
    #: A group that met, kept by a re-forming in the middle of the year.
    kept: bool = False


class Change(BaseModel):
    """One change a re-forming made to the groups that met, in words (see ``LeftOut``)."""

    reason: str
    message: str
    values: dict[str, str] = {}


class LeftOut(BaseModel):
    """A VP not placed in any group, and why.

    ``reason`` is in English; ``message`` is its message id and ``values`` fill it in, for
    pages in other languages.
    """

    trust_person_id: int
    name: str
    reason: str
    message: str | None = None
    values: dict[str, str] = {}


class FormationReport(BaseModel):
    """The groups of a year as formed, with the solver's status, bound and gap."""

    year: int
    status: str
    objective: float
    best_bound: float
    gap: float
    wall_s: float
    members: int
    replaced_groups: int
    groups: list[GroupExplanation]
    left_out: list[LeftOut]
    #: Every meeting place the model offered, ``[latitude, longitude]`` (the bound is over
    #: these; a benchmark checks it against its own relaxation).
    meeting_places: list[list[float]] = []
    #: Re-forming after some groups met: how many were kept, which were dissolved (their
    #: rows stay with the sessions they held, without members), and every change in words.
    kept_groups: int = 0
    dissolved_group_ids: list[int] = []
    changes: list[Change] = []

    @property
    def solver_status(self) -> str:
        """The status under the name the matcher's gap words read (``OPTIMAL``, ...)."""
        return self.status


class IntervisionSessionPublic(BaseModel):
    """One meeting of a group."""

    id: int
    group_id: int
    group_name: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    status: SessionStatus
    revision: int


class WindowOutcome(BaseModel):
    """One window of the year ``[starts_on, ends_on)``: its session, or why there is none."""

    starts_on: date
    ends_on: date
    session: IntervisionSessionPublic | None
    kept: bool
    #: Why there is no session, in English; ``message`` is its message id, ``values`` fill it.
    reason: str | None
    message: str | None = None
    values: dict[str, str] = {}


class GroupSchedule(BaseModel):
    """A group's windows of the year."""

    group_id: int
    name: str
    windows: list[WindowOutcome]


class ScheduleReport(BaseModel):
    """What scheduling planned, kept and could not place."""

    year: int
    session_hours: float
    planned: int
    kept: int
    without_time: int
    groups: list[GroupSchedule]


class AttendancePublic(BaseModel):
    """Whether a member attended a session, and the education record it gave."""

    session_id: int
    trust_person_id: int
    attended: bool
    education_record_id: int | None
    hours: float


# --------------------------------------------------------------------------- forming


def _said(message: str, **values: object) -> dict[str, Any]:
    """A reason as its English words, its message id and the values that fill it in."""
    texts = {key: str(value) for key, value in values.items()}
    return {"reason": message.format(**texts), "message": message, "values": texts}


#: The message ids of the solver's reasons for leaving a VP out (by its code).
_LEFT_OUT = {
    "no_weekly_time": "no {hours} h in a row free every week (weekly hours, busy time)",
    "time_not_shared": "free every week only at times fewer than {size} VPs share",
    "no_group_fits": (
        "no group within reach can take them within the rules "
        "(size, clients kept apart, common weekly time)"
    ),
}


def _check_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        msg = f"year {year} must be between {_FIRST_YEAR} and {_LAST_YEAR}"
        raise ValidationFailed.single("year", msg, subject="intervision year")


def _name(person: TrustPerson) -> str:
    return f"{person.first_name} {person.last_name}"


def _serving(session: Session, year: int) -> dict[int, frozenset[int]]:
    """Per VP, the organisations they serve in ``year`` (assignments overlapping it)."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    rows = session.exec(
        select(Assignment.trust_person_id, Need.organisation_id)
        .join(Need, col(Need.id) == Assignment.need_id)
        .where(
            col(Assignment.status).in_(_SERVING),
            col(Assignment.starts_on) < after,
            sa.or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > first),
        )
    ).all()
    served: dict[int, set[int]] = defaultdict(set)
    for vp_id, organisation_id in rows:
        served[vp_id].add(organisation_id)
    return {vp_id: frozenset(orgs) for vp_id, orgs in served.items()}


def _first_certified(session: Session) -> dict[int, date]:
    rows = session.exec(
        select(Certification.trust_person_id, func.min(Certification.issued_on)).group_by(
            col(Certification.trust_person_id)
        )
    ).all()
    return dict(rows)


def _members_by_group(session: Session, group_ids: Sequence[int]) -> dict[int, list[TrustPerson]]:
    members: dict[int, list[TrustPerson]] = defaultdict(list)
    if not group_ids:
        return members
    for group_id, person in session.exec(
        select(IntervisionMember.group_id, TrustPerson)
        .join(TrustPerson, col(TrustPerson.id) == IntervisionMember.trust_person_id)
        .where(col(IntervisionMember.group_id).in_(list(group_ids)))
        .order_by(col(TrustPerson.last_name), col(TrustPerson.first_name), col(TrustPerson.id))
    ).all():
        members[group_id].append(person)
    return members


def _groups_of_year(session: Session, year: int) -> list[IntervisionGroup]:
    return list(
        session.exec(
            select(IntervisionGroup)
            .where(IntervisionGroup.year == year)
            .order_by(col(IntervisionGroup.name), col(IntervisionGroup.id))
        ).all()
    )


def _took_place_clause(now: datetime) -> Any:
    """A session took place: held, attended, or begun and not cancelled."""
    attended = select(IntervisionAttendance.session_id).where(
        IntervisionAttendance.session_id == IntervisionSession.id
    )
    return sa.or_(
        col(IntervisionSession.status) == SessionStatus.HELD,
        sa.exists(attended),
        sa.and_(
            col(IntervisionSession.status) != SessionStatus.CANCELLED,
            col(IntervisionSession.starts_at) <= now,
        ),
    )


def _met(session: Session, group_ids: Sequence[int], now: datetime) -> dict[int, datetime]:
    """Per group (of these) that held a session: when its first one began."""
    if not group_ids:
        return {}
    rows = session.exec(
        select(IntervisionSession.group_id, func.min(IntervisionSession.starts_at))
        .where(col(IntervisionSession.group_id).in_(list(group_ids)), _took_place_clause(now))
        .group_by(col(IntervisionSession.group_id))
    ).all()
    return dict(rows)


def _kept(group: IntervisionGroup, members: dict[int, list[TrustPerson]]) -> reformed.KeptGroup:
    """A group that met, with its stored members and meeting place."""
    people = members[group.id or 0]
    if group.meeting_latitude is not None and group.meeting_longitude is not None:
        place = m.Location(group.meeting_latitude, group.meeting_longitude)
    else:  # no place stored: the middle of the members' homes
        place = m.Location(
            sum(p.home_latitude for p in people) / max(1, len(people)),
            sum(p.home_longitude for p in people) / max(1, len(people)),
        )
    return reformed.KeptGroup(group.id or 0, group.name, place, [p.id or 0 for p in people])


def _apply(
    session: Session,
    existing: Sequence[IntervisionGroup],
    kept: dict[int, list[int]],
    dissolved: Sequence[int],
    planned: Sequence[_Planned],
    *,
    year: int,
    now: datetime,
) -> list[IntervisionGroup]:
    """Store a (re-)forming: kept groups get their members, the rest go, new ones come.

    A kept group loses the members not in ``kept`` and gains the new ones; a dissolved
    group keeps its row and the sessions it held, loses its members and the sessions that
    have not taken place; every other group of the year is removed.

    Returns the kept groups' rows (in the order of ``kept``), then the new ones.
    """
    by_id = {g.id: g for g in existing}
    gone = set(dissolved)
    _remove_groups(session, [g for g in existing if g.id not in kept and g.id not in gone])
    touched = list(kept) + list(gone)
    for row in session.exec(
        select(IntervisionMember).where(col(IntervisionMember.group_id).in_(touched))
    ).all():
        if row.group_id in gone or row.trust_person_id not in kept[row.group_id]:
            session.delete(row)
    if gone:
        for meeting in session.exec(
            select(IntervisionSession).where(
                col(IntervisionSession.group_id).in_(list(gone)),
                sa.not_(_took_place_clause(now)),
            )
        ).all():
            session.delete(meeting)
    flush(session)
    present = {
        (g, v)
        for g, v in session.exec(
            select(IntervisionMember.group_id, IntervisionMember.trust_person_id).where(
                col(IntervisionMember.group_id).in_(list(kept))
            )
        ).all()
    }
    for group_id, members in kept.items():
        for vp_id in members:
            if (group_id, vp_id) not in present:
                session.add(IntervisionMember(group_id=group_id, trust_person_id=vp_id))
    flush(session)
    return [by_id[g] for g in kept] + _insert_groups(session, year, planned)


def _explained(
    group: IntervisionGroup,
    outcome: m.GroupOutcome,
    people: dict[int, TrustPerson],
    *,
    kept: bool = False,
) -> GroupExplanation:
    """A stored group with how it scores."""
    return GroupExplanation(
        group=_group_public(group, [people[v] for v in outcome.members]),
        mean_travel_km=outcome.mean_travel_km,
        max_travel_km=outcome.max_travel_km,
        new_members=outcome.new_members,
        seasoned_members=outcome.seasoned_members,
        genders=list(outcome.genders),
        repeated_pairs=outcome.repeated_pairs,
        common_weekly_hours=outcome.common_weekly_hours,
        common_time=[_weekly_time(span) for span in outcome.common_time],
        kept=kept,
    )


def _took_place(session: Session, group_ids: Sequence[int], now: datetime) -> datetime | None:
    """The start of the first session of these groups that took place, if any."""
    return min(_met(session, group_ids, now).values(), default=None)


def _pool(
    session: Session,
    year: int,
    reference: date,
    *,
    weekly: Callable[[list[TrustPerson]], dict[int, frozenset[int]]] | None = None,
) -> tuple[list[m.IntervisionMemberInput], dict[int, TrustPerson], list[LeftOut]]:
    """The VPs to place, their rows, and the active VPs left out with the reason.

    ``weekly`` gives the certified VPs' weekly free half-hours (see :func:`weekly_free`).
    """
    certificates = current_certificates(session, reference)
    first_certified = _first_certified(session)
    served = _serving(session, year)
    inputs: list[m.IntervisionMemberInput] = []
    people: dict[int, TrustPerson] = {}
    left_out: list[LeftOut] = []
    for person in session.exec(
        select(TrustPerson).where(col(TrustPerson.active)).order_by(col(TrustPerson.id))
    ).all():
        assert person.id is not None  # noqa: S101  (read from the database)
        cert = certificates.get(person.id)
        if cert is None or cert.expires_on <= reference:
            reason = (
                _said("no LVV certificate")
                if cert is None
                else _said(
                    "certificate {number} expired on {day}",
                    number=cert.number,
                    day=cert.expires_on.isoformat(),
                )
            )
            left_out.append(LeftOut(trust_person_id=person.id, name=_name(person), **reason))
            continue
        since = first_certified.get(person.id, cert.issued_on)
        inputs.append(
            m.IntervisionMemberInput(
                id=person.id,
                name=_name(person),
                home=m.Location(person.home_latitude, person.home_longitude),
                years_certified=max(0.0, (reference - since).days / 365.25),
                gender=person.gender.value if person.gender is not None else None,
                organisations=served.get(person.id, frozenset()),
            )
        )
        people[person.id] = person
    if weekly is not None:
        masks = weekly(list(people.values()))
        inputs = [
            dataclasses.replace(item, weekly_free=masks.get(item.id, frozenset()))
            for item in inputs
        ]
    return inputs, people, left_out


#: Weeks of the year sampled for each VP's weekly time, and the share of them a half-hour
#: must be free in (of the sampled weeks in which the VP works at all) to count as weekly.
_SAMPLED_WEEKS = 6
_WEEKLY_SHARE = 0.75


def _sample_weeks(year: int, now: datetime, zone: ZoneInfo) -> list[cal.Interval]:
    """One week (Monday to Monday, local) every other month of ``year``, those after ``now``.

    Late in a year with few months left, the weeks after ``now`` are taken instead.
    """
    weeks = []
    for month in range(1, 13, 12 // _SAMPLED_WEEKS):
        day = date(year, month, 8)
        monday = day + timedelta(days=-day.weekday() % 7)
        weeks.append(monday)
    ahead = [w for w in weeks if cal.local_day(w, zone) >= now]
    if len(ahead) < _SAMPLED_WEEKS // 2:
        first = max(date(year, 1, 1), now.astimezone(zone).date() + timedelta(days=1))
        monday = first + timedelta(days=-first.weekday() % 7)
        ahead = [
            monday + timedelta(weeks=k)
            for k in range(_SAMPLED_WEEKS)
            if (monday + timedelta(weeks=k + 1)).year == year
        ]
    return [
        cal.Interval(cal.local_day(w, zone), cal.local_day(w + timedelta(days=7), zone))
        for w in ahead
    ]


def weekly_free(
    session: Session, people: Sequence[TrustPerson], *, year: int, now: datetime, zone: ZoneInfo
) -> dict[int, frozenset[int]]:
    """Per VP, the half-hours of the week (0 = Monday 00:00 in ``zone``) free nearly every week.

    Free time comes from :func:`vppool.services.availability.availability_of` (weekly
    hours, date overrides, absences, public holidays, imported busy time, other intervision
    sessions) in a sample of weeks of ``year``; a half-hour counts when it is free in at
    least three in four of the sampled weeks in which the VP works at all (so a holiday or a
    one-off appointment does not remove it; a fortnightly one does).
    """
    weeks = _sample_weeks(year, now, zone)
    counts: dict[int, list[int]] = {p.id: [0] * m.SLOTS_PER_WEEK for p in people if p.id}
    working: dict[int, int] = defaultdict(int)
    step = timedelta(minutes=30)
    for week in weeks:
        for vp_id, state in availability_of(session, list(people), week).items():
            if not state.free:
                continue
            working[vp_id] += 1
            tally = counts[vp_id]
            for interval in state.free:
                start = interval.start.astimezone(zone)
                end = interval.end.astimezone(zone)
                # whole half-hours only, on the local half-hour grid
                minute = start.minute % 30
                if minute or start.second or start.microsecond:
                    start += step - timedelta(
                        minutes=minute, seconds=start.second, microseconds=start.microsecond
                    )
                slot = start.weekday() * m.SLOTS_PER_DAY + start.hour * 2 + start.minute // 30
                while start + step <= end:
                    tally[slot % m.SLOTS_PER_WEEK] += 1
                    start += step
                    slot += 1
    result = {}
    for vp_id, tally in counts.items():
        weeks_working = working.get(vp_id, 0)
        needed = math.ceil(_WEEKLY_SHARE * weeks_working)
        result[vp_id] = frozenset(
            slot for slot, n in enumerate(tally) if weeks_working and n >= needed
        )
    return result


def _remove_groups(session: Session, groups: Sequence[IntervisionGroup]) -> None:
    """Delete groups with their members and (untaken) sessions, row by row.

    Row by row, so the feed-change listener sees every deletion and raises the members'
    feeds.
    """
    ids = [g.id for g in groups if g.id is not None]
    if not ids:
        return
    for table in (IntervisionSession, IntervisionMember):
        for row in session.exec(select(table).where(col(table.group_id).in_(ids))).all():
            session.delete(row)
    flush(session)
    for group in groups:
        session.delete(group)
    flush(session)


def _meeting_place(centre: m.Location, members: Sequence[TrustPerson]) -> str:
    """The home municipality of the member nearest the centre (never an address)."""
    scale = math.cos(math.radians(centre.latitude))

    def distance(person: TrustPerson) -> float:
        return (person.home_latitude - centre.latitude) ** 2 + (
            (person.home_longitude - centre.longitude) * scale
        ) ** 2

    return min(members, key=lambda p: (distance(p), p.id or 0)).home_municipality


def _open_year(settings: Settings, year: int, today: date | None) -> date:
    """Today, once ``year`` is known to be one groups may still be formed for.

    Raises:
        ValidationFailed: the year is out of range or over.
    """
    _check_year(year)
    today = today or settings.today()
    if year < today.year:
        msg = f"{year} is over; form groups for {today.year} or a later year"
        raise ValidationFailed.single("year", msg, subject="intervision year")
    return today


def _config(
    settings: Settings,
    *,
    time_limit_s: float | None = None,
    workers: int | None = None,
    progress: Callable[[m.ProgressEvent], None] | None = None,
) -> m.IntervisionConfig:
    """The solver's settings: group sizes, limits and seed."""
    return m.IntervisionConfig(
        min_size=settings.intervision_group_min,
        max_size=settings.intervision_group_max,
        session_slots=max(1, math.ceil(settings.intervision_session_hours * 2)),
        min_common_slots=math.ceil(settings.intervision_min_common_hours * 2),
        time_limit_s=time_limit_s or settings.intervision_time_limit_s,
        workers=workers or settings.intervision_workers,
        seed=settings.intervision_seed,
        progress=progress,
    )


class _Planned(NamedTuple):
    """A group to store: its name, meeting place and members."""

    name: str
    place: str | None
    latitude: float | None
    longitude: float | None
    members: tuple[int, ...]


def _insert_groups(
    session: Session, year: int, planned: Sequence[_Planned]
) -> list[IntervisionGroup]:
    """Store the groups of ``year`` with their members, in the order given."""
    groups = [
        IntervisionGroup(
            name=group.name[:120],
            year=year,
            meeting_place=group.place,
            meeting_latitude=group.latitude,
            meeting_longitude=group.longitude,
        )
        for group in planned
    ]
    session.add_all(groups)
    flush(session)
    for group, plan in zip(groups, planned, strict=True):
        assert group.id is not None  # noqa: S101  (flushed)
        for vp_id in plan.members:
            session.add(IntervisionMember(group_id=group.id, trust_person_id=vp_id))
    flush(session)
    return groups


def form_groups_for_year(
    session: Session,
    settings: Settings,
    *,
    year: int,
    today: date | None = None,
    now: datetime | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    progress: Callable[[m.ProgressEvent], None] | None = None,
    viewer: Viewer | None = None,
    actor: Actor = SYSTEM,
) -> FormationReport:
    """Form (or re-form) the intervision groups of ``year`` and store them.

    Args:
        session: the session whose transaction receives the groups; the caller commits.
        settings: group sizes, solver limits and seed.
        year: the year the groups meet in (this year or a later one).
        today: the day certificates are checked on before the year starts (default: today).
        now: the moment sessions count as begun (default: the clock).
        time_limit_s: overrides ``VPPOOL_INTERVISION_TIME_LIMIT_S``.
        workers: overrides ``VPPOOL_INTERVISION_WORKERS``.
        progress: called with each improving grouping the solver finds.
        viewer: who asks (planners and admins only).
        actor: who the change is audited as, when there is no viewer.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: the year is out of range or over.
        Conflict: a session of the year's current groups already took place.
        RuleViolation: the pool cannot be grouped within the size and separation rules
            (nothing is stored).
    """
    require_staff(viewer, "form intervision groups")
    actor = acting(viewer, actor)
    today = _open_year(settings, year, today)
    now = now or utc_now()
    existing = _groups_of_year(session, year)
    met = _met(session, [g.id for g in existing if g.id is not None], now)
    reference = max(today, date(year, 1, 1))
    zone = settings.zone
    inputs, people, left_out = _pool(
        session,
        year,
        reference,
        weekly=lambda rows: weekly_free(session, rows, year=year, now=now, zone=zone),
    )
    previous = _members_by_group(
        session, [g.id for g in _groups_of_year(session, year - 1) if g.id is not None]
    )
    config = _config(settings, time_limit_s=time_limit_s, workers=workers, progress=progress)
    previous_groups = [[p.id for p in ms if p.id is not None] for ms in previous.values()]
    pool = {item.id: item for item in inputs}
    current = _members_by_group(session, [g.id for g in existing if g.id is not None])
    names = {p.id or 0: _name(p) for ps in current.values() for p in ps} | {
        v: _name(p) for v, p in people.items()
    }
    reform = reformed.keep_met_groups(
        [_kept(g, current) for g in existing if g.id in met],
        {p.id or 0: g.name for g in existing if g.id not in met for p in current[g.id or 0]},
        pool,
        names=names,
        config=config,
        said=_said,
    )
    # The solve may take a minute: end the reading transaction first (nothing is written
    # yet), so that on SQLite the writes below cannot clash with what others commit
    # meanwhile; they take the write lock and check the year's groups again.
    session.commit()
    movable = set(reform.movable)
    result = m.form_groups(
        [item for item in inputs if item.id in movable], config, previous_groups=previous_groups
    )
    if (not result.groups and not met) or (result.groups and result.violations):
        msg = f"no intervision groups for {year}: " + "; ".join(result.violations)
        raise RuleViolation(
            msg, [{"rule": "intervision_groups", "message": v} for v in result.violations]
        )
    placed = {v for g in result.groups for v in g.members}
    reasons = {item.id: item for item in result.left_out}
    still = reformed.place_leftovers(
        [v for v in reform.movable if v not in placed],
        reform,
        pool,
        names=names,
        config=config,
        said=_said,
    )
    out = [
        reasons.get(v) or m.LeftOutMember(v, "no_group_fits", _LEFT_OUT["no_group_fits"])
        for v in still
    ]
    out_ids = [item.id for item in out]
    kept = list(reform.kept.values())
    # The answer is checked independently before it is stored: every VP once or out with a
    # reason, sizes and clients kept apart in every group, common time in the new ones
    # (a kept group's newcomers were checked against it).
    memberships = [g.members for g in result.groups] + [g.members for g in kept]
    problems = m.validate_groups(
        inputs, memberships, dataclasses.replace(config, min_common_slots=0), left_out=out_ids
    ) + m.validate_groups([pool[v] for v in placed], [g.members for g in result.groups], config)
    if problems:
        msg = f"the grouping for {year} breaks hard rules; nothing was stored"
        raise RuleViolation(msg, [{"rule": "intervision_groups", "message": p} for p in problems])

    serialise_writes(session)
    existing = _groups_of_year(session, year)
    if set(_met(session, [g.id for g in existing if g.id is not None], utc_now())) != set(met):
        raise Conflict(
            "A {year} intervision group met while the groups were being formed; nothing changed.",
            year=str(year),
        )
    taken_names = {g.name for g in existing if g.id in met}
    numbers = (n for n in itertools.count(1) if not any(f" {n:02d} " in x for x in taken_names))
    planned: list[_Planned] = []
    for outcome in result.groups:
        place = _meeting_place(outcome.meeting_place, [people[v] for v in outcome.members])
        planned.append(
            _Planned(
                f"Intervisiegroep {year} {next(numbers):02d} {place}",
                place,
                outcome.meeting_place.latitude,
                outcome.meeting_place.longitude,
                tuple(outcome.members),
            )
        )
    stored = _apply(
        session,
        existing,
        {g.group_id: g.members for g in kept},
        reform.dissolved,
        planned,
        year=year,
        now=now,
    )
    notes = reform.notes + [
        _said(
            "{group} is new: {names}",
            group=plan.name,
            names=", ".join(names[v] for v in plan.members),
        )
        for plan in planned
        if met
    ]
    rows = [
        (
            group,
            m.describe_group(
                0,
                [pool[v] for v in plan.members],
                plan.place,
                config,
                previous_groups,
            ),
            True,
        )
        for group, plan in zip(stored[: len(kept)], kept, strict=True)
    ] + [
        (group, outcome, False)
        for group, outcome in zip(stored[len(kept) :], result.groups, strict=True)
    ]
    report = FormationReport(
        year=year,
        status=result.status if result.groups else "OPTIMAL",
        objective=result.objective,
        best_bound=result.best_bound,
        gap=result.gap,
        wall_s=result.wall_s,
        members=len(inputs),
        replaced_groups=len([g for g in existing if g.id not in met]),
        kept_groups=len(kept),
        dissolved_group_ids=reform.dissolved,
        changes=[Change(**note) for note in notes],
        groups=[
            _explained(group, outcome, people, kept=was_kept) for group, outcome, was_kept in rows
        ],
        meeting_places=[[c.latitude, c.longitude] for c in result.centres],
        left_out=left_out + [_left_out(item, people[item.id], config) for item in out],
    )
    audit.record_change(
        session,
        actor,
        action="intervision_groups_formed",
        entity_type="intervision_group",
        entity_id=None,
        details={
            "year": year,
            "groups": len(rows),
            "members": len(inputs),
            "replaced_groups": report.replaced_groups,
            "kept_groups": len(kept),
            "dissolved_groups": len(reform.dissolved),
            "status": result.status,
            "objective": result.objective,
            "best_bound": result.best_bound,
            "gap": round(result.gap, 6),
            "left_out": len(report.left_out),
        },
    )
    return report


def _left_out(item: m.LeftOutMember, person: TrustPerson, config: m.IntervisionConfig) -> LeftOut:
    """A VP the solver left out, with its reason's message id when it has one."""
    message = _LEFT_OUT.get(item.code)
    values = {"hours": f"{config.session_slots / 2:g}", "size": str(config.min_size)}
    return LeftOut(
        trust_person_id=item.id,
        name=_name(person),
        reason=item.reason,
        message=message,
        values={k: v for k, v in values.items() if message and "{" + k + "}" in message},
    )


def _weekly_time(span: m.WeeklySpan) -> WeeklyTime:
    def clock(minute: int) -> time:
        return time(minute // 60 % 24, minute % 60)

    return WeeklyTime(
        weekday=span.weekday, starts=clock(span.start_minute), ends=clock(span.end_minute)
    )


def store_formation(
    session: Session,
    settings: Settings,
    proposal: FormationReport,
    *,
    today: date | None = None,
    now: datetime | None = None,
    viewer: Viewer | None = None,
    actor: Actor = SYSTEM,
) -> FormationReport:
    """Store groups proposed earlier (formed by a run that stored nothing), as proposed.

    The proposal is checked again against the pool as it is now: a VP who left the pool,
    lost their certificate or was added since, or a new conflict of interest, makes it
    refused (form the groups again).

    Returns:
        The proposal's report with the stored groups (their ids).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: the year is out of range or over.
        Conflict: a session of the year's current groups already took place, or the
            proposal no longer fits the pool.
    """
    require_staff(viewer, "store intervision groups")
    actor = acting(viewer, actor)
    year = proposal.year
    today = _open_year(settings, year, today)
    serialise_writes(session)
    now = now or utc_now()
    existing = _groups_of_year(session, year)
    met = _met(session, [g.id for g in existing if g.id is not None], now)
    kept_ids = [g.group.id for g in proposal.groups if g.kept]
    if set(met) != set(kept_ids) | set(proposal.dissolved_group_ids):
        if not kept_ids and not proposal.dissolved_group_ids:
            raise Conflict("These groups already met; their membership stays as it is.")
        raise Conflict("The pool changed since these groups were proposed; form the groups again.")
    memberships = [[m.trust_person_id for m in g.group.members] for g in proposal.groups]
    new = [members for g, members in zip(proposal.groups, memberships, strict=True) if not g.kept]
    placed = {vp_id for members in new for vp_id in members}
    inputs, people, _ = _pool(
        session,
        year,
        max(today, date(year, 1, 1)),
        weekly=lambda rows: weekly_free(
            session, [r for r in rows if r.id in placed], year=year, now=now, zone=settings.zone
        ),
    )
    problems = [
        f"trust person {vp_id} is no longer in the pool"
        for members in memberships
        for vp_id in members
        if vp_id not in people
    ] or m.validate_groups(
        inputs,
        memberships,
        # Sizes, separation and who is placed, on the pool now (common time: below).
        dataclasses.replace(_config(settings), min_common_slots=0),
        left_out=[item.trust_person_id for item in proposal.left_out],
    )
    # A new group must still share the weekly time a session needs, on the availability of
    # now (it may have changed since forming); a kept group met and stays as it is.
    problems = problems or m.validate_groups(
        inputs, new, _config(settings), left_out=[v.id for v in inputs if v.id not in placed]
    )
    if problems:
        log.info("the proposed %s groups no longer fit the pool: %s", year, problems[0])
        raise Conflict("The pool changed since these groups were proposed; form the groups again.")
    planned = [
        _Planned(
            g.group.name,
            g.group.meeting_place,
            g.group.meeting_latitude,
            g.group.meeting_longitude,
            tuple(members),
        )
        for g, members in zip(proposal.groups, memberships, strict=True)
        if not g.kept
    ]
    kept = {
        g.group.id: members
        for g, members in zip(proposal.groups, memberships, strict=True)
        if g.kept
    }
    stored = _apply(
        session, existing, kept, proposal.dissolved_group_ids, planned, year=year, now=now
    )
    order = [g for g in proposal.groups if g.kept] + [g for g in proposal.groups if not g.kept]
    report = proposal.model_copy(
        update={
            "replaced_groups": len(existing) - len(met),
            "groups": [
                explained.model_copy(
                    update={
                        "group": _group_public(
                            row, [people[m.trust_person_id] for m in explained.group.members]
                        )
                    }
                )
                for explained, row in zip(order, stored, strict=True)
            ],
        }
    )
    audit.record_change(
        session,
        actor,
        action="intervision_groups_formed",
        entity_type="intervision_group",
        entity_id=None,
        details={
            "year": year,
            "groups": len(stored),
            "members": proposal.members,
            "replaced_groups": len(existing) - len(met),
            "kept_groups": len(kept),
            "proposed": True,
        },
    )
    return report


# --------------------------------------------------------------------------- reading


def _group_public(
    group: IntervisionGroup, members: Sequence[TrustPerson]
) -> IntervisionGroupPublic:
    assert group.id is not None  # noqa: S101  (read from or flushed to the database)
    return IntervisionGroupPublic(
        id=group.id,
        name=group.name,
        year=group.year,
        meeting_place=group.meeting_place,
        meeting_latitude=group.meeting_latitude,
        meeting_longitude=group.meeting_longitude,
        created_at=group.created_at,
        members=[
            MemberPublic(trust_person_id=p.id, first_name=p.first_name, last_name=p.last_name)
            for p in members
            if p.id is not None
        ],
    )


def _own_group_ids(viewer: Viewer | None) -> Any:
    """The groups a trust person belongs to, as a subquery (``None``: no restriction)."""
    if sees_everything(viewer):
        return None
    assert viewer is not None  # noqa: S101  (sees_everything covers None)
    return select(IntervisionMember.group_id).where(
        IntervisionMember.trust_person_id == viewer.trust_person_id
    )


def _visible_group(session: Session, viewer: Viewer | None, group_id: int) -> IntervisionGroup:
    require_role(viewer, Role.TRUST_PERSON, "see intervision groups")
    group = session.get(IntervisionGroup, group_id)
    own = _own_group_ids(viewer)
    if group is None or (own is not None and group_id not in set(session.exec(own).all())):
        raise NotFound(_GROUP, group_id)
    return group


def get_group(
    session: Session, group_id: int, *, viewer: Viewer | None = None
) -> IntervisionGroupPublic:
    """One group with its members.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such group in the viewer's scope.
    """
    group = _visible_group(session, viewer, group_id)
    return _group_public(group, _members_by_group(session, [group_id])[group_id])


class GroupQuery(PageQuery):
    """A page of intervision groups, of one year if given."""

    year: int | None = None


def list_groups(
    session: Session, query: GroupQuery, *, viewer: Viewer | None = None
) -> Page[IntervisionGroupPublic]:
    """Groups (of one year), the latest year first, then by name, with their members.

    Raises:
        PermissionDenied: the viewer is a client contact.
        ValidationFailed: the page is out of range.
    """
    require_role(viewer, Role.TRUST_PERSON, "see intervision groups")
    statement = where_given(select(IntervisionGroup), (IntervisionGroup.year, query.year))
    own = _own_group_ids(viewer)
    if own is not None:
        statement = statement.where(col(IntervisionGroup.id).in_(own))

    def convert(rows: Sequence[IntervisionGroup]) -> list[IntervisionGroupPublic]:
        members = _members_by_group(session, [g.id for g in rows if g.id is not None])
        return [_group_public(g, members[g.id or 0]) for g in rows]

    return fetch_page(
        session,
        statement,
        query,
        public=IntervisionGroupPublic,
        ordering=[
            col(IntervisionGroup.year).desc(),
            col(IntervisionGroup.name).asc(),
            col(IntervisionGroup.id).asc(),
        ],
        convert=convert,
    )


def _session_public(row: IntervisionSession, group: IntervisionGroup) -> IntervisionSessionPublic:
    assert row.id is not None  # noqa: S101  (read from or flushed to the database)
    return IntervisionSessionPublic(
        id=row.id,
        group_id=row.group_id,
        group_name=group.name,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        location=row.location,
        status=row.status,
        revision=row.revision,
    )


class SessionQuery(PageQuery):
    """A page of intervision sessions, of one year and of one group if given."""

    year: int | None = None
    group_id: int | None = None


def list_sessions(
    session: Session, query: SessionQuery, *, viewer: Viewer | None = None
) -> Page[IntervisionSessionPublic]:
    """Sessions (of a year, of a group), in time order.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: ``group_id`` is not a group in the viewer's scope.
        ValidationFailed: the page is out of range.
    """
    require_role(viewer, Role.TRUST_PERSON, "see intervision sessions")
    if query.group_id is not None:
        _visible_group(session, viewer, query.group_id)
    statement = select(IntervisionSession).join(
        IntervisionGroup, col(IntervisionGroup.id) == IntervisionSession.group_id
    )
    statement = where_given(
        statement,
        (IntervisionGroup.year, query.year),
        (IntervisionSession.group_id, query.group_id),
    )
    own = _own_group_ids(viewer)
    if own is not None:
        statement = statement.where(col(IntervisionSession.group_id).in_(own))

    def convert(rows: Sequence[IntervisionSession]) -> list[IntervisionSessionPublic]:
        groups = {
            g.id: g
            for g in session.exec(
                select(IntervisionGroup).where(
                    col(IntervisionGroup.id).in_({r.group_id for r in rows})
                )
            ).all()
        }
        return [_session_public(r, groups[r.group_id]) for r in rows]

    return fetch_page(
        session,
        statement,
        query,
        public=IntervisionSessionPublic,
        ordering=[col(IntervisionSession.starts_at).asc(), col(IntervisionSession.id).asc()],
        convert=convert,
    )


# --------------------------------------------------------------------------- scheduling


def _windows(year: int, count: int) -> list[tuple[date, date]]:
    """``count`` consecutive windows of whole days that cover the year."""
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    bounds = [first + timedelta(days=round(k * days / count)) for k in range(count + 1)]
    return list(itertools.pairwise(bounds))


def _on_grid(moment: datetime, earliest: datetime, latest: datetime) -> datetime:
    """``moment`` moved to a whole or half hour within ``[earliest, latest]`` if one is near."""
    step = _GRID.total_seconds()
    stamp = moment.timestamp()
    up = datetime.fromtimestamp(math.ceil(stamp / step) * step, UTC)
    if up <= latest:
        return max(up, earliest)
    down = datetime.fromtimestamp(math.floor(stamp / step) * step, UTC)
    return down if down >= earliest else earliest


def _slot(common: Sequence[cal.Interval], target: datetime, length: timedelta) -> datetime:
    """The start nearest ``target`` at which a session of ``length`` fits in common time."""
    best: datetime | None = None
    for interval in common:
        latest = interval.end - length
        start = _on_grid(min(max(target, interval.start), latest), interval.start, latest)
        if best is None or abs(start - target) < abs(best - target):
            best = start
    assert best is not None  # noqa: S101  (callers pass non-empty common time)
    return best


def _why_no_time(
    members: Sequence[TrustPerson],
    free: dict[int, list[cal.Interval]],
    length: timedelta,
) -> dict[str, Any]:
    """Why the members have no common free time of ``length`` in a window (see :func:`_said`)."""
    hours = f"{length.total_seconds() / 3600:g}"
    alone = [_name(p) for p in members if not any(i.duration >= length for i in free[p.id or 0])]
    if alone:
        return _said(
            "{names} has no free {hours} h at all in this window (weekly hours, absences, "
            "public holidays, own calendar or other sessions)"
            if len(alone) == 1
            else "{names} have no free {hours} h at all in this window (weekly hours, "
            "absences, public holidays, own calendar or other sessions)",
            names=", ".join(alone),
            hours=hours,
        )
    blocking = [
        _name(p)
        for p in members
        if cal.common_free_time(
            [free[o.id or 0] for o in members if o.id != p.id], min_duration=length
        )
    ]
    if blocking:
        return _said(
            "every member is free at some time, but never all together for {hours} h; "
            "the others would have common time without one of: {names}",
            hours=hours,
            names=", ".join(blocking),
        )
    # No single member blocks it: name the pairs without whom the others could meet.
    pairs = [
        f"{_name(a)} & {_name(b)}"
        for a, b in itertools.combinations(members, 2)
        if cal.common_free_time(
            [free[o.id or 0] for o in members if o.id not in (a.id, b.id)], min_duration=length
        )
    ]
    if pairs and len(members) > 3:
        return _said(
            "every member is free at some time, but never all together for {hours} h; "
            "the others would have common time without one of these pairs: {pairs}",
            hours=hours,
            pairs=", ".join(pairs[:3]),
        )
    return _said(
        "every member is free at some time, but no {hours} h in which all {count} members "
        "are free together",
        hours=hours,
        count=len(members),
    )


def _within(
    intervals: list[cal.Interval], ends: list[datetime], window: cal.Interval
) -> list[cal.Interval]:
    """A merged, sorted set cut to ``window``, found by bisection (``ends``: their ends)."""
    first = bisect.bisect_right(ends, window.start)
    result = []
    for interval in intervals[first:]:
        if interval.start >= window.end:
            break
        if interval.start >= window.start and interval.end <= window.end:
            result.append(interval)
        else:
            result.append(
                cal.Interval(max(interval.start, window.start), min(interval.end, window.end))
            )
    return result


def _to_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def schedule_sessions(
    session: Session,
    settings: Settings,
    *,
    year: int | None = None,
    group_id: int | None = None,
    now: datetime | None = None,
    progress: ScheduleProgress | None = None,
    viewer: Viewer | None = None,
    actor: Actor = SYSTEM,
) -> ScheduleReport:
    """Plan the sessions of every group of ``year``, or of one group, when all are free.

    Sessions that took place (held, attended or begun) are kept and fill their window;
    planned sessions that have not begun are planned anew. A year's groups without members
    (dissolved by a re-forming after they met) get none. Windows that ended before
    ``now`` get no new session.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: neither or both of ``year`` and ``group_id`` given, or a bad year.
        NotFound: there is no such group.
    """
    require_staff(viewer, "plan intervision sessions")
    actor = acting(viewer, actor)
    if (year is None) == (group_id is None):
        msg = "give either a year (all its groups) or one group"
        raise ValidationFailed.single("year", msg, subject="intervision schedule")
    if group_id is not None:
        one = session.get(IntervisionGroup, group_id)
        if one is None:
            raise NotFound(_GROUP, group_id)
        groups, year = [one], one.year
    else:
        assert year is not None  # noqa: S101  (checked above)
        _check_year(year)
        groups = _groups_of_year(session, year)
    now = now or utc_now()
    zone = settings.zone
    length = timedelta(hours=settings.intervision_session_hours)
    windows = _windows(year, settings.intervision_sessions_per_year)
    year_span = cal.Interval(
        cal.local_day(date(year, 1, 1), zone), cal.local_day(date(year + 1, 1, 1), zone)
    )
    group_ids = [g.id for g in groups if g.id is not None]
    members = _members_by_group(session, group_ids)
    if group_id is None:  # a year's groups: not those dissolved (kept rows, no members)
        groups = [g for g in groups if members.get(g.id or 0)]
        group_ids = [g.id for g in groups if g.id is not None]
    attended = set(
        session.exec(
            select(IntervisionAttendance.session_id)
            .join(
                IntervisionSession, col(IntervisionSession.id) == IntervisionAttendance.session_id
            )
            .where(col(IntervisionSession.group_id).in_(group_ids))
        ).all()
    )
    kept: dict[int, list[IntervisionSession]] = defaultdict(list)
    replaced: list[IntervisionSession] = []
    for row in session.exec(
        select(IntervisionSession).where(
            col(IntervisionSession.group_id).in_(group_ids),
            col(IntervisionSession.starts_at) >= year_span.start,
            col(IntervisionSession.starts_at) < year_span.end,
        )
    ).all():
        took_place = (
            row.status is SessionStatus.HELD
            or row.id in attended
            or (row.status is not SessionStatus.CANCELLED and row.starts_at <= now)
        )
        if took_place:
            kept[row.group_id].append(row)
        elif row.starts_at > now:
            replaced.append(row)
    for row in replaced:
        session.delete(row)
    flush(session)

    everyone = list({p.id: p for ps in members.values() for p in ps}.values())
    free: dict[int, list[cal.Interval]] = {}
    if now < year_span.end and everyone:
        span = cal.Interval(max(year_span.start, now), year_span.end)
        # Free time net of every other intervision session the members have (the loader
        # counts them as commitments; this group's unbegun sessions were deleted above).
        free = {
            vp_id: list(state.free)
            for vp_id, state in availability_of(session, everyone, span).items()
        }
    ends = {vp_id: [i.end for i in intervals] for vp_id, intervals in free.items()}
    # Sessions planned in this run, per VP (subtracted per window, not from the whole year).
    booked: dict[int, list[cal.Interval]] = defaultdict(list)

    def free_in(vp_id: int, search: cal.Interval) -> list[cal.Interval]:
        within = _within(free.get(vp_id, []), ends.get(vp_id, []), search)
        return cal.subtract(within, booked[vp_id]) if booked[vp_id] else within

    # Per group and window: the session (kept or new) or the reason there is none.
    chosen: list[list[tuple[date, date, IntervisionSession | None, bool, dict[str, Any]]]] = []
    planned = kept_count = without = 0
    for done, group in enumerate(groups, start=1):
        assert group.id is not None  # noqa: S101  (read from the database)
        people = members[group.id]
        rows: list[tuple[date, date, IntervisionSession | None, bool, dict[str, Any]]] = []
        for first, after in windows:
            start, end = cal.local_day(first, zone), cal.local_day(after, zone)
            held = [
                s
                for s in kept[group.id]
                if start <= s.starts_at < end and s.status is not SessionStatus.CANCELLED
            ]
            if held:
                kept_count += 1
                rows.append((first, after, held[0], True, {}))
                continue
            reason: dict[str, Any] = {}
            created: IntervisionSession | None = None
            if end <= now:
                reason = _said(
                    "this window ended before planning ({day})",
                    day=_to_date(now, zone).isoformat(),
                )
            elif not people:
                reason = _said("the group has no members")
            else:
                search = cal.Interval(max(start, now), end)
                clipped = {p.id or 0: free_in(p.id or 0, search) for p in people}
                common = cal.common_free_time(clipped.values(), min_duration=length)
                if common:
                    middle = search.start + (search.end - search.start) / 2
                    starts_at = _slot(common, middle, length)
                    created = IntervisionSession(
                        group_id=group.id,
                        starts_at=starts_at,
                        ends_at=starts_at + length,
                        location=group.meeting_place,
                    )
                    session.add(created)
                    for p in people:
                        booked[p.id or 0].append(cal.Interval(starts_at, starts_at + length))
                else:
                    reason = _why_no_time(people, clipped, length)
            if created is not None:
                planned += 1
            else:
                without += 1
            rows.append((first, after, created, False, reason))
        chosen.append(rows)
        if progress is not None:
            progress("planning sessions", done, len(groups))
    flush(session)  # once: the new sessions get their ids
    outcomes = [
        GroupSchedule(
            group_id=group.id or 0,
            name=group.name,
            windows=[
                WindowOutcome(
                    starts_on=first,
                    ends_on=after,
                    session=_session_public(row, group) if row is not None else None,
                    kept=was_kept,
                    **(reason or {"reason": None}),
                )
                for first, after, row, was_kept, reason in rows
            ],
        )
        for group, rows in zip(groups, chosen, strict=True)
    ]
    report = ScheduleReport(
        year=year,
        session_hours=settings.intervision_session_hours,
        planned=planned,
        kept=kept_count,
        without_time=without,
        groups=outcomes,
    )
    figures = report.model_dump(include={"year", "planned", "kept", "without_time"})
    audit.record_change(
        session,
        actor,
        action="intervision_sessions_planned",
        entity_type="intervision_group",
        entity_id=group_id,
        details=figures | {"groups": len(groups), "replaced": len(replaced)},
    )
    return report


# --------------------------------------------------------------------------- attendance


def _visible_session(
    session: Session, viewer: Viewer | None, session_id: int
) -> tuple[IntervisionSession, IntervisionGroup]:
    require_role(viewer, Role.TRUST_PERSON, "see intervision sessions")
    row = session.get(IntervisionSession, session_id)
    if row is None:
        raise NotFound(_SESSION, session_id)
    own = _own_group_ids(viewer)
    if own is not None and row.group_id not in set(session.exec(own).all()):
        raise NotFound(_SESSION, session_id)
    group = session.get(IntervisionGroup, row.group_id)
    assert group is not None  # noqa: S101  (a foreign key)
    return row, group


def _attendance_public(
    row: IntervisionAttendance, record: EducationRecord | None
) -> AttendancePublic:
    return AttendancePublic(
        session_id=row.session_id,
        trust_person_id=row.trust_person_id,
        attended=row.attended,
        education_record_id=record.id if record is not None else None,
        hours=record.hours if record is not None else 0.0,
    )


def _records_of_session(session: Session, session_id: int) -> dict[int, EducationRecord]:
    return {
        r.trust_person_id: r
        for r in session.exec(
            select(EducationRecord).where(EducationRecord.intervision_session_id == session_id)
        ).all()
    }


def list_attendance(
    session: Session, *, session_id: int, viewer: Viewer | None = None
) -> list[AttendancePublic]:
    """The attendance recorded for a session, by member.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such session in the viewer's scope.
    """
    _visible_session(session, viewer, session_id)
    records = _records_of_session(session, session_id)
    rows = session.exec(
        select(IntervisionAttendance)
        .where(IntervisionAttendance.session_id == session_id)
        .order_by(col(IntervisionAttendance.trust_person_id))
    ).all()
    return [_attendance_public(r, records.get(r.trust_person_id)) for r in rows]


def record_attendance(
    session: Session,
    *,
    session_id: int,
    trust_person_id: int,
    attended: bool = True,
    now: datetime | None = None,
    viewer: Viewer | None = None,
    actor: Actor = SYSTEM,
) -> AttendancePublic:
    """Record whether a member attended; attending gives intervision hours automatically.

    The member's intervision education record for the session is created or updated
    (hours = the session's length, dated the session's local day); recording an absence
    removes it. A planned session counts as held from then on.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such session in the viewer's scope, or a trust person records for
            someone else.
        ValidationFailed: the VP is not a member of the session's group, the session was
            cancelled or has not begun yet (nothing is stored).
    """
    row, group = _visible_session(session, viewer, session_id)
    if not sees_everything(viewer):
        assert viewer is not None  # noqa: S101  (sees_everything covers None)
        if viewer.trust_person_id != trust_person_id:
            raise NotFound("trust person", trust_person_id)
    actor = acting(viewer, actor)
    now = now or utc_now()
    person = session.get(TrustPerson, trust_person_id)
    member = session.exec(
        select(IntervisionMember.id).where(
            IntervisionMember.group_id == group.id,
            IntervisionMember.trust_person_id == trust_person_id,
        )
    ).first()
    errors: list[FieldError] = []
    if person is None or member is None:
        who = _name(person) if person is not None else f"trust person {trust_person_id}"
        errors.append(
            FieldError(
                "trust_person_id",
                f"{who} is not a member of {group.name!r}; attendance is recorded for the "
                "group's own members only",
            )
        )
    if row.status is SessionStatus.CANCELLED:
        errors.append(FieldError("session_id", f"session {session_id} was cancelled"))
    elif row.starts_at > now:
        errors.append(
            FieldError(
                "session_id",
                f"session {session_id} starts at {row.starts_at.isoformat()}; record "
                "attendance once it has taken place",
            )
        )
    if errors:
        raise ValidationFailed(errors, subject="attendance")
    assert person is not None  # noqa: S101  (checked above)

    attendance = session.exec(
        select(IntervisionAttendance).where(
            IntervisionAttendance.session_id == session_id,
            IntervisionAttendance.trust_person_id == trust_person_id,
        )
    ).first()
    if attendance is None:
        attendance = IntervisionAttendance(
            session_id=session_id, trust_person_id=trust_person_id, attended=attended
        )
    attendance.attended = attended
    session.add(attendance)
    record = _records_of_session(session, session_id).get(trust_person_id)
    hours = round((row.ends_at - row.starts_at).total_seconds() / 3600, 2)
    on = _to_date(row.starts_at, ZoneInfo(person.timezone))
    if attended:
        if record is None:
            record = EducationRecord(
                trust_person_id=trust_person_id,
                intervision_session_id=session_id,
                category=EducationCategory.INTERVISION,
                title="",
                hours=hours,
                completed_on=on,
            )
        record.title = f"Intervisie {group.name} {on.isoformat()}"[:200]
        record.hours = hours
        record.completed_on = on
        session.add(record)
    elif record is not None:
        session.delete(record)
        record = None
    if row.status is SessionStatus.PLANNED:
        row.status = SessionStatus.HELD
        row.revision += 1
        row.updated_at = utc_now()
        session.add(row)
    flush(session)
    audit.record_change(
        session,
        actor,
        action="intervision_attendance_recorded",
        entity_type="intervision_session",
        entity_id=session_id,
        details={"trust_person_id": trust_person_id, "attended": attended},
    )
    return _attendance_public(attendance, record)
