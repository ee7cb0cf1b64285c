"""Two confirmations racing for the last capacity of one VP: exactly one wins, one conflicts.

Real concurrent transactions in two threads, each with its own connection, released at the
same moment by a barrier; on PostgreSQL row locks serialise them, on SQLite the write lock.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.seed import org_with_need, vp_with_certificate
from vppool.db.models import Assignment, MatchingRun
from vppool.errors import Conflict
from vppool.services import matching
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, MatchingRunStatus

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)


def _proposal_run(session: Session, need_id: int, vp_id: int) -> int:
    run = MatchingRun(status=MatchingRunStatus.SUCCEEDED)
    session.add(run)
    session.flush()
    assert run.id is not None
    session.add(
        Assignment(
            need_id=need_id,
            trust_person_id=vp_id,
            seat=1,
            starts_on=date(2026, 12, 1),
            status=AssignmentStatus.PROPOSED,
            matching_run_id=run.id,
        )
    )
    return run.id


@pytest.mark.parametrize("attempt", range(3))
def test_exactly_one_of_two_simultaneous_confirmations_wins(
    engine: Engine, settings: Settings, attempt: int
) -> None:
    with Session(engine) as session:
        vp = vp_with_certificate(session, "Xandra", 52.09, 5.12, capacity_standing_clients=1)
        first_need = org_with_need(session, "Eerste BV", 52.09, 5.12)
        second_need = org_with_need(session, "Tweede BV", 52.09, 5.12)
        runs = [_proposal_run(session, first_need, vp), _proposal_run(session, second_need, vp)]
        session.commit()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm(run_id: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                matching.confirm_run(session, settings, run_id, today=TODAY)
                session.commit()
                result = "confirmed"
            except Conflict:
                session.rollback()
                result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=confirm, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["confirmed", "conflict"]
    with Session(engine) as session:
        confirmed = session.exec(
            select(Assignment).where(Assignment.status == AssignmentStatus.CONFIRMED)
        ).all()
    assert len(confirmed) == 1
