"""Intervision work that takes long, run in the background.

Forming a year's groups (a MIP per region, HiGHS) and planning the sessions of all its groups. A
planner starts a run (the API answers 202 with its id); the run is put on the job queue in
the same transaction and a `vppool worker` executes it with the configured time limit and
stores the outcome: the report of
:func:`~vppool.services.intervision.form_groups_for_year` or
:func:`~vppool.services.intervision.schedule_sessions`, or the error a direct call would
have raised (with the HTTP status it maps to). Any server process can read it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from vppool.db import serialised, session_scope
from vppool.db.models import IntervisionRun
from vppool.db.types import utc_now
from vppool.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
    VppoolError,
)
from vppool.services import intervision, queue
from vppool.services._common import SYSTEM, Actor, acting, require_staff
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import IntervisionRunKind, MatchingRunStatus

__all__ = [
    "TASK",
    "FormingOptions",
    "IntervisionRunPublic",
    "RunOrder",
    "abandon_run",
    "cancel_run",
    "execute_run",
    "fail_unfinished",
    "get_run",
    "start_run",
    "store_proposal",
]

log = logging.getLogger("vppool.intervision")

_ACTIVE = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)
#: The queue's name of the task that executes a run.
TASK = "intervision_run"
#: The report's mark of a formation that stored nothing (a proposal), and of its storing.
_PROPOSAL = "proposal"
_STORED = "stored_at"
#: The HTTP status a direct call would have answered with, per domain error.
_STATUS: tuple[tuple[type[VppoolError], int], ...] = (
    (ValidationFailed, 422),
    (RuleViolation, 422),
    (NotFound, 404),
    (Conflict, 409),
    (PermissionDenied, 403),
)


class IntervisionRunPublic(BaseModel):
    """A background intervision run: its state and, once done, its report or error."""

    id: int
    kind: IntervisionRunKind
    year: int
    status: MatchingRunStatus
    time_limit_s: float | None
    report: dict[str, Any]
    error: str | None
    error_status: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class FormingOptions(BaseModel):
    """The year to form intervision groups for, and optionally a shorter solver limit."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2200)
    time_limit_s: float | None = Field(default=None, gt=0, le=600)


def _public(run: IntervisionRun) -> IntervisionRunPublic:
    return IntervisionRunPublic.model_validate(run, from_attributes=True)


class RunOrder(BaseModel):
    """A background run to start: form a year's groups, or plan its sessions.

    With ``propose``, forming stores nothing: the run's report holds the proposed groups
    (marked ``proposal``) until a planner stores them with :func:`store_proposal`. The
    year and the time limit are checked by :func:`start_run`.
    """

    kind: IntervisionRunKind
    year: int
    time_limit_s: float | None = None
    propose: bool = False


def start_run(
    session: Session, order: RunOrder, *, viewer: Viewer | None = None
) -> IntervisionRunPublic:
    """Queue forming the groups, or planning the sessions, of the order's year.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a year outside 2000-2200 or a time limit outside (0, 600] s.
        Conflict: a run for this year is already queued or running.
    """
    kind, year, time_limit_s = order.kind, order.year, order.time_limit_s
    forming = kind is IntervisionRunKind.FORMATION
    require_staff(viewer, "form intervision groups" if forming else "plan sessions")
    if not 2000 <= year <= 2200:
        raise ValidationFailed.single("year", "give a year between 2000 and 2200")
    if time_limit_s is not None and not 0 < time_limit_s <= 600:
        msg = "give a time limit above 0 and at most 600 seconds"
        raise ValidationFailed.single("time_limit_s", msg)
    busy = session.exec(
        select(IntervisionRun.id).where(
            IntervisionRun.year == year, col(IntervisionRun.status).in_(_ACTIVE)
        )
    ).first()
    if busy is not None:
        msg = f"intervision run {busy} for {year} is still going; wait for it to finish"
        raise Conflict(msg)
    run = IntervisionRun(
        kind=kind,
        year=year,
        time_limit_s=time_limit_s if forming else None,
        created_by_user_id=viewer.user_id if viewer else None,
        created_by_label=viewer.label if viewer else None,
        report={_PROPOSAL: True} if order.propose and forming else {},
    )
    session.add(run)
    session.flush()
    queue.enqueue(session, TASK, {"run_id": run.id}, unique_key=f"{TASK}:{run.id}")
    return _public(run)


def cancel_run(
    session: Session, run_id: int, *, viewer: Viewer | None = None
) -> IntervisionRunPublic:
    """Stop a queued or running run; what a running one formed or planned is not stored.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such run.
        Conflict: the run has ended already.
    """
    require_staff(viewer, "stop intervision runs")
    run = session.get(IntervisionRun, run_id)
    if run is None:
        raise NotFound("intervision run", run_id)
    if run.status not in _ACTIVE:
        raise Conflict(
            "Intervision run {run} has {status} already; only a queued or running run stops.",
            run=run_id,
            status=run.status,
        )
    queue.stop_run(session, acting(viewer, SYSTEM), run, TASK, "intervision_run")
    return _public(run)


def abandon_run(session: Session, payload: dict[str, Any], reason: str) -> None:
    """Fail a run whose worker stopped (the queue gave up on its job); the reason is kept."""
    run = queue.fail_abandoned(session, IntervisionRun, payload, reason)
    if run is not None:
        run.error_status = 500


class _Cancelled(Exception):
    """The run was stopped while it ran: what it made is rolled back."""


def _still_running(engine: Engine, run_id: int) -> None:
    with Session(engine) as probe:
        run = probe.get(IntervisionRun, run_id)
        if run is None or run.status is not MatchingRunStatus.RUNNING:
            raise _Cancelled


def get_run(session: Session, run_id: int, *, viewer: Viewer | None = None) -> IntervisionRunPublic:
    """One run.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such run.
    """
    require_staff(viewer, "see intervision runs")
    run = session.get(IntervisionRun, run_id)
    if run is None:
        raise NotFound("intervision run", run_id)
    return _public(run)


def execute_run(engine: Engine, settings: Settings, run_id: int) -> IntervisionRunPublic:
    """Run a queued run to its end and store the outcome (never raises for its work)."""
    with session_scope(engine) as session:
        run = session.get(IntervisionRun, run_id)
        if run is None:
            raise NotFound("intervision run", run_id)
        if run.status is not MatchingRunStatus.QUEUED:
            return _public(run)
        run.status = MatchingRunStatus.RUNNING
        run.started_at = utc_now()
        kind, year, limit = run.kind, run.year, run.time_limit_s
        actor = Actor(run.created_by_user_id, run.created_by_label or "system")
        marks = {_PROPOSAL: True} if run.report.get(_PROPOSAL) else {}

    values: dict[str, Any]
    try:
        # Forming ends its reading transaction before the solve and takes the write lock
        # only to store; planning sessions is quicker and holds SQLite's write lock from
        # the start, so what it reads cannot change before it writes.
        bind = engine if kind is IntervisionRunKind.FORMATION else serialised(engine)
        report: BaseModel
        if marks:  # a proposal: formed in a transaction that is rolled back
            with Session(bind, expire_on_commit=False) as session:
                report = intervision.form_groups_for_year(
                    session, settings, year=year, time_limit_s=limit, actor=actor
                )
                session.rollback()
        else:
            with session_scope(bind) as session:
                if kind is IntervisionRunKind.FORMATION:
                    report = intervision.form_groups_for_year(
                        session, settings, year=year, time_limit_s=limit, actor=actor
                    )
                else:
                    report = intervision.schedule_sessions(
                        session, settings, year=year, actor=actor
                    )
                _still_running(engine, run_id)
        values = {
            "status": MatchingRunStatus.SUCCEEDED,
            "report": {**report.model_dump(mode="json"), **marks},
        }
    except _Cancelled:
        return _ended(engine, run_id)
    except VppoolError as exc:
        status = next((code for cls, code in _STATUS if isinstance(exc, cls)), 400)
        details: dict[str, Any] = {}
        if isinstance(exc, ValidationFailed):
            details["errors"] = exc.as_dicts()
        if isinstance(exc, RuleViolation):
            details["violations"] = exc.violations
        values = {
            "status": MatchingRunStatus.FAILED,
            "error": exc.message[:4000],
            "error_status": status,
            "report": {**details, **marks},
        }
    except Exception:  # stored and logged: the run must not stay "running" for ever
        log.exception("intervision run %s failed", run_id)
        values = {
            "status": MatchingRunStatus.FAILED,
            "error": "the run stopped because of an error on vppool's side; it was logged",
            "error_status": 500,
        }
    with session_scope(serialised(engine)) as session:
        run = session.get(IntervisionRun, run_id)
        if run is None:
            raise NotFound("intervision run", run_id)
        if run.status is not MatchingRunStatus.RUNNING:  # stopped, or failed by the queue
            return _public(run)
        for name, value in values.items():
            setattr(run, name, value)
        run.finished_at = utc_now()
        session.flush()
        return _public(run)


def _ended(engine: Engine, run_id: int) -> IntervisionRunPublic:
    with Session(engine) as session:
        run = session.get(IntervisionRun, run_id)
        if run is None:
            raise NotFound("intervision run", run_id)
        return _public(run)


def fail_unfinished(engine: Engine, run_ids: list[int], reason: str) -> None:
    """Mark runs that were queued or running as failed (the server stops)."""
    with session_scope(engine) as session:
        for run_id in run_ids:
            run = session.get(IntervisionRun, run_id)
            if run is not None and run.status in _ACTIVE:
                run.status = MatchingRunStatus.FAILED
                run.error = reason
                run.finished_at = utc_now()


def store_proposal(
    session: Session, settings: Settings, run_id: int, *, viewer: Viewer | None = None
) -> IntervisionRunPublic:
    """Store the groups a proposal run formed; the run's report then holds their ids.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such run.
        Conflict: the run is no finished proposal, is stored already, a newer formation of
            the year exists, the year's groups already met, or the proposal no longer fits
            the pool (see :func:`~vppool.services.intervision.store_formation`).
    """
    require_staff(viewer, "store intervision groups")
    run = session.get(IntervisionRun, run_id)
    if run is None:
        raise NotFound("intervision run", run_id)
    if not (run.report.get(_PROPOSAL) and run.status is MatchingRunStatus.SUCCEEDED):
        raise Conflict("Only the groups of a finished proposal can be stored.")
    if run.report.get(_STORED):
        raise Conflict("These groups are stored already.")
    newer = session.exec(
        select(IntervisionRun.id).where(
            IntervisionRun.year == run.year,
            IntervisionRun.kind == IntervisionRunKind.FORMATION,
            col(IntervisionRun.id) > run_id,
        )
    ).first()
    if newer is not None:
        raise Conflict("A newer proposal for this year exists; store that one instead.")
    proposal = intervision.FormationReport.model_validate(run.report)
    stored = intervision.store_formation(session, settings, proposal, viewer=viewer)
    run.report = {
        **stored.model_dump(mode="json"),
        _PROPOSAL: True,
        _STORED: utc_now().isoformat(),
    }
    session.add(run)
    session.flush()
    return _public(run)
