from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, instance, need, vp
from vppool.matching import ExistingAssignment, Plan, SeatRef, objective_terms, solve

pytestmark = pytest.mark.unit


def test_previous_vp_keeps_the_need_despite_a_nearer_one() -> None:
    problem = instance(
        [vp(1), vp(2, home=AMERSFOORT)],
        [need(1)],
        assignments=[ExistingAssignment(1, 1, 2, "proposed")],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}


def test_changing_the_previous_vp_costs_exactly_the_continuity_weight() -> None:
    problem = instance(
        [vp(1), vp(2)], [need(1)], assignments=[ExistingAssignment(1, 1, 2, "proposed")]
    )
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["continuity"] == 60
    assert objective_terms(problem, Plan({SeatRef(1, 1): 2}))["continuity"] == 0
