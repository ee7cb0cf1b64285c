"""Real `vppool worker` processes: a killed worker's run ends, several workers share a queue.

Each worker is started the way an operator starts it (``python -m vppool worker``) on
this test's database, with a short lease so that a dead worker is noticed quickly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import REFERENCE_DATE
from tests.dbutil import POSTGRES_ENV, postgres_url
from tests.integration.seed import seed_small_pool
from vppool.db.migrate import alembic_config
from vppool.db.models import Job, MatchingRun
from vppool.services import matching, queue
from vppool.services.dataset import import_dataset
from vppool.settings import Settings
from vppool.synthetic import generate
from vppool.vocab import JobStatus, MatchingRunStatus

pytestmark = pytest.mark.integration

#: The lease of the test's workers (the smallest allowed), in seconds.
LEASE_S = 5
#: How long a dead worker's run may stay running (issue 13: within a minute).
GIVE_UP_WITHIN_S = 60

Start = Callable[[], subprocess.Popen[bytes]]


@pytest.fixture(name="start_worker")
def fx_start_worker(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[Start]:
    """Starts `vppool worker` processes on this test's database; stops them afterwards."""
    command.stamp(alembic_config(db_url), "head")  # the schema is there (create_all)
    started: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []
    environment = {
        **os.environ,
        "VPPOOL_DATABASE_URL": db_url,
        "VPPOOL_DATA_DIR": str(tmp_path / "data"),
        "VPPOOL_JOB_LEASE_S": str(LEASE_S),
        # What is tested here is sharing and crash safety, not priority: at the default a
        # worker started by a test run that is itself niced would run at nice 19.
        "VPPOOL_WORKER_NICE": "0",
    }

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "vppool", "worker"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    for log in logs:
        log.close()


def _start_run(engine: Engine, settings: Settings, **overrides: object) -> int:
    with Session(engine) as session:
        run = matching.start_run(session, settings, overrides=overrides)
        session.commit()
    return run.id


def _status(engine: Engine, run_id: int) -> MatchingRunStatus:
    with Session(engine) as session:
        return session.get_one(MatchingRun, run_id).status


def _wait_while(
    engine: Engine, run_id: int, states: set[MatchingRunStatus], limit_s: float
) -> None:
    deadline = time.monotonic() + limit_s
    while _status(engine, run_id) in states:
        assert time.monotonic() < deadline, f"run {run_id} still {_status(engine, run_id)}"
        time.sleep(0.02)


def _active_jobs(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Job.id).where(col(Job.status).in_(queue.ACTIVE))).all())


def test_a_run_whose_worker_is_killed_fails_within_a_minute_and_a_new_run_succeeds(
    engine: Engine, settings: Settings, start_worker: Start
) -> None:
    dataset = generate("S", 1, today=REFERENCE_DATE, settings=settings)
    with Session(engine) as session:
        import_dataset(session, dataset)
        session.commit()
    first = start_worker()
    run_id = _start_run(engine, settings, time_limit_s=120, workers=1)
    _wait_while(engine, run_id, {MatchingRunStatus.QUEUED}, limit_s=120)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = time.monotonic()
    assert _status(engine, run_id) is MatchingRunStatus.RUNNING  # killed in the middle

    start_worker()
    _wait_while(engine, run_id, {MatchingRunStatus.RUNNING}, limit_s=GIVE_UP_WITHIN_S)
    print(f"run {run_id} failed {time.monotonic() - killed_at:.1f} s after the kill")  # noqa: T201
    with Session(engine) as session:
        run = session.get_one(MatchingRun, run_id)
        job = next(j for j in session.exec(select(Job)).all() if j.payload["run_id"] == run_id)
    assert run.status is MatchingRunStatus.FAILED
    assert run.error == queue.ABANDONED
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "stopped while it ran this job" in job.error

    again = _start_run(engine, settings, time_limit_s=10, workers=1)
    _wait_while(engine, again, {MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING}, 120)
    assert _status(engine, again) is MatchingRunStatus.SUCCEEDED


@pytest.mark.skipif(
    postgres_url() is None, reason=f"several workers share PostgreSQL: set {POSTGRES_ENV}"
)
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_several_workers_on_postgresql_drain_twenty_runs_each_executed_once(
    engine: Engine, settings: Settings, start_worker: Start
) -> None:
    seed_small_pool(engine)
    run_ids = [_start_run(engine, settings, time_limit_s=2, workers=1) for _ in range(20)]
    workers = [start_worker() for _ in range(3)]
    deadline = time.monotonic() + 300
    while _active_jobs(engine):  # a job ends just after its run
        assert time.monotonic() < deadline, f"{_active_jobs(engine)} jobs still queued or running"
        time.sleep(0.1)
    with Session(engine) as session:
        runs = session.exec(select(MatchingRun).where(col(MatchingRun.id).in_(run_ids))).all()
        jobs = session.exec(select(Job)).all()
    assert {run.status for run in runs} == {MatchingRunStatus.SUCCEEDED}
    assert len(jobs) == 20
    assert {job.status for job in jobs} == {JobStatus.SUCCEEDED}
    assert {job.attempts for job in jobs} == {1}  # claimed once each, never re-run
    assert len({job.worker for job in jobs}) > 1  # the work was shared
    assert all(process.poll() is None for process in workers)


def test_a_local_worker_stops_when_the_server_that_started_it_is_killed(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    command.stamp(alembic_config(db_url), "head")
    pid_file, log = tmp_path / "worker.pid", tmp_path / "worker.log"
    # A shell stands in for `vppool serve`: it starts the worker as its child, as the server
    # does, and is then killed with SIGKILL (no chance to stop its worker itself).
    server = subprocess.Popen(  # noqa: S603  (our own command line)
        ["/bin/sh", "-c", '"$0" -m vppool worker --parent $$ > "$2" 2>&1 & echo $! > "$1"; wait',
         sys.executable, str(pid_file), str(log)],
        env={**os.environ, "VPPOOL_DATABASE_URL": db_url, "VPPOOL_WORKER_NICE": "0",
             "VPPOOL_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a loaded machine takes a while to import the solvers
    while "vppool worker" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.2)
    worker = int(pid_file.read_text())
    assert _alive(worker)
    server.send_signal(signal.SIGKILL)
    server.wait()
    deadline = time.monotonic() + 60
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(worker):
        os.kill(worker, signal.SIGKILL)
        pytest.fail(f"the worker kept running after its server was killed:\n{log.read_text()}")
    assert "is gone; stopping" in log.read_text()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to collect it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(
    not hasattr(os, "SCHED_IDLE") or not sys.platform.startswith("linux"),
    reason="Linux's idle scheduling class is not available here",
)
def test_a_local_worker_takes_the_idle_scheduling_class_so_requests_go_first(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    command.stamp(alembic_config(db_url), "head")
    pid_file = tmp_path / "worker.pid"
    # The shell stands in for `vppool serve` again; the worker keeps the default nice.
    script = '"$0" -m vppool worker --parent $$ > /dev/null 2>&1 & echo $! > "$1"; wait'
    server = subprocess.Popen(  # noqa: S603  (our own command line)
        ["/bin/sh", "-c", script, sys.executable, str(pid_file)],
        env={**os.environ, "VPPOOL_DATABASE_URL": db_url, "VPPOOL_DATA_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        worker = int(pid_file.read_text())
        policy = os.sched_getscheduler(worker)
        while policy != os.SCHED_IDLE and _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
            policy = os.sched_getscheduler(worker)
        assert policy == os.SCHED_IDLE
        # Its session is the server's (autogroup shares time between sessions).
        assert os.getsid(worker) == os.getsid(server.pid)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
        if pid_file.exists() and pid_file.read_text().strip():
            worker = int(pid_file.read_text())
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
