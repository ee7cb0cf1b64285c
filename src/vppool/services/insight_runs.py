"""Planning insight that takes solves, run in the background: recruitment and what-if scenarios.

A planner starts a run (the API answers 202 with its id, the web page shows its progress);
it is stored with its job on the queue in the same transaction, and a `vppool worker` works
it out: the recruitment analysis of :mod:`vppool.services.recruitment`, or a scenario of
:mod:`vppool.services.scenarios`. The result is stored as JSON on the run, which any server
process can read; the live plan is never touched by a run (a scenario changes the data only
when a planner adopts it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from vppool import matching as m
from vppool.db import serialised, session_scope
from vppool.db.engine import serialise_writes
from vppool.db.models import InsightRun
from vppool.db.types import utc_now
from vppool.errors import Conflict, NotFound, ValidationFailed, VppoolError
from vppool.services import audit, queue, recruitment, scenarios
from vppool.services._common import SYSTEM, acting, require_staff
from vppool.services.access import Viewer, viewer_of_user
from vppool.settings import Settings
from vppool.vocab import InsightRunKind, MatchingRunStatus

__all__ = [
    "ACTIVE",
    "ADOPTING",
    "ADOPT_TASK",
    "MAX_MONTHS",
    "TASK",
    "InsightRunPublic",
    "abandon_adoption",
    "abandon_run",
    "adopt_scenario",
    "cancel_run",
    "check_months",
    "discard_scenario",
    "execute_adoption",
    "execute_queued",
    "execute_run",
    "get_run",
    "get_scenario",
    "latest_run",
    "recent_runs",
    "start_recruitment",
    "start_run",
    "start_scenario",
]

#: The furthest a planner looks ahead, in months.
MAX_MONTHS = 24
#: The queue's name of the task that executes a run.
TASK = "insight_run"
#: The queue's name of the task that makes an adopted scenario real.
ADOPT_TASK = "scenario_adopt"
#: A scenario's ``decision`` while a worker makes it real.
ADOPTING = "adopting"
_STOPPED = "the worker adopting the scenario stopped before it was done; adopt it again"
ACTIVE = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)
_PROGRESS_EVERY_S = 0.5

log = logging.getLogger("vppool.insight")


class InsightRunPublic(BaseModel):
    """A background insight run: its state, its progress and, once done, its result."""

    id: int
    kind: InsightRunKind
    status: MatchingRunStatus
    spec: dict[str, Any]
    progress: dict[str, Any]
    result: dict[str, Any]
    error: str | None
    decision: str | None
    matching_run_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    decided_at: datetime | None


def _public(run: InsightRun) -> InsightRunPublic:
    return InsightRunPublic.model_validate(run, from_attributes=True)


def _run(session: Session, run_id: int, kind: InsightRunKind | None = None) -> InsightRun:
    run = session.get(InsightRun, run_id)
    if run is None or (kind is not None and run.kind is not kind):
        raise NotFound(f"{kind.value if kind else 'insight'} run", run_id)
    return run


def start_run(
    session: Session,
    *,
    kind: InsightRunKind,
    spec: dict[str, Any],
    viewer: Viewer | None = None,
    enqueue: bool = True,
) -> InsightRunPublic:
    """Store a queued run of ``kind`` with what it works out (``spec``), on the job queue.

    The caller validated ``spec`` (:func:`start_recruitment` checks the months). With
    ``enqueue=False`` the caller runs :func:`execute_run` itself (the CLI, in the foreground).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
    """
    require_staff(viewer, "start planning analyses")
    run = InsightRun(
        kind=kind,
        spec=spec,
        created_by_user_id=viewer.user_id if viewer else None,
        created_by_label=viewer.label if viewer else None,
    )
    session.add(run)
    session.flush()
    if enqueue:
        queue.enqueue(session, TASK, {"run_id": run.id}, unique_key=f"{TASK}:{run.id}")
    audit.record_event(session, acting(viewer), ("insight_run", run.id), "started", {"kind": kind})
    return _public(run)


def start_recruitment(
    session: Session, *, months: int, today: date, viewer: Viewer | None = None, queued: bool = True
) -> InsightRunPublic:
    """Queue the recruitment analysis of the ``months`` months from ``today``.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: months outside 1 to 24.
    """
    return start_run(
        session,
        kind=InsightRunKind.RECRUITMENT,
        spec={"months": check_months(months), "today": today.isoformat()},
        viewer=viewer,
        enqueue=queued,
    )


def start_scenario(
    session: Session,
    scenario: scenarios.ScenarioSpec,
    *,
    today: date,
    viewer: Viewer | None = None,
    queued: bool = True,
) -> InsightRunPublic:
    """Queue a what-if scenario: its changes solved on a copy of the plan of ``today``.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        ValidationFailed: a change names an unknown VP or place.
    """
    require_staff(viewer, "try scenarios")
    scenarios.check(session, scenario)
    spec = {"scenario": scenario.model_dump(mode="json"), "today": today.isoformat()}
    return start_run(
        session, kind=InsightRunKind.SCENARIO, spec=spec, viewer=viewer, enqueue=queued
    )


def get_scenario(
    session: Session, run_id: int, *, viewer: Viewer | None = None
) -> InsightRunPublic:
    """One scenario run (NotFound for any other run)."""
    require_staff(viewer, "see scenarios")
    return _public(_run(session, run_id, InsightRunKind.SCENARIO))


def _finished_scenario(session: Session, run_id: int) -> InsightRun:
    run = _run(session, run_id, InsightRunKind.SCENARIO)
    if run.status is not MatchingRunStatus.SUCCEEDED:
        raise Conflict(
            "Scenario {run} is {status}; only a solved scenario is adopted or discarded.",
            run=run_id,
            status=run.status,
        )
    if run.decision is not None:
        raise Conflict("Scenario {run} was {decision} already.", run=run_id, decision=run.decision)
    return run


def adopt_scenario(
    session: Session, run_id: int, *, viewer: Viewer | None = None
) -> InsightRunPublic:
    """Have a solved scenario made real, in the background (its ``decision``: adopting).

    A worker records its changes and stores its seats as a matching run's proposals
    (:func:`execute_adoption`); then ``decision`` is ``adopted`` and ``matching_run_id``
    names the run to review and confirm. Should the plan have changed so that its seats
    would break hard rules, nothing changes: ``decision`` is empty again and ``error`` says
    why.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
        NotFound: there is no such scenario.
        Conflict: it is not solved, or was adopted or discarded already.
    """
    require_staff(viewer, "adopt scenarios")
    serialise_writes(session)
    run = _finished_scenario(session, run_id)
    run.decision = ADOPTING
    run.error = None
    progress = {k: v for k, v in run.progress.items() if k != "refused"}
    run.progress = {**progress, "adopted_by": viewer.user_id if viewer else None}
    session.add(run)
    session.flush()
    queue.enqueue(session, ADOPT_TASK, {"run_id": run_id}, unique_key=f"{ADOPT_TASK}:{run_id}")
    audit.record_event(session, acting(viewer), ("insight_run", run.id), "adoption_started")
    return _public(run)


def execute_adoption(engine: Engine, settings: Settings, run_id: int) -> None:
    """The queue's task: make a scenario real as the planner who adopted it asked."""
    try:
        with session_scope(serialised(engine)) as session:
            run = _run(session, run_id, InsightRunKind.SCENARIO)
            if run.decision != ADOPTING:
                return
            viewer = viewer_of_user(session, run.progress.get("adopted_by"))
            spec = scenarios.ScenarioSpec.model_validate(run.spec["scenario"])
            run.matching_run_id = scenarios.adopt(
                session,
                settings,
                spec,
                run.result,
                viewer=viewer,
                actor_user_id=viewer.user_id if viewer else None,
            )
            _decide(session, run, "adopted", viewer)
    except Conflict as refused:  # rolled back: nothing of it changed
        _refuse_adoption(engine, run_id, refused)


def _refuse_adoption(engine: Engine, run_id: int, refused: Conflict) -> None:
    """Adoptable again, with why not now (also as words for a page in its language)."""
    # Broken rules as the matcher's words (each with its message id), so a page says them
    # in its own language; other values as text.
    params = {
        name: [v.as_dict() for v in value.violations]
        if isinstance(value, m.Findings)
        else str(value)
        for name, value in refused.params.items()
    }
    words = {"message_id": refused.template, "params": params}
    with session_scope(serialised(engine)) as session:
        run = _run(session, run_id, InsightRunKind.SCENARIO)
        if run.decision == ADOPTING:
            run.decision = None
            run.error = refused.message[:4000]
            run.progress = {**run.progress, "refused": words}
            session.add(run)


def abandon_adoption(session: Session, payload: dict[str, Any], _reason: str) -> None:
    """The worker making a scenario real stopped: nothing changed, it can be adopted again."""
    run = session.get(InsightRun, int(payload["run_id"]))
    if run is not None and run.decision == ADOPTING:
        run.decision = None
        run.error = _STOPPED
        run.progress = {**run.progress, "refused": {"message_id": _STOPPED, "params": {}}}
        session.add(run)


def discard_scenario(
    session: Session, run_id: int, *, viewer: Viewer | None = None
) -> InsightRunPublic:
    """Put a solved scenario aside: nothing of it becomes real.

    Raises:
        Conflict: it is not solved, or was adopted or discarded already.
    """
    require_staff(viewer, "discard scenarios")
    return _decide(session, _finished_scenario(session, run_id), "discarded", viewer)


def _decide(
    session: Session, run: InsightRun, decision: str, viewer: Viewer | None
) -> InsightRunPublic:
    run.decision = decision
    run.decided_at = utc_now()
    session.add(run)
    session.flush()
    details = {"matching_run_id": run.matching_run_id}
    audit.record_event(session, acting(viewer), ("insight_run", run.id), decision, details)
    return _public(run)


def recent_runs(
    session: Session, kind: InsightRunKind, *, viewer: Viewer | None = None, limit: int = 20
) -> list[InsightRunPublic]:
    """The newest runs of ``kind``, newest first."""
    require_staff(viewer, "see planning analyses")
    rows = session.exec(
        select(InsightRun)
        .where(InsightRun.kind == kind)
        .order_by(col(InsightRun.id).desc())
        .limit(limit)
    ).all()
    return [_public(run) for run in rows]


def check_months(months: int) -> int:
    """The months to look ahead, 1 to 24.

    Raises:
        ValidationFailed: outside that range.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed.single("months", f"give 1 to {MAX_MONTHS} months")
    return months


def get_run(session: Session, run_id: int, *, viewer: Viewer | None = None) -> InsightRunPublic:
    """One run; planners and admins only (NotFound: no such run)."""
    require_staff(viewer, "see planning analyses")
    return _public(_run(session, run_id))


def latest_run(
    session: Session, kind: InsightRunKind, *, viewer: Viewer | None = None
) -> InsightRunPublic | None:
    """The newest run of ``kind``, if any."""
    require_staff(viewer, "see planning analyses")
    run = session.exec(
        select(InsightRun).where(InsightRun.kind == kind).order_by(col(InsightRun.id).desc())
    ).first()
    return _public(run) if run else None


def cancel_run(session: Session, run_id: int, *, viewer: Viewer | None = None) -> InsightRunPublic:
    """Stop a queued or running run (planners and admins); nothing of it is kept.

    Raises:
        Conflict: the run has ended already.
    """
    require_staff(viewer, "stop planning analyses")
    run = _run(session, run_id)
    if run.status in ACTIVE:
        queue.stop_run(session, acting(viewer, SYSTEM), run, TASK, "insight_run")
        return _public(run)
    ended = "Run {run} has {status} already; only a queued or running run stops."
    raise Conflict(ended, run=run_id, status=run.status)


def abandon_run(session: Session, payload: dict[str, Any], reason: str) -> None:
    """Fail a run whose worker stopped (the queue gave up on its job); the reason is kept."""
    queue.fail_abandoned(session, InsightRun, payload, reason)


def _set(engine: Engine, run_id: int, **values: Any) -> MatchingRunStatus:
    """Update a running run in its own short transaction; returns its status."""
    with session_scope(serialised(engine)) as session:
        run = _run(session, run_id)
        if run.status in ACTIVE:
            for name, value in values.items():
                setattr(run, name, value)
        return run.status


#: What a kind of run works out: (engine, settings, spec, progress, should_stop) -> result.
Work = Callable[..., dict[str, Any]]


def _recruitment(
    engine: Engine,
    settings: Settings,
    spec: dict[str, Any],
    progress: recruitment.Progress,
    should_stop: Callable[[], bool],
) -> dict[str, Any]:
    return recruitment.analyse(
        engine,
        settings,
        today=date.fromisoformat(spec["today"]),
        months=int(spec["months"]),
        progress=progress,
        should_stop=should_stop,
    )


_WORK: dict[InsightRunKind, Work] = {
    InsightRunKind.RECRUITMENT: _recruitment,
    InsightRunKind.SCENARIO: scenarios.work_out,
}


def execute_run(
    engine: Engine,
    settings: Settings,
    run_id: int,
    *,
    on_progress: recruitment.Progress | None = None,
) -> InsightRunPublic:
    """Work a queued run out and store its result (never raises for its work)."""
    with session_scope(serialised(engine)) as session:
        run = _run(session, run_id)
        if run.status is not MatchingRunStatus.QUEUED:
            return _public(run)
        run.status = MatchingRunStatus.RUNNING
        run.started_at = utc_now()
        kind, spec = run.kind, dict(run.spec)
    last = [0.0]
    stopped = [False]

    def progress(phase: str, done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(phase, done, total)
        now = time.perf_counter()
        if now - last[0] >= _PROGRESS_EVERY_S or done == total:
            last[0] = now
            state = _set(engine, run_id, progress={"phase": phase, "done": done, "total": total})
            stopped[0] = state is not MatchingRunStatus.RUNNING

    values: dict[str, Any]
    try:
        result = _WORK[kind](engine, settings, spec, progress, lambda: stopped[0])
        values = {"status": MatchingRunStatus.SUCCEEDED, "result": result}
    except VppoolError as exc:
        values = {"status": MatchingRunStatus.FAILED, "error": exc.message[:4000]}
    except Exception:  # stored and logged: the run must not stay "running" for ever
        log.exception("insight run %s failed", run_id)
        values = {
            "status": MatchingRunStatus.FAILED,
            "error": "the run stopped because of an error on vppool's side; it was logged",
        }
    _set(engine, run_id, finished_at=utc_now(), **values)
    with Session(engine) as session:
        return _public(_run(session, run_id))


def execute_queued(engine: Engine, settings: Settings, run_id: int) -> None:
    """The queue's task: work the run out if it is still queued."""
    run = execute_run(engine, settings, run_id)
    log.info("insight run %s (%s): %s", run.id, run.kind.value, run.status.value)
