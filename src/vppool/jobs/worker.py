"""`vppool worker`: runs the jobs on the queue, and the schedule when it holds the schedule lock.

A worker has a few threads per *lane*: one for ``cpu`` work (a solve: one at a time, so two
runs do not slow each other down), one for ``upload`` (reading an uploaded calendar file:
one at a time per worker, so the memory a large file takes is held once), a few for ``io``
(the scheduled jobs and e-mail) and ``fetch`` (calendars, bounded per host and overall over
all workers).
Each thread claims a job, runs its task and stores the outcome. A keeper thread renews
the leases of the jobs this worker runs and reaps the jobs of workers that stopped.

:meth:`Worker.drain` runs every due job in the calling thread until none is left: tests
use it to execute what a request queued, deterministically.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from vppool.jobs.runtime import Runtime, install
from vppool.jobs.tasks import TASKS
from vppool.services import queue
from vppool.services.queue import Claimed, LaneLimits
from vppool.settings import Settings
from vppool.vocab import JobStatus

__all__ = ["Worker"]

log = logging.getLogger("vppool.worker")

#: Seconds an idle thread waits before it looks for work again.
IDLE_WAIT_S = 1.0


class Worker:
    """Claims jobs from the queue and runs them under a lease."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        name: str | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.runtime = Runtime(engine=engine, settings=settings, now=now or _utc_now)
        install(self.runtime)
        self._held: set[int] = set()
        self._lock = threading.Lock()

    @property
    def lease_s(self) -> float:
        """How long a claimed job is held without renewal."""
        return self.settings.job_lease_s

    def lanes(self) -> list[tuple[LaneLimits, int]]:
        """Each lane with its limits and the number of this worker's threads that serve it."""
        settings = self.settings
        return [
            (LaneLimits("cpu"), 1),
            (LaneLimits("upload"), 1),
            (LaneLimits("io"), 2),
            (
                LaneLimits(
                    "fetch",
                    overall=settings.calendar_fetch_concurrency,
                    per_key=settings.calendar_fetch_per_host,
                ),
                settings.worker_fetch_threads,
            ),
        ]

    # ------------------------------------------------------------------ one job

    def run_next(self, limits: LaneLimits) -> bool:
        """Claim and run one job of this lane; ``False`` when there was none."""
        job = queue.claim(self.engine, self.name, limits, lease_s=self.lease_s)
        if job is None:
            return False
        self._execute(job)
        return True

    def _execute(self, job: Claimed) -> None:
        task = TASKS.get(job.task)
        error: str | None = None
        with self._lock:
            self._held.add(job.id)
        try:
            if task is None:
                error = f"no task is called {job.task!r}"
            elif task.data:
                data = queue.job_data(self.engine, job.id) or b""
                task.run(self.runtime, {**job.payload, "data": data})
            else:
                task.run(self.runtime, job.payload)
        except Exception as exc:  # stored on the job; the worker goes on with the next
            log.exception("job %s (%s) failed", job.id, job.task)
            error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._held.discard(job.id)
        status = queue.finish(
            self.engine, self.name, job.id, error=error, retry=bool(task and task.retry)
        )
        if status is None:
            log.warning("job %s (%s) ended after its lease was given up", job.id, job.task)
        elif status is not JobStatus.SUCCEEDED:
            log.warning("job %s (%s): %s", job.id, job.task, status.value)

    # ------------------------------------------------------------------ leases

    def keep(self) -> None:
        """Renew the leases of the jobs running here, then reap those of stopped workers."""
        with self._lock:
            held = set(self._held)
        lost = queue.renew(self.engine, self.name, held, lease_s=self.lease_s)
        for job_id in lost:
            log.warning("job %s is no longer held by this worker (cancelled or reaped)", job_id)
        abandoned = {name: task.abandoned for name, task in TASKS.items() if task.abandoned}
        for job_id, status in queue.reap(self.engine, abandoned):
            log.warning("job %s: its worker stopped; %s", job_id, status.value)

    # ------------------------------------------------------------------ ways to run

    def drain(self) -> int:
        """Run every due job in this thread, any lane, until none is left; how many ran."""
        ran = 0
        self.keep()
        while any(self.run_next(limits) for limits, _ in self.lanes()):
            ran += 1
        return ran

    def serve(self, stop: threading.Event) -> None:
        """Run the lanes' threads and the keeper until ``stop`` is set."""
        threads = [
            threading.Thread(
                target=self._lane_loop, args=(limits, stop), name=f"{limits.lane}-{i}", daemon=True
            )
            for limits, count in self.lanes()
            for i in range(count)
        ]
        # A daemon too: a keeper held up by the database must not keep a stopping worker.
        threads.append(
            threading.Thread(target=self._keeper, args=(stop,), name="keeper", daemon=True)
        )
        for thread in threads:
            thread.start()
        log.info("worker %s: %s threads", self.name, len(threads))
        stop.wait()
        for thread in threads:
            thread.join(timeout=5)
        # What still runs is given up now rather than when its lease passes: a run is
        # failed with the reason, a job with attempts left goes back on the queue.
        abandoned = {name: task.abandoned for name, task in TASKS.items() if task.abandoned}
        queue.reap(self.engine, abandoned, worker=self.name)

    def _lane_loop(self, limits: LaneLimits, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if self.run_next(limits):
                    continue
            except Exception:  # the database away for a moment: wait and try again
                log.exception("worker %s could not claim a %s job", self.name, limits.lane)
            stop.wait(IDLE_WAIT_S)

    def _keeper(self, stop: threading.Event) -> None:
        while not stop.wait(self.lease_s / 3):
            try:
                self.keep()
            except Exception:  # keep renewing; a missed round is caught up on the next
                log.exception("worker %s could not renew its leases", self.name)


def _utc_now() -> datetime:
    return datetime.now(UTC)
