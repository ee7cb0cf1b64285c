"""What a job needs at run time: the engine, the settings and a clock (replaceable in tests).

APScheduler persists jobs by reference (``vppool.jobs.tasks:compliance_sweep``), so jobs
take no arguments that would have to be pickled; the worker installs the runtime once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.db import session_scope
from vppool.settings import Settings

__all__ = ["Runtime", "current", "install"]


@dataclass
class Runtime:
    """Engine, settings and clock of the running worker."""

    engine: Engine
    settings: Settings
    now: Callable[[], datetime]

    def today(self) -> date:
        """Today in the configured zone."""
        return self.now().astimezone(self.settings.zone).date()

    @contextmanager
    def scope(self) -> Iterator[Session]:
        """A committed-on-success session, as every service call gets."""
        with session_scope(self.engine) as session:
            yield session


_current: list[Runtime] = []


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the one jobs use."""
    _current[:] = [runtime]


def current() -> Runtime:
    """The installed runtime."""
    if not _current:
        msg = "no job runtime installed; jobs run inside `vppool worker`"
        raise RuntimeError(msg)
    return _current[0]
