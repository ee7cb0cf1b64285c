"""The durable job queue: long work stored as rows of ``job``, run by `vppool worker` processes.

A web request (or the schedule) *enqueues* a job in its own transaction, so a job exists
exactly when the request's change does. A worker *claims* a job: in one short transaction
it picks the oldest queued job its thread may take and marks it running under a *lease*
(``lease_until``), which it renews while the job runs. Claims are serialised (an advisory
lock on PostgreSQL, the write lock on SQLite), so no job is claimed twice and the limits
per ``limit_key`` (a calendar's host) and per lane hold over all workers.

A worker that dies stops renewing; once the lease has passed, any worker *reaps* the job:
retried if it has attempts left, failed with the reason otherwise, and the task's
``abandoned`` hook marks its run failed in the same transaction. A job's outcome is stored
only by the worker that still holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from vppool.db import serialised, session_scope
from vppool.db.models import InsightRun, IntervisionRun, Job, MatchingRun
from vppool.db.types import utc_now
from vppool.services import audit
from vppool.services._common import Actor
from vppool.vocab import JobStatus, MatchingRunStatus

__all__ = [
    "ABANDONED",
    "ACTIVE",
    "Claimed",
    "LaneLimits",
    "active_keys",
    "active_with_key",
    "cancel_jobs",
    "claim",
    "counts",
    "enqueue",
    "fail_abandoned",
    "finish",
    "job_data",
    "reap",
    "renew",
    "stop_run",
]

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
#: Key of the PostgreSQL advisory lock that serialises claims (any constant of our own).
_CLAIM_LOCK = 0x7670_6A71  # "vpjq"
#: Why a run failed whose worker stopped (shown on the run; the job keeps which worker).
ABANDONED = (
    "The worker running this stopped before it ended (it was stopped or crashed); "
    "nothing of it was stored. Start it again."
)
#: Jobs are read without the bytes they carry (an uploaded file of up to 20 MB): only the
#: task that needs them reads them (:func:`job_data`).
_WITHOUT_DATA = defer(Job.data)  # type: ignore[arg-type]
#: Seconds before a failed job with attempts left is tried again, per attempt made.
RETRY_AFTER_S = (10, 60, 300)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A job a worker holds: what to run and with what."""

    id: int
    task: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


@dataclass(frozen=True, slots=True)
class LaneLimits:
    """What a worker thread may claim: its lane, and the limits over all workers."""

    lane: str
    #: Jobs of this lane running at once over all workers (None: no limit).
    overall: int | None = None
    #: Jobs with the same ``limit_key`` running at once over all workers.
    per_key: int | None = None


def enqueue(
    session: Session,
    task: str,
    payload: Mapping[str, Any] | None = None,
    *,
    lane: str = "cpu",
    limit_key: str | None = None,
    unique_key: str | None = None,
    max_attempts: int = 1,
    data: bytes | None = None,
    run_after: datetime | None = None,
) -> int:
    """Add a job in ``session``'s transaction; it runs once that commits.

    With ``unique_key``, a job with that key that is still queued or running is kept and
    its id returned instead of adding a second one.
    """
    if unique_key is not None:
        existing = active_with_key(session, unique_key)
        if existing is not None:
            return existing
    job = Job(
        task=task,
        payload=dict(payload or {}),
        lane=lane,
        limit_key=limit_key,
        unique_key=unique_key,
        max_attempts=max_attempts,
        data=data,
        run_after=run_after or utc_now(),
    )
    if unique_key is None:
        session.add(job)
        session.flush()
    else:
        try:
            with session.begin_nested():  # another request added the same key meanwhile
                session.add(job)
                session.flush()
        except IntegrityError:
            existing = active_with_key(session, unique_key)
            if existing is None:
                raise
            return existing
    return _id(job)


def active_with_key(session: Session, unique_key: str) -> int | None:
    """The queued or running job with this key, if any."""
    return session.exec(
        select(Job.id).where(Job.unique_key == unique_key, col(Job.status).in_(ACTIVE))
    ).first()


def active_keys(session: Session, unique_keys: Iterable[str]) -> set[str]:
    """Which of these keys have a queued or running job (a page shows "being read")."""
    keys = set(unique_keys)
    if not keys:
        return set()
    rows = session.exec(
        select(Job.unique_key).where(col(Job.unique_key).in_(keys), col(Job.status).in_(ACTIVE))
    ).all()
    return {key for key in rows if key is not None}


def cancel_jobs(session: Session, unique_key: str) -> int:
    """Cancel the queued job with this key (a running one ends by its task's own check)."""
    result = session.execute(
        sa.update(Job)
        .where(col(Job.unique_key) == unique_key, col(Job.status) == JobStatus.QUEUED)
        .values(status=JobStatus.CANCELLED, finished_at=utc_now(), data=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim(
    engine: Engine, worker: str, limits: LaneLimits, *, lease_s: float, now: datetime | None = None
) -> Claimed | None:
    """Take the oldest job of ``limits.lane`` that is due and within the limits, if any."""
    now = now or utc_now()
    with Session(engine) as probe:  # a plain read first: idle workers take no write lock
        waiting = probe.exec(
            select(Job.id)
            .where(
                Job.status == JobStatus.QUEUED, Job.lane == limits.lane, col(Job.run_after) <= now
            )
            .limit(1)
        ).first()
    if waiting is None:
        return None
    with session_scope(serialised(engine)) as session:
        if engine.dialect.name == "postgresql":
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CLAIM_LOCK)))
        query = select(Job.id).where(
            Job.status == JobStatus.QUEUED, Job.lane == limits.lane, col(Job.run_after) <= now
        )
        if limits.overall is not None:
            running = session.exec(
                select(sa.func.count())
                .select_from(Job)
                .where(Job.status == JobStatus.RUNNING, Job.lane == limits.lane)
            ).one()
            if running >= limits.overall:
                return None
        if limits.per_key is not None:
            busy = (
                select(Job.limit_key)
                .where(Job.status == JobStatus.RUNNING, col(Job.limit_key).is_not(None))
                .group_by(col(Job.limit_key))
                .having(sa.func.count() >= limits.per_key)
            )
            query = query.where(
                sa.or_(col(Job.limit_key).is_(None), col(Job.limit_key).not_in(busy))
            )
        job_id = session.exec(query.order_by(col(Job.run_after), col(Job.id)).limit(1)).first()
        if job_id is None:
            return None
        job = session.exec(select(Job).where(Job.id == job_id).options(_WITHOUT_DATA)).one()
        job.status = JobStatus.RUNNING
        job.worker = worker[:120]
        job.attempts += 1
        job.started_at = now
        job.lease_until = now + timedelta(seconds=lease_s)
        session.add(job)
        session.flush()
        return Claimed(job_id, job.task, dict(job.payload), job.attempts, job.max_attempts)


def job_data(engine: Engine, job_id: int) -> bytes | None:
    """The bytes a job carries (an uploaded file), read only by the task that needs them."""
    with Session(engine) as session:
        return session.exec(select(Job.data).where(Job.id == job_id)).first()


def renew(engine: Engine, worker: str, job_ids: Iterable[int], *, lease_s: float) -> set[int]:
    """Extend the lease of the jobs this worker runs; returns those it no longer holds."""
    ids = set(job_ids)
    if not ids:
        return set()
    until = utc_now() + timedelta(seconds=lease_s)
    with session_scope(serialised(engine)) as session:
        session.execute(
            sa.update(Job)
            .where(
                col(Job.id).in_(ids),
                col(Job.worker) == worker,
                col(Job.status) == JobStatus.RUNNING,
            )
            .values(lease_until=until)
        )
        held = set(
            session.exec(
                select(Job.id).where(
                    col(Job.id).in_(ids), Job.worker == worker, Job.status == JobStatus.RUNNING
                )
            ).all()
        )
    return {job_id for job_id in ids if job_id not in held}


def finish(
    engine: Engine,
    worker: str,
    job_id: int,
    *,
    error: str | None = None,
    retry: bool = False,
    now: datetime | None = None,
) -> JobStatus | None:
    """Store a job's outcome if this worker still holds it (else ``None``: it was reaped).

    With ``retry`` and attempts left, a failed job is queued again a little later.
    """
    now = now or utc_now()
    with session_scope(serialised(engine)) as session:
        job = session.exec(
            select(Job).where(Job.id == job_id).options(_WITHOUT_DATA).with_for_update()
        ).first()
        if job is None or job.status is not JobStatus.RUNNING or job.worker != worker:
            return None
        job.lease_until = None
        job.error = None if error is None else error[:4000]
        if error is None:
            job.status = JobStatus.SUCCEEDED
        elif retry and job.attempts < job.max_attempts:
            job.status = JobStatus.QUEUED
            job.worker = None
            delay = RETRY_AFTER_S[min(job.attempts, len(RETRY_AFTER_S)) - 1]
            job.run_after = now + timedelta(seconds=delay)
        else:
            job.status = JobStatus.FAILED
        if job.status is not JobStatus.QUEUED:
            job.finished_at = now
            job.data = None
        session.add(job)
        return job.status


#: What the queue calls when it gives up on a job whose worker died: (session, payload, reason).
Abandoned = Callable[[Session, dict[str, Any], str], None]


def reap(
    engine: Engine,
    abandoned: Mapping[str, Abandoned],
    *,
    worker: str | None = None,
    now: datetime | None = None,
) -> list[tuple[int, JobStatus]]:
    """Retry or fail the running jobs whose lease passed; what became of each.

    With ``worker``, that worker's running jobs whatever their lease (it stops now).
    """
    now = now or utc_now()
    outcome: list[tuple[int, JobStatus]] = []
    whose = Job.worker == worker if worker is not None else col(Job.lease_until) < now
    with session_scope(serialised(engine)) as session:
        expired = session.exec(
            select(Job)
            .where(Job.status == JobStatus.RUNNING, whose)
            .options(_WITHOUT_DATA)
            .order_by(col(Job.id))
            .with_for_update(skip_locked=True)
        ).all()
        for job in expired:
            reason = (
                f"the worker {job.worker or '?'} stopped while it ran this job "
                f"(attempt {job.attempts} of {job.max_attempts})"
            )
            job.error = reason
            job.lease_until = None
            job.worker = None
            if job.attempts < job.max_attempts:
                job.status = JobStatus.QUEUED
                job.run_after = now
            else:
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.data = None
                hook = abandoned.get(job.task)
                if hook is not None:
                    hook(session, dict(job.payload), ABANDONED)
            session.add(job)
            outcome.append((_id(job), job.status))
    return outcome


def _id(job: Job) -> int:
    if job.id is None:  # pragma: no cover  (flushed rows have their id)
        msg = "the job has no id before it is stored"
        raise RuntimeError(msg)
    return job.id


def counts(session: Session) -> dict[str, int]:
    """Jobs per status (for the worker's start-up line and tests)."""
    rows = session.exec(select(Job.status, sa.func.count()).group_by(col(Job.status))).all()
    return {JobStatus(status).value: int(number) for status, number in rows}


#: A background run: of the matcher, of intervision, of planning insight.
RunT = TypeVar("RunT", MatchingRun, IntervisionRun, InsightRun)


def fail_abandoned(
    session: Session, table: type[RunT], payload: Mapping[str, Any], reason: str
) -> RunT | None:
    """Fail the run a job was for (``run_id``) if it is still queued or running.

    A task's ``abandoned`` hook: the queue gave up on the job because its worker stopped;
    the reason is kept on the run. Returns the run it failed.
    """
    run = session.get(table, int(payload["run_id"]))
    if run is None or run.status not in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
        return None
    run.status = MatchingRunStatus.FAILED
    run.error = reason
    run.finished_at = utc_now()
    session.add(run)
    return run


def stop_run(
    session: Session,
    actor: Actor,
    run: MatchingRun | IntervisionRun | InsightRun,
    task: str,
    entity_type: str,
) -> None:
    """Mark a background run cancelled now and cancel its job (``<task>:<run id>``), audited.

    The caller checked that the run is queued or running.
    """
    run.status = MatchingRunStatus.CANCELLED
    run.finished_at = utc_now()
    session.add(run)
    cancel_jobs(session, f"{task}:{run.id}")
    audit.record_event(session, actor, (entity_type, run.id), "cancelled")
    session.flush()
