from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_active_vp_is_placed() -> None:
    result = solve(instance([vp(1)], [need(1)]), FAST)
    assert result.plan.assignments == {SeatRef(1, 1): 1}


def test_inactive_vp_is_never_placed_and_the_gap_says_so() -> None:
    problem = instance([vp(1, active=False)], [need(1)])
    result = solve(problem, FAST)
    assert result.plan.assignments == {}
    assert result.unfilled[0].reasons == {"active": 1}
    assert [v.rule for v in validate(problem, Plan({SeatRef(1, 1): 1}))] == ["active"]
