"""Background intervision runs: queued, executed, their report or their error kept."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.integration.seed import seed_small_pool
from vppool.errors import Conflict, PermissionDenied, ValidationFailed
from vppool.services import access, intervision_runs
from vppool.services.access import Viewer
from vppool.services.intervision_runs import RunOrder
from vppool.settings import Settings
from vppool.vocab import IntervisionRunKind, MatchingRunStatus, Role

pytestmark = pytest.mark.integration

PLANNER = Viewer(user_id=1, role=Role.PLANNER, label="Pim")


@pytest.fixture(autouse=True)
def fx_planner(engine: Engine) -> None:
    with Session(engine) as session:
        user = access.create_user(
            session, email="pim@provider.nl", display_name="Pim", role="planner"
        )
        session.commit()
    assert user.id == PLANNER.user_id


def start(engine: Engine, settings: Settings, kind: IntervisionRunKind, year: int) -> int:
    with Session(engine) as session:
        order = RunOrder(kind=kind, year=year, time_limit_s=5)
        run = intervision_runs.start_run(session, order, viewer=PLANNER)
        session.commit()
    return run.id


def test_one_run_per_year_at_a_time_and_only_for_staff(engine: Engine, settings: Settings) -> None:
    start(engine, settings, IntervisionRunKind.FORMATION, 2027)
    with Session(engine) as session:
        with pytest.raises(Conflict, match="still going"):
            intervision_runs.start_run(
                session, RunOrder(kind=IntervisionRunKind.SCHEDULE, year=2027), viewer=PLANNER
            )
        with pytest.raises(ValidationFailed):
            intervision_runs.start_run(
                session, RunOrder(kind=IntervisionRunKind.FORMATION, year=1999), viewer=PLANNER
            )
        vp = Viewer(user_id=2, role=Role.TRUST_PERSON, label="Anna", trust_person_id=1)
        with pytest.raises(PermissionDenied):
            intervision_runs.start_run(
                session, RunOrder(kind=IntervisionRunKind.FORMATION, year=2028), viewer=vp
            )


def test_a_run_that_cannot_form_groups_keeps_the_reason_and_status(
    engine: Engine, settings: Settings
) -> None:
    seed_small_pool(engine)  # three VPs: too few for groups of 4 to 6
    run_id = start(engine, settings, IntervisionRunKind.FORMATION, 2027)
    done = intervision_runs.execute_run(engine, settings, run_id)
    assert done.status is MatchingRunStatus.FAILED
    assert done.error_status == 422
    assert done.error
    assert done.started_at is not None
    assert done.finished_at is not None
    # Executing it again changes nothing; a new run for the year may start.
    again = intervision_runs.execute_run(engine, settings, run_id)
    assert again.finished_at == done.finished_at
    start(engine, settings, IntervisionRunKind.SCHEDULE, 2027)


def test_a_schedule_run_stores_its_report(engine: Engine, settings: Settings) -> None:
    run_id = start(engine, settings, IntervisionRunKind.SCHEDULE, 2027)
    done = intervision_runs.execute_run(engine, settings, run_id)
    assert done.status is MatchingRunStatus.SUCCEEDED, done.error
    assert "groups" in done.report
    with Session(engine) as session:
        assert intervision_runs.get_run(session, run_id, viewer=PLANNER).report == done.report
