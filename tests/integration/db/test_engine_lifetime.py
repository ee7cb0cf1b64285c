"""A disposed engine is not kept alive by the models (the test processes' memory)."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.dbutil import forget_compiled_statements
from vppool.db import make_engine
from vppool.db.models import Organisation

pytestmark = pytest.mark.integration


def _dialect_after_a_write(template: Path, path: Path) -> weakref.ref[object]:
    """A weak reference to the dialect of an engine that wrote through the ORM, disposed."""
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        session.add(Organisation(name="Zorggroep Noord", sector="zorg", headcount=120))
        session.commit()
    dialect = weakref.ref(engine.dialect)
    engine.dispose()
    return dialect


def test_a_disposed_engine_is_let_go_once_the_statement_caches_are_emptied(
    sqlite_template: Path, tmp_path: Path
) -> None:
    dialect = _dialect_after_a_write(sqlite_template, tmp_path / "one.sqlite3")
    gc.collect()
    # SQLAlchemy's own caching: the mapper's compiled INSERT holds the dialect (if this
    # fails after an upgrade, the cache moved and forget_compiled_statements must follow).
    assert dialect() is not None
    forget_compiled_statements()
    gc.collect()
    assert dialect() is None
