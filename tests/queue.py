"""Running what requests queued, in the test's own thread (no worker process needed)."""

from __future__ import annotations

from litestar import Litestar
from sqlalchemy.engine import Engine

from vppool.jobs.worker import Worker
from vppool.settings import Settings


def drain(engine: Engine, settings: Settings) -> int:
    """Run every due job on the queue until none is left; how many ran."""
    return Worker(engine, settings, name="test-drain").drain()


def drain_app(app: Litestar) -> int:
    """:func:`drain` on the database and settings of a running application."""
    return drain(app.state.engine, app.state.settings)
