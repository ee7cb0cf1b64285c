from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, instance, need, vp
from vppool.matching import ExistingAssignment, Plan, RuleSettings, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_confirmed_assignment_stays_even_when_another_vp_is_nearer() -> None:
    problem = instance(
        [vp(1), vp(2, home=AMERSFOORT)],
        [need(1)],
        assignments=[ExistingAssignment(1, 1, 2, "confirmed")],
    )
    result = solve(problem, FAST)
    assert result.plan.assignments == {SeatRef(1, 1): 2}
    assert result.seats[0].fixed


def test_dropping_a_kept_assignment_is_a_violation() -> None:
    problem = instance(
        [vp(1), vp(2)], [need(1)], assignments=[ExistingAssignment(1, 1, 2, "confirmed")]
    )
    assert [v.rule for v in validate(problem, Plan({SeatRef(1, 1): 1}))] == [
        "fixed_assignments_kept"
    ]


def test_pinned_assignment_stays_in_a_reoptimisation_but_confirmed_may_move() -> None:
    problem = instance(
        [vp(1), vp(2, home=AMERSFOORT), vp(3, home=AMERSFOORT)],
        [need(1), need(2)],
        assignments=[
            ExistingAssignment(1, 1, 2, "confirmed", pinned=True),
            ExistingAssignment(2, 1, 3, "confirmed"),
        ],
        rules=RuleSettings(keep_confirmed=False),
    )
    plan = solve(problem, FAST).plan.assignments
    assert plan[SeatRef(1, 1)] == 2  # pinned
    # Moving need 2 to the nearer VP 1 saves 20 km but costs the continuity weight (60).
    assert plan[SeatRef(2, 1)] == 3
