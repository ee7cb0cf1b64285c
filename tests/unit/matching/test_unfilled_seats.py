from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, GRONINGEN, instance, need, vp
from vppool.matching import Plan, objective_terms, solve

pytestmark = pytest.mark.unit


def test_filling_a_seat_beats_any_level_two_cost() -> None:
    # Groningen is 160 km away but within this VP's limit: a far VP beats an empty seat.
    problem = instance([vp(1, home=GRONINGEN, max_travel_km=200)], [need(1)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    assert result.objective_terms["unfilled_seats"] == 0


def test_each_empty_seat_counts_one() -> None:
    problem = instance([vp(1)], [need(1, seats=3)])
    assert objective_terms(problem, Plan({}))["unfilled_seats"] == 3
    assert solve(problem, FAST).objective_terms["unfilled_seats"] == 2
