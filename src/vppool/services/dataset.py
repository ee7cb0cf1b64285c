"""Import and export of a whole dataset (every table, ids kept), in one transaction.

A failed import changes nothing: the dataset is validated completely before the first row
is written, and the rows go in inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from vppool.dataset import (
    DERIVED_COLUMNS,
    TABLE_MODELS,
    Dataset,
    DatasetMeta,
    validate_dataset,
)
from vppool.errors import Conflict
from vppool.names import person_sort_key

__all__ = ["ProgressCallback", "export_dataset", "import_dataset", "is_empty"]

#: ``progress(step, done, total)``: called as tables are read or written.
ProgressCallback = Callable[[str, int, int], None]

_BATCH = 2_000


def _noop(_step: str, _done: int, _total: int) -> None:
    return None


def is_empty(session: Session) -> bool:
    """Whether no table of vppool holds a row."""
    for model in TABLE_MODELS.values():
        table = model.__table__  # type: ignore[attr-defined]
        if session.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            return False
    return True


def import_dataset(
    session: Session, dataset: Dataset, *, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Write every row of ``dataset`` into an empty database, keeping the ids.

    Args:
        session: the session whose transaction receives the rows; the caller commits.
        dataset: the dataset; it is validated in full before anything is written.
        progress: optional callback ``(table, rows_done, rows_total)``.

    Returns:
        The number of rows written per table.

    Raises:
        ValidationFailed: a row or reference is invalid (nothing is written).
        Conflict: the database already holds data.
    """
    report = progress or _noop
    objects = validate_dataset(dataset)
    if not is_empty(session):
        msg = (
            "the database already holds data; import needs an empty database "
            "(run `vppool db reset --yes` first, or point VPPOOL_DATABASE_URL elsewhere)"
        )
        raise Conflict(msg)
    total = sum(len(rows) for rows in objects.values())
    done = 0
    counts: dict[str, int] = {}
    for name, rows in objects.items():
        table = TABLE_MODELS[name].__table__  # type: ignore[attr-defined]
        columns = [column.name for column in table.columns]
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            values = [{column: getattr(obj, column) for column in columns} for obj in chunk]
            if name == "trust_person":  # the core insert passes by the ORM's listeners
                for row in values:
                    row["sort_name"] = person_sort_key(row["first_name"], row["last_name"])
            session.execute(sa.insert(table), values)
            done += len(chunk)
            report(name, done, total)
        counts[name] = len(rows)
    session.flush()
    _reset_sequences(session)
    return counts


def _reset_sequences(session: Session) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must continue after the maximum."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name, model in TABLE_MODELS.items():
        if "id" not in model.__table__.c:  # type: ignore[attr-defined]
            continue  # keyed by its owner's id: no sequence of its own
        session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


def export_dataset(
    session: Session,
    *,
    meta: DatasetMeta | None = None,
    progress: ProgressCallback | None = None,
) -> Dataset:
    """Read every table into a :class:`Dataset` (rows ordered by their primary key)."""
    report = progress or _noop
    tables: dict[str, list[dict[str, Any]]] = {}
    for index, (name, model) in enumerate(TABLE_MODELS.items(), start=1):
        table = model.__table__  # type: ignore[attr-defined]
        result = session.execute(sa.select(table).order_by(*table.primary_key.columns))
        tables[name] = [_json_row(model, row) for row in result.mappings()]
        report(name, index, len(TABLE_MODELS))
    return Dataset(meta=meta or DatasetMeta(source="export"), tables=tables)


def _json_row(model: type[SQLModel], row: Any) -> dict[str, Any]:
    derived = DERIVED_COLUMNS.get(str(getattr(model, "__tablename__", "")), frozenset())
    return model.model_validate(dict(row)).model_dump(mode="json", exclude=set(derived))
