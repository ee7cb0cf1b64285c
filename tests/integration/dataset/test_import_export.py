"""Whole-dataset import and export: a round trip loses nothing, a bad file changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbutil import table_counts
from tests.integration.seed import seed_small_pool
from vppool.dataset import Dataset, parse_dataset
from vppool.errors import Conflict, ValidationFailed
from vppool.services import access
from vppool.services.dataset import export_dataset, import_dataset

pytestmark = pytest.mark.integration


def _export(engine: Engine) -> Dataset:
    with Session(engine) as session:
        return export_dataset(session)


@pytest.fixture(name="filled")
def fx_filled(engine: Engine) -> Engine:
    seed_small_pool(engine)
    with Session(engine) as session:
        access.create_user(
            session, email="pim@example.nl", display_name="Pim", role="planner", password="x" * 12
        )
        session.commit()
    return engine


def test_round_trip_through_json_loses_nothing(filled: Engine, other_engine: Engine) -> None:
    first = _export(filled)
    parsed = parse_dataset(first.to_json())
    with Session(other_engine) as session:
        counts = import_dataset(session, parsed)
        session.commit()
    second = _export(other_engine)
    assert second.tables == first.tables
    assert counts["trust_person"] == 3
    assert counts["audit_entry"] == first.counts()["audit_entry"] > 0


def test_ids_continue_after_an_import(filled: Engine, other_engine: Engine) -> None:
    with Session(other_engine) as session:
        import_dataset(session, _export(filled))
        session.commit()
        user = access.create_user(
            session, email="new@example.nl", display_name="New", role="planner"
        )
        session.commit()
    assert user.id == 2


def test_import_needs_an_empty_database_and_changes_nothing_otherwise(filled: Engine) -> None:
    dataset = _export(filled)
    before = table_counts(filled)
    with Session(filled) as session, pytest.raises(Conflict, match="already holds data"):
        import_dataset(session, dataset)
    assert table_counts(filled) == before


def test_a_bad_row_is_named_by_table_index_and_field(filled: Engine) -> None:
    raw = json.loads(_export(filled).to_json())
    raw["tables"]["trust_person"][1]["home_latitude"] = 48.85  # Paris
    raw["tables"]["need"][0]["languages"] = ["xx"]
    with pytest.raises(ValidationFailed) as caught:
        parse_dataset(json.dumps(raw))
    fields = {e.field for e in caught.value.errors}
    assert "tables.trust_person[1].home_latitude" in fields
    assert "tables.need[0].languages" in fields
    assert "outside the Netherlands" in caught.value.message


def test_dangling_reference_is_refused(filled: Engine) -> None:
    raw = json.loads(_export(filled).to_json())
    raw["tables"]["certification"][0]["trust_person_id"] = 999
    with pytest.raises(ValidationFailed, match=r"tables\.certification\[0\]\.trust_person_id"):
        parse_dataset(json.dumps(raw))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "line 1, column 2"),
        ('{"format": "something-else"}', "format"),
        ('{"format": "vppool-dataset", "version": 99}', "version"),
        ('{"format": "vppool-dataset", "version": 1, "tables": {"nope": []}}', "tables.nope"),
    ],
)
def test_file_that_is_not_a_dataset_gets_a_clear_error(text: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_dataset(text)
    assert caught.value.errors[0].field == field


def test_generated_dataset_survives_import_and_export_unchanged(engine: Engine) -> None:
    from datetime import date

    from vppool.dataset import DERIVED_COLUMNS, TABLE_MODELS
    from vppool.synthetic import generate

    generated = parse_dataset(generate("S", 3, today=date(2026, 11, 23)).to_json())
    with Session(engine) as session:
        import_dataset(session, generated)
        session.commit()
    exported = _export(engine)
    for name, model in TABLE_MODELS.items():
        derived = set(DERIVED_COLUMNS.get(name, ()))
        expected = [
            model.model_validate(row).model_dump(mode="json", exclude=derived)
            for row in generated.tables.get(name, [])
        ]
        assert exported.tables[name] == expected, name
