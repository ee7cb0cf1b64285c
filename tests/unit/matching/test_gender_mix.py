from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import ExistingAssignment, Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_required_mix_picks_two_genders_even_when_farther() -> None:
    from tests.unit.matching.builders import AMERSFOORT

    problem = instance(
        [vp(1), vp(2), vp(3, gender="male", home=AMERSFOORT)],
        [need(1, seats=2, requires_gender_mix=True)],
    )
    result = solve(problem, FAST)
    assert 3 in result.plan.assignments.values()
    assert not result.violations


def test_same_gender_pair_breaks_the_mix_and_one_seat_stays_empty() -> None:
    problem = instance([vp(1), vp(2)], [need(1, seats=2, requires_gender_mix=True)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    # Every VP counted once: one on the other seat, one excluded by the mix.
    assert result.unfilled[0].reasons == {"gender_mix": 1, "distinct_trust_persons": 1}
    same = Plan({SeatRef(1, 1): 1, SeatRef(1, 2): 2})
    assert [v.rule for v in validate(problem, same)] == ["gender_mix"]


def test_unknown_gender_does_not_count_towards_a_mix() -> None:
    problem = instance([vp(1), vp(2, gender=None)], [need(1, seats=2, requires_gender_mix=True)])
    assert len(solve(problem, FAST).plan.assignments) == 1


def test_kept_assignment_counts_towards_the_mix() -> None:
    problem = instance(
        [vp(1, gender="male"), vp(2)],
        [need(1, seats=2, requires_gender_mix=True)],
        assignments=[ExistingAssignment(1, 1, 1, "confirmed")],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1, SeatRef(1, 2): 2}
