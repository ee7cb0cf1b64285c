"""The job queue: claims under a lease, limits over all workers, reaping, cancelling, retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.seed import seed_small_pool
from tests.queue import drain
from vppool.db.models import Assignment, Job, MatchingRun
from vppool.db.types import utc_now
from vppool.jobs import tasks
from vppool.jobs.scheduler import JOBS
from vppool.jobs.worker import Worker
from vppool.services import intervision_runs, matching, queue
from vppool.services.queue import LaneLimits
from vppool.settings import Settings
from vppool.vocab import JobStatus, MatchingRunStatus

pytestmark = pytest.mark.integration

LEASE_S = 20.0


def _add(engine: Engine, task: str, **options: object) -> int:
    with Session(engine) as session:
        job_id = queue.enqueue(session, task, **options)  # type: ignore[arg-type]
        session.commit()
    return job_id


def _job(engine: Engine, job_id: int) -> Job:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _start_run(engine: Engine, settings: Settings) -> int:
    with Session(engine) as session:
        run = matching.start_run(session, settings, overrides={"time_limit_s": 5, "workers": 1})
        session.commit()
    return run.id


def test_a_job_is_claimed_once_and_its_outcome_stored_by_its_holder(engine: Engine) -> None:
    job_id = _add(engine, "noop", payload={"n": 1})
    first = queue.claim(engine, "w1", LaneLimits("cpu"), lease_s=LEASE_S)
    assert first is not None
    assert (first.id, first.task, first.payload, first.attempts) == (job_id, "noop", {"n": 1}, 1)
    assert queue.claim(engine, "w2", LaneLimits("cpu"), lease_s=LEASE_S) is None
    assert queue.finish(engine, "w2", job_id) is None  # not the holder
    assert queue.finish(engine, "w1", job_id) is JobStatus.SUCCEEDED
    assert _job(engine, job_id).finished_at is not None


def test_a_unique_key_keeps_one_active_job_and_a_lane_takes_only_its_own(engine: Engine) -> None:
    first = _add(engine, "refresh", unique_key="source:1", lane="fetch")
    assert _add(engine, "refresh", unique_key="source:1", lane="fetch") == first
    assert queue.claim(engine, "w", LaneLimits("cpu"), lease_s=LEASE_S) is None
    claimed = queue.claim(engine, "w", LaneLimits("fetch"), lease_s=LEASE_S)
    assert claimed is not None
    assert _add(engine, "refresh", unique_key="source:1", lane="fetch") == first  # running
    queue.finish(engine, "w", first)
    assert _add(engine, "refresh", unique_key="source:1", lane="fetch") != first


def test_no_more_jobs_of_one_key_or_one_lane_run_at_once_than_allowed(engine: Engine) -> None:
    for _ in range(3):
        _add(engine, "fetch", lane="fetch", limit_key="host:a.example")
    _add(engine, "fetch", lane="fetch", limit_key="host:b.example")
    limits = LaneLimits("fetch", overall=3, per_key=2)
    keys = []
    while (job := queue.claim(engine, "w", limits, lease_s=LEASE_S)) is not None:
        keys.append(_job(engine, job.id).limit_key)
    assert sorted(keys) == ["host:a.example", "host:a.example", "host:b.example"]
    first_a = next(
        j for j in _all(engine) if j.limit_key == "host:a.example" and j.status == "running"
    )
    assert first_a.id is not None
    queue.finish(engine, "w", first_a.id)
    last = queue.claim(engine, "w", limits, lease_s=LEASE_S)
    assert last is not None
    assert _job(engine, last.id).limit_key == "host:a.example"


def _all(engine: Engine) -> list[Job]:
    with Session(engine) as session:
        return list(session.exec(select(Job).order_by(Job.id)).all())  # type: ignore[arg-type]


def test_a_run_whose_worker_stopped_is_failed_with_the_reason_and_a_new_one_succeeds(
    engine: Engine, settings: Settings
) -> None:
    seed_small_pool(engine)
    run_id = _start_run(engine, settings)
    claimed = queue.claim(engine, "gone", LaneLimits("cpu"), lease_s=LEASE_S)
    assert claimed is not None
    with Session(engine) as session:  # the worker had marked it running, then died
        run = session.get_one(MatchingRun, run_id)
        run.status = MatchingRunStatus.RUNNING
        session.add(run)
        session.commit()
    abandoned = {name: task.abandoned for name, task in tasks.TASKS.items() if task.abandoned}
    assert queue.reap(engine, abandoned) == []  # the lease still holds
    later = utc_now() + timedelta(seconds=LEASE_S + 1)
    assert queue.reap(engine, abandoned, now=later) == [(claimed.id, JobStatus.FAILED)]
    job = _job(engine, claimed.id)
    assert job.error is not None
    assert "gone" in job.error
    with Session(engine) as session:
        run = session.get_one(MatchingRun, run_id)
        assert run.status is MatchingRunStatus.FAILED
        assert run.error == queue.ABANDONED
        assert run.finished_at is not None
    again = _start_run(engine, settings)
    assert drain(engine, settings) == 1
    with Session(engine) as session:
        assert session.get_one(MatchingRun, again).status is MatchingRunStatus.SUCCEEDED


def test_a_job_with_tries_left_goes_back_on_the_queue_when_its_worker_stopped(
    engine: Engine,
) -> None:
    job_id = _add(engine, "send", lane="io", max_attempts=2)
    assert queue.claim(engine, "gone", LaneLimits("io"), lease_s=LEASE_S) is not None
    later = utc_now() + timedelta(seconds=LEASE_S + 1)
    assert queue.reap(engine, {}, now=later) == [(job_id, JobStatus.QUEUED)]
    again = queue.claim(engine, "next", LaneLimits("io"), lease_s=LEASE_S, now=later)
    assert again is not None
    assert again.attempts == 2


def test_a_worker_renews_its_leases_and_hears_of_a_cancelled_job(engine: Engine) -> None:
    job_id = _add(engine, "x")
    claimed = queue.claim(engine, "w", LaneLimits("cpu"), lease_s=5)
    assert claimed is not None
    before = _job(engine, job_id).lease_until
    assert queue.renew(engine, "w", {job_id}, lease_s=LEASE_S) == set()
    after = _job(engine, job_id).lease_until
    assert before is not None
    assert after is not None
    assert after > before
    with Session(engine) as session:
        job = session.get_one(Job, job_id)
        job.status = JobStatus.CANCELLED
        session.add(job)
        session.commit()
    assert queue.renew(engine, "w", {job_id}, lease_s=LEASE_S) == {job_id}


def test_a_cancelled_queued_run_is_never_executed(engine: Engine, settings: Settings) -> None:
    seed_small_pool(engine)
    run_id = _start_run(engine, settings)
    with Session(engine) as session:
        matching.cancel_run(session, run_id)
        session.commit()
    assert drain(engine, settings) == 0
    with Session(engine) as session:
        assert session.get_one(MatchingRun, run_id).status is MatchingRunStatus.CANCELLED
        job = session.exec(select(Job)).one()
    assert job.status is JobStatus.CANCELLED


def test_a_run_failed_by_the_queue_while_it_solved_stores_nothing_afterwards(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_small_pool(engine)
    run_id = _start_run(engine, settings)
    solve = matching.m.solve

    def solve_while_reaped(*args: Any, **kwargs: Any) -> Any:
        result = solve(*args, **kwargs)
        with Session(engine) as session:  # meanwhile the queue gave up on the worker
            matching.abandon_run(session, {"run_id": run_id}, queue.ABANDONED)
            session.commit()
        return result

    monkeypatch.setattr(matching.m, "solve", solve_while_reaped)
    summary = matching.execute_run(engine, settings, run_id)
    assert summary.status is MatchingRunStatus.FAILED
    assert summary.error == queue.ABANDONED
    with Session(engine) as session:
        stored = session.exec(select(Assignment).where(Assignment.matching_run_id == run_id))
        assert stored.all() == []


def test_an_unknown_task_fails_its_job_and_the_worker_goes_on(
    engine: Engine, settings: Settings
) -> None:
    unknown = _add(engine, "no_such_task")
    seed_small_pool(engine)
    run_id = _start_run(engine, settings)
    assert Worker(engine, settings, name="w").drain() == 2
    assert _job(engine, unknown).status is JobStatus.FAILED
    assert _job(engine, unknown).error == "no task is called 'no_such_task'"
    with Session(engine) as session:
        assert session.get_one(MatchingRun, run_id).status is MatchingRunStatus.SUCCEEDED


def test_every_task_a_service_enqueues_is_registered() -> None:
    assert {matching.TASK, intervision_runs.TASK} <= set(tasks.TASKS)
    assert {spec.task for spec in JOBS} <= set(tasks.TASKS)
