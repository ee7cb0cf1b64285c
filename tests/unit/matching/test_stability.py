"""Re-solving after one event changes only what it must."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, instance, need, vp
from vppool.matching import ExistingAssignment, MatchingInstance, Plan, compare_plans, solve

pytestmark = pytest.mark.unit


def _as_previous(plan: Plan) -> list[ExistingAssignment]:
    return [
        ExistingAssignment(s.need_id, s.seat, v, "proposed") for s, v in plan.assignments.items()
    ]


def _pool() -> MatchingInstance:
    vps = [
        vp(i, home=AMERSFOORT if i % 2 else vp(0).home, capacity_standing_clients=3)
        for i in (1, 2, 3, 4)
    ]
    needs = [need(n, seats=1 + n % 2) for n in range(1, 7)]
    return instance(vps, needs)


def test_vp_becoming_unavailable_changes_only_their_seats() -> None:
    problem = _pool()
    before = solve(problem, FAST).plan
    leaving = before.assignments[next(iter(before.assignments))]
    vps = tuple(replace(v, active=False) if v.id == leaving else v for v in problem.trust_persons)
    again = replace(problem, trust_persons=vps, assignments=tuple(_as_previous(before)))
    after = solve(again, FAST).plan
    change = compare_plans(before, after, unavailable=[leaving])
    assert change.forced
    assert change.beyond_forced == 0


def test_new_need_leaves_the_existing_plan_alone() -> None:
    problem = _pool()
    before = solve(problem, FAST).plan
    again = replace(
        problem,
        needs=(*problem.needs, need(7)),
        assignments=tuple(_as_previous(before)),
    )
    after = solve(again, FAST).plan
    assert compare_plans(before, after).changed == ()
    assert any(seat.need_id == 7 for seat in after.assignments)
