"""End to end on the S preset: generate, import, match, validate, explain, confirm."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from vppool import matching as m
from vppool.db.models import Assignment, Need
from vppool.services import matching
from vppool.services.dataset import import_dataset
from vppool.settings import Settings
from vppool.synthetic import generate
from vppool.vocab import AssignmentStatus, MatchingRunStatus, NeedStatus

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TODAY = date(2026, 11, 23)


def test_s_preset_is_matched_validated_explained_and_confirmed(
    engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        import_dataset(session, generate("S", 1, today=TODAY, settings=settings))
        session.commit()
        kept = len(
            session.exec(
                select(Assignment).where(Assignment.status == AssignmentStatus.CONFIRMED)
            ).all()
        )
        # S is proven optimal in seconds on a quiet machine; the generous limit only keeps a
        # loaded CI machine from stopping the search before the proof (FEASIBLE, seen once).
        run = matching.start_run(session, settings, overrides={"time_limit_s": 120, "workers": 2})
        session.commit()
    summary = matching.execute_run(engine, settings, run.id, today=TODAY)
    assert summary.status is MatchingRunStatus.SUCCEEDED
    assert summary.solver_status == "OPTIMAL"
    assert summary.seats_filled is not None
    assert summary.seats_filled > kept
    explanation = summary.explanation
    assert all(gap["message"] and gap["reasons"] for gap in explanation["unfilled"])
    assert any(seat["alternatives"] for seat in explanation["seats"] if not seat["fixed"])
    with Session(engine) as session:
        bundle = matching.build_instance(session, settings, today=TODAY)
        proposals = session.exec(
            select(Assignment).where(Assignment.matching_run_id == summary.id)
        ).all()
        plan = {
            m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in bundle.instance.assignments
        }
        plan.update({m.SeatRef(p.need_id, p.seat): p.trust_person_id for p in proposals})
        assert m.new_violations(bundle.instance, m.Plan(plan)) == []
        ids = matching.confirm_run(session, settings, summary.id, today=TODAY)
        session.commit()
    assert len(ids) == len(proposals) == summary.seats_filled - kept


def test_quick_match_reads_less_but_ranks_like_the_full_instance(
    engine: Engine, settings: Settings
) -> None:
    """A quick match reads only its own need in full (the rest for their loads alone).

    Every open need of the S preset is ranked both ways: through the service (the narrow
    read) and by a quick matcher over the whole instance; candidates, their costs and the
    counts of excluded VPs per rule must be the same.
    """
    with Session(engine) as session:
        import_dataset(session, generate("S", 1, today=TODAY, settings=settings))
        session.commit()
        full = matching.build_instance(session, settings, today=TODAY, with_previous_plan=False)
        whole = m.QuickMatcher(full.instance)
        open_ids = set(session.exec(select(Need.id).where(Need.status == NeedStatus.OPEN)).all())
        open_needs = [n for n in full.instance.needs if n.id in open_ids]
        assert len(open_needs) > 10
        for need in open_needs:
            narrow = matching.quick_match_need(session, settings, need.id, today=TODAY, limit=50)
            expected = whole.rank(need, limit=50)
            assert [(c.trust_person_id, c.marginal_cost, c.terms) for c in narrow.candidates] == [
                (c.trust_person_id, c.marginal_cost, c.terms) for c in expected.ranked
            ]
            assert narrow.ineligible == expected.ineligible


def test_the_excluded_list_reads_less_but_names_who_the_whole_instance_names(
    engine: Engine, settings: Settings
) -> None:
    """After a run on S, each open need's list of excluded VPs from the narrow read (the
    need in full, the others for their load, the run's proposals counted) is the list the
    whole instance gives."""
    from vppool.services import seat_explanation

    with Session(engine) as session:
        import_dataset(session, generate("S", 1, today=TODAY, settings=settings))
        session.commit()
        run = matching.start_run(session, settings, overrides={"time_limit_s": 5, "workers": 2})
        session.commit()
    summary = matching.execute_run(engine, settings, run.id, today=TODAY)
    assert summary.status is MatchingRunStatus.SUCCEEDED
    with Session(engine) as session:
        full = matching.build_instance(session, settings, today=TODAY, with_previous_plan=False)
        plan = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in full.instance.assignments}
        taken = {(seat.need_id, vp) for seat, vp in plan.items()}
        for need_id, seat, vp in session.exec(
            select(Assignment.need_id, Assignment.seat, Assignment.trust_person_id)
            .where(
                Assignment.matching_run_id == run.id,
                Assignment.status == AssignmentStatus.PROPOSED,
            )
            .order_by(Assignment.need_id, Assignment.seat)
        ).all():
            ref = m.SeatRef(need_id, seat)
            if need_id in full.need_periods and ref not in plan and (need_id, vp) not in taken:
                plan[ref] = vp
                taken.add((need_id, vp))
        open_ids = sorted(session.exec(select(Need.id).where(Need.status == NeedStatus.OPEN)).all())
        checked = 0
        for need_id in open_ids[:: max(1, len(open_ids) // 15)]:
            if need_id not in full.need_periods:
                continue
            narrow = seat_explanation.excluded_for_need(
                session, settings, run.id, need_id, today=TODAY
            )
            whole = m.excluded_from(full.instance, m.Plan(plan), need_id)
            assert [(e.trust_person_id, e.rule, e.detail) for e in narrow.trust_persons] == [
                (e.trust_person_id, e.rule, e.detail) for e in whole
            ]
            checked += 1
    assert checked >= 10
