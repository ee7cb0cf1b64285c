"""A trust person's own pages: assignments, availability, education and calendar feeds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from vppool.db.schemas import CalendarSourceUpdate, ConsentAnswer
from vppool.errors import Conflict, ValidationFailed
from vppool.services import (
    assignments,
    calendar_sources,
    compliance,
    consent,
    info_sessions,
    trust_persons,
)
from vppool.vocab import AbsenceKind, EducationCategory, InfoSessionStatus
from vppool.web._common import FormData, form_text, trust_person_only
from vppool.web._forms import Form, errors_by_field
from vppool.web._messages import localise_error
from vppool.web._page import FormView, PageContext, Redraw, WebPages
from vppool.web._record_forms import (
    AbsenceForm,
    CalendarLinkForm,
    DeclinePlacementForm,
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


def _own(ctx: PageContext) -> int:
    """The viewer's own trust person."""
    assert ctx.viewer.trust_person_id is not None  # noqa: S101  (trust-person users are bound)
    return ctx.viewer.trust_person_id


def _add(
    ctx: PageContext,
    form: type[Form],
    data: FormData,
    add: Callable[..., object],
    done: str,
    *,
    again: Redraw,
) -> Template | Redirect:
    """Read ``data`` as ``form`` and ``add`` it to the viewer's own records, then go to ``done``.

    ``add`` is the service function (session, ``trust_person_id``, ``data``, ``viewer``).
    """

    def act(parsed: Form) -> str:
        add(ctx.session, trust_person_id=_own(ctx), data=parsed.to_input(), viewer=ctx.viewer)
        return done

    return ctx.handle(form, data, act=act, again=again)


AVAILABILITY = FormView(
    "me_availability.html",
    "availability",
    lambda ctx: {
        "weekdays": WEEKDAYS,
        "ranges_per_day": RANGES_PER_DAY,
        "absences": trust_persons.list_absences(
            ctx.session, trust_person_id=_own(ctx), viewer=ctx.viewer
        ),
        "absence_kinds": list(AbsenceKind),
        "absence_values": {},
        "absence_errors": {},
    },
)
EDUCATION = FormView(
    "me_education.html",
    "education",
    lambda ctx: {
        "report": compliance.compliance_report(ctx.session, ctx.settings, _own(ctx), ctx.today()),
        "records": trust_persons.list_education_records(
            ctx.session, trust_person_id=_own(ctx), viewer=ctx.viewer
        ),
        "categories": [EducationCategory.ACCREDITED_COURSE, EducationCategory.OTHER],
    },
)
CALENDARS = FormView(
    "me_calendars.html",
    "calendars",
    lambda ctx: {
        "sources": calendar_sources.list_sources(
            ctx.session, trust_person_id=_own(ctx), viewer=ctx.viewer
        ),
        "manage": True,
    },
)


def _assignments_facts(ctx: PageContext) -> dict[str, Any]:
    """The trust person's assignments (asked ones to answer) and this week's free time."""
    person = trust_persons.get_trust_person(
        ctx.session, trust_person_id=_own(ctx), viewer=ctx.viewer
    )
    today = ctx.today()
    booked = info_sessions.list_sessions(
        ctx.session,
        info_sessions.InfoSessionQuery(status=InfoSessionStatus.BOOKED, limit=100),
        viewer=ctx.viewer,
    )
    zone = ZoneInfo(person.timezone)
    return {
        "person": person,
        "held": assignments.own_assignments(
            ctx.session, assignments.OwnAssignmentQuery(limit=100), viewer=ctx.viewer
        ),
        "week": day_availability(ctx.session, person.id, person.timezone, today, 7),
        # the information sessions in the same seven days (their travel is busy time)
        "visits": sorted(
            (
                s
                for s in booked.items
                if s.starts_at is not None
                and 0 <= (s.starts_at.astimezone(zone).date() - today).days < 7
            ),
            key=lambda s: s.starts_at or datetime.min.replace(tzinfo=UTC),
        ),
        "today": today,
    }


ASSIGNMENTS = FormView("me.html", "me", _assignments_facts)


class TrustPersonPages(WebPages, path="/me", guard=trust_person_only):
    """Only the trust person's own records: every call passes the viewer to the services."""

    @get("/", sync_to_thread=True)
    def assignments_page(self, ctx: NamedDependency[PageContext]) -> Template:
        """The trust person's assignments (asked ones to answer) and this week's free time."""
        return ASSIGNMENTS.draw(ctx)

    @post("/assignments/{assignment_id:int}/accept", sync_to_thread=True, status_code=303)
    def accept_placement(
        self, ctx: NamedDependency[PageContext], assignment_id: FromPath[int]
    ) -> Redirect:
        """Take the assignment one was asked for: it is confirmed."""
        consent.answer(
            ctx.session,
            assignment_id=assignment_id,
            data=ConsentAnswer(accept=True),
            viewer=ctx.viewer,
        )
        return ctx.redirect(f"/me?done=accepted#assignment-{assignment_id}")

    @post("/assignments/{assignment_id:int}/decline", sync_to_thread=True, status_code=303)
    def decline_placement(
        self, ctx: NamedDependency[PageContext], assignment_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Decline the assignment one was asked for, saying why: the seat is open again."""

        def act(form: DeclinePlacementForm) -> str:
            consent.answer(
                ctx.session, assignment_id=assignment_id, data=form.to_input(), viewer=ctx.viewer
            )
            return f"/me?done=declined#assignment-{assignment_id}"

        def again(*, values: dict[str, Any], **shown: Any) -> Template:
            return ASSIGNMENTS.draw(ctx, values={**values, "declining": assignment_id}, **shown)

        return ctx.handle(DeclinePlacementForm, data, act=act, again=again)

    # ------------------------------------------------------------------ availability

    @get("/availability", sync_to_thread=True)
    def availability(self, ctx: NamedDependency[PageContext]) -> Template:
        """The weekly hours editor and the absences."""
        weekly = trust_persons.list_weekly_availability(
            ctx.session, trust_person_id=_own(ctx), viewer=ctx.viewer
        )
        values: dict[str, str] = {}
        counts: dict[int, int] = {}
        for row in weekly:
            index = counts.get(row.weekday, 0)
            counts[row.weekday] = index + 1
            if index < RANGES_PER_DAY:
                values[f"start_{row.weekday}_{index}"] = row.start_time.strftime("%H:%M")
                values[f"end_{row.weekday}_{index}"] = row.end_time.strftime("%H:%M")
        return AVAILABILITY.draw(ctx, values=values)

    @post("/availability", sync_to_thread=True, status_code=303)
    def save_weekly_hours(
        self, ctx: NamedDependency[PageContext], data: FormData
    ) -> Template | Redirect:
        """Replace the weekly hours with the editor's rows."""
        ranges, rows, problems = weekly_ranges(data, RANGES_PER_DAY)
        try:
            if problems:
                raise ValidationFailed(problems, subject="weekly hours")
            trust_persons.replace_weekly_availability(
                ctx.session, trust_person_id=_own(ctx), ranges=ranges, viewer=ctx.viewer
            )
        except ValidationFailed as refusal:
            ctx.session.rollback()
            exc = on_rows(refusal, rows)
            errors = errors_by_field(exc, ctx.lang, _weekly_rows(exc))
            return AVAILABILITY.draw(ctx, values=dict(data), errors=errors, status_code=422)
        return ctx.redirect("/me/availability?done=saved")

    @post("/absences", sync_to_thread=True, status_code=303)
    def add_absence(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Record an absence from its first to its last day."""
        return _add(
            ctx,
            AbsenceForm,
            data,
            trust_persons.add_absence,
            "/me/availability?done=absence",
            again=lambda *, values, errors, status_code: AVAILABILITY.draw(
                ctx, absence_values=values, absence_errors=errors, status_code=status_code
            ),
        )

    @post("/absences/{absence_id:int}/delete", sync_to_thread=True, status_code=303)
    def delete_absence(
        self, ctx: NamedDependency[PageContext], absence_id: FromPath[int]
    ) -> Redirect:
        """Delete one of the trust person's absences."""
        trust_persons.delete_absence(
            ctx.session, trust_person_id=_own(ctx), absence_id=absence_id, viewer=ctx.viewer
        )
        return ctx.redirect("/me/availability?done=deleted")

    # ------------------------------------------------------------------ education

    @get("/education", sync_to_thread=True)
    def education(self, ctx: NamedDependency[PageContext]) -> Template:
        """Education and intervision hours against the requirement; record a course."""
        return EDUCATION.draw(ctx)

    @post("/education", sync_to_thread=True, status_code=303)
    def record_course(
        self, ctx: NamedDependency[PageContext], data: FormData
    ) -> Template | Redirect:
        """Record a course or other activity with its hours."""
        return _add(
            ctx,
            EducationForm,
            data,
            trust_persons.add_education_record,
            "/me/education?done=recorded",
            again=EDUCATION.again(ctx),
        )

    # ------------------------------------------------------------------ calendars

    @get("/calendars", sync_to_thread=True)
    def calendars(self, ctx: NamedDependency[PageContext]) -> Template:
        """The trust person's linked calendars, their health, and linking a new one."""
        return CALENDARS.draw(ctx)

    @post("/calendars", sync_to_thread=True, status_code=303)
    def link_calendar(
        self, ctx: NamedDependency[PageContext], data: FormData
    ) -> Template | Redirect:
        """Link a calendar by its address; it is read on the next round of the worker."""
        return _add(
            ctx,
            CalendarLinkForm,
            data,
            calendar_sources.link_url,
            "/me/calendars?done=linked",
            again=CALENDARS.again(ctx),
        )

    @post(
        "/calendars/upload",
        sync_to_thread=True,
        status_code=303,
        request_max_body_size=calendar_sources.UPLOAD_BODY_LIMIT,
    )
    def upload_calendar(
        self,
        ctx: NamedDependency[PageContext],
        data: Annotated[CalendarUploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template | Redirect:
        """Hand an .ics file to the worker; the page shows it being read, then the outcome.

        Size, type and an empty file are refused here with the reason by the field.
        """
        content = data.file.file.read(ctx.settings.calendar_max_bytes + 1) if data.file else b""
        try:
            calendar_sources.upload_file(
                ctx.session,
                ctx.settings,
                trust_person_id=_own(ctx),
                content=content,
                filename=data.file.filename if data.file else None,
                content_type=data.file.content_type if data.file else None,
                label=data.label or None,
                viewer=ctx.viewer,
            )
        except (ValidationFailed, Conflict) as exc:
            ctx.session.rollback()
            if isinstance(exc, ValidationFailed):
                errors = errors_by_field(exc, ctx.lang, {"file", "label"})
            else:
                errors = {"file": [localise_error(exc, ctx.lang)]}
            if "" in errors:
                errors.setdefault("file", []).extend(errors.pop(""))
            return CALENDARS.draw(
                ctx,
                values={"upload_label": data.label or ""},
                errors={f"upload_{k}": v for k, v in errors.items()},
                status_code=422 if isinstance(exc, ValidationFailed) else 409,
            )
        return ctx.redirect("/me/calendars?done=uploaded")

    @post("/calendars/{source_id:int}/refresh", sync_to_thread=True, status_code=303)
    def refresh_calendar(
        self, ctx: NamedDependency[PageContext], source_id: FromPath[int]
    ) -> Redirect:
        """Have a linked calendar read now (by a worker); its health shows how that went."""
        calendar_sources.request_refresh(
            ctx.session, ctx.settings, source_id, trust_person_id=_own(ctx), viewer=ctx.viewer
        )
        return ctx.redirect("/me/calendars?done=refreshed")

    @post("/calendars/{source_id:int}/switch", sync_to_thread=True, status_code=303)
    def switch_calendar(
        self, ctx: NamedDependency[PageContext], source_id: FromPath[int], data: FormData
    ) -> Redirect:
        """Switch a calendar off (its busy time stops counting) or on again."""
        calendar_sources.update_source(
            ctx.session,
            trust_person_id=_own(ctx),
            source_id=source_id,
            data=CalendarSourceUpdate(enabled=form_text(data, "enabled") == "1"),
            viewer=ctx.viewer,
        )
        return ctx.redirect("/me/calendars?done=switched")

    @post("/calendars/{source_id:int}/delete", sync_to_thread=True, status_code=303)
    def delete_calendar(
        self, ctx: NamedDependency[PageContext], source_id: FromPath[int]
    ) -> Redirect:
        """Remove a calendar and the busy time it brought."""
        calendar_sources.delete_source(
            ctx.session, trust_person_id=_own(ctx), source_id=source_id, viewer=ctx.viewer
        )
        return ctx.redirect("/me/calendars?done=deleted")


@dataclass
class CalendarUploadForm:
    """The upload form: an .ics file and an optional name for it."""

    file: UploadFile | None = None
    label: str | None = None


def _parse_day(text: str) -> date:
    return date.fromisoformat(text)
