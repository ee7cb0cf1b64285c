"""Engine and session factory; the only place that knows how to connect to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.settings import Settings

__all__ = ["create_engine_for", "make_engine", "serialise_writes", "serialised", "session_scope"]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, begin transactions (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


_IMMEDIATE = "vppool_sqlite_immediate"


def _sqlite_begin(connection: sa.Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a transaction that asked to serialise its writes."""
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def serialise_writes(session: Session) -> None:
    """Make this session's transaction take the write lock at once (SQLite).

    Read-check-write use cases (confirming a plan against remaining capacity) call this
    first, so two of them cannot both read the old state; on PostgreSQL they lock the rows
    they depend on instead (``SELECT ... FOR UPDATE``). Only effective before the session's
    transaction has begun.
    """
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={_IMMEDIATE: True})


def serialised(engine: Engine) -> Engine:
    """The engine whose transactions take SQLite's write lock at BEGIN (others: as is).

    For transactions that read and then write: on SQLite in WAL mode, a transaction that
    has read cannot start writing once another connection committed in between ("database
    is locked" at once, the busy timeout does not help); taking the lock first makes
    writers queue instead. The lock is taken lazily, on the session's first statement.
    """
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_IMMEDIATE: True})


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``: SQLite gets foreign keys and WAL, PostgreSQL a pool."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10}
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def create_engine_for(settings: Settings) -> Engine:
    """Create the engine the settings describe, making the data folder for SQLite if needed."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(url, echo=settings.database_echo)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
