"""Matching runs, confirmation, quick match and manual overrides (planners and admins)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from pydantic import BaseModel, Field
from sqlmodel import Session

from vppool.api.auth import staff_only
from vppool.api.openapi import problem_responses
from vppool.db.schemas import MAX_ID
from vppool.services import matching, seat_explanation
from vppool.services.access import Viewer
from vppool.settings import Settings

__all__ = ["MatchingController"]

RunId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Matching run id")]


class RunInput(BaseModel):
    """Optional overrides of the configured run settings."""

    time_limit_s: float | None = Field(default=None, gt=0, le=3600)
    workers: int | None = Field(default=None, ge=1, le=64)
    seed: int | None = None
    max_candidates_per_need: int | None = Field(default=None, ge=1, le=10_000)
    keep_confirmed: bool | None = None


class SeatInput(BaseModel):
    """One seat of one need."""

    need_id: int = Field(ge=1, le=MAX_ID)
    seat: int = Field(ge=1, le=10)


class ConfirmInput(BaseModel):
    """Which proposed seats to confirm; none listed means all of them."""

    seats: list[SeatInput] | None = None


class Confirmed(BaseModel):
    """The assignments a confirmation created."""

    assignment_ids: list[int]


class OverrideInput(BaseModel):
    """Put this VP on this seat by hand."""

    need_id: int = Field(ge=1, le=MAX_ID)
    seat: int = Field(ge=1, le=10)
    trust_person_id: int = Field(ge=1, le=MAX_ID)


class RunPage(BaseModel):
    """A page of runs."""

    items: list[matching.RunSummary]
    total: int
    offset: int
    limit: int


class MatchingController(Controller):
    """Start, watch, cancel and confirm matching runs."""

    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012
    guards = [staff_only]  # noqa: RUF012

    @post("/matching-runs", status_code=202, sync_to_thread=True)
    def start(
        self,
        data: JSONBody[RunInput],
        state: State,
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> matching.RunSummary:
        """Queue a run (202); a worker executes it with its time limit."""
        overrides = data.model_dump(exclude_none=True)
        return matching.start_run(db_session, settings, actor=viewer.actor, overrides=overrides)

    @get("/matching-runs", sync_to_thread=True)
    def list_runs(
        self,
        db_session: NamedDependency[Session],
        offset: Annotated[int, Parameter(ge=0, le=MAX_ID)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> RunPage:
        """Runs, newest first (without explanations)."""
        items, total = matching.list_runs(db_session, offset=offset, limit=limit)
        return RunPage(items=items, total=total, offset=offset, limit=limit)

    @get("/matching-runs/{run_id:int}", sync_to_thread=True)
    def get_run(self, run_id: RunId, db_session: NamedDependency[Session]) -> matching.RunSummary:
        """Status, progress, objective, bound, gap and the explanation of a run."""
        return matching.get_run(db_session, run_id)

    @get(
        "/matching-runs/{run_id:int}/needs/{need_id:int}/excluded",
        sync_to_thread=True,
        responses=problem_responses(409),  # a run not finished, a need no longer open
    )
    def excluded(
        self,
        run_id: RunId,
        need_id: Annotated[int, Parameter(ge=1, le=MAX_ID, description="Need id")],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> seat_explanation.NeedExclusions:
        """Why a need's seats stay open: every VP once, by name, with the rule and the number.

        The run's explanation counts the VPs per rule for each open seat; this lists them,
        read against the data as it is now with the run's plan (kept assignments and the
        run's proposals still waiting). ``unused`` means eligible and free.
        """
        return seat_explanation.excluded_for_need(db_session, settings, run_id, need_id)

    @delete("/matching-runs/{run_id:int}", status_code=200, sync_to_thread=True)
    def cancel(
        self, run_id: RunId, viewer: NamedDependency[Viewer], db_session: NamedDependency[Session]
    ) -> matching.RunSummary:
        """Cancel a queued or running run."""
        return matching.cancel_run(db_session, run_id, actor=viewer.actor)

    @post("/matching-runs/{run_id:int}/confirm", status_code=200, sync_to_thread=True)
    def confirm(
        self,
        run_id: RunId,
        data: JSONBody[ConfirmInput],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Confirmed:
        """Confirm all or chosen proposed seats, re-validated against the current state."""
        seats = None if data.seats is None else [(s.need_id, s.seat) for s in data.seats]
        ids = matching.confirm_run(db_session, settings, run_id, seats=seats, actor=viewer.actor)
        return Confirmed(assignment_ids=ids)

    @get("/needs/{need_id:int}/quick-match", sync_to_thread=True)
    def quick_match(
        self,
        need_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 20,
    ) -> matching.QuickMatchResult:
        """Eligible VPs for one need, cheapest first, and why the others are not eligible."""
        return matching.quick_match_need(db_session, settings, need_id, limit=limit)

    @post("/assignments/override", status_code=201, sync_to_thread=True)
    def override(
        self,
        data: JSONBody[OverrideInput],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> Confirmed:
        """Place a VP on a seat by hand; a violation answers 422 naming the rules broken."""
        assignment_id = matching.override_seat(
            db_session,
            settings,
            need_id=data.need_id,
            seat=data.seat,
            trust_person_id=data.trust_person_id,
            actor=viewer.actor,
        )
        return Confirmed(assignment_ids=[assignment_id])
