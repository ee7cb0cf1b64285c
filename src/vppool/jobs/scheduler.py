"""The schedule of `vppool worker`: APScheduler 3 with its job store in the application database.

The schedule only *enqueues*: at each time it puts the job's task on the queue, and
whichever worker is free runs it (:mod:`vppool.jobs.worker`). One worker per database holds
the schedule (:class:`WorkerLock`: an advisory lock on PostgreSQL, a lock file next to an
SQLite database); the others only run jobs, and take the schedule over when its holder
stops. Jobs survive restarts (persistent job store, stable ids, ``replace_existing``),
missed runs are coalesced into one, a task still queued or running is not queued twice,
and a failing task is retried by the queue a few times a little later.
"""

from __future__ import annotations

import fcntl
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from vppool.jobs.runtime import current
from vppool.services import queue
from vppool.settings import Settings

__all__ = ["JOBS", "JobSpec", "WorkerLock", "build_scheduler", "enqueue_scheduled"]

log = logging.getLogger("vppool.jobs")

#: Tries of a scheduled task (the queue waits a little longer before each next one).
SCHEDULED_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A scheduled job: stable id, the queued task's name and when it runs."""

    id: str
    task: str
    trigger: dict[str, Any]
    description: str


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "compliance_sweep",
        "compliance_sweep",
        {"type": "cron", "hour": 6, "minute": 0},
        "daily 06:00: education and certification status, notifications",
    ),
    JobSpec(
        "certification_reminders",
        "certification_reminders",
        {"type": "cron", "hour": 6, "minute": 10},
        "daily 06:10: reminders 1 year, 90 and 30 days before expiry",
    ),
    JobSpec(
        "assignment_reminders",
        "assignment_reminders",
        {"type": "cron", "hour": 6, "minute": 20},
        "daily 06:20: tell VPs and clients of assignments that end within two weeks",
    ),
    JobSpec(
        "need_lifecycle",
        "need_lifecycle",
        {"type": "cron", "hour": 0, "minute": 5},
        "daily 00:05: end finished assignments, close finished needs",
    ),
    JobSpec(
        "shortlist_deadlines",
        "shortlist_deadlines",
        {"type": "cron", "hour": 0, "minute": 15},
        "daily 00:15: shortlists whose last day to choose has passed: the first choice stands",
    ),
    JobSpec(
        "refresh_calendars",
        "refresh_calendars",
        {"type": "interval", "minutes": 1},
        "every minute: read the VPs' linked calendars whose refresh interval has passed",
    ),
    JobSpec(
        "send_notifications",
        "send_notifications",
        {"type": "interval", "minutes": 1},
        "every minute: send the notification outbox",
    ),
    JobSpec(
        "weekly_reoptimisation",
        "weekly_reoptimisation",
        {"type": "cron", "day_of_week": "mon", "hour": 5, "minute": 0},
        "Mondays 05:00: a re-optimisation proposal for planners",
    ),
)


def _trigger(spec: JobSpec, zone: Any) -> CronTrigger | IntervalTrigger:
    options = dict(spec.trigger)
    kind = options.pop("type")
    if kind == "cron":
        return CronTrigger(timezone=zone, **options)
    return IntervalTrigger(timezone=zone, **options)


def enqueue_scheduled(task: str) -> None:
    """What the schedule runs: put ``task`` on the queue unless it is queued or running."""
    runtime = current()
    with runtime.scope() as session:
        queue.enqueue(
            session,
            task,
            lane="io",
            unique_key=f"scheduled:{task}",
            max_attempts=SCHEDULED_ATTEMPTS,
        )


def build_scheduler(
    settings: Settings,
    engine: Engine,
    *,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
) -> BaseScheduler:
    """A scheduler with every job registered in the database job store."""
    zone = settings.worker_timezone or settings.timezone
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone=zone,
    )
    for spec in JOBS:
        scheduler.add_job(
            "vppool.jobs.scheduler:enqueue_scheduled",
            args=[spec.task],
            trigger=_trigger(spec, scheduler.timezone),
            id=spec.id,
            name=spec.description,
            replace_existing=True,
        )
    return scheduler


class WorkerLock:
    """Held by the one worker of a database that keeps the schedule."""

    _KEY = 0x7670_6F6F  # "vpoo"

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self._connection: sa.Connection | None = None
        self._file: Any = None

    def acquire(self) -> bool:
        """Take the lock; ``False`` when another worker holds it."""
        if self.engine.dialect.name == "postgresql":
            self._connection = self.engine.connect()
            got = self._connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._KEY}
            ).scalar_one()
            if not got:
                self._connection.close()
                self._connection = None
            return bool(got)
        database = self.engine.url.database or "memory"
        path = Path(f"{database}.worker.lock") if database != "memory" else self.data_dir / "w.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        return True

    def release(self) -> None:
        """Let another worker start."""
        if self._connection is not None:
            self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._KEY})
            self._connection.close()
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
