"""Information sessions at a client's site: requested, proposed, booked, cancelled.

A client contact (or a planner for them) requests a session: its kind (voorlichting, a
team's meeting, introducing a new VP), the site, a preferred period, how long it lasts, the
audience and the language, and optionally the VP they would like (one of their own).
vppool then proposes times at which a suitable VP is free:

* suitable: active, certified through the preferred period, speaks the session's language,
  no conflict of interest with the client, and the site within the VP's travel radius;
  the ``info_session_candidates`` nearest are searched (the preferred and own VPs always);
* free: the VP's weekly hours, date overrides, absences, public holidays, the busy time of
  their own calendars and their commitments in vppool (intervision sessions, other
  information sessions with their travel) — :func:`vppool.services.availability.availability_of`;
* travel included: the VP is free from the trip out (home to site) until back home; travel
  time is the distance as the crow flies times ``info_session_road_factor`` at
  ``info_session_travel_kmh``, in whole five minutes;
* within the client's working day (``info_session_day_start`` to ``info_session_day_end`` on
  weekdays that are no Dutch public holiday), in the provider's zone, DST included;
* ranked: the preferred VP first, then the client's own VPs, then less travel, then earlier.

A planner (or the client, when ``info_session_clients_book`` allows) books one: the time is
checked again, the session shows in the VP's and the client team's feeds, counts as busy
time everywhere availability is read, and the VP and the client's contacts are told.
A booked session can be moved (booked again) or cancelled; one whose end has passed counts
as held (the annual report counts those).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlmodel import Session, col, or_, select

from vppool import calendar as cal
from vppool import matching as m
from vppool.db.models import (
    Assignment,
    ConflictOfInterest,
    InfoSession,
    InfoSessionBase,
    Need,
    Organisation,
    Site,
    TrustPerson,
)
from vppool.db.schemas import MAX_ID, Page, PageQuery
from vppool.db.types import utc_now
from vppool.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from vppool.services import audit, notices
from vppool.services._common import (
    acting,
    ensure_own_organisation,
    fetch_page,
    get_or_404,
    in_scope,
    require_role,
    require_staff,
    sees_everything,
    where_given,
)
from vppool.services.access import Viewer
from vppool.services.availability import availability_of
from vppool.services.compliance import current_certificates
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, InfoSessionKind, InfoSessionStatus, Role

__all__ = [
    "InfoSessionBooking",
    "InfoSessionPublic",
    "InfoSessionRequest",
    "Proposal",
    "book_session",
    "cancel_session",
    "get_session",
    "list_sessions",
    "propose_times",
    "request_session",
]

#: Start times are on this grid (local minutes past the hour).
_GRID = timedelta(minutes=15)
#: Travel time is rounded up to whole steps of this many minutes.
_TRAVEL_STEP = 5
#: At most this many proposals per VP (the earliest per day, then the next days).
_PER_PERSON = 3


class InfoSessionRequest(InfoSessionBase):
    """A request for a session: the client's own organisation unless a planner names one."""

    organisation_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    site_id: int = Field(ge=1, le=MAX_ID)
    preferred_trust_person_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class InfoSessionBooking(BaseModel):
    """A proposed time picked for a session: the VP and the start (aware)."""

    trust_person_id: int = Field(ge=1, le=MAX_ID)
    starts_at: datetime


class InfoSessionPublic(BaseModel):
    """A session as the API and the pages show it; the period by its first and last day."""

    id: int
    organisation_id: int
    organisation_name: str
    site_id: int | None
    site_name: str | None
    kind: InfoSessionKind
    status: InfoSessionStatus
    first_day: date
    last_day: date
    duration_minutes: int
    audience: int
    language: str
    note: str | None
    preferred_trust_person_id: int | None
    trust_person_id: int | None
    trust_person_name: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    travel_minutes: int
    held: bool
    created_at: datetime


class Proposal(BaseModel):
    """A time at which a suitable VP is free for the session, travel included."""

    trust_person_id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    travel_minutes: int
    distance_km: float
    preferred: bool
    own: bool


# --------------------------------------------------------------------------- reading


def _public(session: Session, rows: Sequence[InfoSession]) -> list[InfoSessionPublic]:
    org_ids = {row.organisation_id for row in rows}
    site_ids = {row.site_id for row in rows if row.site_id is not None}
    vp_ids = {row.trust_person_id for row in rows if row.trust_person_id is not None}
    orgs = dict(
        session.exec(
            select(col(Organisation.id), col(Organisation.name)).where(
                col(Organisation.id).in_(org_ids)
            )
        ).all()
    )
    sites = dict(
        session.exec(select(col(Site.id), col(Site.name)).where(col(Site.id).in_(site_ids))).all()
    )
    people = {
        p.id: f"{p.first_name} {p.last_name}"
        for p in session.exec(select(TrustPerson).where(col(TrustPerson.id).in_(vp_ids))).all()
    }
    now = utc_now()
    return [
        InfoSessionPublic(
            id=row.id or 0,
            organisation_id=row.organisation_id,
            organisation_name=orgs.get(row.organisation_id, ""),
            site_id=row.site_id,
            site_name=sites.get(row.site_id) if row.site_id is not None else None,
            kind=row.kind,
            status=row.status,
            first_day=row.starts_on,
            last_day=row.ends_on - timedelta(days=1),
            duration_minutes=row.duration_minutes,
            audience=row.audience,
            language=row.language,
            note=row.note,
            preferred_trust_person_id=row.preferred_trust_person_id,
            trust_person_id=row.trust_person_id,
            trust_person_name=people.get(row.trust_person_id) if row.trust_person_id else None,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            travel_minutes=row.travel_minutes,
            held=_held(row, now),
            created_at=row.created_at,
        )
        for row in rows
    ]


def _held(row: InfoSession, now: datetime) -> bool:
    """A booked session whose end has passed."""
    return row.status is InfoSessionStatus.BOOKED and row.ends_at is not None and row.ends_at <= now


def _scoped(session: Session, info_session_id: int, viewer: Viewer | None) -> InfoSession:
    """The session if the viewer may see it, else NotFound (as if it did not exist).

    Staff see every session, a client contact their organisation's, a VP the ones they hold.
    """
    row = get_or_404(session, InfoSession, info_session_id, "information session")
    if sees_everything(viewer):
        return row
    assert viewer is not None  # noqa: S101  (sees_everything covers None)
    if viewer.role is Role.CLIENT and viewer.organisation_id == row.organisation_id:
        return row
    if (
        viewer.role is Role.TRUST_PERSON
        and row.trust_person_id is not None
        and viewer.trust_person_id == row.trust_person_id
    ):
        return row
    raise NotFound("information session", info_session_id)


def get_session(
    session: Session, *, info_session_id: int, viewer: Viewer | None = None
) -> InfoSessionPublic:
    """One session (staff; a client contact their organisation's; a VP their own).

    Raises:
        NotFound: no such session in the viewer's scope.
    """
    return _public(session, [_scoped(session, info_session_id, viewer)])[0]


class InfoSessionQuery(PageQuery):
    """A page of sessions: of a status, organisation or trust person (each if given)."""

    status: InfoSessionStatus | None = None
    organisation_id: int | None = None
    trust_person_id: int | None = None


def list_sessions(
    session: Session, query: InfoSessionQuery, *, viewer: Viewer | None = None
) -> Page[InfoSessionPublic]:
    """Sessions, requests first by their period, then booked ones by time.

    Staff see every session; a client contact their organisation's; a VP the ones they hold.
    """
    statement = in_scope(
        select(InfoSession),
        viewer,
        organisation=lambda key: InfoSession.organisation_id == key,
        trust_person=lambda key: InfoSession.trust_person_id == key,
    )
    statement = where_given(
        statement,
        (InfoSession.status, query.status),
        (InfoSession.organisation_id, query.organisation_id),
        (InfoSession.trust_person_id, query.trust_person_id),
    )
    return fetch_page(
        session,
        statement,
        query,
        public=InfoSessionPublic,
        ordering=[
            col(InfoSession.starts_at).desc().nulls_first(),
            col(InfoSession.starts_on).asc(),
            col(InfoSession.id).asc(),
        ],
        convert=lambda rows: _public(session, rows),
    )


# --------------------------------------------------------------------------- requesting


def _own_vp_ids(session: Session, organisation_id: int, first: date, end: date) -> set[int]:
    """VPs with a confirmed assignment at the organisation that runs in ``[first, end)``."""
    return set(
        session.exec(
            select(Assignment.trust_person_id)
            .join(Need, col(Need.id) == Assignment.need_id)
            .where(
                Need.organisation_id == organisation_id,
                Assignment.status == AssignmentStatus.CONFIRMED,
                col(Assignment.starts_on) < end,
                or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > first),
            )
        ).all()
    )


def request_session(
    session: Session,
    settings: Settings,
    *,
    data: InfoSessionRequest,
    viewer: Viewer | None = None,
    today: date | None = None,
) -> InfoSessionPublic:
    """File a request for a session; the planners are told.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: the organisation is outside the viewer's scope.
        ValidationFailed: the site is not the organisation's, the preferred VP is not one
            of theirs (for a client contact), the period starts in the past or is longer
            than ``info_session_max_days``.
    """
    require_role(viewer, Role.CLIENT, "request an information session")
    organisation_id = data.organisation_id
    if viewer is not None and viewer.role is Role.CLIENT:
        organisation_id = organisation_id or viewer.organisation_id
    if organisation_id is None:
        raise ValidationFailed.single(
            "organisation_id", "Choose the organisation.", subject="information session"
        )
    ensure_own_organisation(viewer, organisation_id)
    organisation = get_or_404(session, Organisation, organisation_id, "organisation")
    today = today or settings.today()
    errors = []
    site = session.get(Site, data.site_id)
    if site is None or site.organisation_id != organisation_id:
        errors.append(FieldError("site_id", "Choose one of the organisation's sites."))
    if data.starts_on < today:
        errors.append(FieldError("starts_on", "The first day may not lie in the past."))
    if (data.ends_on - data.starts_on).days > settings.info_session_max_days:
        errors.append(
            FieldError(
                "ends_on",
                "The period may be at most {days} days long.",
                {"days": settings.info_session_max_days},
            )
        )
    preferred = data.preferred_trust_person_id
    if preferred is not None:
        person = session.get(TrustPerson, preferred)
        own = _own_vp_ids(session, organisation_id, data.starts_on, data.ends_on)
        client = viewer is not None and viewer.role is Role.CLIENT
        if person is None or not person.active or (client and preferred not in own):
            errors.append(
                FieldError("preferred_trust_person_id", "Choose one of your own trust persons.")
            )
    if errors:
        raise ValidationFailed(errors, subject="information session")
    row = InfoSession(
        **InfoSessionBase.model_validate(data, from_attributes=True).model_dump(),
        organisation_id=organisation_id,
        site_id=data.site_id,
        preferred_trust_person_id=preferred,
        requested_by_user_id=viewer.user_id if viewer is not None else None,
    )
    session.add(row)
    session.flush()
    audit.record_event(session, acting(viewer), ("info_session", row.id), "requested")
    notices.info_session_requested(session, row, organisation)
    return _public(session, [row])[0]


# --------------------------------------------------------------------------- proposing


@dataclass(frozen=True, slots=True)
class _Candidate:
    person: TrustPerson
    km: float
    travel: timedelta
    preferred: bool
    own: bool


def _travel(settings: Settings, km: float) -> timedelta:
    """Travel time one way for ``km`` as the crow flies, in whole steps of five minutes."""
    minutes = km * settings.info_session_road_factor / settings.info_session_travel_kmh * 60
    return timedelta(minutes=_TRAVEL_STEP * math.ceil(minutes / _TRAVEL_STEP))


def _candidates(
    session: Session,
    settings: Settings,
    row: InfoSession,
    site: Site,
    *,
    only: int | None = None,
) -> list[_Candidate]:
    """The suitable VPs, nearest first (preferred and own VPs first of all)."""
    query = select(TrustPerson).where(col(TrustPerson.active).is_(True))
    if only is not None:
        query = query.where(TrustPerson.id == only)
    conflicted = set(
        session.exec(
            select(ConflictOfInterest.trust_person_id).where(
                ConflictOfInterest.organisation_id == row.organisation_id,
                or_(
                    col(ConflictOfInterest.starts_on).is_(None),
                    col(ConflictOfInterest.starts_on) < row.ends_on,
                ),
                or_(
                    col(ConflictOfInterest.ends_on).is_(None),
                    col(ConflictOfInterest.ends_on) > row.starts_on,
                ),
            )
        ).all()
    )
    own = _own_vp_ids(session, row.organisation_id, row.starts_on, row.ends_on)
    certified = {
        vp_id
        for vp_id, held in current_certificates(session, row.starts_on).items()
        if held.expires_on >= row.ends_on  # both ends exclusive: valid through the period
    }
    place = m.Location(site.latitude, site.longitude)
    found = []
    for person in session.exec(query).all():
        if (
            person.id in conflicted
            or person.id not in certified
            or row.language not in person.languages
        ):
            continue
        km = m.haversine_km(m.Location(person.home_latitude, person.home_longitude), place)
        if km > person.max_travel_km:
            continue
        found.append(
            _Candidate(
                person,
                round(km, 1),
                _travel(settings, km),
                person.id == row.preferred_trust_person_id,
                person.id in own,
            )
        )
    found.sort(key=lambda c: (not c.preferred, not c.own, c.km, c.person.id))
    keep = settings.info_session_candidates
    return [c for i, c in enumerate(found) if i < keep or c.preferred or c.own]


def _client_days(settings: Settings, first: date, end: date) -> list[cal.Interval]:
    """The client's working hours on each weekday of ``[first, end)`` but public holidays."""
    zone = settings.zone
    holidays = cal.dutch_public_holidays(first, end)
    hours = cal.TimeRange(settings.info_session_day_start, settings.info_session_day_end)
    days = []
    day = first
    while day < end:
        if day.weekday() < 5 and day not in holidays:
            interval = hours.on(day, zone)
            if interval is not None:
                days.append(interval)
        day += timedelta(days=1)
    return days


def _on_grid(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` rounded up to the next quarter hour of local time."""
    local = moment.astimezone(zone)
    base = local.replace(minute=0, second=0, microsecond=0)
    steps = math.ceil((local - base) / _GRID)
    return (base + steps * _GRID).astimezone(UTC)


def _slots(
    free: Sequence[cal.Interval],
    days: Sequence[cal.Interval],
    travel: timedelta,
    length: timedelta,
    *,
    zone: ZoneInfo,
    after: datetime,
) -> list[datetime]:
    """The earliest start per client day at which the VP is free from leaving until back."""
    starts = []
    for day in days:
        for interval in free:
            earliest = max(interval.start + travel, day.start, after)
            start = _on_grid(earliest, zone)
            end = start + length
            if end <= day.end and end + travel <= interval.end:
                starts.append(start)
                break
    return starts


def _window(settings: Settings, row: InfoSession) -> cal.Interval:
    zone = settings.zone
    return cal.Interval(cal.local_day(row.starts_on, zone), cal.local_day(row.ends_on, zone))


def _proposals(
    session: Session,
    settings: Settings,
    row: InfoSession,
    *,
    only: int | None = None,
    now: datetime | None = None,
) -> list[Proposal]:
    site = session.get(Site, row.site_id) if row.site_id is not None else None
    if site is None:
        return []
    candidates = _candidates(session, settings, row, site, only=only)
    if not candidates:
        return []
    window = _window(settings, row)
    states = availability_of(
        session,
        [c.person for c in candidates],
        window,
        leave_out_info_session=row.id,
    )
    days = _client_days(settings, row.starts_on, row.ends_on)
    length = timedelta(minutes=row.duration_minutes)
    after = now or utc_now()
    proposals = []
    for c in candidates:
        assert c.person.id is not None  # noqa: S101  (read from the database)
        starts = _slots(
            states[c.person.id].free, days, c.travel, length, zone=settings.zone, after=after
        )
        proposals += [_proposal(c, start, length) for start in starts]
    return proposals


def _proposal(c: _Candidate, start: datetime, length: timedelta) -> Proposal:
    assert c.person.id is not None  # noqa: S101  (read from the database)
    return Proposal(
        trust_person_id=c.person.id,
        name=f"{c.person.first_name} {c.person.last_name}",
        starts_at=start,
        ends_at=start + length,
        travel_minutes=int(c.travel.total_seconds() // 60),
        distance_km=c.km,
        preferred=c.preferred,
        own=c.own,
    )


def propose_times(
    session: Session,
    settings: Settings,
    *,
    info_session_id: int,
    viewer: Viewer | None = None,
    limit: int = 12,
    now: datetime | None = None,
) -> list[Proposal]:
    """Times at which a suitable VP is free for the session, best first (see the module).

    At most three per VP (the earliest of different days). Planners see them; a client
    contact too when ``info_session_clients_book`` lets clients pick.

    Raises:
        PermissionDenied: a trust person, or a client contact while clients may not pick.
        NotFound: no such session in the viewer's scope.
    """
    _may_book(settings, viewer)
    row = _scoped(session, info_session_id, viewer)
    if row.status is InfoSessionStatus.CANCELLED:
        return []
    ranked = sorted(
        _proposals(session, settings, row, now=now),
        key=lambda p: (not p.preferred, not p.own, p.travel_minutes, p.starts_at, p.name),
    )
    per_person: dict[int, int] = {}
    chosen = []
    for proposal in ranked:
        count = per_person.get(proposal.trust_person_id, 0)
        if count < _PER_PERSON:
            per_person[proposal.trust_person_id] = count + 1
            chosen.append(proposal)
        if len(chosen) >= limit:
            break
    return chosen


def _may_book(settings: Settings, viewer: Viewer | None) -> None:
    if viewer is not None and viewer.role is Role.CLIENT and settings.info_session_clients_book:
        return
    require_staff(viewer, "choose a time for an information session")


# --------------------------------------------------------------------------- booking


def book_session(
    session: Session,
    settings: Settings,
    *,
    info_session_id: int,
    data: InfoSessionBooking,
    viewer: Viewer | None = None,
    now: datetime | None = None,
) -> InfoSessionPublic:
    """Book the session with the VP at the time given (or move a booked one there).

    The time must still be free: the VP's proposals are worked out again. The VP and the
    client's contacts are told (and a VP taken off a moved session).

    Raises:
        PermissionDenied: a trust person, or a client contact while clients may not pick.
        NotFound: no such session in the viewer's scope.
        ValidationFailed: the session is cancelled, or the VP is not free then.
    """
    _may_book(settings, viewer)
    row = _scoped(session, info_session_id, viewer)
    if row.status is InfoSessionStatus.CANCELLED:
        raise ValidationFailed.single(
            "status", "This session is cancelled.", subject="information session"
        )
    if data.starts_at.tzinfo is None:
        raise ValidationFailed.single(
            "starts_at", "Give the time with its offset from UTC.", subject="information session"
        )
    starts_at = data.starts_at.astimezone(UTC)
    proposal = _fitting(
        session, settings, row, data.trust_person_id, starts_at=starts_at, now=now or utc_now()
    )
    if proposal is None:
        raise ValidationFailed.single(
            "starts_at",
            "The trust person is not free at that time (travel included); choose another.",
            subject="information session",
        )
    before = row.trust_person_id if row.status is InfoSessionStatus.BOOKED else None
    moved = row.status is InfoSessionStatus.BOOKED
    row.status = InfoSessionStatus.BOOKED
    row.trust_person_id = proposal.trust_person_id
    row.starts_at = starts_at
    row.ends_at = starts_at + timedelta(minutes=row.duration_minutes)
    row.travel_minutes = proposal.travel_minutes
    row.revision += 1
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    audit.record_event(
        session,
        acting(viewer),
        ("info_session", row.id),
        "moved" if moved else "booked",
        {"trust_person_id": row.trust_person_id, "starts_at": starts_at.isoformat()},
    )
    organisation = get_or_404(session, Organisation, row.organisation_id, "organisation")
    notices.info_session_booked(session, row, organisation, moved=moved)
    if before is not None and before != row.trust_person_id:
        notices.info_session_cancelled(session, row, organisation, trust_person_id=before)
    return _public(session, [row])[0]


def _fitting(
    session: Session,
    settings: Settings,
    row: InfoSession,
    trust_person_id: int,
    *,
    starts_at: datetime,
    now: datetime,
) -> Proposal | None:
    """The VP at ``starts_at`` as a proposal if that time works, else ``None``.

    It works when the VP is suitable, the start is on the quarter-hour grid and in the
    future, the session lies within the client's day, and the VP is free from leaving home
    until back (this session itself left out, so a booked one can move within its time).
    """
    site = session.get(Site, row.site_id) if row.site_id is not None else None
    found = _candidates(session, settings, row, site, only=trust_person_id) if site else []
    if not found or starts_at <= now or _on_grid(starts_at, settings.zone) != starts_at:
        return None
    candidate = found[0]
    length = timedelta(minutes=row.duration_minutes)
    in_day = any(
        day.start <= starts_at and starts_at + length <= day.end
        for day in _client_days(settings, row.starts_on, row.ends_on)
    )
    state = availability_of(
        session, [candidate.person], _window(settings, row), leave_out_info_session=row.id
    )[trust_person_id]
    leaves, back = starts_at - candidate.travel, starts_at + length + candidate.travel
    free = any(i.start <= leaves and back <= i.end for i in state.free)
    return _proposal(candidate, starts_at, length) if in_day and free else None


def cancel_session(
    session: Session,
    *,
    info_session_id: int,
    viewer: Viewer | None = None,
) -> InfoSessionPublic:
    """Cancel a request or a booked session (staff, or the client's own contact).

    Its VP (if booked) and the client's contacts are told (the planners too when the client
    cancels); the feeds show it cancelled.

    Raises:
        PermissionDenied: a trust person.
        NotFound: no such session in the viewer's scope.
        ValidationFailed: it is cancelled already, or was held.
    """
    require_role(viewer, Role.CLIENT, "cancel an information session")
    row = _scoped(session, info_session_id, viewer)
    if row.status is InfoSessionStatus.CANCELLED or _held(row, utc_now()):
        raise ValidationFailed.single(
            "status",
            "This session is cancelled already or was held.",
            subject="information session",
        )
    was_booked = row.status is InfoSessionStatus.BOOKED
    row.status = InfoSessionStatus.CANCELLED
    row.revision += 1
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    audit.record_event(session, acting(viewer), ("info_session", row.id), "cancelled")
    organisation = get_or_404(session, Organisation, row.organisation_id, "organisation")
    notices.info_session_cancelled(
        session,
        row,
        organisation,
        trust_person_id=row.trust_person_id if was_booked else None,
        staff=viewer is not None and viewer.role is Role.CLIENT,
    )
    return _public(session, [row])[0]


def may_book(settings: Settings, viewer: Viewer | None) -> bool:
    """Whether the viewer may see proposals and book (for the pages' buttons)."""
    try:
        _may_book(settings, viewer)
    except PermissionDenied:
        return False
    return True
