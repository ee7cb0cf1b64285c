"""The jobs: open a scope, call a service, log the result."""

from __future__ import annotations

import logging

from vppool.jobs.runtime import current
from vppool.services import calendar_sources, compliance, lifecycle, matching, notifications

__all__ = [
    "certification_reminders",
    "compliance_sweep",
    "need_lifecycle",
    "refresh_calendars",
    "send_notifications",
    "weekly_reoptimisation",
]

log = logging.getLogger("vppool.jobs")


def compliance_sweep() -> None:
    """Daily: education and certification status of every VP; notify who fell behind."""
    runtime = current()
    with runtime.scope() as session:
        report = compliance.sweep(session, runtime.settings, runtime.today())
    log.info("compliance sweep: %s", report.model_dump())


def certification_reminders() -> None:
    """Daily: reminders a year, 90 and 30 days before a certificate expires."""
    runtime = current()
    with runtime.scope() as session:
        queued = compliance.certification_reminders(session, runtime.settings, runtime.today())
    log.info("certification reminders queued: %s", queued)


def need_lifecycle() -> None:
    """Daily: end assignments and close needs whose period is over."""
    runtime = current()
    with runtime.scope() as session:
        report = lifecycle.advance(session, runtime.today())
    log.info("life cycle: %s", report.model_dump())


def refresh_calendars() -> None:
    """Every minute: read each linked calendar whose refresh interval has passed."""
    runtime = current()
    report = calendar_sources.refresh_due(runtime.engine, runtime.settings, now=runtime.now())
    if report.due:
        log.info("calendar refresh: %s", report.model_dump())


def send_notifications() -> None:
    """Every minute: send the outbox (or log it without SMTP settings)."""
    runtime = current()
    with runtime.scope() as session:
        sent, failed = notifications.send_pending(session, runtime.settings)
    if sent or failed:
        log.info("notifications sent: %s, failed: %s", sent, failed)


def weekly_reoptimisation() -> None:
    """Weekly: a full re-optimisation proposal for planners (never applied by itself)."""
    runtime = current()
    with runtime.scope() as session:
        run = matching.start_run(session, runtime.settings, overrides={"keep_confirmed": False})
    summary = matching.execute_run(runtime.engine, runtime.settings, run.id, today=runtime.today())
    log.info("weekly re-optimisation run %s: %s", summary.id, summary.status.value)
