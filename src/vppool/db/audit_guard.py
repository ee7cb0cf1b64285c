"""Keeps the audit log append-only, in the ORM and in the database (triggers)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from vppool.db.models import AuditEntry

__all__ = ["APPEND_ONLY_DDL", "install_append_only_guard"]

#: Trigger DDL per dialect; the migration and test fixtures install the same statements.
APPEND_ONLY_DDL: dict[str, list[str]] = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
}


def _refuse_changes(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            msg = "the audit log is append-only: entries cannot be changed or deleted"
            raise PermissionError(msg)


def _install_triggers(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    for statement in APPEND_ONLY_DDL.get(connection.dialect.name, []):
        connection.execute(sa.text(statement))


def install_append_only_guard() -> None:
    """Register the ORM check and the trigger creation for ``metadata.create_all``."""
    if not sa.event.contains(OrmSession, "before_flush", _refuse_changes):
        sa.event.listen(OrmSession, "before_flush", _refuse_changes)
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    if not sa.event.contains(table, "after_create", _install_triggers):
        sa.event.listen(table, "after_create", _install_triggers)
