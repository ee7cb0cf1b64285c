"""The matching service on a real database: instance building, runs, confirmation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.integration.seed import org_with_need, run_matching, seed_small_pool
from vppool.db.models import (
    Assignment,
    Certification,
    ConflictOfInterest,
    MatchingRun,
    Need,
)
from vppool.errors import Conflict, NotFound, ValidationFailed
from vppool.services import matching
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, ConflictReason, MatchingRunStatus

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 23)


@pytest.fixture(name="pool")
def fx_pool(engine: Engine) -> dict[str, int]:
    return seed_small_pool(engine)


def _run(engine: Engine, settings: Settings) -> matching.RunSummary:
    return run_matching(engine, settings, TODAY)


def test_instance_reads_needs_certificates_and_conflicts(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    with Session(engine) as session:
        org = session.exec(select(Need).where(Need.id == pool["school"])).one().organisation_id
        session.add(
            ConflictOfInterest(
                trust_person_id=pool["bram"],
                organisation_id=org,
                reason=ConflictReason.EMPLOYMENT,
                starts_on=date(2015, 1, 1),
                ends_on=date(2025, 6, 1),  # ended, but within the two-year look-back
            )
        )
        session.commit()
        instance = matching.build_instance(session, settings, today=TODAY).instance
    assert {n.id for n in instance.needs} == {pool["zorg"], pool["school"]}
    (conflict,) = instance.conflicts
    assert conflict.period is not None
    assert conflict.period.ends_on == date(2027, 6, 1)
    assert {vp.certification_expires_on for vp in instance.trust_persons} == {date(2028, 1, 1)}
    zorg = next(n for n in instance.needs if n.id == pool["zorg"])
    assert zorg.requires_gender_mix
    assert zorg.sector == "zorg"


def test_run_stores_a_validated_proposal_with_its_explanation(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    summary = _run(engine, settings)
    assert summary.status is MatchingRunStatus.SUCCEEDED
    assert summary.seats_total == 3
    assert summary.seats_filled == 3
    assert summary.gap == 0
    assert summary.explanation["unfilled"] == []
    with Session(engine) as session:
        proposals = session.exec(
            select(Assignment).where(Assignment.matching_run_id == summary.id)
        ).all()
    zorg = {p.trust_person_id for p in proposals if p.need_id == pool["zorg"]}
    assert zorg == {pool["anna"], pool["bram"]}  # a mix, and Cees lives 160 km away
    assert all(p.status is AssignmentStatus.PROPOSED for p in proposals)
    assert all(p.starts_on == date(2026, 12, 1) for p in proposals)


def test_confirm_applies_the_run_once(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    summary = _run(engine, settings)
    with Session(engine) as session:
        ids = matching.confirm_run(session, settings, summary.id, today=TODAY)
        session.commit()
    assert len(ids) == 3
    with Session(engine) as session:
        statuses = session.exec(select(Assignment.status).where(col(Assignment.id).in_(ids))).all()
        assert set(statuses) == {AssignmentStatus.CONFIRMED}
        with pytest.raises(ValidationFailed, match="nothing to confirm"):
            matching.confirm_run(session, settings, summary.id, today=TODAY)


def test_confirm_refuses_when_a_certificate_expired_since_the_run(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    summary = _run(engine, settings)
    with Session(engine) as session:
        for cert in session.exec(select(Certification)).all():
            cert.expires_on = date(2027, 1, 1)
            session.add(cert)
        session.commit()
        with pytest.raises(Conflict, match="certification_valid"):
            matching.confirm_run(session, settings, summary.id, today=TODAY)
        session.rollback()
        confirmed = session.exec(
            select(Assignment).where(Assignment.status == AssignmentStatus.CONFIRMED)
        ).all()
    assert confirmed == []


def test_confirm_of_chosen_seats_leaves_the_rest_proposed(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    summary = _run(engine, settings)
    with Session(engine) as session:
        (only,) = matching.confirm_run(
            session, settings, summary.id, seats=[(pool["school"], 1)], today=TODAY
        )
        session.commit()
        row = session.get(Assignment, only)
        assert row is not None
        assert row.need_id == pool["school"]
        with pytest.raises(ValidationFailed, match="not proposed by this run"):
            matching.confirm_run(session, settings, summary.id, seats=[(999, 1)], today=TODAY)


def test_second_run_keeps_confirmed_seats_and_proposes_nothing_new(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    first = _run(engine, settings)
    with Session(engine) as session:
        matching.confirm_run(session, settings, first.id, today=TODAY)
        session.commit()
    second = _run(engine, settings)
    assert second.status is MatchingRunStatus.SUCCEEDED
    assert second.seats_filled == 3
    with Session(engine) as session:
        new = session.exec(select(Assignment).where(Assignment.matching_run_id == second.id)).all()
    assert new == []


def test_unfillable_need_is_explained_not_raised(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    with Session(engine) as session:
        org_with_need(session, "Turks Centrum", 52.09, 5.12, languages=["tr"])
        session.commit()
    summary = _run(engine, settings)
    assert summary.status is MatchingRunStatus.SUCCEEDED
    (gap,) = summary.explanation["unfilled"]
    assert gap["reasons"] == {"language": 2, "travel_distance": 1}
    assert "by language (tr)" in gap["message"]


def test_cancelling_a_finished_run_is_a_conflict_and_unknown_runs_are_not_found(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    summary = _run(engine, settings)
    with Session(engine) as session:
        with pytest.raises(Conflict, match="already succeeded"):
            matching.cancel_run(session, summary.id)
        with pytest.raises(NotFound):
            matching.get_run(session, 12345)
    with pytest.raises(NotFound):
        matching.execute_run(engine, settings, 12345)


def test_run_settings_are_validated(engine: Engine, settings: Settings) -> None:
    with Session(engine) as session:
        with pytest.raises(ValidationFailed, match="time_limit_s: must be a positive number"):
            matching.start_run(session, settings, overrides={"time_limit_s": -1})
        with pytest.raises(ValidationFailed, match="unknown run setting"):
            matching.start_run(session, settings, overrides={"colour": "red"})
        assert session.exec(select(MatchingRun)).all() == []


def test_blocking_policy_excludes_vps_behind_on_education(
    engine: Engine, settings: Settings, pool: dict[str, int]
) -> None:
    strict = settings.model_copy(update={"education_shortfall_blocks": True})
    with Session(engine) as session:
        # Two years into the cycle without any education: a projected shortfall.
        instance = matching.build_instance(session, strict, today=date(2026, 1, 1)).instance
        lenient = matching.build_instance(session, settings, today=date(2026, 1, 1)).instance
    assert {vp.excluded_reason for vp in lenient.trust_persons} == {None}
    reasons = {vp.excluded_reason for vp in instance.trust_persons}
    assert reasons == {
        "education at_risk: short of 24 h accredited_course, 32 h intervision, 16 h other"
    }
