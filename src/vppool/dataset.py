"""The whole-dataset exchange format: every table's rows as JSON, with ids kept.

One format serves the synthetic generator (``vppool generate``), ``vppool export`` and
``vppool import``, so a dataset written by one is read by the others and a round trip loses
nothing. Rows are plain dictionaries keyed by column name; :func:`validate_dataset` checks
each row against its table model (types, limits and the domain validators of the ``*Base``
classes) and every reference between rows, and names the row and field of each problem.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import SQLModel

from vppool.db import models
from vppool.errors import FieldError, ValidationFailed
from vppool.inputs import field_errors_from

__all__ = [
    "DATASET_FORMAT",
    "DATASET_VERSION",
    "DERIVED_COLUMNS",
    "DERIVED_TABLES",
    "TABLE_MODELS",
    "Dataset",
    "DatasetMeta",
    "parse_dataset",
    "validate_dataset",
]

DATASET_FORMAT = "vppool-dataset"
DATASET_VERSION = 1
MAX_REPORTED_ERRORS = 50

#: Every table's model, in an order where each table comes after the tables it refers to.
#: Columns a dataset leaves out because they follow from others (the import computes them).
DERIVED_COLUMNS: dict[str, frozenset[str]] = {"trust_person": frozenset({"sort_name"})}

TABLE_MODELS: dict[str, type[SQLModel]] = {}

#: Tables that hold state derived from the others, or passing operational state (login
#: tries, the job queue); a dataset leaves them out.
DERIVED_TABLES = frozenset({"feed_state", "job", "login_attempt", "user_link"})


def _register_tables() -> None:
    by_name = {
        cls.__tablename__: cls
        for cls in vars(models).values()
        if isinstance(cls, type) and issubclass(cls, SQLModel) and hasattr(cls, "__table__")
    }
    for table in SQLModel.metadata.sorted_tables:
        if table.name in by_name and table.name not in DERIVED_TABLES:
            TABLE_MODELS[table.name] = by_name[table.name]


_register_tables()


class DatasetMeta(BaseModel):
    """Where a dataset came from."""

    model_config = ConfigDict(extra="allow")

    source: str = "export"
    size: str | None = None
    seed: int | None = None
    reference_date: str | None = Field(
        default=None, description="The 'today' the data was generated or exported for."
    )
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())


class Dataset(BaseModel):
    """A whole dataset: metadata plus every table's rows (column name -> JSON value)."""

    model_config = ConfigDict(extra="forbid")

    format: str = DATASET_FORMAT
    version: int = DATASET_VERSION
    meta: DatasetMeta = Field(default_factory=DatasetMeta)
    tables: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Number of rows per table, for every known table."""
        return {name: len(self.tables.get(name, [])) for name in TABLE_MODELS}

    def to_json(self) -> str:
        """Serialise compactly (one line per table row would be larger; datasets are big)."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def parse_dataset(text: str | bytes) -> Dataset:
    """Parse a dataset file, raising :class:`ValidationFailed` with what is wrong and where."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.single(
            f"line {exc.lineno}, column {exc.colno}",
            f"not valid JSON: {exc.msg}",
            subject="dataset file",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationFailed.single(
            f"byte {exc.start}", "the file is not UTF-8 text", subject="dataset file"
        ) from exc
    if not isinstance(raw, dict) or raw.get("format") != DATASET_FORMAT:
        raise ValidationFailed.single(
            "format",
            f'expected a JSON object with "format": "{DATASET_FORMAT}" '
            "(write one with `vppool export` or `vppool generate`)",
            subject="dataset file",
        )
    if raw.get("version") != DATASET_VERSION:
        raise ValidationFailed.single(
            "version",
            f"version {raw.get('version')!r} is not supported; expected {DATASET_VERSION}",
            subject="dataset file",
        )
    try:
        dataset = Dataset.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc), subject="dataset file") from exc
    validate_dataset(dataset)
    return dataset


def validate_dataset(dataset: Dataset) -> dict[str, list[SQLModel]]:
    """Check every row and every reference; return the rows as table objects.

    Raises:
        ValidationFailed: naming up to 50 problems as ``tables.<table>[<index>].<field>``.
    """
    errors: list[FieldError] = []
    unknown = sorted(set(dataset.tables) - set(TABLE_MODELS))
    errors.extend(
        FieldError(f"tables.{name}", f"unknown table; known tables: {', '.join(TABLE_MODELS)}")
        for name in unknown
    )
    objects: dict[str, list[SQLModel]] = {}
    ids: dict[str, set[int]] = defaultdict(set)
    for name, model in TABLE_MODELS.items():
        rows = dataset.tables.get(name, [])
        parsed: list[SQLModel] = []
        for index, row in enumerate(rows):
            where = f"tables.{name}[{index}]"
            try:
                obj = model.model_validate(row)
            except ValidationError as exc:
                errors.extend(field_errors_from(exc, where))
                continue
            row_id = getattr(obj, "id", None)
            if row_id is None:
                errors.append(FieldError(f"{where}.id", "every row needs its id"))
            elif row_id in ids[name]:
                errors.append(FieldError(f"{where}.id", f"id {row_id} appears twice in {name}"))
            else:
                ids[name].add(row_id)
            parsed.append(obj)
        objects[name] = parsed
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if not errors:
        errors.extend(_reference_errors(objects, ids))
    if errors:
        raise ValidationFailed(errors[:MAX_REPORTED_ERRORS], subject="dataset")
    return objects


def _reference_errors(
    objects: dict[str, list[SQLModel]], ids: dict[str, set[int]]
) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, rows in objects.items():
        table = SQLModel.metadata.tables[name]
        references = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        for index, obj in enumerate(rows):
            for column, target in references:
                value = getattr(obj, column)
                if value is not None and value not in ids[target]:
                    errors.append(
                        FieldError(
                            f"tables.{name}[{index}].{column}",
                            f"refers to {target} id {value}, which is not in the dataset",
                        )
                    )
                    if len(errors) >= MAX_REPORTED_ERRORS:
                        return errors
    return errors
