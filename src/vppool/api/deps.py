"""Dependency providers shared by every controller (the one place that opens sessions)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from sqlmodel import Session

from vppool.services.access import Viewer
from vppool.settings import Settings

__all__ = [
    "DEPENDENCIES",
    "provide_session",
    "provide_settings",
    "provide_viewer",
    "read_only_session",
]


#: Methods that only read: their transactions never need SQLite's write lock.
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


async def provide_session(state: State, request: Request[Any, Any, Any]) -> AsyncIterator[Session]:
    """One session per request: committed when the handler succeeds, rolled back otherwise.

    An async generator on purpose. Litestar ends a sync generator dependency in its worker
    threads, the same threads that run the handlers: under load every thread could wait for
    a pooled connection that only those waiting endings would give back, and the server
    stalled until the pool's timeout (then answered 500). Ending the session on the event
    loop needs no thread: the commit of a request's short transaction is quick, and the
    session takes its connection lazily, in the handler's thread, on its first query.

    A request that may write takes SQLite's write lock with its first statement (the
    start-up's ``state.write_engine``, see :func:`vppool.db.serialised`), so writing
    requests queue behind each other instead of failing when another connection committed
    between their first read and first write.
    """
    engine = state.engine if request.method in _SAFE else state.write_engine
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_only_session(state: State) -> Iterator[Session]:
    """A session for a handler that only reads, opened and closed in the handler's thread.

    For the hottest read path (calendar feeds, polled by every subscriber): no dependency
    to resolve and no commit, one worker-thread hop per request. Nothing it changes is kept.
    """
    with Session(state.engine) as session:
        yield session


def provide_settings(state: State) -> Settings:
    """The application's settings."""
    settings: Settings = state.settings
    return settings


def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The authenticated caller (guards have already refused anonymous callers)."""
    viewer = request.scope.get("user")
    if not isinstance(viewer, Viewer):
        raise NotAuthorizedException(detail="log in first")
    return viewer


DEPENDENCIES: dict[str, Any] = {}
