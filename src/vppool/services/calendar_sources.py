"""A VP's own calendars: linked by URL or uploaded; their busy time blocks planning.

Parse before replace: a file is fetched (or received) and read completely before anything
stored changes; a fetch or parse that fails records why on the source (its *health*) and
keeps the busy time of the last good import. Fetching never happens inside a database
transaction: :func:`refresh_source` reads the source, fetches and parses with no session
open, then stores in a second short transaction.

Busy time is stored as merged UTC intervals per source (:class:`BusyInterval`), replaced
whole when it changed and left untouched (feeds keep their ETag) when it did not. Feeds,
the matcher (see :func:`booked_days`) and intervision scheduling read it from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from vppool import calendar as cal
from vppool.db import serialise_writes, session_scope
from vppool.db.feed_changes import mark_feeds_changed
from vppool.db.models import (
    BusyInterval,
    CalendarSource,
    CalendarSourceBase,
    InfoSession,
    TrustPerson,
)
from vppool.db.schemas import CalendarSourceCreate, CalendarSourcePublic, CalendarSourceUpdate
from vppool.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from vppool.services import audit, queue
from vppool.services._common import (
    Actor,
    acting,
    apply_changes,
    ensure_own_trust_person,
    flush,
    get_or_404,
    get_owned_or_404,
    plain_text,
    require_role,
    validate_merged,
)
from vppool.services.access import Viewer
from vppool.services.availability import availability_of
from vppool.services.fetch import CALENDAR_TYPES, FetchError, fetch_calendar, normalise_calendar_url
from vppool.settings import Settings
from vppool.vocab import CalendarSourceKind, InfoSessionStatus, Role

__all__ = [
    "FETCH_TASK",
    "MAX_SOURCES_PER_PERSON",
    "UPLOAD_ABANDONED",
    "UPLOAD_BODY_LIMIT",
    "UPLOAD_TASK",
    "RefreshReport",
    "abandon_upload",
    "booked_days",
    "delete_source",
    "enqueue_read",
    "get_source",
    "link_url",
    "list_sources",
    "read_upload",
    "redact_url",
    "refresh_due",
    "refresh_source",
    "request_refresh",
    "update_source",
    "upload_file",
]

log = logging.getLogger("vppool.calendar_sources")

#: The working day assumed for booked days when a VP has entered no weekly hours.
_OFFICE_HOURS = tuple(cal.WeeklyHours(day, time(9), time(17)) for day in range(5))

#: More than this many calendars per VP is almost certainly a mistake (or abuse).
MAX_SOURCES_PER_PERSON = 10


#: The queue's name of the task that reads one linked calendar.
FETCH_TASK = "calendar_fetch"
#: The queue's name of the task that reads one uploaded calendar file.
UPLOAD_TASK = "calendar_upload"
#: The body an upload route takes: the largest calendar size the settings allow (20 MiB)
#: and room for the multipart envelope; :func:`upload_file` then checks the configured
#: ``VPPOOL_CALENDAR_MAX_BYTES`` and says the limit in the person's words.
UPLOAD_BODY_LIMIT = 20 * 1024 * 1024 + 64 * 1024


_READS = (FETCH_TASK, UPLOAD_TASK)


class RefreshReport(BaseModel):
    """What one round of the refresh job did: sources due, and reads newly queued."""

    due: int = 0
    queued: int = 0


# --------------------------------------------------------------------------- scoping


def _visible(session: Session, viewer: Viewer | None, trust_person_id: int) -> TrustPerson:
    require_role(viewer, Role.TRUST_PERSON, "manage calendar sources")
    ensure_own_trust_person(viewer, trust_person_id)
    return get_or_404(session, TrustPerson, trust_person_id, "trust person")


def _own_source(session: Session, trust_person_id: int, source_id: int) -> CalendarSource:
    return get_owned_or_404(
        session,
        CalendarSource,
        source_id,
        "calendar source",
        owner="trust_person_id",
        owner_id=trust_person_id,
    )


def _public(
    source: CalendarSource, viewer: Viewer | None, *, reading: bool = False
) -> CalendarSourcePublic:
    """The public shape; only the VP themselves sees the whole address.

    A private calendar address (Google's "secret address", an Outlook ICS link) opens the
    VP's whole agenda with every detail, so planners see only its scheme and host.
    ``reading``: a read of it (a fetch, or an uploaded file) is queued or running.
    """
    shown = CalendarSourcePublic.model_validate(source).model_copy(update={"reading": reading})
    own = viewer is not None and viewer.trust_person_id == source.trust_person_id
    if shown.url and not own:
        return shown.model_copy(update={"url": redact_url(shown.url)})
    return shown


def _reading(session: Session, sources: Sequence[CalendarSource]) -> set[int]:
    """The sources of which a read (a fetch or an uploaded file) is queued or running."""
    keys = {f"{task}:{source.id}": source.id for source in sources for task in _READS}
    active = queue.active_keys(session, keys)
    return {source_id for key, source_id in keys.items() if key in active and source_id}


def redact_url(url: str) -> str:
    """``https://calendar.google.com/…``: the scheme and host of an address, no secrets."""
    parts = urlsplit(url.strip())
    host = parts.hostname or "?"
    return f"{parts.scheme or 'https'}://{host}/…"


def _record(
    session: Session,
    actor: Actor,
    action: str,
    source: CalendarSource,
    fields: list[str] | None = None,
) -> None:
    audit.record_change(
        session,
        actor,
        action=f"calendar_source_{action}",
        entity_type="calendar_source",
        entity_id=source.id,
        details={"trust_person_id": source.trust_person_id, "kind": source.kind.value},
        fields=fields or (),
    )


def _check_url(url: str | None) -> None:
    if url is None:
        return
    try:
        normalise_calendar_url(url)
    except FetchError as exc:
        raise ValidationFailed.single(
            "url", exc.template, subject="calendar source", **exc.params
        ) from exc


def _room_for_one_more(session: Session, trust_person_id: int) -> None:
    count = session.exec(
        select(sa.func.count())
        .select_from(CalendarSource)
        .where(CalendarSource.trust_person_id == trust_person_id)
    ).one()
    if count >= MAX_SOURCES_PER_PERSON:
        msg = (
            f"a trust person can link at most {MAX_SOURCES_PER_PERSON} calendars; "
            "remove one you no longer use first"
        )
        raise ValidationFailed.single("trust_person_id", msg, subject="calendar source")


# --------------------------------------------------------------------------- use cases


def list_sources(
    session: Session, *, trust_person_id: int, viewer: Viewer | None = None
) -> list[CalendarSourcePublic]:
    """A VP's calendar sources with their health, oldest first.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    rows = session.exec(
        select(CalendarSource)
        .where(CalendarSource.trust_person_id == trust_person_id)
        .order_by(col(CalendarSource.id))
    ).all()
    reading = _reading(session, rows)
    return [_public(row, viewer, reading=row.id in reading) for row in rows]


def get_source(
    session: Session, *, trust_person_id: int, source_id: int, viewer: Viewer | None = None
) -> CalendarSourcePublic:
    """One calendar source with its health.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such source of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    source = _own_source(session, trust_person_id, source_id)
    return _public(source, viewer, reading=bool(_reading(session, [source])))


def link_url(
    session: Session,
    *,
    trust_person_id: int,
    data: CalendarSourceCreate,
    viewer: Viewer | None = None,
) -> CalendarSourcePublic:
    """Link a calendar by its ``https``, ``http`` or ``webcal`` address.

    Its first read is queued at once (a worker reads it within seconds when one runs).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: there is no such trust person in the viewer's scope.
        ValidationFailed: the address is not a usable calendar address, the kind is not
            ``url`` (upload a file with :func:`upload_file`), or the VP has too many.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer)
    values = data
    if values.kind is not CalendarSourceKind.URL:
        msg = "link an address with kind 'url'; upload a file to …/calendar-sources/upload"
        raise ValidationFailed.single("kind", msg, subject="calendar source")
    _check_url(values.url)
    _room_for_one_more(session, trust_person_id)
    source = CalendarSource(
        **values.model_dump(exclude={"filename", "url"}),
        url=values.url.strip() if values.url else None,
        trust_person_id=trust_person_id,
    )
    session.add(source)
    flush(session)
    _record(session, actor, "created", source)
    if source.enabled:
        enqueue_read(session, source)
    return _public(source, viewer, reading=source.enabled)


def update_source(
    session: Session,
    *,
    trust_person_id: int,
    source_id: int,
    data: CalendarSourceUpdate,
    viewer: Viewer | None = None,
) -> CalendarSourcePublic:
    """Change a source's label, address, refresh interval or whether it is used.

    A new address forgets the old one's HTTP validators, so the next refresh fetches it in
    full. Switching a source off removes its busy time from planning and feeds at once; a
    linked address brings it back on the next refresh, an uploaded file by uploading again.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such source of this trust person in the viewer's scope.
        ValidationFailed: a field is invalid, or the kind would change.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer)
    changes = data
    source = _own_source(session, trust_person_id, source_id)
    if changes.kind is not None and changes.kind is not source.kind:
        msg = "the kind of a calendar source cannot change; add a new source instead"
        raise ValidationFailed.single("kind", msg, subject="calendar source")
    given = changes.model_fields_set
    if source.kind is CalendarSourceKind.UPLOAD and "url" in given:
        msg = "an uploaded calendar has no address; link the address as a new source"
        raise ValidationFailed.single("url", msg, subject="calendar source")
    if source.kind is CalendarSourceKind.URL and "filename" in given:
        msg = "a linked calendar has no file name; change its label instead"
        raise ValidationFailed.single("filename", msg, subject="calendar source")
    values = validate_merged(CalendarSourceBase, source, changes, subject="calendar source")
    if "url" in given:
        _check_url(values.get("url"))
    old_url, was_enabled = source.url, source.enabled
    changed = apply_changes(source, values)
    if not changed:
        return _public(source, viewer)
    if source.url != old_url or source.enabled != was_enabled:
        # The busy time of the old address (or of a switched-off source) goes at once, and
        # the source reads as never fetched, so the next round of the job reads it again.
        _replace_busy(session, source, ())
        _forget_reads(source)
    flush(session)
    _record(session, actor, "updated", source, changed)
    return _public(source, viewer)


def delete_source(
    session: Session,
    *,
    trust_person_id: int,
    source_id: int,
    viewer: Viewer | None = None,
) -> None:
    """Remove a calendar source and the busy time it brought.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such source of this trust person in the viewer's scope.
    """
    _visible(session, viewer, trust_person_id)
    actor = acting(viewer)
    source = _own_source(session, trust_person_id, source_id)
    _replace_busy(session, source, ())
    _record(session, actor, "deleted", source)
    session.delete(source)
    flush(session)


def upload_file(
    session: Session,
    settings: Settings,
    *,
    trust_person_id: int,
    content: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    source_id: int | None = None,
    label: str | None = None,
    viewer: Viewer | None = None,
) -> CalendarSourcePublic:
    """Take an uploaded ICS file and queue its reading: as a new source, or replacing one.

    Only what is cheap is checked here (size, type, that it is not empty, the name and the
    label); the file itself is read by a worker (:func:`read_upload`, the ``upload`` lane:
    one file at a time per worker), never in a web request. Until then the source reads as
    ``reading``; a file that cannot be read is recorded on the source (``last_error``) and
    the previous upload stays in effect. A new file for a source whose previous file is
    still queued replaces that one.

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such trust person, or no such source of theirs, in the viewer's scope.
        ValidationFailed: ``file`` says why the file is refused (size, type, empty);
            ``source_id`` when that source is linked by URL; ``label`` when it is too long.
        Conflict: the previous file of this source is being read at this moment.
    """
    actor = acting(viewer)
    name = _clean_filename(filename)
    label = plain_text((label or "").strip(), field="label") or None
    if label is not None and len(label) > 80:
        raise ValidationFailed.single("label", "use at most 80 characters", subject="upload")
    _check_upload(content, content_type, settings)
    serialise_writes(session)
    _, source = _upload_target(session, viewer, trust_person_id, source_id)
    if source is None:
        source = CalendarSource(
            kind=CalendarSourceKind.UPLOAD,
            label=label or _label_from(name),
            filename=name,
            trust_person_id=trust_person_id,
        )
        session.add(source)
        flush(session)
        action = "created"
    else:
        key = _upload_key(source)
        queue.cancel_jobs(session, key)  # a newer file replaces one not read yet
        if queue.active_with_key(session, key) is not None:
            msg = (
                "the previous file of this calendar is being read right now; "
                "upload the new one when that is done"
            )
            raise Conflict(msg)
        source.filename = name or source.filename
        if label is not None:
            source.label = label
        source.enabled = True
        action = "replaced"
    queue.enqueue(
        session,
        UPLOAD_TASK,
        {"source_id": source.id, "bytes": len(content)},
        lane="upload",
        unique_key=_upload_key(source),
        data=content,
    )
    _record(session, actor, action, source)
    return _public(source, viewer, reading=True)


def read_upload(
    engine: Engine,
    settings: Settings,
    source_id: int,
    content: bytes,
    *,
    now: datetime | None = None,
) -> str:
    """Read an uploaded file (the worker's task) and store its busy time; what happened.

    The file is read completely, with no transaction open, before anything changes; a file
    that cannot be read is recorded on the source and the previous upload stays in effect.
    Returns ``updated``, ``unchanged``, ``failed`` or ``skipped`` (the source was removed).
    """
    now = now or datetime.now(UTC)
    with Session(engine) as probe:
        source = probe.get(CalendarSource, source_id)
        if source is None or source.kind is not CalendarSourceKind.UPLOAD:
            return "skipped"
        timezone = probe.get_one(TrustPerson, source.trust_person_id).timezone
    problem = Problem("")
    result: cal.ImportResult | None = None
    try:
        result = _parse(content, timezone, settings, now)
    except cal.CalendarImportError as exc:
        problem = _problem(exc)
    except Exception:  # a bug must not leave the file "being read"
        log.exception("reading uploaded calendar %s failed unexpectedly", source_id)
        problem = Problem("vppool could not read this file because of an error on its side")
    with session_scope(engine) as session:
        serialise_writes(session)
        source = session.exec(
            select(CalendarSource).where(CalendarSource.id == source_id).with_for_update()
        ).first()
        if source is None or source.kind is not CalendarSourceKind.UPLOAD:
            return "skipped"
        if result is None:
            _fail(source, problem, now)
            flush(session)
            return "failed"
        changed = _store(session, source, result, len(content), now)
        flush(session)
        return "updated" if changed else "unchanged"


#: Why an uploaded file is not read when the worker reading it stopped (crashed, killed).
UPLOAD_ABANDONED = (
    "the file was not read: the worker reading it stopped before it was done; "
    "upload it again, or export a shorter period if it happens again"
)


def abandon_upload(session: Session, payload: dict[str, Any], _reason: str) -> None:
    """The queue gave up on reading an upload (its worker died): say so on the source."""
    source = session.get(CalendarSource, int(payload["source_id"]))
    if source is not None:
        _fail(source, Problem(UPLOAD_ABANDONED), datetime.now(UTC))
        session.add(source)


def _upload_key(source: CalendarSource) -> str:
    return f"{UPLOAD_TASK}:{source.id}"


def _upload_target(
    session: Session, viewer: Viewer | None, trust_person_id: int, source_id: int | None
) -> tuple[TrustPerson, CalendarSource | None]:
    """The VP, and the uploaded source to replace (None: there is room for a new one)."""
    person = _visible(session, viewer, trust_person_id)
    if source_id is None:
        _room_for_one_more(session, trust_person_id)
        return person, None
    source = _own_source(session, trust_person_id, source_id)
    if source.kind is not CalendarSourceKind.UPLOAD:
        msg = "this calendar is linked by its address; upload the file as a new source"
        raise ValidationFailed.single("source_id", msg, subject="calendar upload")
    return person, source


def _clean_filename(filename: str | None) -> str | None:
    """The file's own name: no folders, no control characters, at most 255 characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip()[:255] or None


def _label_from(filename: str | None) -> str:
    if not filename:
        return "Agenda"
    stem = filename[:-4] if filename.lower().endswith(".ics") else filename
    return stem.strip()[:80] or "Agenda"


def _check_upload(content: bytes, content_type: str | None, settings: Settings) -> None:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind and kind not in CALENDAR_TYPES and not kind.startswith("text/"):
        msg = f"the file is {kind}, not a calendar; export an .ics file (text/calendar)"
        raise ValidationFailed.single("file", msg, subject="calendar upload")
    if not content:
        raise ValidationFailed.single("file", "the file is empty", subject="calendar upload")
    if len(content) > settings.calendar_max_bytes:
        msg = "the file is larger than the limit of {megabytes} MB; export a shorter period"
        raise ValidationFailed.single(
            "file",
            msg,
            subject="calendar upload",
            megabytes=round(settings.calendar_max_bytes / 1_000_000),
        )


# --------------------------------------------------------------------------- import


def _window(settings: Settings, now: datetime, timezone: str) -> cal.Interval:
    """Whole local days around today.

    The same file read twice on one day gives the same clipped busy time, so an unchanged
    calendar leaves the feeds (and their ETags) alone.
    """
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    return cal.Interval(
        cal.local_day(today - timedelta(days=settings.calendar_days_back), zone),
        cal.local_day(today + timedelta(days=settings.calendar_days_ahead), zone),
    )


def _parse(content: bytes, timezone: str, settings: Settings, now: datetime) -> cal.ImportResult:
    limits = cal.ImportLimits(
        max_bytes=settings.calendar_max_bytes, time_budget_s=settings.calendar_import_budget_s
    )
    return cal.import_ics(
        content,
        window=_window(settings, now, timezone),
        timezone=timezone,
        limits=limits,
        skip_uid_suffix=f"@{cal.UID_DOMAIN}",
    )


def _replace_busy(
    session: Session, source: CalendarSource, blocks: tuple[cal.BusyBlock, ...]
) -> bool:
    """Make the stored busy time of ``source`` equal ``blocks``; True if it changed."""
    if source.id is None:
        return False
    table = BusyInterval.__table__  # type: ignore[attr-defined]
    stored = session.exec(
        select(BusyInterval.starts_at, BusyInterval.ends_at, BusyInterval.tentative)
        .where(BusyInterval.calendar_source_id == source.id)
        .order_by(col(BusyInterval.starts_at), col(BusyInterval.ends_at))
    ).all()
    wanted = sorted((b.start, b.end, b.tentative) for b in blocks)
    if [tuple(row) for row in stored] == wanted:
        return False
    connection = session.connection()
    connection.execute(sa.delete(table).where(table.c.calendar_source_id == source.id))
    if wanted:
        connection.execute(
            sa.insert(table),
            [
                {"calendar_source_id": source.id, "starts_at": s, "ends_at": e, "tentative": t}
                for s, e, t in wanted
            ],
        )
    mark_feeds_changed(connection, {f"vp:{source.trust_person_id}"})
    return True


def _store(
    session: Session, source: CalendarSource, result: cal.ImportResult, size: int, now: datetime
) -> bool:
    changed = _replace_busy(session, source, result.busy)
    source.last_fetched_at = now
    source.last_success_at = now
    source.event_count = result.event_count
    source.byte_count = size
    if result.capped:
        source.last_error = f"{CAPPED} {'; '.join(map(str, result.warnings[:3]))}"[:2000]
        source.last_error_words = Problem(CAPPED).words()
        source.last_error_at = now
    return changed


def _forget_reads(source: CalendarSource) -> None:
    """Back to "never read": validators, health and counts."""
    source.etag = None
    source.last_modified_header = None
    source.last_fetched_at = None
    source.last_success_at = None
    source.last_error = None
    source.last_error_words = None
    source.last_error_at = None
    source.event_count = 0
    source.byte_count = 0


#: Why a read is marked "only in part" (the first warnings follow it in ``last_error``).
CAPPED = (
    "only part of the calendar was read (it has more events than vppool reads in one go); "
    "busy time may be missing."
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a calendar could not be read: a message id (the English template) and its values."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def words(self) -> dict[str, Any]:
        """The JSON form a page localises (``web._messages.localise_words``)."""
        return {"message_id": self.template, "params": dict(self.params)}


def _problem(error: FetchError | cal.CalendarImportError) -> Problem:
    if isinstance(error, FetchError):
        return Problem(error.template, error.params)
    first = error.errors[0]  # a calendar that cannot be read has one reason
    return Problem(first.template, first.params)


def _fail(source: CalendarSource, problem: Problem, now: datetime) -> None:
    source.last_fetched_at = now
    source.last_error = problem.text[:2000]
    source.last_error_words = problem.words()
    source.last_error_at = now


@dataclass(frozen=True, slots=True)
class _Fetch:
    url: str
    etag: str | None
    last_modified: str | None
    timezone: str


def refresh_source(
    engine: Engine,
    settings: Settings,
    source_id: int,
    *,
    trust_person_id: int | None = None,
    viewer: Viewer | None = None,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
) -> CalendarSourcePublic:
    """Fetch a linked calendar now (conditional GET), read it, and store what changed.

    A failed fetch or parse is recorded on the source (``last_error``) and keeps the busy
    time of the last good import; it does not raise.

    Args:
        engine: Opens the two short transactions (no transaction is open while fetching).
        settings: Limits, the allow-list, the import window and the cool-down.
        source_id: The source.
        trust_person_id: The owner, as given in the address (checked against the viewer).
        viewer: Who asks; ``None`` is the system (the refresh job, which has no cool-down).
        now: The moment of the refresh (tests pass one).
        transport: An httpx transport (tests).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such source (of this trust person) in the viewer's scope.
        ValidationFailed: the source is an uploaded file or switched off.
        TooManyAttempts: a person asked again within the cool-down after the last read.
    """
    public, _ = _refresh(
        engine,
        settings,
        source_id,
        trust_person_id=trust_person_id,
        viewer=viewer,
        now=now or datetime.now(UTC),
        transport=transport,
    )
    return public


_Outcome = Callable[[Session, CalendarSource], bool]


def _refresh(
    engine: Engine,
    settings: Settings,
    source_id: int,
    *,
    trust_person_id: int | None,
    viewer: Viewer | None,
    now: datetime,
    transport: httpx.BaseTransport | None,
) -> tuple[CalendarSourcePublic, str]:
    """Refresh one source; also says what happened: updated, unchanged, failed or skipped."""
    with session_scope(engine) as session:
        source = session.get(CalendarSource, source_id)
        if source is None or trust_person_id not in (None, source.trust_person_id):
            raise NotFound("calendar source", source_id)
        person = _visible(session, viewer, source.trust_person_id)
        url = _check_readable(source)
        _cool_down(source, settings, viewer, now)
        job = _Fetch(url, source.etag, source.last_modified_header, person.timezone)

    outcome = _fetch_and_read(job, settings, now, transport)

    with session_scope(engine) as session:
        serialise_writes(session)
        source = session.exec(
            select(CalendarSource).where(CalendarSource.id == source_id).with_for_update()
        ).first()
        if source is None:
            raise NotFound("calendar source", source_id)
        if source.url != job.url or not source.enabled:
            return _public(source, viewer), "skipped"  # changed while we were fetching
        changed = outcome(session, source)
        flush(session)
        if source.last_error_at == now and source.last_success_at != now:
            kind = "failed"
        else:
            kind = "updated" if changed else "unchanged"
        return _public(source, viewer), kind


def _check_readable(source: CalendarSource) -> str:
    """The address of a linked, switched-on source; refused otherwise."""
    if source.kind is not CalendarSourceKind.URL or source.url is None:
        msg = "an uploaded calendar is refreshed by uploading the file again"
        raise ValidationFailed.single("kind", msg, subject="calendar source")
    if not source.enabled:
        msg = "this calendar is switched off; switch it on first"
        raise ValidationFailed.single("enabled", msg, subject="calendar source")
    return source.url


def _cool_down(
    source: CalendarSource, settings: Settings, viewer: Viewer | None, now: datetime
) -> None:
    if viewer is None or source.last_fetched_at is None:
        return
    wait = settings.calendar_refresh_cooldown_s - (now - source.last_fetched_at).total_seconds()
    if wait > 0:
        msg = f"this calendar was read moments ago; try again in {ceil(wait)} seconds"
        raise TooManyAttempts(msg, retry_after_s=ceil(wait))


def _fetch_and_read(
    job: _Fetch, settings: Settings, now: datetime, transport: httpx.BaseTransport | None
) -> _Outcome:
    """Fetch and parse with no transaction open; what to store, as a function."""
    try:
        fetched = fetch_calendar(
            job.url,
            etag=job.etag,
            last_modified=job.last_modified,
            max_bytes=settings.calendar_max_bytes,
            timeout_s=settings.calendar_fetch_timeout_s,
            allow=tuple(settings.calendar_fetch_allow),
            transport=transport,
        )
        result = None if fetched.not_modified else _parse(fetched.body, job.timezone, settings, now)
    except (FetchError, cal.CalendarImportError) as exc:
        problem = _problem(exc)
    except Exception:  # a bug must not leave the source "pending" and fetched every minute
        log.exception("reading calendar %s failed unexpectedly", redact_url(job.url))
        problem = Problem("vppool could not read this calendar because of an error on its side")
    else:

        def stored(session: Session, source: CalendarSource) -> bool:
            if result is None:  # 304: the last read stands, a partial one stays partial
                if source.last_error_at is not None and (
                    source.last_error_at == source.last_success_at
                ):
                    source.last_error_at = now
                source.last_fetched_at = now
                source.last_success_at = now
                return False
            changed = _store(session, source, result, len(fetched.body), now)
            source.etag = (fetched.etag or "")[:300] or None
            source.last_modified_header = (fetched.last_modified or "")[:100] or None
            return changed

        return stored

    def failed(_session: Session, source: CalendarSource) -> bool:
        _fail(source, problem, now)
        return False

    return failed


def enqueue_read(session: Session, source: CalendarSource) -> bool:
    """Queue a read of a linked calendar (one at a time per source); True if newly queued.

    Reads run in the workers' ``fetch`` lane, at most ``VPPOOL_CALENDAR_FETCH_PER_HOST``
    from one host and ``VPPOOL_CALENDAR_FETCH_CONCURRENCY`` in all at once.
    """
    if source.id is None or source.url is None:
        return False
    key = f"{FETCH_TASK}:{source.id}"
    before = queue.active_with_key(session, key)
    job_id = queue.enqueue(
        session,
        FETCH_TASK,
        {"source_id": source.id},
        lane="fetch",
        limit_key=f"host:{(urlsplit(source.url).hostname or '').lower()}"[:200],
        unique_key=key,
    )
    return job_id != before


def request_refresh(
    session: Session,
    settings: Settings,
    source_id: int,
    *,
    trust_person_id: int | None = None,
    viewer: Viewer | None = None,
    now: datetime | None = None,
) -> CalendarSourcePublic:
    """A person asks to read a linked calendar now: queued for a worker (never read here).

    Raises:
        PermissionDenied: the viewer is a client contact.
        NotFound: no such source (of this trust person) in the viewer's scope.
        ValidationFailed: the source is an uploaded file or switched off.
        TooManyAttempts: asked again within the cool-down after the last read.
    """
    source = session.get(CalendarSource, source_id)
    if source is None or trust_person_id not in (None, source.trust_person_id):
        raise NotFound("calendar source", source_id)
    _visible(session, viewer, source.trust_person_id)
    _check_readable(source)
    _cool_down(source, settings, viewer, now or datetime.now(UTC))
    enqueue_read(session, source)
    return _public(source, viewer, reading=True)


def refresh_due(
    engine: Engine, settings: Settings, *, now: datetime | None = None
) -> RefreshReport:
    """Queue a read of every linked, switched-on source whose interval has passed (the job).

    A source whose read is still queued or running is not queued again.
    """
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        sources = session.exec(
            select(CalendarSource).where(
                CalendarSource.kind == CalendarSourceKind.URL,
                col(CalendarSource.enabled).is_(True),
            )
        ).all()
        due = [
            source
            for source in sources
            if source.last_fetched_at is None
            or source.last_fetched_at + timedelta(minutes=source.refresh_minutes) <= now
        ]
        never = datetime.min.replace(tzinfo=UTC)
        due.sort(key=lambda source: (source.last_fetched_at or never, source.id or 0))
        queued = sum(enqueue_read(session, source) for source in due)
    return RefreshReport(due=len(due), queued=queued)


# --------------------------------------------------------------------------- for the matcher


def booked_days(
    session: Session, first: date, last: date, *, people: list[TrustPerson] | None = None
) -> dict[int, tuple[cal.DayRange, ...]]:
    """Days in ``[first, last)`` that the VPs' own calendars and vppool fill completely.

    The VPs with imported busy time or an information session booked in the window are
    looked at; a day counts when firm busy time and vppool's commitments (an information
    session with its travel, intervision) cover all of the VP's working time that day
    (tentative time does not book a day); for a VP without weekly hours, 09:00-17:00 on
    weekdays. The matcher treats these days as absences.

    Args:
        session: The session to read with.
        first: The first day (e.g. today).
        last: The day after the last (e.g. the end of the planning horizon).
        people: Limit to these VPs (default: every VP with a switched-on source).
    """
    with_busy = (
        select(CalendarSource.trust_person_id)
        .join(BusyInterval, col(BusyInterval.calendar_source_id) == CalendarSource.id)
        .where(col(CalendarSource.enabled).is_(True))
    )
    # A booked session fills a day whether or not the VP imports a calendar.
    with_sessions = select(InfoSession.trust_person_id).where(
        InfoSession.status == InfoSessionStatus.BOOKED,
        col(InfoSession.ends_at) > datetime.combine(first - timedelta(days=1), time(0), UTC),
        col(InfoSession.starts_at) < datetime.combine(last + timedelta(days=1), time(0), UTC),
    )
    query = select(TrustPerson).where(
        sa.or_(col(TrustPerson.id).in_(with_busy), col(TrustPerson.id).in_(with_sessions))
    )
    if people is not None:
        query = query.where(col(TrustPerson.id).in_([p.id for p in people]))
    result: dict[int, tuple[cal.DayRange, ...]] = {}
    by_zone: dict[str, list[TrustPerson]] = {}
    for person in session.exec(query).all():
        by_zone.setdefault(person.timezone, []).append(person)
    for zone_name, group in by_zone.items():
        zone = ZoneInfo(zone_name)
        window = cal.Interval(cal.local_day(first, zone), cal.local_day(last, zone))
        states = availability_of(
            session, group, window, tentative_is_busy=False, default_weekly=_OFFICE_HOURS
        )
        for person_id, state in states.items():
            days = cal.booked_days(state, zone_name)
            if days:
                result[person_id] = days
    return result
