"""Calendar feeds behind secret tokens: gather the rows, render with :mod:`vppool.calendar`.

Three feeds: a VP's own schedule (assignments with client, site, contact person, hours and
last day; placements they are asked for as tentative events with the link to answer;
intervision sessions, information sessions at clients, certificate dates), a VP's
availability (busy and free blocks only) and a client team's availability (per VP, first
name only) with the client's information sessions. Each answer carries a strong ETag and
a Last-Modified from the stored, monotonic ``feed_state`` of its subject, so
clients can revalidate cheaply.

Feeds are polled far more often than they change, so each process keeps the rendered
answers of recent feeds, keyed by what the body depends on: the feed and its subject, the
date it is rendered for, and the stored "changed at" of every subject it shows (which
:mod:`vppool.db.feed_changes` raises on every change a feed shows, in the same
transaction). A poll of an unchanged feed is then the token lookup, one read of
``feed_state`` and a dictionary lookup; several processes each keep their own. The token
is looked up on every request, so a revoked link answers 404 at once in every process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from vppool import calendar as cal
from vppool.db.models import (
    Assignment,
    Certification,
    FeedState,
    InfoSession,
    IntervisionGroup,
    IntervisionMember,
    IntervisionSession,
    Need,
    Organisation,
    Site,
    TrustPerson,
)
from vppool.services import consent, notices
from vppool.services._common import address_line
from vppool.services.availability import availability_of
from vppool.services.compliance import current_certificates
from vppool.services.feed_tokens import FeedTarget, resolve_feed_token
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, FeedKind, InfoSessionStatus

__all__ = ["RENDERED", "RenderedFeeds", "feed_for_token"]

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
#: A VP's feed shows their assignments, the placements they are asked for (tentative, with
#: the link to answer) and, a while, the cancelled and declined ones.
_SHOWN = (
    AssignmentStatus.ASKED,
    AssignmentStatus.CONFIRMED,
    AssignmentStatus.ENDED,
    AssignmentStatus.CANCELLED,
    AssignmentStatus.DECLINED,
)


def _changed_at(session: Session, key: str) -> datetime:
    return _changed_of(session, [key])[key]


#: Read on every feed request, so as plain columns (no ORM objects).
_STATES = sa.select(col(FeedState.key), col(FeedState.changed_at)).where(
    col(FeedState.key).in_(sa.bindparam("keys", expanding=True))
)


def _changed_of(session: Session, keys: list[str]) -> dict[str, datetime]:
    """The stored "changed at" of each feed subject (a fixed early time if never changed)."""
    rows = session.connection().execute(_STATES, {"keys": keys}).all()
    found: dict[str, datetime] = {row.key: row.changed_at for row in rows}
    return {key: found.get(key, EPOCH) for key in keys}


class RenderedFeeds:
    """The most recently served feeds of this process, by what their bodies depend on."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._answers: OrderedDict[Hashable, cal.FeedResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, render: Callable[[], cal.FeedResponse | None]
    ) -> cal.FeedResponse | None:
        """The answer stored for ``key``, or ``render()``'s (stored unless ``None``)."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                return answer
        answer = render()
        if answer is not None:
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > self._size:
                    self._answers.popitem(last=False)
        return answer

    def clear(self) -> None:
        """Forget every stored answer."""
        with self._lock:
            self._answers.clear()


RENDERED = RenderedFeeds()


def feed_for_token(
    session: Session, settings: Settings, secret: str, *, today: date | None = None
) -> cal.FeedResponse | None:
    """The feed a token opens, rendered, or ``None`` for an unknown or revoked token."""
    target = resolve_feed_token(session, secret)
    if target is None:
        return None
    today = today or settings.today()
    # Ids and "changed at" times are only unique within one database; a process may serve
    # (or, in tests, see) several.
    database = str(session.get_bind().engine.url)
    if target.kind is FeedKind.ORGANISATION_AVAILABILITY:
        organisation_id = target.organisation_id
        team = _team_of(session, organisation_id)
        keys = [f"org:{organisation_id}", *(f"vp:{vp_id}" for vp_id in team)]
        changed = _changed_of(session, keys)
        team_key = (
            database,
            target.kind,
            organisation_id,
            today,
            settings.timezone,
            *changed.items(),
        )
        return RENDERED.get(team_key, lambda: _team_feed(session, settings, target, team, today))
    vp_id = target.trust_person_id
    key = (database, target.kind, vp_id, today, _changed_at(session, f"vp:{vp_id}"))

    def render() -> cal.FeedResponse | None:
        person = session.get(TrustPerson, vp_id)
        if person is None:
            return None
        if target.kind is FeedKind.VP_SCHEDULE:
            return _schedule_feed(session, settings, person, today)
        return _availability_feed(session, person, today)

    return RENDERED.get(key, render)


def _schedule_feed(
    session: Session, settings: Settings, person: TrustPerson, today: date
) -> cal.FeedResponse:
    assert person.id is not None  # noqa: S101  (read from the database)
    rows = session.exec(
        select(Assignment, Need, Organisation)
        .join(Need, col(Need.id) == Assignment.need_id)
        .join(Organisation, col(Organisation.id) == Need.organisation_id)
        .where(Assignment.trust_person_id == person.id, col(Assignment.status).in_(_SHOWN))
    ).all()
    assignments = []
    for a, need, org in rows:
        where = notices.whereabouts(session, need, org)
        asked = a.status is AssignmentStatus.ASKED and a.id is not None
        assignments.append(
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
                title=need.title,
                site=where.site,
                contact=where.contact,
                hours=where.hours,
                answer_url=consent.answer_url(settings, a.id or 0) if asked else None,
            )
        )
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
    current = current_certificates(session, today).get(person.id)
    cert = None if current is None else session.get(Certification, current.id)
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
        info_sessions=_info_sessions(session, InfoSession.trust_person_id == person.id),
    )
    changed = _changed_at(session, f"vp:{person.id}")
    return cal.feed_response(body, changed_at=changed, today=today, timezone=person.timezone)


def _info_sessions(session: Session, *where: object) -> list[cal.FeedInfoSession]:
    """Booked (and cancelled after booking) information sessions, with their site and VP."""
    rows = session.exec(
        select(InfoSession, Organisation, TrustPerson, Site)
        .join(Organisation, col(Organisation.id) == InfoSession.organisation_id)
        .join(TrustPerson, col(TrustPerson.id) == InfoSession.trust_person_id)
        .outerjoin(Site, col(Site.id) == InfoSession.site_id)
        .where(
            col(InfoSession.status).in_([InfoSessionStatus.BOOKED, InfoSessionStatus.CANCELLED]),
            col(InfoSession.starts_at).is_not(None),
            *where,  # type: ignore[arg-type]
        )
    ).all()
    items = []
    for row, organisation, person, site in rows:
        assert row.starts_at is not None  # noqa: S101  (selected above)
        assert row.ends_at is not None  # noqa: S101  (set with starts_at)
        cancelled = row.status is InfoSessionStatus.CANCELLED
        items.append(
            cal.FeedInfoSession(
                id=row.id or 0,
                revision=row.revision,
                updated_at=row.updated_at,
                kind=row.kind.value,
                organisation_name=organisation.name,
                trust_person_name=person.first_name,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                location=None
                if site is None
                else address_line(site.name, site.address, site.postcode, site.municipality),
                cancelled_at=row.updated_at if cancelled else None,
            )
        )
    return items


def _availability_feed(session: Session, person: TrustPerson, today: date) -> cal.FeedResponse:
    assert person.id is not None  # noqa: S101  (read from the database)
    options = cal.FeedOptions()
    window = options.window.interval(today, ZoneInfo(person.timezone))
    state = availability_of(session, [person], window)[person.id]
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


def _team_of(
    session: Session, organisation_id: int | None
) -> dict[int, list[tuple[date, date | None]]]:
    """The VPs with a confirmed assignment at the organisation: their periods there, by id."""
    team: dict[int, list[tuple[date, date | None]]] = {}
    for vp_id, starts_on, ends_on in session.exec(
        select(col(Assignment.trust_person_id), col(Assignment.starts_on), col(Assignment.ends_on))
        .join(Need, col(Need.id) == Assignment.need_id)
        .where(
            Need.organisation_id == organisation_id,
            Assignment.status == AssignmentStatus.CONFIRMED,
        )
        .order_by(col(Assignment.trust_person_id), col(Assignment.starts_on))
    ).all():
        team.setdefault(vp_id, []).append((starts_on, ends_on))
    return team


def _serving(
    periods: list[tuple[date, date | None]], window: cal.Interval, zone: ZoneInfo
) -> tuple[cal.Interval, ...]:
    """A member's periods at the organisation as instants (open ends run to the window's)."""
    spans = []
    for starts_on, ends_on in periods:
        start = cal.local_day(starts_on, zone)
        end = window.end if ends_on is None else min(cal.local_day(ends_on, zone), window.end)
        if start < end:
            spans.append(cal.Interval(start, end))
    return tuple(spans)


def _team_feed(
    session: Session,
    settings: Settings,
    target: FeedTarget,
    team: dict[int, list[tuple[date, date | None]]],
    today: date,
) -> cal.FeedResponse | None:
    organisation = session.get(Organisation, target.organisation_id)
    if organisation is None or organisation.id is None:
        return None
    people = list(
        session.exec(
            select(TrustPerson)
            .where(col(TrustPerson.id).in_(list(team)))
            .order_by(col(TrustPerson.id))
        ).all()
    )
    options = cal.FeedOptions()
    window = options.window.interval(today, settings.zone)
    states = availability_of(session, people, window)
    members = [
        cal.TeamMember(
            trust_person_id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            busy=states[p.id].busy,
            free=states[p.id].free,
            serving=_serving(team[p.id], window, settings.zone),
        )
        for p in people
        if p.id is not None
    ]
    changed = max(
        _changed_of(session, [f"org:{organisation.id}", *(f"vp:{p.id}" for p in people)]).values()
    )
    body = cal.render_team_feed(
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        timezone=settings.timezone,
        today=today,
        changed_at=changed,
        members=members,
        info_sessions=_info_sessions(session, InfoSession.organisation_id == organisation.id),
        options=options,
    )
    return cal.feed_response(body, changed_at=changed, today=today, timezone=settings.timezone)
