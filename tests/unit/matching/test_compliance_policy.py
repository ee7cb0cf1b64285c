from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_vp_without_policy_exclusion_is_placed() -> None:
    assert solve(instance([vp(1)], [need(1)]), FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_policy_exclusion_blocks_the_vp_with_its_reason() -> None:
    problem = instance([vp(1, excluded_reason="education shortfall")], [need(1)])
    result = solve(problem, FAST)
    assert result.plan.assignments == {}
    assert result.unfilled[0].reasons == {"compliance_policy": 1}
    (violation,) = validate(problem, Plan({SeatRef(1, 1): 1}))
    assert (violation.rule, violation.detail) == (
        "compliance_policy",
        "compliance policy: education shortfall",
    )
