from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, GRONINGEN, UTRECHT, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_site_within_both_limits_is_reachable() -> None:
    problem = instance([vp(1, home=AMERSFOORT, max_travel_km=30)], [need(1)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_site_beyond_the_vp_limit_excludes() -> None:
    problem = instance([vp(1, home=GRONINGEN, max_travel_km=100)], [need(1)])
    result = solve(problem, FAST)
    assert result.unfilled[0].reasons == {"travel_distance": 1}
    assert "limit 100 km" in validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail


def test_need_limit_tighter_than_the_vp_limit_excludes() -> None:
    problem = instance([vp(1, home=AMERSFOORT, max_travel_km=100)], [need(1, max_travel_km=10)])
    assert solve(problem, FAST).unfilled[0].reasons == {"travel_distance": 1}


def test_nearest_of_several_sites_counts() -> None:
    problem = instance(
        [vp(1, home=GRONINGEN, max_travel_km=20)], [need(1, sites=(UTRECHT, GRONINGEN))]
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}
