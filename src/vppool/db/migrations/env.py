"""Alembic environment: compares against ``SQLModel.metadata`` of ``vppool.db.models``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import vppool.db.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


#: Tables other libraries keep in the same database (the scheduler's job store).
FOREIGN_TABLES = {"apscheduler_jobs"}


def _include(obj: object, name: str | None, type_: str, reflected: bool, _compare: object) -> bool:
    return not (type_ == "table" and reflected and name in FOREIGN_TABLES)


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
