from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit

INTEGRITY = frozenset({"integrity"})
BEHAVIOUR = frozenset({"unwanted_behaviour"})


def test_vp_with_every_required_scope_is_placed() -> None:
    problem = instance([vp(1, scopes=INTEGRITY)], [need(1, scopes=INTEGRITY)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_vp_missing_a_required_scope_is_excluded() -> None:
    problem = instance([vp(1, scopes=BEHAVIOUR)], [need(1, scopes=BEHAVIOUR | INTEGRITY)])
    result = solve(problem, FAST)
    assert result.unfilled[0].reasons == {"scope_qualification": 1}
    assert "integrity" in validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail
