"""Solver runs in the background of the API process: bounded, one at a time, never in a request.

Matching runs and intervision runs (forming groups, planning a year's sessions) share one
worker thread: both are CPU-bound, and two at once would only slow each other down.

A POST answers 202 at once; the run executes in a worker thread with its configured time
limit and writes its progress to the database, where GET reads it (also from other server
processes). On shutdown, runs still going are cancelled so they end in a stored state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.services import intervision_runs, matching
from vppool.settings import Settings
from vppool.vocab import MatchingRunStatus

__all__ = ["RunExecutor"]

log = logging.getLogger("vppool.api")


def _when_committed(session: Session | None, action: Callable[[], None]) -> None:
    """Run ``action`` now, or when ``session`` commits.

    The run the request queued is then visible to the background thread, and a request
    that rolls back queues nothing; controllers never commit themselves.
    """
    if session is None:
        action()
        return
    sa.event.listen(session, "after_commit", lambda _session: action(), once=True)


class RunExecutor:
    """Executes queued matching runs in a single background thread."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching")
        self._running: dict[int, Future[object]] = {}
        self._intervision: dict[int, Future[object]] = {}

    def submit(self, run_id: int, *, after: Session | None = None) -> None:
        """Queue a matching run; with ``after``, once that session's transaction commits."""
        _when_committed(after, lambda: self._submit(run_id))

    def _submit(self, run_id: int) -> None:
        self._running[run_id] = self._pool.submit(self._execute, run_id)

    def _execute(self, run_id: int) -> object:
        try:
            return matching.execute_run(self.engine, self.settings, run_id)
        except Exception:  # logged; execute_run already stores failures it can see
            log.exception("matching run %s could not be executed", run_id)
            return None
        finally:
            self._running.pop(run_id, None)

    def submit_intervision(self, run_id: int, *, after: Session | None = None) -> None:
        """Queue an intervision run; with ``after``, once that session's transaction commits."""
        _when_committed(after, lambda: self._submit_intervision(run_id))

    def _submit_intervision(self, run_id: int) -> None:
        self._intervision[run_id] = self._pool.submit(self._execute_intervision, run_id)

    def _execute_intervision(self, run_id: int) -> object:
        try:
            return intervision_runs.execute_run(self.engine, self.settings, run_id)
        except Exception:  # execute_run stores what it can; this is the last resort
            log.exception("intervision run %s could not be executed", run_id)
            return None
        finally:
            self._intervision.pop(run_id, None)

    def shutdown(self) -> None:
        """Cancel what is still queued or running and stop the thread."""
        pending = list(self._running)
        for run_id in pending:
            with Session(self.engine) as session:
                try:
                    run = matching.get_run(session, run_id)
                    if run.status in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
                        matching.cancel_run(session, run_id)
                        session.commit()
                except Exception:  # shutting down: log and go on
                    log.exception("could not cancel matching run %s on shutdown", run_id)
        if self._intervision:
            try:
                intervision_runs.fail_unfinished(
                    self.engine, list(self._intervision), "the server stopped before it ended"
                )
            except Exception:  # shutting down: log and go on
                log.exception("could not close intervision runs on shutdown")
        self._pool.shutdown(wait=True, cancel_futures=True)
