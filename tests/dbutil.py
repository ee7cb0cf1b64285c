"""Database helpers for tests."""

from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

POSTGRES_ENV = "VPPOOL_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL the tests may use, or ``None``."""
    return os.environ.get(POSTGRES_ENV) or None


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, for 'nothing changed' assertions."""
    with engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }
