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


def forget_compiled_statements() -> None:
    """Empty the ORM mappers' caches of compiled statements.

    SQLAlchemy keeps each mapper's compiled INSERT/UPDATE statements (up to 100) keyed by
    the engine's dialect, so every engine that wrote through the ORM stays alive in them
    after it is disposed, with the few hundred column types its dialect adapted. A test
    process, which makes an engine per test, kept some 1,300 objects more per test that
    way; the application, with one engine per process, is not affected.
    """
    for mapper in SQLModel._sa_registry.mappers:  # SQLModel's one registry of the models
        mapper.__dict__.pop("_compiled_cache", None)
