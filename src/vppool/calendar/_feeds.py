"""RFC 5545 feeds: a VP's own schedule, and busy/free-only availability feeds.

Every feed is one ``VCALENDAR`` with ``METHOD:PUBLISH``, ``PRODID``, ``VERSION``, ``NAME`` and
``X-WR-CALNAME``, ``REFRESH-INTERVAL;VALUE=DURATION`` and ``X-PUBLISHED-TTL``. Timed items of
the VP's schedule are written in the VP's zone with a ``VTIMEZONE`` that covers the window;
availability blocks are written in UTC, so they need none; nothing is floating. All-day items
end on the day after their last day (``DTEND`` is exclusive).

What a subscriber's calendar keys on is derived from stored data only, so two renders of
unchanged data give the same bytes: ``UID`` from the entity (``assignment-42@vppool``),
``SEQUENCE`` from its revision, ``LAST-MODIFIED`` and ``DTSTAMP`` from its last change.
Cancelled items stay in the feed as ``STATUS:CANCELLED`` for a while, so subscribers remove
them instead of keeping a stale copy. The feed covers a bounded window around ``today``;
the body depends only on the data and ``today`` (see :func:`feed_response`).

Rendered events are cached by their (immutable) input, so a feed whose items did not change
is assembled from cached bytes; the ``VTIMEZONE`` is cached per zone and year range.

The client-team feed (:func:`render_team_feed`) shows, for each VP who serves the
organisation, that VP's busy (and optionally free) blocks as separate events labelled only
with the VP's first name ("Anna: bezet"). Blocks carry no source: nothing about other
clients, assignments or the VP's own appointments can appear, because the input has none.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from enum import StrEnum
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event, Timezone, vDuration
from icalendar.enums import CLASS, STATUS, TRANSP
from icalendar.timezone import tzid_from_tzinfo

from vppool.calendar._intervals import BusyBlock, Interval, intersect, merge
from vppool.vocab import AssignmentStatus, NeedKind, SessionStatus

__all__ = [
    "PRODID",
    "DeadlineKind",
    "FeedAssignment",
    "FeedDeadline",
    "FeedInfoSession",
    "FeedOptions",
    "FeedResponse",
    "FeedSession",
    "FeedTraining",
    "FeedWindow",
    "Language",
    "TeamMember",
    "feed_response",
    "render_availability_feed",
    "render_team_feed",
    "render_vp_feed",
    "team_labels",
]

PRODID = "-//vppool//vppool feeds 1.0//NL"
UID_DOMAIN = "vppool"
CONTENT_TYPE = "text/calendar; charset=utf-8"
_END = b"END:VCALENDAR\r\n"
_CACHE_SIZE = 50_000

Language = Literal["nl", "en"]


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} must be timezone-aware, got {moment.isoformat()}"
        raise ValueError(msg)
    return moment.astimezone(UTC)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class FeedAssignment:
    """An assignment as its VP's feed shows it: whole days ``[starts_on, ends_on)``.

    ``ends_on`` is exclusive like everywhere in vppool; ``None`` is a standing assignment
    without an agreed end, shown up to a horizon that moves once a year (see
    :func:`_open_end_horizon`), so the event does not change from day to day.
    """

    id: int
    revision: int
    updated_at: datetime
    organisation_name: str
    need_kind: NeedKind
    starts_on: date
    ends_on: date | None
    status: AssignmentStatus
    cancelled_at: datetime | None = None
    #: What the VP needs to know (the event's description and location): the need's title,
    #: the site's address, the client's contact person and the hours a month.
    title: str = ""
    site: str | None = None
    contact: str | None = None
    hours: float | None = None
    #: The page where the VP answers a placement they are asked for (``status`` asked).
    answer_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "updated_at", _aware(self.updated_at, "updated_at"))
        if self.cancelled_at is not None:
            object.__setattr__(self, "cancelled_at", _aware(self.cancelled_at, "cancelled_at"))
        if self.ends_on is not None and self.ends_on <= self.starts_on:
            msg = f"assignment {self.id}: ends_on must be after starts_on (it is exclusive)"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class FeedSession:
    """An intervision session ``[starts_at, ends_at)`` of one of the VP's groups."""

    id: int
    revision: int
    updated_at: datetime
    group_name: str
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus = SessionStatus.PLANNED
    location: str | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        _check_timed(self, f"session {self.id}")


@dataclass(frozen=True, slots=True)
class FeedTraining:
    """A training (course day) ``[starts_at, ends_at)`` the VP takes part in."""

    id: int
    revision: int
    updated_at: datetime
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        _check_timed(self, f"training {self.id}")


@dataclass(frozen=True, slots=True)
class FeedInfoSession:
    """An information session ``[starts_at, ends_at)`` at a client's site.

    ``kind`` is its :class:`~vppool.vocab.InfoSessionKind` value; ``trust_person_name`` is
    who holds it (the team feed names the VP by first name), ``location`` the site.
    """

    id: int
    revision: int
    updated_at: datetime
    kind: str
    organisation_name: str
    trust_person_name: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        _check_timed(self, f"information session {self.id}")


def _check_timed(item: FeedSession | FeedTraining | FeedInfoSession, what: str) -> None:
    for name in ("updated_at", "starts_at", "ends_at", "cancelled_at"):
        value = getattr(item, name)
        if value is not None:
            object.__setattr__(item, name, _aware(value, f"{what} {name}"))
    if item.ends_at <= item.starts_at:
        msg = f"{what}: ends_at must be after starts_at"
        raise ValueError(msg)


class DeadlineKind(StrEnum):
    """Which date of a certificate a deadline marks."""

    CERTIFICATION_EXPIRES = "certification_expires"
    RENEWAL_WINDOW_OPENS = "renewal_window_opens"


@dataclass(frozen=True, slots=True)
class FeedDeadline:
    """A certification date shown as an all-day item on ``on``."""

    certification_id: int
    revision: int
    updated_at: datetime
    kind: DeadlineKind
    on: date
    certificate_number: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "updated_at", _aware(self.updated_at, "updated_at"))


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A VP serving an organisation, with the VP's busy and free time (UTC blocks).

    ``serving`` are the periods the VP serves this organisation; the team feed shows the
    VP's time only within them (a cover VP's other months are none of the client's
    business). ``None`` shows the whole window.
    """

    trust_person_id: int
    first_name: str
    last_name: str
    busy: tuple[BusyBlock, ...] = ()
    free: tuple[Interval, ...] = ()
    serving: tuple[Interval, ...] | None = None


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """The dates a feed covers: ``[today - days_back, today + days_ahead)``."""

    days_back: int = 30
    days_ahead: int = 365

    def __post_init__(self) -> None:
        if self.days_back < 0 or self.days_ahead < 1:
            msg = "days_back must be >= 0 and days_ahead >= 1"
            raise ValueError(msg)

    def dates(self, today: date) -> tuple[date, date]:
        """The first date and the exclusive end date for ``today``."""
        return today - timedelta(days=self.days_back), today + timedelta(days=self.days_ahead)

    def interval(self, today: date, zone: ZoneInfo) -> Interval:
        """The window as instants: local midnight to local midnight in ``zone``."""
        first, end = self.dates(today)
        return Interval(_midnight(first, zone), _midnight(end, zone))


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """How a feed is rendered; the defaults suit subscriptions from Google, Apple, Outlook.

    Attributes:
        window: Which dates around ``today`` the feed covers.
        keep_cancelled_days: How long a cancelled item stays in the feed after it was
            cancelled, so subscribers see the cancellation.
        refresh: The suggested poll interval (REFRESH-INTERVAL and X-PUBLISHED-TTL).
        language: ``nl`` or ``en`` for the visible texts.
    """

    window: FeedWindow = FeedWindow()
    keep_cancelled_days: int = 30
    refresh: timedelta = timedelta(hours=1)
    language: Language = "nl"


# --------------------------------------------------------------------------- texts

_TEXTS: dict[str, dict[Language, str]] = {
    "assignment": {"nl": "VP-inzet: {org} ({kind})", "en": "VP assignment: {org} ({kind})"},
    "proposal": {"nl": "Voorstel: {summary}", "en": "Proposal: {summary}"},
    "asked": {"nl": "Gevraagd: {summary}", "en": "Asked: {summary}"},
    "answer": {
        "nl": "U bent gevraagd voor deze opdracht. Neemt u die aan? Antwoord via {url}",
        "en": "You are asked to take this assignment. Will you? Answer at {url}",
    },
    "details": {
        "nl": "{title}\nLocatie: {site}\nContactpersoon: {contact}\nUren: {hours} uur per "
        "maand\nEerste dag: {first}\nLaatste dag: {last}",
        "en": "{title}\nSite: {site}\nContact person: {contact}\nHours: {hours} a month\n"
        "First day: {first}\nLast day: {last}",
    },
    "not_given": {"nl": "niet opgegeven", "en": "not given"},
    "open_ended": {
        "nl": "Doorlopend, zonder einddatum.",
        "en": "Ongoing, without an end date.",
    },
    "session": {"nl": "Intervisie: {group}", "en": "Intervision: {group}"},
    "training": {"nl": "Training: {title}", "en": "Training: {title}"},
    "info_session": {"nl": "{kind}: {org}", "en": "{kind}: {org}"},
    "info_session_team": {"nl": "{kind} met {name}", "en": "{kind} with {name}"},
    DeadlineKind.CERTIFICATION_EXPIRES: {
        "nl": "Certificaat {number} verloopt",
        "en": "Certificate {number} expires",
    },
    DeadlineKind.RENEWAL_WINDOW_OPENS: {
        "nl": "Hercertificering {number} kan worden aangevraagd",
        "en": "Certificate {number}: renewal window opens",
    },
    "busy": {"nl": "Bezet", "en": "Busy"},
    "tentative": {"nl": "Mogelijk bezet", "en": "Tentatively busy"},
    "free": {"nl": "Beschikbaar", "en": "Available"},
    "member_busy": {"nl": "{name}: bezet", "en": "{name}: busy"},
    "member_tentative": {"nl": "{name}: mogelijk bezet", "en": "{name}: tentatively busy"},
    "member_free": {"nl": "{name}: beschikbaar", "en": "{name}: available"},
    "vp_feed": {"nl": "vppool: {name}", "en": "vppool: {name}"},
    "vp_availability": {"nl": "Beschikbaarheid {name}", "en": "Availability of {name}"},
    "team": {
        "nl": "Vertrouwenspersonen van {org}",
        "en": "Trust persons of {org}",
    },
}

_NEED_KIND: dict[NeedKind, dict[Language, str]] = {
    NeedKind.STANDING: {"nl": "vast", "en": "standing"},
    NeedKind.ABSENCE_COVER: {"nl": "vervanging", "en": "absence cover"},
    NeedKind.REORGANISATION: {"nl": "reorganisatie", "en": "reorganisation"},
    NeedKind.AFTERCARE: {"nl": "nazorg", "en": "aftercare"},
}


_INFO_SESSION_KIND: dict[str, dict[Language, str]] = {
    "information": {"nl": "Voorlichting", "en": "Information session"},
    "team_meeting": {"nl": "Teamoverleg", "en": "Team meeting"},
    "introduction": {"nl": "Kennismaking", "en": "Introduction"},
}


def _text(key: str, language: Language, **values: str) -> str:
    return _TEXTS[key][language].format(**values)


# --------------------------------------------------------------------------- helpers


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _uid(name: str) -> str:
    return f"{name}@{UID_DOMAIN}"


def _changed(updated_at: datetime, cancelled_at: datetime | None) -> datetime:
    moment = updated_at if cancelled_at is None else max(updated_at, cancelled_at)
    return moment.replace(microsecond=0)


#: The year from which an open-ended event's horizon moves count into its SEQUENCE.
_HORIZON_EPOCH_YEAR = 2026


def _open_end_horizon(today: date) -> date:
    """Where an assignment without an end date is shown to end: 1 January, two years on.

    Always beyond the feed window (``today`` + 365 days), and the same all year, so the
    event's bytes only change on 1 January (when its SEQUENCE goes up, see
    :func:`_assignment_sequence`).
    """
    return date(today.year + 2, 1, 1)


def _assignment_sequence(item: FeedAssignment, today: date) -> int:
    """SEQUENCE of an assignment: its revision plus the yearly moves of an open end.

    An open-ended assignment adds one for each 1 January since 2026 up to ``today``; one
    with an end adds them up to its last change. An edit raises the revision and happens
    after the last date it was shown on, so the number never goes down, not even when an
    end date is set or removed.
    """
    year = today.year if item.ends_on is None else item.updated_at.year
    return item.revision + max(0, year - _HORIZON_EPOCH_YEAR)


def _cancelled_long_ago(cancelled_at: datetime | None, today: date, keep_days: int) -> bool:
    return cancelled_at is not None and cancelled_at.date() + timedelta(days=keep_days) <= today


def _calendar_head(name: str, uid: str, options: FeedOptions) -> bytes:
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        uid=_uid(uid),
        refresh_interval=options.refresh,
    )
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; icalendar does not write it.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", vDuration(options.refresh))
    head = bytes(calendar.to_ical())
    return head[: -len(_END)]


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE with only the transitions of the given years (small, Outlook-safe)."""
    component: Component = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    # icalendar lists later onsets as RDATEs next to DTSTART. ical.js (Thunderbird) ignores
    # DTSTART as an onset when RDATEs are present and so reads the first summer an hour off;
    # one sub-component per onset, each with only DTSTART, reads the same everywhere.
    onsets: list[Component] = []
    for observance in component.subcomponents:
        rdates = observance.pop("RDATE", None)
        onsets.append(observance)
        for rdate_list in rdates if isinstance(rdates, list) else [rdates] if rdates else []:
            for rdate in rdate_list.dts:
                copy = observance.copy()
                copy.pop("DTSTART")
                copy.add("DTSTART", rdate.dt)
                onsets.append(copy)
    component.subcomponents = sorted(onsets, key=lambda o: o.decoded("DTSTART"))
    return bytes(component.to_ical())


def _assemble(head: bytes, timezones: Iterable[bytes], events: Iterable[bytes]) -> bytes:
    return b"".join((head, *timezones, *events, _END))


# --------------------------------------------------------------------------- event writer
#
# Building an ``icalendar.Event`` and serialising it costs about 0.3 ms per event, so a cold
# feed of a year (500+ events) took 150 ms. The events of a feed have a fixed, small shape,
# so they are written directly, in the form icalendar writes them: the same property order
# (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then the rest alphabetically), TEXT
# escaping and line folding. A unit test compares both writers on many inputs, zones
# included; a start in a zone that icalendar writes as UTC goes through icalendar itself.

_FOLD_LIMIT = 75


def _escaped(text: str) -> str:
    """A TEXT value escaped as RFC 5545 section 3.3.11 (and icalendar) does it."""
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _folded(line: str) -> str:
    """``line`` folded into parts under 75 octets, never splitting an escape from its mark."""
    if len(line.encode()) < _FOLD_LIMIT:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= _FOLD_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode())
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _date_value(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _utc_value(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def _local_value(moment: datetime) -> str:
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


@lru_cache(maxsize=64)
def _tzid(zone: ZoneInfo) -> str | None:
    """The TZID icalendar writes for ``zone``, or ``None`` where it writes UTC (``...Z``).

    icalendar writes the zones that are UTC all year that way: ``Etc/UTC``, ``GMT``,
    ``Africa/Abidjan`` and the like.
    """
    tzid = tzid_from_tzinfo(zone)
    return None if tzid is None or tzid == "UTC" else tzid


def _event(properties: Iterable[tuple[str, str | None]]) -> bytes:
    """A VEVENT of ``(name, value)`` pairs, in the order given; ``None`` values are left out.

    Names may carry parameters (``DTSTART;VALUE=DATE``); values are written as they are.
    """
    lines = ["BEGIN:VEVENT"]
    lines += [_folded(f"{name}:{value}") for name, value in properties if value is not None]
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines).encode()


# --------------------------------------------------------------------------- VP schedule


#: Assignments that are no more (the event stays a while, cancelled).
_GONE = (AssignmentStatus.CANCELLED, AssignmentStatus.DECLINED)


def _assignment_status(status: AssignmentStatus, cancelled: bool) -> STATUS:
    if cancelled or status in _GONE:
        return STATUS.CANCELLED
    if status in (AssignmentStatus.PROPOSED, AssignmentStatus.ASKED):
        return STATUS.TENTATIVE
    return STATUS.CONFIRMED


def _day_text(value: date, language: Language) -> str:
    return f"{value:%d-%m-%Y}" if language == "nl" else value.isoformat()


def _assignment_description(item: FeedAssignment, language: Language) -> str | None:
    """What the VP needs to know, and where to answer when they are asked.

    ``None``: the event carries no details (only an open end is said).
    """
    if not item.title:
        return _text("open_ended", language) if item.ends_on is None else None
    none = _text("not_given", language)
    hours = none if item.hours is None else f"{item.hours:g}"
    last = (
        _text("open_ended", language)
        if item.ends_on is None
        else _day_text(item.ends_on - timedelta(days=1), language)
    )
    details = _text(
        "details",
        language,
        title=item.title,
        site=item.site or none,
        contact=item.contact or none,
        hours=hours.replace(".", ",") if language == "nl" else hours,
        first=_day_text(item.starts_on, language),
        last=last,
    )
    if item.status is AssignmentStatus.ASKED and item.answer_url:
        return _text("answer", language, url=item.answer_url) + "\n\n" + details
    return details


@lru_cache(maxsize=_CACHE_SIZE)
def _assignment_event(
    item: FeedAssignment, end_on: date, sequence: int, stamp: datetime, language: Language
) -> bytes:
    status = _assignment_status(item.status, item.cancelled_at is not None)
    summary = _text(
        "assignment",
        language,
        org=item.organisation_name,
        kind=_NEED_KIND[item.need_kind][language],
    )
    if status is STATUS.TENTATIVE:
        asked = item.status is AssignmentStatus.ASKED
        summary = _text("asked" if asked else "proposal", language, summary=summary)
    changed = _utc_value(stamp)
    description = _assignment_description(item, language)
    url = item.answer_url if item.status is AssignmentStatus.ASKED else None
    return _event(
        (
            ("SUMMARY", _escaped(summary)),
            ("DTSTART;VALUE=DATE", _date_value(item.starts_on)),
            ("DTEND;VALUE=DATE", _date_value(end_on)),
            ("DTSTAMP", changed),
            ("UID", _escaped(_uid(f"assignment-{item.id}"))),
            ("SEQUENCE", str(sequence)),
            ("CLASS", CLASS.PRIVATE.value),
            ("DESCRIPTION", None if description is None else _escaped(description)),
            ("LAST-MODIFIED", changed),
            ("LOCATION", None if item.site is None else _escaped(item.site)),
            ("STATUS", status.value),
            ("TRANSP", TRANSP.TRANSPARENT.value),  # a period, not time the VP is busy
            ("URL", url),
            ("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE"),
        )
    )


def _timed_event(
    *,
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    zone: ZoneInfo,
    revision: int,
    changed: datetime,
    cancelled: bool,
    location: str | None,
) -> bytes:
    status = STATUS.CANCELLED if cancelled else STATUS.CONFIRMED
    transparency = TRANSP.TRANSPARENT if cancelled else TRANSP.OPAQUE
    tzid = _tzid(zone)
    if tzid is None:
        event = Event.new(
            uid=_uid(uid),
            summary=summary,
            start=starts_at.astimezone(zone),
            end=ends_at.astimezone(zone),
            stamp=changed,
            last_modified=changed,
            sequence=revision,
            status=status,
            transparency=transparency,
            classification=CLASS.PRIVATE,
            location=location,
        )
        return bytes(event.to_ical())
    stamp = _utc_value(changed)
    return _event(
        (
            ("SUMMARY", _escaped(summary)),
            (f"DTSTART;TZID={tzid}", _local_value(starts_at.astimezone(zone))),
            (f"DTEND;TZID={tzid}", _local_value(ends_at.astimezone(zone))),
            ("DTSTAMP", stamp),
            ("UID", _escaped(_uid(uid))),
            ("SEQUENCE", str(revision)),
            ("CLASS", CLASS.PRIVATE.value),
            ("LAST-MODIFIED", stamp),
            ("LOCATION", None if location is None else _escaped(location)),
            ("STATUS", status.value),
            ("TRANSP", transparency.value),
        )
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _session_event(item: FeedSession, zone_name: str, language: Language) -> bytes:
    cancelled = item.status is SessionStatus.CANCELLED or item.cancelled_at is not None
    return _timed_event(
        uid=f"intervision-session-{item.id}",
        summary=_text("session", language, group=item.group_name),
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        zone=ZoneInfo(zone_name),
        revision=item.revision,
        changed=_changed(item.updated_at, item.cancelled_at),
        cancelled=cancelled,
        location=item.location,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _training_event(item: FeedTraining, zone_name: str, language: Language) -> bytes:
    return _timed_event(
        uid=f"training-{item.id}",
        summary=_text("training", language, title=item.title),
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        zone=ZoneInfo(zone_name),
        revision=item.revision,
        changed=_changed(item.updated_at, item.cancelled_at),
        cancelled=item.cancelled_at is not None,
        location=item.location,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _info_session_event(
    item: FeedInfoSession, zone_name: str, language: Language, *, team: bool
) -> bytes:
    kind = _INFO_SESSION_KIND[item.kind][language]
    summary = (
        _text("info_session_team", language, kind=kind, name=item.trust_person_name)
        if team
        else _text("info_session", language, kind=kind, org=item.organisation_name)
    )
    return _timed_event(
        uid=f"info-session-{item.id}",
        summary=summary,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        zone=ZoneInfo(zone_name),
        revision=item.revision,
        changed=_changed(item.updated_at, item.cancelled_at),
        cancelled=item.cancelled_at is not None,
        location=item.location,
    )


def _info_session_events(
    items: Iterable[FeedInfoSession],
    *,
    window: Interval,
    today: date,
    options: FeedOptions,
    zone_name: str,
    team: bool,
) -> list[tuple[datetime, str, bytes]]:
    """The sessions in the window (cancelled ones for ``keep_cancelled_days``), dated."""
    return [
        (
            item.starts_at,
            f"info-session-{item.id}",
            _info_session_event(item, zone_name, options.language, team=team),
        )
        for item in items
        if not _cancelled_long_ago(item.cancelled_at, today, options.keep_cancelled_days)
        and _overlaps(item, window)
    ]


_DEADLINE_UID = {
    DeadlineKind.CERTIFICATION_EXPIRES: "expires",
    DeadlineKind.RENEWAL_WINDOW_OPENS: "renewal-opens",
}


@lru_cache(maxsize=_CACHE_SIZE)
def _deadline_event(item: FeedDeadline, language: Language) -> bytes:
    changed = _utc_value(_changed(item.updated_at, None))
    uid = _uid(f"certification-{item.certification_id}-{_DEADLINE_UID[item.kind]}")
    return _event(
        (
            ("SUMMARY", _escaped(_text(item.kind, language, number=item.certificate_number))),
            ("DTSTART;VALUE=DATE", _date_value(item.on)),
            ("DTEND;VALUE=DATE", _date_value(item.on + timedelta(days=1))),
            ("DTSTAMP", changed),
            ("UID", _escaped(uid)),
            ("SEQUENCE", str(item.revision)),
            ("CLASS", CLASS.PRIVATE.value),
            ("LAST-MODIFIED", changed),
            ("STATUS", STATUS.CONFIRMED.value),
            ("TRANSP", TRANSP.TRANSPARENT.value),
            ("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE"),
        )
    )


def render_vp_feed(
    *,
    trust_person_id: int,
    display_name: str,
    timezone: str,
    today: date,
    assignments: Iterable[FeedAssignment] = (),
    sessions: Iterable[FeedSession] = (),
    trainings: Iterable[FeedTraining] = (),
    deadlines: Iterable[FeedDeadline] = (),
    info_sessions: Iterable[FeedInfoSession] = (),
    options: FeedOptions = FeedOptions(),
) -> bytes:
    """Render a VP's own feed: assignments, meetings, trainings and certificate dates.

    Meetings are the sessions of the VP's intervision groups and the information sessions
    the VP holds at clients' sites.

    Args:
        trust_person_id: The VP's id (for the calendar's UID).
        display_name: The VP's name, shown as the calendar's name.
        timezone: The VP's IANA zone; timed items are written in it.
        today: The date the window is centred on (the VP's local date).
        assignments: The VP's assignments (proposed, confirmed, ended, cancelled).
        sessions: Sessions of the VP's intervision groups.
        trainings: Trainings the VP takes part in.
        deadlines: Certificate expiry and renewal dates.
        info_sessions: The information sessions the VP holds at clients' sites.
        options: Window, retention of cancelled items, refresh and language.

    Returns:
        The feed as UTF-8 bytes with CRLF line endings.
    """
    zone = ZoneInfo(timezone)
    first, end = options.window.dates(today)
    window = options.window.interval(today, zone)
    language = options.language
    keep = options.keep_cancelled_days
    dated: list[tuple[datetime, str, bytes]] = []

    for a in assignments:
        cancelled_at = a.cancelled_at
        if a.status in _GONE and cancelled_at is None:
            cancelled_at = a.updated_at
        if _cancelled_long_ago(cancelled_at, today, keep):
            continue
        if a.starts_on >= end or (a.ends_on is not None and a.ends_on <= first):
            continue
        stamp = _changed(a.updated_at, a.cancelled_at)
        end_on = a.ends_on
        if end_on is None:  # the horizon last moved at the start of this year
            end_on = _open_end_horizon(today)
            stamp = max(stamp, _midnight(date(today.year, 1, 1), zone).astimezone(UTC))
        sequence = _assignment_sequence(a, today)
        dated.append(
            (
                _midnight(a.starts_on, zone),
                f"assignment-{a.id}",
                _assignment_event(a, end_on, sequence, stamp, language),
            )
        )
    timed = False
    for s in sessions:
        cancelled_at = s.cancelled_at
        if s.status is SessionStatus.CANCELLED and cancelled_at is None:
            cancelled_at = s.updated_at
        if _cancelled_long_ago(cancelled_at, today, keep) or not _overlaps(s, window):
            continue
        timed = True
        dated.append((s.starts_at, f"session-{s.id}", _session_event(s, timezone, language)))
    for t in trainings:
        if _cancelled_long_ago(t.cancelled_at, today, keep) or not _overlaps(t, window):
            continue
        timed = True
        dated.append((t.starts_at, f"training-{t.id}", _training_event(t, timezone, language)))
    visits = _info_session_events(
        info_sessions, window=window, today=today, options=options, zone_name=timezone, team=False
    )
    timed = timed or bool(visits)
    dated += visits
    for d in deadlines:
        if first <= d.on < end:
            key = f"certification-{d.certification_id}-{_DEADLINE_UID[d.kind]}"
            dated.append((_midnight(d.on, zone), key, _deadline_event(d, language)))

    dated.sort(key=lambda entry: (entry[0], entry[1]))
    timezones = [_vtimezone(timezone, first.year, end.year)] if timed else []
    head = _calendar_head(
        _text("vp_feed", language, name=display_name),
        f"trust-person-{trust_person_id}-schedule",
        options,
    )
    return _assemble(head, timezones, (entry[2] for entry in dated))


def _overlaps(item: FeedSession | FeedTraining | FeedInfoSession, window: Interval) -> bool:
    return item.starts_at < window.end and window.start < item.ends_at


# --------------------------------------------------------------------------- availability


@lru_cache(maxsize=_CACHE_SIZE)
def _block_event(
    *, uid_seed: str, summary: str, start: datetime, end: datetime, kind: str, changed: datetime
) -> bytes:
    digest = hashlib.sha256(
        f"{uid_seed}|{kind}|{start.isoformat()}|{end.isoformat()}".encode()
    ).hexdigest()[:24]
    stamp = _utc_value(changed)
    return _event(
        (
            ("SUMMARY", _escaped(summary)),
            ("DTSTART", _utc_value(start)),
            ("DTEND", _utc_value(end)),
            ("DTSTAMP", stamp),
            ("UID", _escaped(_uid(f"availability-{digest}"))),
            ("SEQUENCE", "0"),
            ("CLASS", CLASS.PUBLIC.value),  # the block says nothing that needs hiding
            ("LAST-MODIFIED", stamp),
            ("STATUS", (STATUS.TENTATIVE if kind == "tentative" else STATUS.CONFIRMED).value),
            ("TRANSP", (TRANSP.TRANSPARENT if kind == "free" else TRANSP.OPAQUE).value),
            ("X-MICROSOFT-CDO-BUSYSTATUS", _BUSY_STATUS[kind]),
        )
    )


_BUSY_STATUS = {"busy": "BUSY", "tentative": "TENTATIVE", "free": "FREE"}


def _blocks(
    *,
    uid_seed: str,
    busy: Iterable[BusyBlock],
    free: Iterable[Interval],
    window: Interval,
    changed: datetime,
    busy_text: str,
    tentative_text: str,
    free_text: str,
) -> list[tuple[datetime, str, bytes]]:
    result: list[tuple[datetime, str, bytes]] = []
    items = [(b.start, b.end, "tentative" if b.tentative else "busy") for b in busy]
    items += [(i.start, i.end, "free") for i in free]
    for block_start, block_end, kind in items:
        start, end = max(block_start, window.start), min(block_end, window.end)
        if start >= end:
            continue
        summary = {"busy": busy_text, "tentative": tentative_text, "free": free_text}[kind]
        event = _block_event(
            uid_seed=uid_seed, summary=summary, start=start, end=end, kind=kind, changed=changed
        )
        result.append((start, f"{uid_seed}{kind}", event))
    return result


def render_availability_feed(
    *,
    trust_person_id: int,
    display_name: str,
    timezone: str,
    today: date,
    changed_at: datetime,
    busy: Iterable[BusyBlock],
    free: Iterable[Interval] = (),
    options: FeedOptions = FeedOptions(),
) -> bytes:
    """Render a VP's availability: "Bezet" blocks (and "Beschikbaar" ones if given).

    Args:
        trust_person_id: The VP's id (for UIDs; not shown).
        display_name: Shown as the calendar's name only.
        timezone: The VP's zone; the window's dates are local dates there.
        today: The date the window is centred on.
        changed_at: The stored "feed changed at" time; DTSTAMP/LAST-MODIFIED of every block.
        busy: Busy blocks (merge them first); no detail of their source is written.
        free: Free intervals, written as transparent "Beschikbaar" blocks; empty to omit.
        options: Window, refresh and language.

    Returns:
        The feed as UTF-8 bytes. Blocks are in UTC, so no VTIMEZONE is needed.
    """
    language = options.language
    window = options.window.interval(today, ZoneInfo(timezone))
    dated = _blocks(
        uid_seed=f"trust-person-{trust_person_id}",
        busy=busy,
        free=free,
        window=window,
        changed=_aware(changed_at, "changed_at").replace(microsecond=0),
        busy_text=_text("busy", language),
        tentative_text=_text("tentative", language),
        free_text=_text("free", language),
    )
    dated.sort(key=lambda entry: (entry[0], entry[1]))
    head = _calendar_head(
        _text("vp_availability", language, name=display_name),
        f"trust-person-{trust_person_id}-availability",
        options,
    )
    return _assemble(head, (), (entry[2] for entry in dated))


def team_labels(members: Sequence[TeamMember]) -> dict[int, str]:
    """How the team feed names each VP: the first name, made unique where it must be.

    Two VPs with the same first name get their last name's initial ("Anna B."); if that
    is still ambiguous, the full last name; then a number in order of their ids.
    """

    def clashing(names: dict[int, str]) -> set[int]:
        counts: dict[str, int] = {}
        for name in names.values():
            counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
        return {key for key, name in names.items() if counts[name.casefold()] > 1}

    def initial(member: TeamMember) -> str:
        return f"{member.first_name.strip()} {member.last_name.strip()[:1]}."

    def full(member: TeamMember) -> str:
        return f"{member.first_name.strip()} {member.last_name.strip()}"

    by_id = {m.trust_person_id: m for m in members}
    labels = {key: m.first_name.strip() for key, m in by_id.items()}
    for refine in (initial, full):
        for key in clashing(labels):
            labels[key] = refine(by_id[key])
    groups: dict[str, list[int]] = {}
    for key in sorted(clashing(labels)):
        groups.setdefault(labels[key].casefold(), []).append(key)
    for keys in groups.values():
        for number, key in enumerate(keys, start=1):
            labels[key] = f"{labels[key]} ({number})"
    return labels


def render_team_feed(
    *,
    organisation_id: int,
    organisation_name: str,
    timezone: str,
    today: date,
    changed_at: datetime,
    members: Sequence[TeamMember],
    include_free: bool = True,
    info_sessions: Sequence[FeedInfoSession] = (),
    options: FeedOptions = FeedOptions(),
) -> bytes:
    """Render when the VPs who serve an organisation are busy or free, and its sessions.

    Each VP's blocks are separate events labelled with the VP's first name only
    (:func:`team_labels`), so the client sees per VP when they can be reached; busy time is
    never merged across VPs. No block says why a VP is busy.

    Args:
        organisation_id: The client organisation (for UIDs and the calendar's UID).
        organisation_name: The client's own name, for the calendar's name.
        timezone: The zone whose local dates define the window (the organisation's).
        today: The date the window is centred on.
        changed_at: The stored "feed changed at" time; DTSTAMP/LAST-MODIFIED of the blocks.
        members: The VPs with confirmed assignments at the organisation, their time and
            the periods they serve it (nothing outside those is shown).
        include_free: Whether free time is shown as transparent "Anna: beschikbaar" blocks.
        info_sessions: The organisation's information sessions (the VP by first name).
        options: Window, refresh and language.

    Returns:
        The feed as UTF-8 bytes; blocks in UTC.
    """
    language = options.language
    window = options.window.interval(today, ZoneInfo(timezone))
    changed = _aware(changed_at, "changed_at").replace(microsecond=0)
    labels = team_labels(members)
    dated: list[tuple[datetime, str, bytes]] = []
    for member in members:
        name = labels[member.trust_person_id]
        shown = [window] if member.serving is None else intersect([window], merge(member.serving))
        for part in shown:
            dated += _blocks(
                uid_seed=f"organisation-{organisation_id}-trust-person-{member.trust_person_id}",
                busy=member.busy,
                free=member.free if include_free else (),
                window=part,
                changed=changed,
                busy_text=_text("member_busy", language, name=name),
                tentative_text=_text("member_tentative", language, name=name),
                free_text=_text("member_free", language, name=name),
            )
    visits = _info_session_events(
        info_sessions, window=window, today=today, options=options, zone_name=timezone, team=True
    )
    dated += visits
    dated.sort(key=lambda entry: (entry[0], entry[1]))
    head = _calendar_head(
        _text("team", language, org=organisation_name),
        f"organisation-{organisation_id}-availability",
        options,
    )
    first, end = options.window.dates(today)
    timezones = [_vtimezone(timezone, first.year, end.year)] if visits else []
    return _assemble(head, timezones, (entry[2] for entry in dated))


# --------------------------------------------------------------------------- HTTP caching


@dataclass(frozen=True, slots=True)
class FeedResponse:
    """A rendered feed with the validators the API serves it with.

    Attributes:
        body: The feed bytes.
        etag: A strong ETag: a hash of the body, quoted.
        last_modified: When the body last changed or may have changed (UTC, whole seconds).
        content_type: The media type with charset.
        gzipped: The body compressed with gzip (made once, with the feed).
    """

    body: bytes
    etag: str
    last_modified: datetime
    content_type: str = CONTENT_TYPE
    gzipped: bytes = b""

    @property
    def gzip_etag(self) -> str:
        """The ETag of the gzip-encoded variant (a strong ETag differs per encoding)."""
        return self.etag[:-1] + '-gzip"'

    def variant(self, accept_encoding: str | None) -> tuple[bytes, dict[str, str]]:
        """The body to send and its headers: gzip when the client accepts it.

        Args:
            accept_encoding: The request's ``Accept-Encoding`` header.
        """
        headers = {
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
            "Content-Type": self.content_type,
            "Vary": "Accept-Encoding",
        }
        if self.gzipped and _accepts_gzip(accept_encoding):
            return self.gzipped, headers | {"ETag": self.gzip_etag, "Content-Encoding": "gzip"}
        return self.body, headers | {"ETag": self.etag}

    def headers(self) -> dict[str, str]:
        """The validator and type headers of the identity (uncompressed) variant."""
        return self.variant(None)[1]

    def is_not_modified(
        self, *, if_none_match: str | None = None, if_modified_since: str | None = None
    ) -> bool:
        """Whether a conditional GET may be answered 304 (RFC 9110 section 13.2.2).

        ``If-None-Match`` wins when present (weak comparison, ``*`` matches, either
        encoding's ETag); otherwise a valid ``If-Modified-Since`` not older than
        :attr:`last_modified` matches.
        """
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return bool({"*", self.etag, self.gzip_etag} & tags)
        if if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return self.last_modified <= since


def _accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` admits gzip (a ``q=0`` refuses it)."""
    for part in (accept_encoding or "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def feed_response(
    body: bytes, *, changed_at: datetime, today: date, timezone: str = "Europe/Amsterdam"
) -> FeedResponse:
    """Wrap feed bytes with a strong ETag and a Last-Modified that never moves backwards.

    The body depends on the stored data and on ``today`` (the window, and which cancelled
    items are still kept). So Last-Modified is the later of ``changed_at`` and the start of
    ``today`` in ``timezone``. For that to be monotonic, the service must pass a stored
    "feed changed at" that only grows: raise it on every insert, update *and deletion* of
    anything the feed shows (a maximum over the remaining rows moves backwards when the
    newest row is deleted, and Apple clients that revalidate by date then never refresh).

    Args:
        body: The rendered feed.
        changed_at: The stored, monotonic "feed changed at" time (aware).
        today: The date the feed was rendered for.
        timezone: The zone in which ``today`` started.

    Returns:
        The body with its validators.
    """
    day_start = _midnight(today, ZoneInfo(timezone))
    last_modified = max(_aware(changed_at, "changed_at"), day_start.astimezone(UTC))
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    return FeedResponse(
        body=body,
        etag=etag,
        last_modified=last_modified.replace(microsecond=0),
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
    )
