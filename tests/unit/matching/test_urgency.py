from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, objective_terms, solve

pytestmark = pytest.mark.unit


def test_critical_need_wins_the_last_capacity_over_two_normal_ones() -> None:
    problem = instance(
        [vp(1, capacity_hours_per_month=10)],
        [
            need(1, hours_per_month=5, kind="aftercare"),
            need(2, hours_per_month=5, kind="aftercare"),
            need(3, hours_per_month=10, kind="aftercare", urgency="critical"),
        ],
    )
    result = solve(problem, FAST)
    assert list(result.plan.assignments) == [next(iter(result.plan.assignments))]
    assert next(iter(result.plan.assignments)).need_id == 3


def test_urgency_adds_its_extra_weight_per_empty_seat() -> None:
    problem = instance(
        [vp(1)], [need(1, urgency="low"), need(2, urgency="high"), need(3, urgency="critical")]
    )
    terms = objective_terms(problem, Plan({}))
    assert terms["unfilled_seats"] == 3
    assert terms["urgency"] == (1 - 1) + (4 - 1) + (8 - 1)
    assert solve(problem, FAST).objective_terms["urgency"] == 0
