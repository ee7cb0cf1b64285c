from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, UTRECHT, instance, need, vp
from vppool.matching import Plan, SeatRef, Weights, objective_terms, solve
from vppool.matching._geo import haversine_km

pytestmark = pytest.mark.unit


def test_travel_costs_one_unit_per_kilometre() -> None:
    problem = instance([vp(1, home=AMERSFOORT)], [need(1)])
    expected = round(haversine_km(AMERSFOORT, UTRECHT))
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["travel"] == expected


def test_solver_prefers_the_nearer_vp() -> None:
    problem = instance([vp(1, home=AMERSFOORT), vp(2)], [need(1)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}


def test_road_factor_and_weight_scale_the_cost() -> None:
    problem = instance(
        [vp(1, home=AMERSFOORT)], [need(1)], weights=Weights(travel_per_km=2, road_factor=1.5)
    )
    expected = round(haversine_km(AMERSFOORT, UTRECHT) * 1.5 * 2)
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["travel"] == expected
