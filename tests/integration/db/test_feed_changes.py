"""Each feed's "changed at" only moves forward, on inserts, updates and deletions alike."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.seed import seed_small_pool
from vppool.db.models import Absence, Assignment, FeedState
from vppool.vocab import AbsenceKind, AssignmentStatus

pytestmark = pytest.mark.integration


def _changed(engine: Engine, key: str) -> object:
    with Session(engine) as session:
        state = session.get(FeedState, key)
        return state.changed_at if state else None


def test_insert_update_and_delete_each_raise_the_changed_time(engine: Engine) -> None:
    ids = seed_small_pool(engine)
    key = f"vp:{ids['anna']}"
    with Session(engine) as session:
        session.add(
            Absence(
                trust_person_id=ids["anna"],
                kind=AbsenceKind.LEAVE,
                starts_on=date(2027, 1, 4),
                ends_on=date(2027, 1, 11),
            )
        )
        session.commit()
    inserted = _changed(engine, key)
    assert inserted is not None
    time.sleep(0.01)
    with Session(engine) as session:
        absence = session.exec(select(Absence)).one()
        absence.note = "verlof"
        session.add(absence)
        session.commit()
    updated = _changed(engine, key)
    time.sleep(0.01)
    with Session(engine) as session:
        session.delete(session.exec(select(Absence)).one())
        session.commit()
    deleted = _changed(engine, key)
    assert inserted < updated < deleted  # type: ignore[operator]


def test_an_assignment_raises_both_its_vp_and_its_organisation(engine: Engine) -> None:
    ids = seed_small_pool(engine)
    anna_before = _changed(engine, f"vp:{ids['anna']}")
    with Session(engine) as session:
        session.add(
            Assignment(
                need_id=ids["school"],
                trust_person_id=ids["bram"],
                seat=1,
                starts_on=date(2026, 12, 1),
                status=AssignmentStatus.CONFIRMED,
            )
        )
        session.commit()
    assert _changed(engine, f"vp:{ids['bram']}") is not None
    assert _changed(engine, "org:2") is not None
    assert _changed(engine, f"vp:{ids['anna']}") == anna_before
