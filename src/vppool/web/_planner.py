"""The planner's pages: dashboard, needs queue, matching runs and review, audit log."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.db.schemas import (
    MAX_ID,
    AssignmentPublic,
    NeedPublic,
    OrganisationPublic,
)
from vppool.errors import Conflict, RuleViolation, ValidationFailed
from vppool.services import (
    assignments,
    audit,
    dashboard,
    matching,
    needs,
    organisations,
    run_review,
    trust_persons,
)
from vppool.services.access import Viewer
from vppool.services.overview import pool_overview
from vppool.settings import Settings
from vppool.vocab import (
    AssignmentStatus,
    MatchingRunStatus,
    NeedKind,
    NeedStatus,
    Scope,
    Urgency,
)
from vppool.web._common import (
    FormData,
    IdempotencyKeys,
    form_list,
    form_text,
    language_of,
    page,
    redirect,
    staff_page,
)
from vppool.web._forms import fields_of, handle
from vppool.web._messages import localise_error
from vppool.web._record_forms import DeclineForm, NeedForm
from vppool.web._views import all_pages, organisation_names

__all__ = ["PlannerPages"]

_PAGE = 50
_DASHBOARD_ROWS = 12


def _vp_names(session: Session, viewer: Viewer) -> dict[int, str]:
    people = all_pages(
        lambda offset, limit: trust_persons.list_trust_persons(
            session, offset=offset, limit=limit, viewer=viewer
        )
    )
    return {p.id: f"{p.first_name} {p.last_name}" for p in people}


class PlannerPages(Controller):
    """Planners and admins only; to anyone else these pages do not exist."""

    path = "/"
    guards = [staff_page]  # noqa: RUF012  (Litestar reads class attributes)
    include_in_schema = False

    # ------------------------------------------------------------------ dashboard

    @get("/dashboard", sync_to_thread=True)
    def dashboard(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """What needs the planner's attention now; the coverage panels load after it."""
        board = dashboard.planner_dashboard(db_session, settings, viewer, settings.today())
        return page(request, "dashboard.html", section="dashboard", board=board)

    @get("/dashboard/coverage", sync_to_thread=True)
    def coverage(
        self,
        *,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
        offset: FromQuery[int] = 0,
    ) -> Template:
        """The pool-wide panels: organisations without a standing VP and the load heat map.

        Loaded into the dashboard after it (htmx), or on its own page with a pager.
        """
        found = dashboard.coverage(db_session, settings.today(), offset=offset)
        return page(
            request,
            "_coverage.html" if request.headers.get("hx-request") else "coverage.html",
            section="dashboard",
            coverage=found,
        )

    # ------------------------------------------------------------------ needs

    @get("/needs", sync_to_thread=True)
    def needs_queue(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        status: FromQuery[str] = "requested",
        kind: FromQuery[str] = "",
        urgency: FromQuery[str] = "",
        offset: FromQuery[int] = 0,
        done: FromQuery[str] = "",
    ) -> Template:
        """Requests and needs, most urgent first, with filters."""
        result = needs.list_needs(
            db_session,
            status=status or None,
            kind=kind or None,
            urgency=urgency or None,
            sort="urgency",
            offset=max(offset, 0),
            limit=_PAGE,
            viewer=viewer,
        )
        names = organisation_names(db_session, viewer, (n.organisation_id for n in result.items))
        return page(
            request,
            "needs.html",
            section="needs",
            result=result,
            names=names,
            filters={"status": status, "kind": kind, "urgency": urgency},
            statuses=list(NeedStatus),
            kinds=list(NeedKind),
            urgencies=list(Urgency),
            done=done,
            page_size=_PAGE,
        )

    @post("/needs/{need_id:int}/accept", sync_to_thread=True, status_code=303)
    def accept(
        self,
        *,
        need_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Accept a request: it becomes an open need."""
        needs.accept_request(db_session, need_id=need_id, viewer=viewer)
        return redirect("/needs?done=accepted")

    @post("/needs/{need_id:int}/decline", sync_to_thread=True, status_code=303)
    def decline(
        self,
        *,
        need_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Decline a request with the reason the client contact reads."""
        needs.decline_request(
            db_session, need_id=need_id, data=DeclineForm.parse(data).to_input(), viewer=viewer
        )
        return redirect("/needs?done=declined")

    @get("/needs/new", sync_to_thread=True)
    def new_need(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        organisation_id: FromQuery[int | None] = None,
    ) -> Template:
        """The form for a new need."""
        return self._need_form(
            request,
            db_session,
            viewer,
            values={"organisation_id": str(organisation_id or ""), "seats": "1"},
            errors={},
        )

    def _need_form(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        viewer: Viewer,
        *,
        values: dict[str, Any],
        errors: dict[str, list[str]],
        status_code: int = 200,
    ) -> Template:
        chosen = str(values.get("organisation_id", ""))
        if chosen.isdigit() and 0 < int(chosen) <= MAX_ID:
            found = organisations.organisation_names(db_session, [int(chosen)], viewer=viewer)
            values = {**values, "organisation_id_label": found.get(int(chosen), "")}
        return page(
            request,
            "need_form.html",
            section="needs",
            status_code=status_code,
            values=values,
            errors=errors,
            organisation_field=fields_of(NeedForm, ["organisation_id"]),
            kinds=list(NeedKind),
            urgencies=list(Urgency),
            scopes=list(Scope),
            form_key=secrets.token_urlsafe(16),
        )

    @post("/needs/new", sync_to_thread=True, status_code=303)
    def create_need(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        state: State,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Create an open need; errors are shown next to their fields."""
        keys: IdempotencyKeys = state.web_submissions

        def create(form: NeedForm) -> str:
            def submit() -> str:
                need, _ = needs.submit_need(db_session, data=form.to_input(), viewer=viewer)
                return f"/needs?status=open&done=created&offset=0#need-{need.id}"

            return keys.once(data, submit)

        return handle(
            NeedForm,
            data,
            language_of(request),
            act=create,
            again=lambda values, errors: self._need_form(
                request, db_session, viewer, values=values, errors=errors, status_code=422
            ),
            rollback=db_session.rollback,
        )

    @get("/needs/{need_id:int}/quick-match", sync_to_thread=True)
    def quick_match(
        self,
        *,
        request: Request[Any, Any, Any],
        need_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
        placed: FromQuery[int | None] = None,
    ) -> Template:
        """Eligible VPs for one need, cheapest first, and why the others are not eligible."""
        need = needs.get_need(db_session, need_id=need_id, viewer=viewer)
        return self._quick_match_page(
            request, db_session, settings, viewer, need, violations=[], placed=placed
        )

    def _quick_match_page(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        settings: Settings,
        viewer: Viewer,
        need: NeedPublic,
        *,
        violations: list[dict[str, Any]],
        placed: FromQuery[int | None] = None,
        status_code: int = 200,
        problem: str | None = None,
    ) -> Template:
        try:
            ranked: matching.QuickMatchResult | None = matching.quick_match_need(
                db_session, settings, need.id, limit=25
            )
        except Conflict as exc:
            ranked, problem = None, localise_error(exc, language_of(request))
        team = assignments.list_assignments(
            db_session, need_id=need.id, status=AssignmentStatus.CONFIRMED, viewer=viewer
        )
        return page(
            request,
            "quick_match.html",
            section="needs",
            status_code=status_code,
            need=need,
            organisation=organisations.get_organisation(
                db_session, organisation_id=need.organisation_id, viewer=viewer
            ),
            ranked=ranked,
            problem=problem,
            held=team.items,
            names=_vp_names(db_session, viewer) if team.items or placed else {},
            violations=violations,
            placed=placed,
        )

    @post("/needs/{need_id:int}/place", sync_to_thread=True, status_code=303)
    def place(
        self,
        *,
        request: Request[Any, Any, Any],
        need_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Put a VP on a seat by hand; broken rules are listed one by one."""
        need = needs.get_need(db_session, need_id=need_id, viewer=viewer)
        try:
            vp_id = int(form_text(data, "trust_person_id"))
            seat = int(form_text(data, "seat") or 1)
        except ValueError:
            raise ValidationFailed.single("trust_person_id", "choose a trust person") from None
        try:
            matching.override_seat(
                db_session,
                settings,
                need_id=need_id,
                seat=seat,
                trust_person_id=vp_id,
                actor=viewer.actor,
            )
        except RuleViolation as exc:
            db_session.rollback()
            # Shown with the need's candidates, whichever page the placement came from.
            return self._quick_match_page(
                request,
                db_session,
                settings,
                viewer,
                need,
                violations=exc.violations,
                status_code=422,
            )
        back = form_text(data, "back")
        if back.startswith("/matching/runs/"):
            return redirect(f"{back}?done=overridden")
        return redirect(f"/needs/{need_id}/quick-match?placed={vp_id}")

    # ------------------------------------------------------------------ matching

    @get("/matching", sync_to_thread=True)
    def matching_runs(
        self,
        *,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """Past runs and the form to start one."""
        runs, total = matching.list_runs(db_session, limit=20)
        return page(
            request,
            "matching.html",
            section="matching",
            runs=runs,
            total=total,
            default_seconds=settings.matching_time_limit_s,
            overview=pool_overview(db_session),
        )

    @post("/matching", sync_to_thread=True, status_code=303)
    def start_run(
        self,
        *,
        data: FormData,
        state: State,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Queue a run; it executes in the background and its page shows the progress."""
        overrides: dict[str, Any] = {}
        if seconds := form_text(data, "time_limit_s"):
            try:
                overrides["time_limit_s"] = float(seconds)
            except ValueError:
                raise ValidationFailed.single(
                    "time_limit_s", "give the time limit in seconds"
                ) from None
        run = matching.start_run(db_session, settings, actor=viewer.actor, overrides=overrides)
        state.runs.submit(run.id, after=db_session)
        return redirect(f"/matching/runs/{run.id}")

    @get("/matching/runs/{run_id:int}", sync_to_thread=True)
    def run(
        self,
        *,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        offset: FromQuery[int] = 0,
        show: FromQuery[str] = "new",
        done: FromQuery[str] = "",
    ) -> Template:
        """A run: live progress while it runs, then its proposal seat by seat."""
        summary = matching.get_run(db_session, run_id)
        finished = summary.status is MatchingRunStatus.SUCCEEDED
        seats: list[dict[str, Any]] = []
        proposals: dict[tuple[int, int], AssignmentPublic] = {}
        need_by_id: dict[int, NeedPublic] = {}
        names: dict[int, OrganisationPublic] = {}
        if finished:
            every = summary.explanation.get("seats", [])
            seats = [s for s in every if show == "all" or not s.get("fixed")]
            for held in run_review.run_assignments(db_session, run_id):
                proposals[(held.need_id, held.seat)] = held
            shown = seats[max(offset, 0) : max(offset, 0) + _PAGE]
            for need_id in {s["need_id"] for s in shown} | {
                u["need_id"] for u in summary.explanation.get("unfilled", [])[:_PAGE]
            }:
                need_by_id[need_id] = needs.get_need(db_session, need_id=need_id, viewer=viewer)
            names = organisation_names(
                db_session, viewer, (n.organisation_id for n in need_by_id.values())
            )
        stale = run_review.out_of_date(db_session, run_id) if finished else None
        return page(
            request,
            "run.html",
            section="matching",
            run=summary,
            stale=stale,
            stale_words=localise_error(stale.error(), language_of(request)) if stale else "",
            seats=seats,
            proposals=proposals,
            need_by_id=need_by_id,
            names=names,
            offset=max(offset, 0),
            page_size=_PAGE,
            show=show,
            done=done,
        )

    @get("/matching/runs/{run_id:int}/progress", sync_to_thread=True)
    def run_progress(
        self,
        *,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        db_session: NamedDependency[Session],
    ) -> Template | Response[str]:
        """The progress panel, polled while the run goes; a finished run reloads the page."""
        summary = matching.get_run(db_session, run_id)
        if summary.status not in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
            return Response("", headers={"HX-Refresh": "true"}, media_type="text/html")
        return page(request, "_run_progress.html", run=summary)

    @get("/matching/runs/{run_id:int}/confirm", sync_to_thread=True)
    def review_confirmation(
        self,
        *,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        db_session: NamedDependency[Session],
    ) -> Template:
        """The "confirm all" review: what would be confirmed, asked once (or why not)."""
        summary = matching.get_run(db_session, run_id)
        stale = run_review.out_of_date(db_session, run_id)
        return page(
            request,
            "run_confirm.html",
            section="matching",
            run=summary,
            lines=run_review.open_proposals(db_session, run_id),
            stale_words=localise_error(stale.error(), language_of(request)) if stale else "",
        )

    @post("/matching/runs/{run_id:int}/confirm", sync_to_thread=True, status_code=303)
    def confirm(
        self,
        *,
        run_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Confirm all proposals of a run, or the seats ticked."""
        seats: list[tuple[int, int]] | None = None
        if form_text(data, "all") != "1":
            seats = []
            for value in form_list(data, "seat"):
                need_id, _, seat = value.partition(":")
                if need_id.isdigit() and seat.isdigit():
                    seats.append((int(need_id), int(seat)))
        ids = matching.confirm_run(db_session, settings, run_id, seats=seats, actor=viewer.actor)
        return redirect(f"/matching/runs/{run_id}?done=confirmed&count={len(ids)}")

    @post("/matching/runs/{run_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(
        self,
        *,
        run_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Stop a queued or running run."""
        matching.cancel_run(db_session, run_id, actor=viewer.actor)
        return redirect(f"/matching/runs/{run_id}")

    @post("/assignments/{assignment_id:int}/pin", sync_to_thread=True, status_code=303)
    def pin(
        self,
        *,
        assignment_id: FromPath[int],
        data: FormData,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
    ) -> Redirect:
        """Pin an assignment (the matcher keeps it) or release it."""
        assignments.set_pinned(
            db_session,
            assignment_id=assignment_id,
            pinned=form_text(data, "pinned") == "1",
            viewer=viewer,
        )
        back = form_text(data, "back")
        return redirect(back if back.startswith("/") else "/matching")

    @get("/needs/{need_id:int}/ineligible", sync_to_thread=True)
    def ineligible(
        self,
        *,
        request: Request[Any, Any, Any],
        need_id: FromPath[int],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Template:
        """Why the other VPs are not eligible for a need (a fragment of the review)."""
        needs.get_need(db_session, need_id=need_id, viewer=viewer)
        try:
            ranked: matching.QuickMatchResult | None = matching.quick_match_need(
                db_session, settings, need_id, limit=5
            )
            problem = None
        except Conflict as exc:
            ranked, problem = None, localise_error(exc, language_of(request))
        return page(request, "_ineligible.html", ranked=ranked, problem=problem)

    # ------------------------------------------------------------------ audit

    @get("/audit", sync_to_thread=True)
    def audit_log(
        self,
        *,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        action: FromQuery[str] = "",
        entity_type: FromQuery[str] = "",
        offset: FromQuery[int] = 0,
    ) -> Template:
        """Who changed what, when, newest first."""
        result = audit.list_entries(
            db_session,
            viewer=viewer,
            action=action or None,
            entity_type=entity_type or None,
            offset=max(offset, 0),
            limit=_PAGE,
        )
        return page(
            request,
            "audit.html",
            section="audit",
            result=result,
            filters={"action": action, "entity_type": entity_type},
            page_size=_PAGE,
        )
