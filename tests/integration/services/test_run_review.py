"""Reviewing a run before confirming: out of date after a newer run or a data change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import typed
from tests.integration.seed import run_matching, seed_small_pool
from vppool.db.models import Assignment
from vppool.db.schemas import AbsenceCreate
from vppool.errors import Conflict
from vppool.services import matching, needs, organisations, run_review, trust_persons
from vppool.services.access import Viewer
from vppool.services.run_review import PlanningRecord
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, MatchingRunStatus, Role

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)


@pytest.fixture(name="pool")
def fx_pool(engine: Engine) -> dict[str, int]:
    return seed_small_pool(engine)


def _run(engine: Engine, settings: Settings) -> matching.RunSummary:
    summary = run_matching(engine, settings, TODAY)
    assert summary.status is MatchingRunStatus.SUCCEEDED
    return summary


def test_a_fresh_run_is_current_and_lists_what_confirm_all_would_confirm(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    run = _run(engine, settings)
    with Session(engine) as session:
        assert run_review.out_of_date(session, run.id) is None
        lines = run_review.open_proposals(session, run.id)
    assert len(lines) == 3
    assert {line.need_id for line in lines} == {pool["zorg"], pool["school"]}
    assert [line.organisation for line in lines] == sorted(line.organisation for line in lines)
    assert all(line.trust_person for line in lines)


def test_an_older_run_cannot_be_confirmed_after_a_newer_one(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    first = _run(engine, settings)
    second = _run(engine, settings)
    with Session(engine) as session:
        stale = run_review.out_of_date(session, first.id)
        assert stale is not None
        assert stale.newer_run_id == second.id
        assert run_review.out_of_date(session, second.id) is None
        with pytest.raises(Conflict, match=f"run #{second.id} is newer"):
            matching.confirm_run(session, settings, first.id, today=TODAY)
        session.rollback()
        confirmed = session.exec(
            select(Assignment).where(Assignment.status == AssignmentStatus.CONFIRMED)
        ).all()
        assert confirmed == []
        assert len(matching.confirm_run(session, settings, second.id, today=TODAY)) == 3


def test_a_run_is_out_of_date_once_planning_data_changed_after_it_started(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    run = _run(engine, settings)
    with Session(engine) as session:
        trust_persons.add_absence(
            session,
            trust_person_id=pool["cees"],
            data=typed(
                AbsenceCreate,
                {"kind": "leave", "starts_on": "2027-03-01", "ends_on": "2027-03-08"},
            ),
        )
        session.commit()
    with Session(engine) as session:
        stale = run_review.out_of_date(session, run.id)
        assert stale is not None
        assert stale.newer_run_id is None
        assert stale.changed_record is PlanningRecord.ABSENCE
        error = stale.error()
        assert error.template.startswith("This run is out of date: the planning data changed")
        with pytest.raises(Conflict, match="planning data changed"):
            matching.confirm_run(session, settings, run.id, today=TODAY)


def test_the_run_page_reads_the_shown_seats_and_counts_every_waiting_proposal(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    run = _run(engine, settings)
    planner = Viewer(1, Role.PLANNER, "planner@example.org")
    with Session(engine) as session:
        page = run_review.run_page(
            session, run, offset=1, page_size=1, every_seat=True, viewer=planner
        )
        assert len(page.seats) == 3
        shown = page.seats[1]
        assert set(page.proposals) == {(shown["need_id"], shown["seat"])}
        assert page.waiting == 3
        assert shown["need_id"] in page.needs
        assert set(page.organisations) == {n.organisation_id for n in page.needs.values()}
        assert page.stale is None

        matching.confirm_run(
            session, settings, run.id, seats=[(shown["need_id"], shown["seat"])], today=TODAY
        )
        session.commit()
        again = run_review.run_page(
            session, run, offset=1, page_size=1, every_seat=True, viewer=planner
        )
        assert again.waiting == 2
        (held,) = again.proposals.values()
        assert held.status is AssignmentStatus.CONFIRMED


def test_the_batched_reads_keep_a_client_contact_to_their_own_organisation(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    with Session(engine) as session:
        zorg = needs.get_need(session, need_id=pool["zorg"])
        contact = Viewer(
            2, Role.CLIENT, "contact@example.org", organisation_id=zorg.organisation_id
        )
        both = [pool["zorg"], pool["school"]]
        assert set(needs.needs_by_id(session, both)) == set(both)
        assert set(needs.needs_by_id(session, both, viewer=contact)) == {pool["zorg"]}
        school = needs.get_need(session, need_id=pool["school"])
        organisation_ids = [zorg.organisation_id, school.organisation_id]
        assert set(organisations.organisations_by_id(session, organisation_ids)) == set(
            organisation_ids
        )
        seen = organisations.organisations_by_id(session, organisation_ids, viewer=contact)
        assert set(seen) == {zorg.organisation_id}
