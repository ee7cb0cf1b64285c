"""Scheduled jobs (APScheduler 3): thin wrappers around service calls, run by `vppool worker`."""

from __future__ import annotations

from vppool.jobs.scheduler import JOBS, WorkerLock, build_scheduler

__all__ = ["JOBS", "WorkerLock", "build_scheduler"]
