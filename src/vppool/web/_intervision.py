"""Intervision groups, their meetings and attendance (planners: all; a trust person: their own).

Forming a year's groups is a solver run: the planner starts it from a page, it runs in the
background (a request never waits for a solve) and stores nothing; its page shows the
progress, then the proposed groups with their explanation, and the planner stores them.
Planning the meetings of a year is a background run too (from the year's page, the API or
the command line); its page lists every window left without a meeting, with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from vppool.errors import Conflict, FieldError, ValidationFailed
from vppool.services import intervision, intervision_runs
from vppool.vocab import IntervisionRunKind, MatchingRunStatus
from vppool.web._common import FormData, form_list, staff_or_trust_person_page, staff_page
from vppool.web._form_page import FormPage
from vppool.web._forms import Form, form_field
from vppool.web._page import PageContext, WebPages
from vppool.web._views import all_pages

__all__ = ["IntervisionFormingPages", "IntervisionPages"]

_PAGE = 30


class IntervisionPages(WebPages, path="/intervision", guard=staff_or_trust_person_page):
    """Every call passes the viewer: a trust person sees and records only their own."""

    @get("/", sync_to_thread=True)
    def groups(
        self,
        ctx: NamedDependency[PageContext],
        year: FromQuery[int | None] = None,
        offset: FromQuery[int] = 0,
    ) -> Template:
        """A year's groups with their members and meetings."""
        year = year or ctx.today().year
        query = intervision.GroupQuery(year=year, offset=max(offset, 0), limit=_PAGE)
        groups = intervision.list_groups(ctx.session, query, viewer=ctx.viewer)
        sessions_by_group: dict[int, list[intervision.IntervisionSessionPublic]] = defaultdict(list)
        for meeting in _sessions(ctx, intervision.SessionQuery(year=year)):
            sessions_by_group[meeting.group_id].append(meeting)
        return ctx.render(
            "intervision.html",
            section="intervision",
            year=year,
            groups=groups,
            sessions_by_group=sessions_by_group,
            page_size=_PAGE,
        )

    @get("/groups/{group_id:int}/sessions/{session_id:int}", sync_to_thread=True)
    def attendance(
        self,
        ctx: NamedDependency[PageContext],
        group_id: FromPath[int],
        session_id: FromPath[int],
    ) -> Template:
        """Who attended a meeting (a trust person may record only their own attendance)."""
        group, meeting = _meeting(ctx, group_id, session_id)
        recorded = intervision.list_attendance(
            ctx.session, session_id=session_id, viewer=ctx.viewer
        )
        return ctx.render(
            "intervision_session.html",
            section="intervision",
            group=group,
            meeting=meeting,
            members=_recordable(ctx, group),
            attended={a.trust_person_id: a.attended for a in recorded},
            hours={a.trust_person_id: a.hours for a in recorded if a.attended},
        )

    @post("/groups/{group_id:int}/sessions/{session_id:int}", sync_to_thread=True, status_code=303)
    def record(
        self,
        ctx: NamedDependency[PageContext],
        group_id: FromPath[int],
        session_id: FromPath[int],
        data: FormData,
    ) -> Redirect:
        """Record the ticked members as present and the others as absent."""
        group, _ = _meeting(ctx, group_id, session_id)
        present = set(form_list(data, "attended"))
        for member in _recordable(ctx, group):
            intervision.record_attendance(
                ctx.session,
                session_id=session_id,
                trust_person_id=member.trust_person_id,
                attended=str(member.trust_person_id) in present,
                viewer=ctx.viewer,
            )
        return ctx.redirect(f"/intervision/groups/{group_id}/sessions/{session_id}?done=recorded")


def _sessions(
    ctx: PageContext, which: intervision.SessionQuery
) -> list[intervision.IntervisionSessionPublic]:
    """Every meeting (of a ``year``, of a ``group_id``) the viewer may see."""
    return all_pages(
        lambda query: intervision.list_sessions(ctx.session, query, viewer=ctx.viewer), which
    )


def _meeting(
    ctx: PageContext, group_id: int, session_id: int
) -> tuple[intervision.IntervisionGroupPublic, intervision.IntervisionSessionPublic]:
    group = intervision.get_group(ctx.session, group_id, viewer=ctx.viewer)
    meetings = _sessions(ctx, intervision.SessionQuery(group_id=group_id))
    meeting = next((s for s in meetings if s.id == session_id), None)
    if meeting is None:
        raise NotFoundException
    return group, meeting


def _recordable(
    ctx: PageContext, group: intervision.IntervisionGroupPublic
) -> list[intervision.MemberPublic]:
    """The members whose attendance the viewer records (a trust person: only their own)."""
    viewer = ctx.viewer
    return [
        m for m in group.members if viewer.is_staff or m.trust_person_id == viewer.trust_person_id
    ]


class FormingForm(Form):
    """The year to form groups for, and how long the solver may search."""

    year: int = form_field("Year", ge=2000, le=2200)
    time_limit_s: float | None = form_field(
        "Time limit (seconds)",
        default=None,
        hint="Leave empty for the standard limit; at most 600 seconds.",
        gt=0,
        le=600,
    )

    def to_input(self) -> intervision_runs.FormingOptions:
        """The run's options as the service takes them."""
        return self.build(
            intervision_runs.FormingOptions, year=self.year, time_limit_s=self.time_limit_s
        )


FORMING = FormPage(
    FormingForm,
    title="Form intervision groups",
    intro=(
        "The groups are formed in the background; you see them with an explanation "
        "and then store them. Groups of the year that have not met yet are replaced."
    ),
    action="/intervision/formations",
    back="/intervision",
    section="intervision",
    submit_label="Form the groups",
)

_ACTIVE = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)


def _reason(item: intervision.LeftOut | intervision.WindowOutcome) -> tuple[str, dict[str, str]]:
    """A reason as its message id and values (older reports: the English words)."""
    return (item.message or item.reason or "", item.values)


class IntervisionFormingPages(WebPages, path="/intervision/formations", guard=staff_page):
    """Forming a year's groups from the web (planners and admins)."""

    @get("/", sync_to_thread=False)
    def forming_form(self, ctx: NamedDependency[PageContext]) -> Template:
        """The year and options."""
        return FORMING.show(ctx, values={"year": str(ctx.today().year + 1)})

    @post("/", sync_to_thread=True, status_code=303)
    def form_groups(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Start forming the groups in the background and show the run."""

        def start(form: FormingForm) -> str:
            order = intervision_runs.RunOrder(
                kind=IntervisionRunKind.FORMATION, propose=True, **form.to_input().model_dump()
            )
            try:
                run = intervision_runs.start_run(ctx.session, order, viewer=ctx.viewer)
            except Conflict as busy:
                busy_msg = (
                    "Groups for this year are being formed already; wait until that run ends."
                )
                raise ValidationFailed([FieldError("year", busy_msg)]) from busy
            return f"/intervision/formations/{run.id}"

        return FORMING.submit(ctx, data, start)

    @post("/plan/{year:int}", sync_to_thread=True, status_code=303)
    def plan(self, ctx: NamedDependency[PageContext], year: FromPath[int]) -> Redirect:
        """Plan the meetings of a year's groups in the background and show the run."""
        order = intervision_runs.RunOrder(kind=IntervisionRunKind.SCHEDULE, year=year)
        try:
            run = intervision_runs.start_run(ctx.session, order, viewer=ctx.viewer)
        except Conflict:
            return ctx.redirect(f"/intervision?year={year}&done=busy")
        return ctx.redirect(f"/intervision/formations/{run.id}")

    @get("/{run_id:int}", sync_to_thread=True)
    def formation(self, ctx: NamedDependency[PageContext], run_id: FromPath[int]) -> Template:
        """The run: its progress, then the proposed groups with their explanation."""
        return _formation(ctx, run_id)

    @get("/{run_id:int}/progress", sync_to_thread=True)
    def progress(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Response[str]:
        """The progress panel, polled while the run goes; a finished run reloads the page."""
        run = intervision_runs.get_run(ctx.session, run_id, viewer=ctx.viewer)
        if run.status not in _ACTIVE:
            return Response("", headers={"HX-Refresh": "true"}, media_type="text/html")
        return ctx.render("intervision_progress.html", run=run)

    @post("/{run_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, ctx: NamedDependency[PageContext], run_id: FromPath[int]) -> Redirect:
        """Stop a queued or running formation; nothing of it is kept."""
        intervision_runs.cancel_run(ctx.session, run_id, viewer=ctx.viewer)
        return ctx.redirect(f"/intervision/formations/{run_id}")

    @post("/{run_id:int}/store", sync_to_thread=True, status_code=303)
    def store(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Redirect:
        """Store the proposed groups (unless they no longer fit: then form them again)."""
        try:
            run = intervision_runs.store_proposal(
                ctx.session, ctx.settings, run_id, viewer=ctx.viewer
            )
        except Conflict as refused:
            ctx.session.rollback()
            return _formation(ctx, run_id, problem=ctx.words(refused))
        return ctx.redirect(f"/intervision?year={run.year}&done=formed")


def _formation(ctx: PageContext, run_id: int, *, problem: str | None = None) -> Template:
    """A forming run's page; ``problem`` says why its groups could not be stored."""
    run = intervision_runs.get_run(ctx.session, run_id, viewer=ctx.viewer)
    if run.kind is IntervisionRunKind.SCHEDULE:
        return _schedule(ctx, run)
    report = None
    left_out: list[tuple[str, str, dict[str, str]]] = []
    if run.status is MatchingRunStatus.SUCCEEDED:
        report = intervision.FormationReport.model_validate(run.report)
        left_out = [(p.name, *_reason(p)) for p in report.left_out]
    return ctx.render(
        "intervision_formation.html",
        section="intervision",
        status_code=409 if problem else 200,
        run=run,
        report=report,
        left_out=left_out,
        stored=bool(run.report.get("stored_at")),
        running=run.status in _ACTIVE,
        problem=problem,
    )


def _schedule(ctx: PageContext, run: intervision_runs.IntervisionRunPublic) -> Template:
    """A planning run's page: its progress, then each window left without a meeting and why."""
    report = None
    missing: list[tuple[intervision.GroupSchedule, date, date, str, dict[str, str]]] = []
    if run.status is MatchingRunStatus.SUCCEEDED:
        report = intervision.ScheduleReport.model_validate(run.report)
        missing = [
            (group, window.starts_on, window.ends_on, *_reason(window))
            for group in report.groups
            for window in group.windows
            if window.session is None
        ]
    return ctx.render(
        "intervision_schedule.html",
        section="intervision",
        run=run,
        report=report,
        missing=missing,
        running=run.status in _ACTIVE,
    )
