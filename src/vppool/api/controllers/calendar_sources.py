"""A trust person's own calendars: link an address, upload a file, see their sync health.

The trust person manages their own; planners and admins every VP's. An uploaded file is
checked for size and type in the request (422 says why) and read by a worker: the upload
answers 202 with the source (``reading: true``) and its address in ``Location``; a file the
worker cannot read shows as ``health: error`` with ``last_error``, and the previous upload
stays in effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Response, post
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
        status_code=202,
        sync_to_thread=True,
        request_max_body_size=calendar_sources.UPLOAD_BODY_LIMIT,
        responses=problem_responses(413),
    )
    def upload_calendar(
        self,
        trust_person_id: Id,
        data: Annotated[CalendarUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Response[CalendarSourcePublic]:
        """Upload an .ics file (multipart field ``file``), or replace an uploaded one (202).

        The file is read by a worker within seconds: poll the source at ``Location`` until
        ``reading`` is false; then ``health`` is ``ok`` (or ``warning``: read in part) or
        ``error`` with the reason in ``last_error`` (the previous upload stays in effect).
        A file over ``VPPOOL_CALENDAR_MAX_BYTES``, empty or not a calendar type answers 422
        at once; a new file while the previous one of the source is being read, 409.
        """
        content = data.file.file.read(settings.calendar_max_bytes + 1)
        source = calendar_sources.upload_file(
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
        where = f"/api/v1/trust-persons/{source.trust_person_id}/calendar-sources/{source.id}"
        return Response(source, status_code=202, headers={"Location": where})

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
