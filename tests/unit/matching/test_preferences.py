from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, PreferenceInput, SeatRef, objective_terms, solve

pytestmark = pytest.mark.unit


def test_wished_vp_lowers_the_cost_by_the_weight_per_step() -> None:
    problem = instance(
        [vp(1)],
        [need(1)],
        preferences=[
            PreferenceInput(1, 101, 2, "client"),
            PreferenceInput(1, 101, -1, "trust_person"),
        ],
    )
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["preferences"] == -20


def test_client_wish_decides_between_equal_vps() -> None:
    problem = instance(
        [vp(1), vp(2)], [need(1)], preferences=[PreferenceInput(2, 101, 1, "client")]
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}


def test_avoided_vp_is_not_chosen_when_another_can_serve() -> None:
    problem = instance(
        [vp(1), vp(2)], [need(1)], preferences=[PreferenceInput(1, 101, -2, "trust_person")]
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}
