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


#: How a run of each kind executes (storing its outcome, or the failures it can see).
_EXECUTE: dict[str, Callable[[Engine, Settings, int], object]] = {
    "matching": matching.execute_run,
    "intervision": intervision_runs.execute_run,
}


class RunExecutor:
    """Executes queued matching and intervision runs in a single background thread."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching")
        #: The runs queued or running, by kind and id.
        self._running: dict[str, dict[int, Future[object]]] = {kind: {} for kind in _EXECUTE}

    def submit(self, run_id: int, *, after: Session | None = None) -> None:
        """Queue a matching run; with ``after``, once that session's transaction commits."""
        _when_committed(after, lambda: self._queue("matching", run_id))

    def submit_intervision(self, run_id: int, *, after: Session | None = None) -> None:
        """Queue an intervision run; with ``after``, once that session's transaction commits."""
        _when_committed(after, lambda: self._queue("intervision", run_id))

    def _queue(self, kind: str, run_id: int) -> None:
        self._running[kind][run_id] = self._pool.submit(self._execute, kind, run_id)

    def _execute(self, kind: str, run_id: int) -> object:
        try:
            return _EXECUTE[kind](self.engine, self.settings, run_id)
        except Exception:  # logged; execute_run already stores the failures it can see
            log.exception("%s run %s could not be executed", kind, run_id)
            return None
        finally:
            self._running[kind].pop(run_id, None)

    def shutdown(self) -> None:
        """Cancel what is still queued or running and stop the thread."""
        pending = list(self._running["matching"])
        for run_id in pending:
            with Session(self.engine) as session:
                try:
                    run = matching.get_run(session, run_id)
                    if run.status in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
                        matching.cancel_run(session, run_id)
                        session.commit()
                except Exception:  # shutting down: log and go on
                    log.exception("could not cancel matching run %s on shutdown", run_id)
        if self._running["intervision"]:
            try:
                intervision_runs.fail_unfinished(
                    self.engine,
                    list(self._running["intervision"]),
                    "the server stopped before it ended",
                )
            except Exception:  # shutting down: log and go on
                log.exception("could not close intervision runs on shutdown")
        self._pool.shutdown(wait=True, cancel_futures=True)
