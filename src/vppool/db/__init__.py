"""Storage: SQLModel tables, engine and session, Alembic migrations."""

from __future__ import annotations

from vppool.db.audit_guard import install_append_only_guard
from vppool.db.engine import (
    create_engine_for,
    make_engine,
    serialise_writes,
    serialised,
    session_scope,
)
from vppool.db.feed_changes import install_feed_change_tracking
from vppool.db.migrate import current_revision, upgrade

__all__ = [
    "create_engine_for",
    "current_revision",
    "install_append_only_guard",
    "install_feed_change_tracking",
    "make_engine",
    "serialise_writes",
    "serialised",
    "session_scope",
    "upgrade",
]

install_append_only_guard()
install_feed_change_tracking()
