from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_two_seats_get_two_different_vps() -> None:
    result = solve(instance([vp(1), vp(2)], [need(1, seats=2)]), FAST)
    assert sorted(result.plan.assignments.values()) == [1, 2]


def test_one_vp_cannot_fill_two_seats_of_one_need() -> None:
    problem = instance([vp(1)], [need(1, seats=2)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    assert len(result.unfilled) == 1
    twice = Plan({SeatRef(1, 1): 1, SeatRef(1, 2): 1})
    assert [v.rule for v in validate(problem, twice)] == ["distinct_trust_persons"]
