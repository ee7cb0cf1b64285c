"""Shared fixtures: settings, and a fresh database per test on SQLite and PostgreSQL.

PostgreSQL tests run when ``VPPOOL_TEST_POSTGRES_URL`` points at a server whose user may
create databases; otherwise they skip with that reason. Each test gets its own database,
copied from a per-worker template (``CREATE DATABASE ... TEMPLATE``), so tests may commit.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import vppool.db.models  # noqa: F401  (registers the tables)
from tests.dbutil import POSTGRES_ENV, forget_compiled_statements, postgres_url
from vppool.db import make_engine
from vppool.settings import Settings

REFERENCE_DATE = date(2026, 11, 23)
_counter = itertools.count()


def _worker() -> str:
    """A name part unique to this test process (two runs on one server must not clash)."""
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(autouse=True)
def _forget_compiled_statements() -> Iterator[None]:
    """After each test, no disposed engine stays alive in the models' statement caches."""
    yield
    forget_compiled_statements()


@pytest.fixture(name="reference_date")
def fx_reference_date() -> date:
    """The fixed 'today' of the test suite."""
    return REFERENCE_DATE


@pytest.fixture(name="settings")
def fx_settings(tmp_path: Path) -> Settings:
    """Settings with a private data folder.

    Placements are confirmed at once here (``vp_consent`` off), as most tests are about what
    a confirmation does; ``tests/integration/services/test_consent.py`` and the consent
    journeys turn the VP's consent on, as it is by default.
    """
    return Settings(data_dir=tmp_path / "data", vp_consent=False)


@pytest.fixture(scope="session", name="sqlite_template")
def fx_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the schema, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session", name="postgres_template")
def fx_postgres_template() -> Iterator[str | None]:
    """A per-worker PostgreSQL template database with the schema, if PostgreSQL is set."""
    url = postgres_url()
    if url is None:
        yield None
        return
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"vppool_tmpl_{_worker()}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    template_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(template_url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _backends() -> list[object]:
    reason = (
        f"PostgreSQL tests need {POSTGRES_ENV}, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(postgres_url() is None, reason=reason),
            ],
        ),
    ]


@pytest.fixture(params=_backends(), name="backend")
def fx_backend(request: pytest.FixtureRequest) -> str:
    """Which database backend the test runs on."""
    return str(request.param)


@contextmanager
def _fresh_database(
    backend: str, folder: Path, sqlite_template: Path, postgres_template: str | None
) -> Iterator[str]:
    """A new database with the schema on ``backend``; dropped afterwards (PostgreSQL)."""
    if backend == "sqlite":
        path = folder / f"test-{next(_counter)}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    base = postgres_url()
    assert base is not None
    assert postgres_template is not None
    name = f"vppool_t_{_worker()}_{next(_counter)}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(name="db_url")
def fx_db_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
) -> Iterator[str]:
    """The URL of a fresh database with the schema, private to this test."""
    with _fresh_database(backend, tmp_path, sqlite_template, postgres_template) as url:
        yield url


@pytest.fixture(name="other_engine")
def fx_other_engine(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
) -> Iterator[Engine]:
    """A second fresh database on the same backend (for copies and round trips)."""
    with _fresh_database(backend, tmp_path, sqlite_template, postgres_template) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(name="engine")
def fx_engine(db_url: str) -> Iterator[Engine]:
    """An engine on this test's fresh database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(name="session")
def fx_session(engine: Engine) -> Iterator[Session]:
    """A session on this test's fresh database (the test decides when to commit)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(name="empty_db_url")
def fx_empty_db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables), for migration tests."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    base = postgres_url()
    assert base is not None
    name = f"vppool_e_{_worker()}_{next(_counter)}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
