"""The employees' page of an organisation, and the public profiles of the VPs it shows.

Each client organisation can have one unlisted page for its employees: who their trust
persons are, which languages they speak, how to reach them and when they are next free.
The page opens with a token in its address (no login, no cookie, no form); the
organisation's contact or a planner makes the link and can rotate it, after which the old
address shows nothing. Only VPs with a confirmed assignment that runs today (or starts
within :data:`STARTING_SOON`) are shown; the works council's consent precedes confirmation.

What a VP shows beyond their name and languages is their own choice: the public profile
(an introduction, a phone number and an e-mail address for employees, and a photo:
:mod:`vppool.services.profile_photos`), which they keep on
their own page. Nothing here records who opened the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from vppool import calendar as cal
from vppool.db.models import (
    Assignment,
    EmployeePage,
    Need,
    Organisation,
    PublicProfile,
    PublicProfileBase,
    TrustPerson,
)
from vppool.db.types import utc_now
from vppool.errors import NotFound
from vppool.security import new_token
from vppool.services import audit
from vppool.services._common import (
    ensure_own_organisation,
    ensure_own_trust_person,
    get_or_404,
    require_role,
)
from vppool.services.access import Viewer
from vppool.services.availability import availability_by_id
from vppool.services.profile_photos import data_url
from vppool.vocab import AssignmentStatus, Role

__all__ = [
    "FREE_DAYS",
    "STARTING_SOON",
    "EmployeeView",
    "PageLink",
    "PublicVp",
    "employee_view",
    "page_link",
    "public_profile",
    "rotate_page_link",
    "save_public_profile",
]

#: A VP whose assignment starts within this many days is shown already.
STARTING_SOON = timedelta(days=30)
#: How far ahead the page looks for a VP's free time.
FREE_DAYS = 14
#: Free time shorter than this is no time for a conversation.
SHORTEST_FREE = timedelta(minutes=30)
#: How many free moments the page lists per VP.
FREE_MOMENTS = 3


@dataclass(frozen=True, slots=True)
class PageLink:
    """The organisation's current link token (``None``: no page yet)."""

    organisation_id: int
    organisation_name: str
    token: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class FreeMoment:
    """A stretch of free working time on one local day."""

    day: date
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class PublicVp:
    """A trust person as the organisation's employees see them."""

    trust_person_id: int
    first_name: str
    last_name: str
    languages: list[str]
    introduction: str | None
    phone: str | None
    email: str | None
    starts_on: date
    free: list[FreeMoment] = field(default_factory=list)
    #: The VP's photo as a ``data:`` URL, if they gave one.
    photo: str | None = None


@dataclass(frozen=True, slots=True)
class EmployeeView:
    """What the employees' page shows."""

    organisation_name: str
    trust_persons: list[PublicVp]
    first_day: date
    days: int


# --------------------------------------------------------------------------- the link


def _page_of(session: Session, organisation_id: int) -> EmployeePage | None:
    return session.exec(
        select(EmployeePage).where(EmployeePage.organisation_id == organisation_id)
    ).first()


def _profile_of(session: Session, trust_person_id: int) -> PublicProfile | None:
    return session.exec(
        select(PublicProfile).where(PublicProfile.trust_person_id == trust_person_id)
    ).first()


def _organisation(session: Session, viewer: Viewer, organisation_id: int) -> Organisation:
    require_role(viewer, Role.CLIENT, "keep an organisation's page for employees")
    ensure_own_organisation(viewer, organisation_id)
    return get_or_404(session, Organisation, organisation_id, "organisation")


def page_link(session: Session, viewer: Viewer, organisation_id: int) -> PageLink:
    """The organisation's link (its contact and planners only).

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such organisation in the viewer's scope.
    """
    organisation = _organisation(session, viewer, organisation_id)
    return _link(organisation_id, organisation, _page_of(session, organisation_id))


def _link(organisation_id: int, organisation: Organisation, page: EmployeePage | None) -> PageLink:
    token, made = (page.token, page.created_at) if page else (None, None)
    return PageLink(organisation_id, organisation.name, token, made)


def rotate_page_link(session: Session, viewer: Viewer, organisation_id: int) -> PageLink:
    """Make the organisation's link, or replace it: the old address stops at once.

    Raises:
        PermissionDenied: the viewer is a trust person.
        NotFound: no such organisation in the viewer's scope.
    """
    organisation = _organisation(session, viewer, organisation_id)
    page = _page_of(session, organisation_id)
    made = page is None
    if page is None:
        page = EmployeePage(organisation_id=organisation_id, token=new_token())
    else:
        page.token = new_token()
        page.created_at = utc_now()
    session.add(page)
    session.flush()
    audit.record_change(
        session,
        viewer.actor,
        action="employee_page_made" if made else "employee_page_rotated",
        entity_type="organisation",
        entity_id=organisation_id,
    )
    return _link(organisation_id, organisation, page)


# --------------------------------------------------------------------------- the page


def employee_view(session: Session, token: str, now: datetime, timezone: str) -> EmployeeView:
    """The page behind a link token, for anyone who has the link, as of ``now`` (aware).

    Raises:
        NotFound: the token opens no page (never made, or rotated since).
    """
    zone = ZoneInfo(timezone)
    now = now.astimezone(zone)
    today = now.date()
    page = session.exec(select(EmployeePage).where(EmployeePage.token == token)).first()
    if page is None:
        raise NotFound("employee page", "link")
    organisation = session.get(Organisation, page.organisation_id)
    if organisation is None or not organisation.active:  # a former client's page is gone
        raise NotFound("employee page", "link")
    rows = session.exec(
        select(col(Assignment.starts_on), TrustPerson, PublicProfile)
        .join(Need, col(Need.id) == col(Assignment.need_id))
        .join(TrustPerson, col(TrustPerson.id) == col(Assignment.trust_person_id))
        .join(
            PublicProfile,
            col(PublicProfile.trust_person_id) == col(TrustPerson.id),
            isouter=True,
        )
        .where(
            col(Need.organisation_id) == page.organisation_id,
            col(Assignment.status) == AssignmentStatus.CONFIRMED,
            col(Assignment.starts_on) <= today + STARTING_SOON,
            or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
            col(TrustPerson.active).is_(True),
        )
        .order_by(col(TrustPerson.sort_name), col(TrustPerson.id), col(Assignment.starts_on))
    ).all()
    people: dict[int, tuple[date, TrustPerson, PublicProfile | None]] = {}
    for starts_on, person, profile in rows:
        assert person.id is not None  # noqa: S101  (rows read from the database have ids)
        people.setdefault(person.id, (starts_on, person, profile))
    free = _free_moments(session, list(people), now)
    return EmployeeView(
        organisation_name=organisation.name,
        trust_persons=[
            PublicVp(
                trust_person_id=person_id,
                first_name=person.first_name,
                last_name=person.last_name,
                languages=list(person.languages),
                introduction=profile.introduction if profile else None,
                phone=profile.phone if profile else None,
                email=profile.email if profile else None,
                starts_on=starts_on,
                free=free.get(person_id, []),
                photo=data_url(profile.photo) if profile else None,
            )
            for person_id, (starts_on, person, profile) in people.items()
        ],
        first_day=today,
        days=FREE_DAYS,
    )


def _free_moments(session: Session, ids: list[int], now: datetime) -> dict[int, list[FreeMoment]]:
    """The first free stretches of at least :data:`SHORTEST_FREE` from ``now`` on, per VP."""
    if not ids:
        return {}
    zone = now.tzinfo
    window = cal.Interval(
        now, datetime.combine(now.date() + timedelta(days=FREE_DAYS), time(0), tzinfo=zone)
    )
    moments: dict[int, list[FreeMoment]] = {}
    for person_id, state in availability_by_id(session, ids, window).items():
        found = []
        for interval in state.free:
            if interval.end - interval.start < SHORTEST_FREE:
                continue
            start = interval.start.astimezone(zone)
            end = interval.end.astimezone(zone)
            if end.date() != start.date():  # free past midnight: show the day's part
                end = datetime.combine(start.date() + timedelta(days=1), time(0), tzinfo=zone)
            found.append(FreeMoment(start.date(), start.time(), end.time()))
            if len(found) == FREE_MOMENTS:
                break
        moments[person_id] = found
    return moments


# --------------------------------------------------------------------------- the profile


def public_profile(session: Session, viewer: Viewer, trust_person_id: int) -> PublicProfileBase:
    """What the VP shows employees (empty until they fill it in).

    Raises:
        NotFound: the VP is outside the viewer's scope (only the VP and planners see it).
    """
    ensure_own_trust_person(viewer, trust_person_id)
    get_or_404(session, TrustPerson, trust_person_id, "trust person")
    profile = _profile_of(session, trust_person_id)
    if profile is None:
        return PublicProfileBase()
    return PublicProfileBase.model_validate(profile, from_attributes=True)


def save_public_profile(
    session: Session, viewer: Viewer, trust_person_id: int, data: PublicProfileBase
) -> PublicProfileBase:
    """Keep what the VP shows employees; an empty field shows nothing.

    Raises:
        NotFound: the VP is outside the viewer's scope.
    """
    ensure_own_trust_person(viewer, trust_person_id)
    get_or_404(session, TrustPerson, trust_person_id, "trust person")
    profile = _profile_of(session, trust_person_id) or PublicProfile(
        trust_person_id=trust_person_id
    )
    changed = [
        name
        for name in PublicProfileBase.model_fields
        if getattr(profile, name) != getattr(data, name)
    ]
    for name in changed:
        setattr(profile, name, getattr(data, name))
    profile.updated_at = utc_now()
    session.add(profile)
    session.flush()
    if changed:
        audit.record_change(
            session,
            viewer.actor,
            action="public_profile_changed",
            entity_type="trust_person",
            entity_id=trust_person_id,
            fields=changed,
        )
    return PublicProfileBase.model_validate(profile, from_attributes=True)
