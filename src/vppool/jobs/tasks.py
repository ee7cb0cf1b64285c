"""The tasks `vppool worker` runs from the queue: open a scope, call a service, log the result.

Every task is registered in :data:`TASKS` under the name it is enqueued with; the
scheduled ones (:data:`~vppool.jobs.scheduler.JOBS`) are enqueued by the schedule and may
also be called directly (``vppool run-job``, tests), with the installed runtime.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vppool.errors import NotFound, ValidationFailed
from vppool.jobs.runtime import Runtime, current
from vppool.services import (
    calendar_sources,
    compliance,
    insight_runs,
    intervision_runs,
    lifecycle,
    matching,
    notices,
    notifications,
    scenarios,
    shortlists,
)
from vppool.services.queue import Abandoned

__all__ = [
    "TASKS",
    "Task",
    "assignment_reminders",
    "certification_reminders",
    "compliance_sweep",
    "need_lifecycle",
    "refresh_calendars",
    "send_notifications",
    "shortlist_deadlines",
    "weekly_reoptimisation",
]

log = logging.getLogger("vppool.jobs")


def compliance_sweep(runtime: Runtime | None = None) -> None:
    """Daily: education and certification status of every VP; notify who fell behind."""
    runtime = runtime or current()
    with runtime.scope() as session:
        report = compliance.sweep(session, runtime.settings, runtime.today())
    log.info("compliance sweep: %s", report.model_dump())


def certification_reminders(runtime: Runtime | None = None) -> None:
    """Daily: reminders a year, 90 and 30 days before a certificate expires."""
    runtime = runtime or current()
    with runtime.scope() as session:
        queued = compliance.certification_reminders(session, runtime.settings, runtime.today())
    log.info("certification reminders queued: %s", queued)


def assignment_reminders(runtime: Runtime | None = None) -> None:
    """Daily: tell VPs and clients of confirmed assignments that end within two weeks."""
    runtime = runtime or current()
    with runtime.scope() as session:
        queued = notices.assignments_ending(session, runtime.today())
    log.info("assignment reminders queued: %s", queued)


def need_lifecycle(runtime: Runtime | None = None) -> None:
    """Daily: end assignments and close needs whose period is over."""
    runtime = runtime or current()
    with runtime.scope() as session:
        report = lifecycle.advance(session, runtime.today())
    log.info("life cycle: %s", report.model_dump())


def shortlist_deadlines(runtime: Runtime | None = None) -> None:
    """Daily: shortlists whose last day to choose passed; the planner's first choice stands."""
    runtime = runtime or current()
    with runtime.scope() as session:
        report = shortlists.expire_due(session, runtime.settings, runtime.today())
    log.info("shortlist deadlines: %s", report.model_dump())


def refresh_calendars(runtime: Runtime | None = None) -> None:
    """Every minute: queue a read of each linked calendar whose refresh interval has passed."""
    runtime = runtime or current()
    report = calendar_sources.refresh_due(runtime.engine, runtime.settings, now=runtime.now())
    if report.due:
        log.info("calendar refresh: %s", report.model_dump())


def send_notifications(runtime: Runtime | None = None) -> None:
    """Every minute: send the outbox (or log it without SMTP settings)."""
    runtime = runtime or current()
    with runtime.scope() as session:
        sent, failed = notifications.send_pending(session, runtime.settings)
    if sent or failed:
        log.info("notifications sent: %s, failed: %s", sent, failed)


def weekly_reoptimisation(runtime: Runtime | None = None) -> None:
    """Weekly: queue a full re-optimisation proposal for planners (never applied by itself)."""
    runtime = runtime or current()
    with runtime.scope() as session:
        run = matching.start_run(session, runtime.settings, overrides={"keep_confirmed": False})
    log.info("weekly re-optimisation: run %s queued", run.id)


def _matching_run(runtime: Runtime, payload: dict[str, Any]) -> None:
    summary = matching.execute_queued(runtime.engine, runtime.settings, int(payload["run_id"]))
    if summary is not None:
        log.info("matching run %s: %s", summary.id, summary.status.value)


def _intervision_run(runtime: Runtime, payload: dict[str, Any]) -> None:
    run = intervision_runs.execute_run(runtime.engine, runtime.settings, int(payload["run_id"]))
    log.info("intervision run %s: %s", run.id, run.status.value)


def _insight_run(runtime: Runtime, payload: dict[str, Any]) -> None:
    insight_runs.execute_queued(runtime.engine, runtime.settings, int(payload["run_id"]))


def _scenario_adoption(runtime: Runtime, payload: dict[str, Any]) -> None:
    insight_runs.execute_adoption(runtime.engine, runtime.settings, int(payload["run_id"]))


def _archive_leaver(runtime: Runtime, payload: dict[str, Any]) -> None:
    with runtime.scope() as session:
        scenarios.archive_leaver(session, payload)


def _calendar_fetch(runtime: Runtime, payload: dict[str, Any]) -> None:
    # Removed, switched off or changed into an upload since it was queued: nothing to read.
    with contextlib.suppress(NotFound, ValidationFailed):
        calendar_sources.refresh_source(
            runtime.engine, runtime.settings, int(payload["source_id"]), now=runtime.now()
        )


def _calendar_upload(runtime: Runtime, payload: dict[str, Any]) -> None:
    outcome = calendar_sources.read_upload(
        runtime.engine,
        runtime.settings,
        int(payload["source_id"]),
        payload["data"],
        now=runtime.now(),
    )
    log.info("uploaded calendar %s: %s", payload["source_id"], outcome)


def _scheduled(job: Callable[[Runtime | None], None]) -> Callable[[Runtime, dict[str, Any]], None]:
    return lambda runtime, _payload: job(runtime)


@dataclass(frozen=True, slots=True)
class Task:
    """How a queued task runs.

    ``retry``: a failure goes back on the queue while attempts are left. ``abandoned``:
    closes the task's record (a run) when its worker died and the queue gave up on it.
    ``data``: the task reads the bytes the job carries (payload key ``data``).
    """

    run: Callable[[Runtime, dict[str, Any]], None]
    retry: bool = False
    abandoned: Abandoned | None = None
    data: bool = False


#: Every task a job may name.
TASKS: dict[str, Task] = {
    matching.TASK: Task(_matching_run, abandoned=matching.abandon_run),
    intervision_runs.TASK: Task(_intervision_run, abandoned=intervision_runs.abandon_run),
    insight_runs.TASK: Task(_insight_run, abandoned=insight_runs.abandon_run),
    insight_runs.ADOPT_TASK: Task(_scenario_adoption, abandoned=insight_runs.abandon_adoption),
    scenarios.ARCHIVE_TASK: Task(_archive_leaver, retry=True),
    calendar_sources.FETCH_TASK: Task(_calendar_fetch),
    calendar_sources.UPLOAD_TASK: Task(
        _calendar_upload, abandoned=calendar_sources.abandon_upload, data=True
    ),
    "compliance_sweep": Task(_scheduled(compliance_sweep), retry=True),
    "certification_reminders": Task(_scheduled(certification_reminders), retry=True),
    "assignment_reminders": Task(_scheduled(assignment_reminders), retry=True),
    "need_lifecycle": Task(_scheduled(need_lifecycle), retry=True),
    "shortlist_deadlines": Task(_scheduled(shortlist_deadlines), retry=True),
    "refresh_calendars": Task(_scheduled(refresh_calendars), retry=True),
    "send_notifications": Task(_scheduled(send_notifications), retry=True),
    "weekly_reoptimisation": Task(_scheduled(weekly_reoptimisation), retry=True),
}
