"""The planner's pages: dashboard, needs queue, matching runs and review, audit log."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlmodel import Session

from vppool.db.schemas import (
    MAX_ID,
    AuditQuery,
    NeedPublic,
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
    seat_explanation,
    trust_persons,
)
from vppool.services.access import Viewer
from vppool.services.overview import pool_overview
from vppool.vocab import (
    AssignmentStatus,
    MatchingRunStatus,
    NeedKind,
    NeedStatus,
    Scope,
    Urgency,
)
from vppool.web._common import FormData, form_list, form_text, staff_page
from vppool.web._forms import fields_of
from vppool.web._messages import localise_words
from vppool.web._page import PageContext, WebPages
from vppool.web._record_forms import WISH_FIELDS, DeclineForm, NeedForm
from vppool.web._views import all_pages, need_with_client

__all__ = ["PlannerPages"]

_PAGE = 50
_DASHBOARD_ROWS = 12
#: VPs shown per rule inside the run page; the rule's own page lists them all.
_EXCLUDED_SHOWN = 50


def _vp_names(session: Session, viewer: Viewer) -> dict[int, str]:
    people = all_pages(
        lambda query: trust_persons.list_trust_persons(session, query, viewer=viewer),
        trust_persons.TrustPersonQuery(),
    )
    return {p.id: f"{p.first_name} {p.last_name}" for p in people}


class PlannerPages(WebPages, guard=staff_page):
    """Planners and admins only; to anyone else these pages do not exist."""

    # ------------------------------------------------------------------ dashboard

    @get("/dashboard", sync_to_thread=True)
    def dashboard(self, ctx: NamedDependency[PageContext]) -> Template:
        """What needs the planner's attention now; the coverage panels load after it."""
        board = dashboard.planner_dashboard(ctx.session, ctx.settings, ctx.viewer, ctx.today())
        return ctx.render("dashboard.html", section="dashboard", board=board)

    @get("/dashboard/coverage", sync_to_thread=True)
    def coverage(self, ctx: NamedDependency[PageContext], offset: FromQuery[int] = 0) -> Template:
        """The pool-wide panels: organisations without a standing VP and the load heat map.

        Loaded into the dashboard after it (htmx), or on its own page with a pager.
        """
        found = dashboard.coverage(ctx.session, ctx.today(), offset=offset)
        return ctx.render(
            "_coverage.html" if ctx.htmx else "coverage.html", section="dashboard", coverage=found
        )

    # ------------------------------------------------------------------ needs

    @get("/needs", sync_to_thread=True)
    def needs_queue(
        self,
        *,
        ctx: NamedDependency[PageContext],
        status: FromQuery[str] = "requested",
        kind: FromQuery[str] = "",
        urgency: FromQuery[str] = "",
        offset: FromQuery[int] = 0,
    ) -> Template:
        """Requests and needs, most urgent first, with filters."""
        query = needs.NeedQuery(
            status=status or None,
            kind=kind or None,
            urgency=urgency or None,
            offset=max(offset, 0),
            limit=_PAGE,
        )
        result = needs.list_needs(ctx.session, query, viewer=ctx.viewer)
        names = organisations.organisations_by_id(
            ctx.session, (n.organisation_id for n in result.items), viewer=ctx.viewer
        )
        return ctx.render(
            "needs.html",
            section="needs",
            result=result,
            names=names,
            filters={"status": status, "kind": kind, "urgency": urgency},
            statuses=list(NeedStatus),
            kinds=list(NeedKind),
            urgencies=list(Urgency),
            page_size=_PAGE,
        )

    @post("/needs/{need_id:int}/accept", sync_to_thread=True, status_code=303)
    def accept(self, ctx: NamedDependency[PageContext], need_id: FromPath[int]) -> Redirect:
        """Accept a request: it becomes an open need."""
        needs.accept_request(ctx.session, need_id=need_id, viewer=ctx.viewer)
        return ctx.redirect("/needs?done=accepted")

    @post("/needs/{need_id:int}/decline", sync_to_thread=True, status_code=303)
    def decline(
        self, ctx: NamedDependency[PageContext], need_id: FromPath[int], data: FormData
    ) -> Redirect:
        """Decline a request with the reason the client contact reads."""
        reason = DeclineForm.parse(data).to_input()
        needs.decline_request(ctx.session, need_id=need_id, data=reason, viewer=ctx.viewer)
        return ctx.redirect("/needs?done=declined")

    @get("/needs/new", sync_to_thread=True)
    def new_need(
        self, ctx: NamedDependency[PageContext], organisation_id: FromQuery[int | None] = None
    ) -> Template:
        """The form for a new need."""
        values = {"organisation_id": str(organisation_id or ""), "seats": "1"}
        return self._need_form(ctx, values=values, errors={})

    def _need_form(
        self,
        ctx: PageContext,
        *,
        values: dict[str, Any],
        errors: dict[str, list[str]],
        status_code: int = 200,
    ) -> Template:
        chosen = str(values.get("organisation_id", ""))
        if chosen.isdigit() and 0 < int(chosen) <= MAX_ID:
            found = organisations.organisation_names(ctx.session, [int(chosen)], viewer=ctx.viewer)
            values = {**values, "organisation_id_label": found.get(int(chosen), "")}
        return ctx.render(
            "need_form.html",
            section="needs",
            status_code=status_code,
            values=values,
            errors=errors,
            organisation_field=fields_of(NeedForm, ["organisation_id"]),
            wish_fields=fields_of(NeedForm, WISH_FIELDS),
            kinds=list(NeedKind),
            urgencies=list(Urgency),
            scopes=list(Scope),
            form_key=secrets.token_urlsafe(16),
        )

    @post("/needs/new", sync_to_thread=True, status_code=303)
    def create_need(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Create an open need; errors are shown next to their fields."""

        def create(form: NeedForm) -> str:
            need, _ = needs.submit_need(ctx.session, data=form.to_input(), viewer=ctx.viewer)
            return f"/needs?status=open&done=created&offset=0#need-{need.id}"

        return ctx.handle(
            NeedForm, data, act=create, again=partial(self._need_form, ctx), once=True
        )

    @get("/needs/{need_id:int}/quick-match", sync_to_thread=True)
    def quick_match(
        self,
        *,
        ctx: NamedDependency[PageContext],
        need_id: FromPath[int],
        placed: FromQuery[int | None] = None,
        seat: FromQuery[int | None] = None,
    ) -> Template:
        """Eligible VPs for one need, cheapest first, and why the others are not eligible.

        ``seat`` (from "replace") is the seat each placement form offers first.
        """
        need = needs.get_need(ctx.session, need_id=need_id, viewer=ctx.viewer)
        return self._quick_match_page(ctx, need, violations=[], placed=placed, seat=seat)

    @staticmethod
    def _ranked(
        ctx: PageContext, need_id: int, limit: int
    ) -> tuple[matching.QuickMatchResult | None, str | None]:
        """The quick match of a need, or why there is none (in the page's language)."""
        try:
            return matching.quick_match_need(ctx.session, ctx.settings, need_id, limit=limit), None
        except Conflict as exc:
            return None, ctx.words(exc)

    def _quick_match_page(
        self,
        ctx: PageContext,
        need: NeedPublic,
        *,
        violations: list[dict[str, Any]],
        placed: int | None = None,
        seat: int | None = None,
        status_code: int = 200,
    ) -> Template:
        ranked, problem = self._ranked(ctx, need.id, 25)
        confirmed = assignments.AssignmentQuery(need_id=need.id, status=AssignmentStatus.CONFIRMED)
        team = assignments.list_assignments(ctx.session, confirmed, viewer=ctx.viewer)
        if seat is None or not 1 <= seat <= need.seats:
            # Offer the first seat nobody holds (none when all are held).
            held = {a.seat for a in team.items}
            seat = next((s for s in range(1, need.seats + 1) if s not in held), None)
        return ctx.render(
            "quick_match.html",
            section="needs",
            status_code=status_code,
            ranked=ranked,
            problem=problem,
            held=team.items,
            names=_vp_names(ctx.session, ctx.viewer) if team.items or placed else {},
            violations=violations,
            placed=placed,
            asked=ctx.settings.vp_consent,
            seat=seat,
            **need_with_client(ctx.session, need, ctx.viewer),
        )

    @post("/needs/{need_id:int}/place", sync_to_thread=True, status_code=303)
    def place(
        self, ctx: NamedDependency[PageContext], need_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        """Put a VP on a seat by hand; broken rules are listed one by one."""
        need = needs.get_need(ctx.session, need_id=need_id, viewer=ctx.viewer)
        try:
            vp_id = int(form_text(data, "trust_person_id"))
            seat = int(form_text(data, "seat") or 1)
        except ValueError:
            raise ValidationFailed.single("trust_person_id", "choose a trust person") from None
        try:
            matching.override_seat(
                ctx.session,
                ctx.settings,
                need_id=need_id,
                seat=seat,
                trust_person_id=vp_id,
                actor=ctx.viewer.actor,
            )
        except RuleViolation as exc:
            ctx.session.rollback()
            # Shown with the need's candidates, whichever page the placement came from.
            broken = [{**v, "detail": localise_words(v, ctx.lang)} for v in exc.violations]
            return self._quick_match_page(ctx, need, violations=broken, seat=seat, status_code=422)
        back = form_text(data, "back")
        if back.startswith("/matching/runs/"):
            return ctx.redirect(f"{back}?done=overridden")
        return ctx.redirect(f"/needs/{need_id}/quick-match?placed={vp_id}")

    # ------------------------------------------------------------------ matching

    @get("/matching", sync_to_thread=True)
    def matching_runs(self, ctx: NamedDependency[PageContext]) -> Template:
        """Past runs and the form to start one."""
        runs, total = matching.list_runs(ctx.session, limit=20)
        return ctx.render(
            "matching.html",
            section="matching",
            runs=runs,
            total=total,
            default_seconds=ctx.settings.matching_time_limit_s,
            overview=pool_overview(ctx.session),
        )

    @post("/matching", sync_to_thread=True, status_code=303)
    def start_run(self, ctx: NamedDependency[PageContext], data: FormData) -> Redirect:
        """Queue a run; it executes in the background and its page shows the progress."""
        overrides: dict[str, Any] = {}
        if seconds := form_text(data, "time_limit_s"):
            try:
                overrides["time_limit_s"] = float(seconds)
            except ValueError:
                raise ValidationFailed.single(
                    "time_limit_s", "give the time limit in seconds"
                ) from None
        run = matching.start_run(
            ctx.session, ctx.settings, actor=ctx.viewer.actor, overrides=overrides
        )
        return ctx.redirect(f"/matching/runs/{run.id}")

    @get("/matching/runs/{run_id:int}", sync_to_thread=True)
    def run(
        self,
        *,
        ctx: NamedDependency[PageContext],
        run_id: FromPath[int],
        offset: FromQuery[int] = 0,
        show: FromQuery[str] = "new",
    ) -> Template:
        """A run: live progress while it runs, then its proposal seat by seat."""
        summary = matching.get_run(ctx.session, run_id)
        page = (
            run_review.run_page(
                ctx.session,
                summary,
                offset=max(offset, 0),
                page_size=_PAGE,
                every_seat=show == "all",
                viewer=ctx.viewer,
            )
            if summary.status is MatchingRunStatus.SUCCEEDED
            else None
        )
        broken = [
            {"rule": v["rule"], "detail": localise_words(v, ctx.lang)}
            for v in (summary.explanation or {}).get("violations", [])
            if "message_id" in v
        ]
        stale = page.stale if page else None
        return ctx.render(
            "run.html",
            broken=broken,
            section="matching",
            run=summary,
            stale=stale,
            stale_words=ctx.words(stale.error()) if stale else "",
            seats=page.seats if page else [],
            proposals=page.proposals if page else {},
            waiting=page.waiting if page else 0,
            need_by_id=page.needs if page else {},
            names=page.organisations if page else {},
            offset=max(offset, 0),
            page_size=_PAGE,
            show=show,
        )

    @get("/matching/runs/{run_id:int}/needs/{need_id:int}/excluded", sync_to_thread=True)
    def excluded(
        self,
        *,
        ctx: NamedDependency[PageContext],
        run_id: FromPath[int],
        need_id: FromPath[int],
        rule: FromQuery[str] = "",
    ) -> Template:
        """Who is not on an open seat and why: every VP by name, grouped by rule.

        Loaded into the run page when the planner opens the seat (htmx); on its own page, one
        rule's whole group (a group shows its first names only inside the run page).
        """
        need = needs.get_need(ctx.session, need_id=need_id, viewer=ctx.viewer)
        try:
            found = seat_explanation.excluded_for_need(ctx.session, ctx.settings, run_id, need_id)
        except Conflict as exc:
            found, problem = None, ctx.words(exc)
        else:
            problem = ""
        groups: list[tuple[str, int, list[dict[str, Any]]]] = []
        if found is not None:
            for name, count in found.counts.items():
                if rule and name != rule:
                    continue
                lines = [
                    {
                        "trust_person_id": line.trust_person_id,
                        "name": line.name,
                        "detail": localise_words(line.model_dump(), ctx.lang),
                    }
                    for line in found.trust_persons
                    if line.rule == name
                ]
                groups.append((name, count, lines))
        return ctx.render(
            "_excluded.html" if ctx.htmx else "excluded.html",
            section="matching",
            run_id=run_id,
            need=need,
            found=found,
            groups=groups,
            problem=problem,
            whole=bool(rule),
            shown=_EXCLUDED_SHOWN,
        )

    @get("/matching/runs/{run_id:int}/progress", sync_to_thread=True)
    def run_progress(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Response[str]:
        """The progress panel, polled while the run goes; a finished run reloads the page."""
        summary = matching.get_run(ctx.session, run_id)
        if summary.status not in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
            return Response("", headers={"HX-Refresh": "true"}, media_type="text/html")
        return ctx.render("_run_progress.html", run=summary)

    @get("/matching/runs/{run_id:int}/confirm", sync_to_thread=True)
    def review_confirmation(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template:
        """The "confirm all" review: what would be confirmed, asked once (or why not)."""
        summary = matching.get_run(ctx.session, run_id)
        stale = run_review.out_of_date(ctx.session, run_id)
        return ctx.render(
            "run_confirm.html",
            section="matching",
            run=summary,
            lines=run_review.open_proposals(ctx.session, run_id),
            stale_words=ctx.words(stale.error()) if stale else "",
        )

    @post("/matching/runs/{run_id:int}/confirm", sync_to_thread=True, status_code=303)
    def confirm(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int], data: FormData
    ) -> Redirect:
        """Confirm all proposals of a run, or the seats ticked."""
        seats: list[tuple[int, int]] | None = None
        if form_text(data, "all") != "1":
            seats = []
            for value in form_list(data, "seat"):
                need_id, _, seat = value.partition(":")
                if need_id.isdigit() and seat.isdigit():
                    seats.append((int(need_id), int(seat)))
        ids = matching.confirm_run(
            ctx.session, ctx.settings, run_id, seats=seats, actor=ctx.viewer.actor
        )
        done = "asked" if ctx.settings.vp_consent else "confirmed"
        return ctx.redirect(f"/matching/runs/{run_id}?done={done}&count={len(ids)}")

    @post("/matching/runs/{run_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, ctx: NamedDependency[PageContext], run_id: FromPath[int]) -> Redirect:
        """Stop a queued or running run."""
        matching.cancel_run(ctx.session, run_id, actor=ctx.viewer.actor)
        return ctx.redirect(f"/matching/runs/{run_id}")

    @post("/assignments/{assignment_id:int}/pin", sync_to_thread=True, status_code=303)
    def pin(
        self, ctx: NamedDependency[PageContext], assignment_id: FromPath[int], data: FormData
    ) -> Redirect:
        """Pin an assignment (the matcher keeps it) or release it."""
        assignments.set_pinned(
            ctx.session,
            assignment_id=assignment_id,
            pinned=form_text(data, "pinned") == "1",
            viewer=ctx.viewer,
        )
        back = form_text(data, "back")
        return ctx.redirect(back if back.startswith("/") else "/matching")

    @get("/needs/{need_id:int}/ineligible", sync_to_thread=True)
    def ineligible(self, ctx: NamedDependency[PageContext], need_id: FromPath[int]) -> Template:
        """Why the other VPs are not eligible for a need (a fragment of the review)."""
        needs.get_need(ctx.session, need_id=need_id, viewer=ctx.viewer)
        ranked, problem = self._ranked(ctx, need_id, 5)
        return ctx.render("_ineligible.html", ranked=ranked, problem=problem)

    # ------------------------------------------------------------------ audit

    @get("/audit", sync_to_thread=True)
    def audit_log(
        self,
        *,
        ctx: NamedDependency[PageContext],
        action: FromQuery[str] = "",
        entity_type: FromQuery[str] = "",
        offset: FromQuery[int] = 0,
    ) -> Template:
        """Who changed what, when, newest first."""
        query = AuditQuery(
            action=action or None,
            entity_type=entity_type or None,
            offset=max(offset, 0),
            limit=_PAGE,
        )
        result = audit.list_entries(ctx.session, query, viewer=ctx.viewer)
        return ctx.render(
            "audit.html",
            section="audit",
            result=result,
            filters={"action": action, "entity_type": entity_type},
            page_size=_PAGE,
        )
