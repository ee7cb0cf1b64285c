"""A trust person's own calendars: link an address, upload a file, see their sync health.

The trust person manages their own; planners and admins every VP's. Uploaded files are read
in a worker thread (never on the event loop) and completely before anything changes, so a
refused file keeps the previous import in effect and the answer (422) says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlmodel import Session

from vppool.api.auth import trust_person_or_staff
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import Id, Resource
from vppool.api.openapi import problem_responses
from vppool.db.schemas import CalendarSourceCreate, CalendarSourcePublic, CalendarSourceUpdate
from vppool.services import calendar_sources
from vppool.services.access import Viewer
from vppool.settings import Settings

__all__ = ["CalendarSourceController"]

#: Room for the multipart envelope around a file of the largest accepted size.
_ENVELOPE = 64 * 1024
#: The route's body limit: the largest calendar size the settings allow, plus the envelope;
#: the service then checks the configured limit (``VPPOOL_CALENDAR_MAX_BYTES``).
UPLOAD_BODY_LIMIT = 20 * 1024 * 1024 + _ENVELOPE

_SOURCES = RecordRoutes(
    "/",
    CalendarSourcePublic,
    key="source_id",
    owner="trust_person_id",
    create=CalendarSourceCreate,
    update=CalendarSourceUpdate,
)


@dataclass
class CalendarUpload:
    """An ICS file, optionally replacing an earlier upload (``source_id``)."""

    file: UploadFile
    label: str | None = None
    source_id: int | None = None


class CalendarSourceController(
    Resource,
    path="/api/v1/trust-persons/{trust_person_id:int}/calendar-sources",
    tag="trust persons",
    guard=trust_person_or_staff,
):
    """The calendars a trust person links or uploads so their busy time blocks planning."""

    list_calendar_sources = _SOURCES.listing(
        calendar_sources.list_sources,
        "List a trust person's calendars with their health (last success, last error).",
    )
    link_calendar = _SOURCES.creating(
        calendar_sources.link_url,
        """Link a calendar by its https, http or webcal address (kind ``url``).

        It is read on the worker's next round (each minute), or at once with ``…/refresh``.
        """,
    )

    @post(
        "/upload",
        sync_to_thread=True,
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    def upload_calendar(
        self,
        trust_person_id: Id,
        data: Annotated[CalendarUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> CalendarSourcePublic:
        """Upload an .ics file (multipart field ``file``), or replace an uploaded one."""
        content = data.file.file.read(settings.calendar_max_bytes + 1)
        return calendar_sources.upload_file(
            db_session,
            settings,
            trust_person_id=trust_person_id,
            content=content,
            filename=data.file.filename,
            content_type=data.file.content_type,
            source_id=data.source_id,
            label=data.label,
            viewer=viewer,
        )

    get_calendar_source = _SOURCES.reading(
        calendar_sources.get_source, "Show one calendar with its health."
    )
    update_calendar_source = _SOURCES.changing(
        calendar_sources.update_source,
        "Change the label, address, refresh interval, or switch the calendar off or on.",
    )
    delete_calendar_source = _SOURCES.deleting(
        calendar_sources.delete_source, "Remove a calendar and the busy time it brought."
    )

    @post(
        "/{source_id:int}/refresh",
        status_code=202,
        sync_to_thread=True,
        responses=problem_responses(429),
    )
    def refresh_calendar_source(
        self,
        trust_person_id: Id,
        source_id: Id,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> CalendarSourcePublic:
        """Have a linked calendar read now (202): a worker reads it within seconds.

        Poll the source for its new health and ``last_fetched_at``; a failed fetch or parse
        shows as ``health: error`` with ``last_error`` (the busy time of the last good read
        stays in effect). Asking again within a minute of the last read answers 429 with
        ``Retry-After``; asking while a read is queued queues no second one.
        """
        return calendar_sources.request_refresh(
            db_session,
            settings,
            source_id,
            trust_person_id=trust_person_id,
            viewer=viewer,
        )
