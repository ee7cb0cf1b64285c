from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_standing_clients_up_to_the_maximum_are_placed() -> None:
    problem = instance([vp(1, capacity_standing_clients=2)], [need(1), need(2)])
    assert len(solve(problem, FAST).plan.assignments) == 2


def test_one_standing_client_too_many_stays_unfilled() -> None:
    problem = instance([vp(1, capacity_standing_clients=2)], [need(1), need(2), need(3)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 2
    assert result.unfilled[0].reasons == {"capacity_standing_clients": 1}
    plan = Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 1, SeatRef(3, 1): 1})
    assert {v.rule for v in validate(problem, plan)} == {"capacity_standing_clients"}


def test_short_term_needs_do_not_count_as_standing_clients() -> None:
    problem = instance(
        [vp(1, capacity_standing_clients=1)], [need(1), need(2, kind="reorganisation")]
    )
    assert len(solve(problem, FAST).plan.assignments) == 2
