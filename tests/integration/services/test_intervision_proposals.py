"""Forming intervision groups as a proposal: the run stores nothing until a planner stores it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import (
    make_certification,
    make_held_session,
    make_trust_person,
    make_user,
    make_weekly_hours,
)
from vppool.db.models import IntervisionGroup, IntervisionMember, TrustPerson, WeeklyAvailability
from vppool.errors import Conflict
from vppool.services import intervision_runs
from vppool.services.access import Viewer
from vppool.services.intervision_runs import RunOrder
from vppool.settings import Settings
from vppool.vocab import IntervisionRunKind, MatchingRunStatus, Role

pytestmark = pytest.mark.integration


@pytest.fixture(name="planner")
def fx_planner(engine: Engine) -> Viewer:
    with Session(engine) as session:
        user = make_user(session)
        session.commit()
        assert user.id is not None
        return Viewer(user_id=user.id, role=Role.PLANNER, label="planner")


@pytest.fixture(name="year")
def fx_year(settings: Settings) -> int:
    return settings.today().year + 1


def _pool(engine: Engine, count: int) -> list[int]:
    with Session(engine) as session:
        ids = []
        for index in range(count):
            vp = make_trust_person(session, first_name=f"VP{index}")
            make_certification(session, trust_person=vp)
            make_weekly_hours(session, vp)
            ids.append(vp.id)
        session.commit()
    return [i for i in ids if i is not None]


def _propose(
    engine: Engine, settings: Settings, year: int, planner: Viewer
) -> intervision_runs.IntervisionRunPublic:
    with Session(engine) as session:
        order = RunOrder(kind=IntervisionRunKind.FORMATION, year=year, time_limit_s=5, propose=True)
        run = intervision_runs.start_run(session, order, viewer=planner)
        session.commit()
    return intervision_runs.execute_run(engine, settings, run.id)


def _stored(engine: Engine, year: int) -> dict[str, set[int]]:
    with Session(engine) as session:
        groups = session.exec(select(IntervisionGroup).where(IntervisionGroup.year == year)).all()
        return {
            g.name: {
                m.trust_person_id
                for m in session.exec(
                    select(IntervisionMember).where(IntervisionMember.group_id == g.id)
                ).all()
            }
            for g in groups
        }


def test_a_proposal_stores_nothing_until_a_planner_stores_exactly_those_groups(
    engine: Engine, settings: Settings, year: int, planner: Viewer
) -> None:
    pool = _pool(engine, 9)
    run = _propose(engine, settings, year, planner)
    assert run.status is MatchingRunStatus.SUCCEEDED, run.error
    assert run.report["proposal"] is True
    assert _stored(engine, year) == {}
    proposed = {
        g["group"]["name"]: {m["trust_person_id"] for m in g["group"]["members"]}
        for g in run.report["groups"]
    }
    assert set().union(*proposed.values()) == set(pool)
    with Session(engine) as session:
        stored = intervision_runs.store_proposal(session, settings, run.id, viewer=planner)
        session.commit()
    assert stored.report["stored_at"]
    assert _stored(engine, year) == proposed
    with Session(engine) as session, pytest.raises(Conflict, match="stored already"):
        intervision_runs.store_proposal(session, settings, run.id, viewer=planner)


def test_an_older_proposal_or_one_the_pool_outgrew_is_not_stored(
    engine: Engine, settings: Settings, year: int, planner: Viewer
) -> None:
    pool = _pool(engine, 9)
    older = _propose(engine, settings, year, planner)
    newer = _propose(engine, settings, year, planner)
    with Session(engine) as session, pytest.raises(Conflict, match="newer proposal"):
        intervision_runs.store_proposal(session, settings, older.id, viewer=planner)
    with Session(engine) as session:
        person = session.get(TrustPerson, pool[0])
        assert person is not None
        person.active = False
        session.add(person)
        session.commit()
    with Session(engine) as session, pytest.raises(Conflict, match="pool changed"):
        intervision_runs.store_proposal(session, settings, newer.id, viewer=planner)
    assert _stored(engine, year) == {}


def test_a_proposal_after_a_group_met_keeps_it_when_stored(
    engine: Engine, settings: Settings, year: int, planner: Viewer
) -> None:
    pool = _pool(engine, 9)
    first = _propose(engine, settings, year, planner)
    with Session(engine) as session:
        intervision_runs.store_proposal(session, settings, first.id, viewer=planner)
        session.commit()
    before = _stored(engine, year)
    with Session(engine) as session:
        group = session.exec(
            select(IntervisionGroup)
            .where(IntervisionGroup.year == year)
            .order_by(col(IntervisionGroup.id))
        ).first()
        assert group is not None
        make_held_session(session, group_id=group.id, day=date(year, 1, 12))
        kept_name, kept_id = group.name, group.id
        session.commit()
    newcomer = _pool(engine, 1)[0]
    run = _propose(engine, settings, year, planner)
    assert run.status is MatchingRunStatus.SUCCEEDED, run.error
    assert run.report["kept_groups"] == 1
    assert _stored(engine, year) == before  # a proposal stores nothing
    with Session(engine) as session:
        intervision_runs.store_proposal(session, settings, run.id, viewer=planner)
        session.commit()
    after = _stored(engine, year)
    assert after[kept_name] == before[kept_name]  # the group that met is as it was
    assert set().union(*after.values()) == {*pool, newcomer}
    with Session(engine) as session:
        assert session.get(IntervisionGroup, kept_id) is not None


def test_a_proposed_group_that_no_longer_shares_weekly_time_is_not_stored(
    engine: Engine, settings: Settings, year: int, planner: Viewer
) -> None:
    pool = _pool(engine, 9)
    run = _propose(engine, settings, year, planner)
    assert run.status is MatchingRunStatus.SUCCEEDED, run.error
    # After forming, one member's weekly hours move to the weekend: no common time left.
    with Session(engine) as session:
        for row in session.exec(
            select(WeeklyAvailability).where(WeeklyAvailability.trust_person_id == pool[0])
        ).all():
            session.delete(row)
        person = session.get(TrustPerson, pool[0])
        assert person is not None
        make_weekly_hours(session, person, weekdays=(5, 6))
        session.commit()
    with Session(engine) as session, pytest.raises(Conflict, match="pool changed"):
        intervision_runs.store_proposal(session, settings, run.id, viewer=planner)
    assert _stored(engine, year) == {}
