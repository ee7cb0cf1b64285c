"""The annual report, planning side: what the provider did for a client (or for all) in a year.

Per client organisation and calendar year: which trust persons served it and when (clipped
to the year, each period with its last day), the hours planned for them (a need's expected
hours per month, pro rata by day), the working time they offered while serving (their weekly
hours, date overrides and absences: what the availability feeds show as working time), the
changes of trust person with their reason, the information sessions held at its sites (kind,
day, VP, audience), and each serving VP's certificate and education standing at the end of
the year (or today, for the running year).

It never holds anything about reports or cases: vppool stores none. Needs appear by their
kind only, not by their title or the client's note, which are free text a client writes.
The provider-wide version sums the same per organisation, for the provider's own board.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from vppool import calendar as cal
from vppool.db.models import (
    Assignment,
    AuditEntry,
    InfoSession,
    Need,
    Organisation,
    TrustPerson,
)
from vppool.db.types import utc_now
from vppool.errors import ValidationFailed
from vppool.services._common import ensure_own_organisation, get_or_404, require_role, require_staff
from vppool.services.access import Viewer
from vppool.services.availability import availability_by_id
from vppool.services.compliance import compliance_report, compliance_reports, pool_on
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, InfoSessionKind, InfoSessionStatus, NeedKind, Role

__all__ = [
    "AnnualReport",
    "OrganisationYear",
    "ProviderReport",
    "ServedPeriod",
    "SessionHeld",
    "VpChange",
    "VpStanding",
    "annual_report",
    "provider_report",
]

#: The earliest year a report can be asked for (vppool keeps nothing older).
FIRST_YEAR = 2000

#: A confirmed assignment read with its need and its trust person.
Row = tuple[Assignment, Need, TrustPerson]


@dataclass(frozen=True, slots=True)
class ServedPeriod:
    """A trust person on a seat of the client within the year."""

    trust_person_id: int
    name: str
    need_kind: NeedKind
    first_day: date
    last_day: date
    planned_hours: float


@dataclass(frozen=True, slots=True)
class VpChange:
    """One trust person followed another on the same seat of a need."""

    on: date
    need_kind: NeedKind
    before: str
    after: str
    reason: str  # "ended_early" (a planner ended it before its term) or "period_ended"


@dataclass(frozen=True, slots=True)
class VpStanding:
    """A serving VP's certificate and education standing on the report's day."""

    name: str
    certificate_until: date | None
    certification: str
    education: str | None
    education_hours: float
    education_required: float


@dataclass(frozen=True, slots=True)
class SessionHeld:
    """An information session held at one of the client's sites."""

    on: date
    kind: InfoSessionKind
    trust_person: str
    audience: int


@dataclass(frozen=True, slots=True)
class AnnualReport:
    """One client's year."""

    organisation_id: int
    organisation_name: str
    year: int
    as_of: date
    periods: list[ServedPeriod]
    changes: list[VpChange]
    standings: list[VpStanding]
    offered_hours: float
    covered_days: int
    days: int
    sessions: list[SessionHeld] = field(default_factory=list)

    @property
    def planned_hours(self) -> float:
        """Hours planned for the client's trust persons in the year."""
        return round(sum(p.planned_hours for p in self.periods), 1)

    @property
    def trust_persons(self) -> int:
        """How many different trust persons served the client in the year."""
        return len({p.trust_person_id for p in self.periods})


@dataclass(frozen=True, slots=True)
class OrganisationYear:
    """One line of the provider-wide report."""

    organisation_id: int
    organisation_name: str
    sector: str | None
    trust_persons: int
    planned_hours: float
    covered_days: int
    changes: int
    sessions_held: int = 0


@dataclass(frozen=True, slots=True)
class ProviderReport:
    """The provider's year over all client organisations."""

    year: int
    as_of: date
    days: int
    organisations: list[OrganisationYear]
    certification: dict[str, int]
    education: dict[str, int]

    @property
    def planned_hours(self) -> float:
        """Hours planned over all clients."""
        return round(sum(o.planned_hours for o in self.organisations), 1)

    def by_sector(self) -> list[tuple[str, int, int, float, int]]:
        """Per sector: clients served, trust-person placements, hours planned, changes."""
        sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0])
        for line in self.organisations:
            total = sums[line.sector or ""]
            total[0] += 1
            total[1] += line.trust_persons
            total[2] += line.planned_hours
            total[3] += line.changes
        return [
            (sector, int(a), int(b), round(c, 1), int(d))
            for sector, (a, b, c, d) in sorted(sums.items())
        ]


def _year(year: int, today: date) -> tuple[date, date, date]:
    """The year's first day, the day after its last, and the day standings are read on."""
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationFailed.single(
            "year",
            "Choose a year from {first} to {last}.",
            subject="annual report",
            first=FIRST_YEAR,
            last=today.year,
        )
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return start, end, min(today, end - timedelta(days=1))


def _confirmed(session: Session, start: date, end: date, organisation_id: int | None) -> list[Row]:
    """Served assignments overlapping the year, with their need and VP, in order."""
    query = (
        select(Assignment, Need, TrustPerson)
        .join(Need, col(Need.id) == col(Assignment.need_id))
        .join(TrustPerson, col(TrustPerson.id) == col(Assignment.trust_person_id))
        .where(
            # Served: confirmed, or confirmed and since ended early (the status says so).
            col(Assignment.status).in_((AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED)),
            col(Assignment.starts_on) < end,
            # An assignment ending on the year's first day is read too: its successor's
            # change of VP on 1 January belongs to this year ("_served" skips it otherwise).
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) >= start),
        )
        .order_by(col(Need.id), col(Assignment.seat), col(Assignment.starts_on))
    )
    if organisation_id is not None:
        query = query.where(col(Need.organisation_id) == organisation_id)
    return [(assignment, need, person) for assignment, need, person in session.exec(query).all()]


def _planned_hours(hours_per_month: float, first: date, end: date) -> float:
    """A need's monthly hours over ``[first, end)``, pro rata by day in each month."""
    total = 0.0
    day = first
    while day < end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        covered = (min(end, following) - day).days
        total += hours_per_month * covered / month_days
        day = following
    return round(total, 1)


def _name(person: TrustPerson) -> str:
    return f"{person.first_name} {person.last_name}"


def _clip(assignment: Assignment, start: date, end: date, as_of: date) -> tuple[date, date]:
    """The served part within the year and up to ``as_of``: ``[first, stop)``."""
    first = max(assignment.starts_on, start)
    stop = min(assignment.ends_on or end, end, as_of + timedelta(days=1))
    return first, stop


def _served(
    rows: list[Row], start: date, end: date, as_of: date
) -> Iterator[tuple[Row, date, date]]:
    """Each assignment's served part ``[first, stop)`` within the year and up to ``as_of``."""
    for row in rows:
        first, stop = _clip(row[0], start, end, as_of)
        if stop > first:
            yield row, first, stop


def _ended_early(session: Session, rows: list[Row]) -> set[int]:
    """The assignments a planner ended before their term (the audit log says so).

    The status cannot tell: the daily lifecycle also marks an assignment whose term ran out
    as ended, and a seat takes a successor only once its holder's assignment has ended.
    """
    ids = [assignment.id for assignment, _need, _person in rows]
    if not ids:
        return set()
    return {
        entity_id
        for entity_id in session.exec(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity_type == "assignment",
                AuditEntry.action == "assignment_ended",
                col(AuditEntry.entity_id).in_(ids),
            )
        ).all()
        if entity_id is not None
    }


def _changes(rows: list[Row], start: date, end: date, early: set[int]) -> list[VpChange]:
    """Successive VPs on one seat of a need, where the successor began in ``[start, end)``."""
    changes = []
    previous: dict[tuple[int, int], tuple[Assignment, TrustPerson]] = {}
    for assignment, need, person in rows:
        key = (assignment.need_id, assignment.seat)
        before = previous.get(key)
        if before is not None and before[1].id != person.id and start <= assignment.starts_on < end:
            ended_early = before[0].id in early
            changes.append(
                VpChange(
                    on=assignment.starts_on,
                    need_kind=need.kind,
                    before=_name(before[1]),
                    after=_name(person),
                    reason="ended_early" if ended_early else "period_ended",
                )
            )
        previous[key] = (assignment, person)
    return sorted(changes, key=lambda c: c.on)


def _covered_days(periods: list[tuple[date, date]]) -> int:
    """Days on which at least one of the periods ``[first, stop)`` runs."""
    return sum((stop - first).days for first, stop in _merged(periods))


def annual_report(
    session: Session,
    settings: Settings,
    *,
    organisation_id: int,
    year: int,
    viewer: Viewer | None = None,
) -> AnnualReport:
    """One client's year (planners, and the client's own contact).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such organisation in the viewer's scope.
        ValidationFailed: a year before 2000 or after this one.
    """
    require_role(viewer, Role.CLIENT, "read an organisation's annual report")
    ensure_own_organisation(viewer, organisation_id)
    organisation = get_or_404(session, Organisation, organisation_id, "organisation")
    start, end, as_of = _year(year, settings.today())
    rows = _confirmed(session, start, end, organisation_id)
    periods = []
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for (assignment, need, person), first, stop in _served(rows, start, end, as_of):
        periods.append(
            ServedPeriod(
                trust_person_id=assignment.trust_person_id,
                name=_name(person),
                need_kind=need.kind,
                first_day=first,
                last_day=stop - timedelta(days=1),
                planned_hours=_planned_hours(need.expected_hours_per_month, first, stop),
            )
        )
        spans[assignment.trust_person_id].append((first, stop))
    standings = [
        VpStanding(
            name=report.name,
            certificate_until=(
                report.certification_expires_on - timedelta(days=1)
                if report.certification_expires_on
                else None
            ),
            certification=report.certification_status.value,
            education=report.education_status.value if report.education_status else None,
            education_hours=report.total,
            education_required=report.total + report.total_shortfall,
        )
        for report in (compliance_report(session, settings, vp, as_of) for vp in spans)
    ]
    return AnnualReport(
        organisation_id=organisation_id,
        organisation_name=organisation.name,
        year=year,
        as_of=as_of,
        periods=sorted(periods, key=lambda p: (p.first_day, p.name)),
        changes=_changes(rows, start, as_of + timedelta(days=1), _ended_early(session, rows)),
        standings=sorted(standings, key=lambda s: s.name),
        offered_hours=_offered_hours(session, spans, settings.timezone),
        covered_days=_covered_days([span for group in spans.values() for span in group]),
        days=(end - start).days,
        sessions=[
            held
            for _, held in _sessions_held(session, start, as_of, settings.timezone, organisation_id)
        ],
    )


def _sessions_held(
    session: Session, start: date, as_of: date, timezone: str, organisation_id: int | None
) -> list[tuple[int, SessionHeld]]:
    """Information sessions held in the year: booked, ended by ``as_of`` and by now.

    Each with its organisation's id, in time order.
    """
    zone = ZoneInfo(timezone)
    first = datetime.combine(start, time(0), tzinfo=zone)
    until = min(datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=zone), utc_now())
    query = (
        select(InfoSession, TrustPerson)
        .outerjoin(TrustPerson, col(TrustPerson.id) == InfoSession.trust_person_id)
        .where(
            InfoSession.status == InfoSessionStatus.BOOKED,
            col(InfoSession.starts_at) >= first,
            col(InfoSession.ends_at) <= until,
        )
        .order_by(col(InfoSession.starts_at), col(InfoSession.id))
    )
    if organisation_id is not None:
        query = query.where(InfoSession.organisation_id == organisation_id)
    return [
        (
            row.organisation_id,
            SessionHeld(
                on=row.starts_at.astimezone(zone).date() if row.starts_at else start,
                kind=row.kind,
                trust_person=_name(person) if person is not None else "\u2013",
                audience=row.audience,
            ),
        )
        for row, person in session.exec(query).all()
    ]


def _offered_hours(
    session: Session, spans: dict[int, list[tuple[date, date]]], timezone: str
) -> float:
    """Working time the serving VPs offered while they served the client.

    Their weekly hours and overrides, less absences: each VP's whole working time in the
    periods they served, each day counted once however many of the client's needs they held.
    """
    zone = ZoneInfo(timezone)
    total = timedelta()
    for person_id, periods in spans.items():
        merged = _merged(periods)
        window = cal.Interval(
            datetime.combine(merged[0][0], time(0), tzinfo=zone),
            datetime.combine(merged[-1][1], time(0), tzinfo=zone),
        )
        state = availability_by_id(session, [person_id], window).get(person_id)
        if state is None:
            continue
        for first, stop in merged:
            lo = datetime.combine(first, time(0), tzinfo=zone)
            hi = datetime.combine(stop, time(0), tzinfo=zone)
            for interval in state.working:
                start, end = max(interval.start, lo), min(interval.end, hi)
                if end > start:
                    total += end - start
    return round(total.total_seconds() / 3600, 1)


def _merged(periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Periods ``[first, stop)`` joined where they overlap or touch, in order."""
    joined: list[tuple[date, date]] = []
    for first, stop in sorted(periods):
        if joined and first <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], stop))
        else:
            joined.append((first, stop))
    return joined


def provider_report(
    session: Session, settings: Settings, *, year: int, viewer: Viewer | None = None
) -> ProviderReport:
    """The provider's year: one line per client served, and the pool's standing (staff).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a year before 2000 or after this one.
    """
    require_staff(viewer, "read the provider's annual report")
    start, end, as_of = _year(year, settings.today())
    rows = _confirmed(session, start, end, None)
    early = _ended_early(session, rows)
    by_organisation: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_organisation[row[1].organisation_id].append(row)
    names = {
        organisation_id: (name, sector)
        for organisation_id, name, sector in session.exec(
            select(col(Organisation.id), col(Organisation.name), col(Organisation.sector)).where(
                col(Organisation.id).in_(by_organisation)
            )
        ).all()
    }
    held: dict[int, int] = defaultdict(int)
    for organisation_id, _ in _sessions_held(session, start, as_of, settings.timezone, None):
        held[organisation_id] += 1
    lines = []
    for organisation_id, group in by_organisation.items():
        hours = 0.0
        spans = []
        people = set()
        for (assignment, need, _person), first, stop in _served(group, start, end, as_of):
            hours += _planned_hours(need.expected_hours_per_month, first, stop)
            spans.append((first, stop))
            people.add(assignment.trust_person_id)
        if not people:
            continue
        lines.append(
            OrganisationYear(
                organisation_id=organisation_id,
                organisation_name=names[organisation_id][0],
                sector=names[organisation_id][1],
                trust_persons=len(people),
                planned_hours=round(hours, 1),
                covered_days=_covered_days(spans),
                changes=len(_changes(group, start, as_of + timedelta(days=1), early)),
                sessions_held=held[organisation_id],
            )
        )
    certification: dict[str, int] = defaultdict(int)
    education: dict[str, int] = defaultdict(int)
    pool = pool_on(session, settings, as_of)
    for report in compliance_reports(session, settings, as_of, pool=pool):
        certification[report.certification_status.value] += 1
        if report.education_status is not None:
            education[report.education_status.value] += 1
    return ProviderReport(
        year=year,
        as_of=as_of,
        days=(end - start).days,
        organisations=sorted(lines, key=lambda line: line.organisation_name.casefold()),
        certification=dict(certification),
        education=dict(education),
    )
