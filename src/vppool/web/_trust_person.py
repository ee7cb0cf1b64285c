"""A trust person's own pages: assignments, availability, education and calendar feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.db.schemas import CalendarSourceUpdate
from vppool.errors import ValidationFailed
from vppool.services import assignments, calendar_sources, compliance, trust_persons
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import AbsenceKind, EducationCategory
from vppool.web._common import (
    FieldErrors,
    FormData,
    form_text,
    language_of,
    page,
    redirect,
    trust_person_only,
)
from vppool.web._forms import errors_by_field, handle
from vppool.web._record_forms import (
    AbsenceForm,
    CalendarLinkForm,
    EducationForm,
    on_rows,
    weekly_ranges,
)
from vppool.web._views import day_availability

__all__ = ["TrustPersonPages"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Time ranges per weekday the editor offers.
RANGES_PER_DAY = 2


def _weekly_rows(exc: ValidationFailed) -> set[str]:
    """The editor's rows (``<weekday>_<row>``) an error can be shown next to."""
    return {error.field for error in exc.errors if error.field[:1].isdigit()}


def _own(viewer: Viewer) -> int:
    assert viewer.trust_person_id is not None  # noqa: S101  (trust-person users are bound)
    return viewer.trust_person_id


class TrustPersonPages(Controller):
    """Only the trust person's own records: every call passes the viewer to the services."""

    path = "/me"
    guards = [trust_person_only]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def assignments_page(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """The trust person's assignments and this week's free time."""
        person = trust_persons.get_trust_person(
            db_session, trust_person_id=_own(viewer), viewer=viewer
        )
        today = settings.today()
        return page(
            request,
            "me.html",
            section="me",
            person=person,
            held=assignments.own_assignments(db_session, viewer=viewer, limit=100),
            week=day_availability(db_session, person.id, person.timezone, today, 7),
            today=today,
        )

    # ------------------------------------------------------------------ availability

    @get("/availability", sync_to_thread=True)
    def availability(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        done: FromQuery[str] = "",
    ) -> Template:
        """The weekly hours editor and the absences."""
        weekly = trust_persons.list_weekly_availability(
            db_session, trust_person_id=_own(viewer), viewer=viewer
        )
        values: dict[str, str] = {}
        counts: dict[int, int] = {}
        for row in weekly:
            index = counts.get(row.weekday, 0)
            counts[row.weekday] = index + 1
            if index < RANGES_PER_DAY:
                values[f"start_{row.weekday}_{index}"] = row.start_time.strftime("%H:%M")
                values[f"end_{row.weekday}_{index}"] = row.end_time.strftime("%H:%M")
        return self._availability_page(
            request, db_session, viewer, values=values, errors={}, done=done
        )

    def _availability_page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        viewer: Viewer,
        *,
        values: dict[str, Any],
        errors: FieldErrors,
        absence_values: dict[str, Any] | None = None,
        absence_errors: FieldErrors | None = None,
        done: FromQuery[str] = "",
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "me_availability.html",
            section="availability",
            status_code=status_code,
            weekdays=WEEKDAYS,
            ranges_per_day=RANGES_PER_DAY,
            values=values,
            errors=errors,
            absences=trust_persons.list_absences(
                db_session, trust_person_id=_own(viewer), viewer=viewer
            ),
            absence_kinds=list(AbsenceKind),
            absence_values=absence_values or {},
            absence_errors=absence_errors or {},
            done=done,
        )

    @post("/availability", sync_to_thread=True, status_code=303)
    def save_weekly_hours(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Replace the weekly hours with the editor's rows."""
        ranges, rows, problems = weekly_ranges(data, RANGES_PER_DAY)
        try:
            if problems:
                raise ValidationFailed(problems, subject="weekly hours")
            trust_persons.replace_weekly_availability(
                db_session, trust_person_id=_own(viewer), ranges=ranges, viewer=viewer
            )
        except ValidationFailed as refusal:
            db_session.rollback()
            exc = on_rows(refusal, rows)
            errors = errors_by_field(exc, language_of(request), _weekly_rows(exc))
            return self._availability_page(
                request, db_session, viewer, values=dict(data), errors=errors, status_code=422
            )
        return redirect("/me/availability?done=saved")

    @post("/absences", sync_to_thread=True, status_code=303)
    def add_absence(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Record an absence from its first to its last day."""
        return handle(
            AbsenceForm,
            data,
            language_of(request),
            act=lambda form: self._add_absence(db_session, viewer, form),
            again=lambda values, errors: self._availability_page(
                request,
                db_session,
                viewer,
                values={},
                errors={},
                absence_values=values,
                absence_errors=errors,
                status_code=422,
            ),
            rollback=db_session.rollback,
        )

    @staticmethod
    def _add_absence(db_session: Session, viewer: Viewer, form: AbsenceForm) -> str:
        trust_persons.add_absence(
            db_session, trust_person_id=_own(viewer), data=form.to_input(), viewer=viewer
        )
        return "/me/availability?done=absence"

    @post("/absences/{absence_id:int}/delete", sync_to_thread=True, status_code=303)
    def delete_absence(
        self,
        *,
        absence_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Delete one of the trust person's absences."""
        trust_persons.delete_absence(
            db_session, trust_person_id=_own(viewer), absence_id=absence_id, viewer=viewer
        )
        return redirect("/me/availability?done=deleted")

    # ------------------------------------------------------------------ education

    @get("/education", sync_to_thread=True)
    def education(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
        done: FromQuery[str] = "",
    ) -> Template:
        """Education and intervision hours against the requirement; record a course."""
        return self._education_page(
            request, db_session, settings, viewer, values={}, errors={}, done=done
        )

    def _education_page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        settings: Settings,
        viewer: Viewer,
        *,
        values: dict[str, Any],
        errors: FieldErrors,
        done: FromQuery[str] = "",
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "me_education.html",
            section="education",
            status_code=status_code,
            report=compliance.compliance_report(
                db_session, settings, _own(viewer), settings.today()
            ),
            records=trust_persons.list_education_records(
                db_session, trust_person_id=_own(viewer), viewer=viewer
            ),
            categories=[EducationCategory.ACCREDITED_COURSE, EducationCategory.OTHER],
            values=values,
            errors=errors,
            done=done,
        )

    @post("/education", sync_to_thread=True, status_code=303)
    def record_course(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Record a course or other activity with its hours."""

        def record(form: EducationForm) -> str:
            trust_persons.add_education_record(
                db_session, trust_person_id=_own(viewer), data=form.to_input(), viewer=viewer
            )
            return "/me/education?done=recorded"

        return handle(
            EducationForm,
            data,
            language_of(request),
            act=record,
            again=lambda values, errors: self._education_page(
                request, db_session, settings, viewer, values=values, errors=errors, status_code=422
            ),
            rollback=db_session.rollback,
        )

    # ------------------------------------------------------------------ calendars

    @get("/calendars", sync_to_thread=True)
    def calendars(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        done: FromQuery[str] = "",
    ) -> Template:
        """The trust person's linked calendars, their health, and linking a new one."""
        return self._calendars_page(request, db_session, viewer, values={}, errors={}, done=done)

    def _calendars_page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        viewer: Viewer,
        *,
        values: dict[str, Any],
        errors: FieldErrors,
        done: str = "",
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "me_calendars.html",
            section="calendars",
            status_code=status_code,
            sources=calendar_sources.list_sources(
                db_session, trust_person_id=_own(viewer), viewer=viewer
            ),
            values=values,
            errors=errors,
            done=done,
            manage=True,
        )

    @post("/calendars", sync_to_thread=True, status_code=303)
    def link_calendar(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Link a calendar by its address; it is read on the next round of the worker."""

        def link(form: CalendarLinkForm) -> str:
            calendar_sources.link_url(
                db_session, trust_person_id=_own(viewer), data=form.to_input(), viewer=viewer
            )
            return "/me/calendars?done=linked"

        return handle(
            CalendarLinkForm,
            data,
            language_of(request),
            act=link,
            again=lambda values, errors: self._calendars_page(
                request, db_session, viewer, values=values, errors=errors, status_code=422
            ),
            rollback=db_session.rollback,
        )

    @post("/calendars/upload", sync_to_thread=True, status_code=303)
    def upload_calendar(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Annotated[CalendarUploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Import an .ics file; a file that cannot be read is refused with the reason."""
        content = data.file.file.read(settings.calendar_max_bytes + 1) if data.file else b""
        try:
            calendar_sources.upload_file(
                db_session,
                settings,
                trust_person_id=_own(viewer),
                content=content,
                filename=data.file.filename if data.file else None,
                content_type=data.file.content_type if data.file else None,
                label=data.label or None,
                viewer=viewer,
            )
        except ValidationFailed as exc:
            db_session.rollback()
            errors = errors_by_field(exc, language_of(request), {"file", "label"})
            if "" in errors:
                errors.setdefault("file", []).extend(errors.pop(""))
            return self._calendars_page(
                request,
                db_session,
                viewer,
                values={"upload_label": data.label or ""},
                errors={f"upload_{k}": v for k, v in errors.items()},
                status_code=422,
            )
        return redirect("/me/calendars?done=uploaded")

    @post("/calendars/{source_id:int}/refresh", sync_to_thread=True, status_code=303)
    def refresh_calendar(
        self,
        *,
        source_id: FromPath[int],
        state: State,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        """Read a linked calendar now; its health shows how that went."""
        calendar_sources.refresh_source(
            state.engine, settings, source_id, trust_person_id=_own(viewer), viewer=viewer
        )
        return redirect("/me/calendars?done=refreshed")

    @post("/calendars/{source_id:int}/switch", sync_to_thread=True, status_code=303)
    def switch_calendar(
        self,
        *,
        source_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Switch a calendar off (its busy time stops counting) or on again."""
        calendar_sources.update_source(
            db_session,
            trust_person_id=_own(viewer),
            source_id=source_id,
            data=CalendarSourceUpdate(enabled=form_text(data, "enabled") == "1"),
            viewer=viewer,
        )
        return redirect("/me/calendars?done=switched")

    @post("/calendars/{source_id:int}/delete", sync_to_thread=True, status_code=303)
    def delete_calendar(
        self,
        *,
        source_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Remove a calendar and the busy time it brought."""
        calendar_sources.delete_source(
            db_session, trust_person_id=_own(viewer), source_id=source_id, viewer=viewer
        )
        return redirect("/me/calendars?done=deleted")


@dataclass
class CalendarUploadForm:
    """The upload form: an .ics file and an optional name for it."""

    file: UploadFile | None = None
    label: str | None = None


def _parse_day(text: str) -> date:
    return date.fromisoformat(text)
