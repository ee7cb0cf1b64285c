"""The polish step after an early stop: single swaps that lower the cost, never a broken rule."""

from __future__ import annotations

import time

import pytest

from tests.unit.matching.builders import AMERSFOORT, GRONINGEN, instance, need, vp
from vppool.matching import Plan, SeatRef, new_violations, objective_terms
from vppool.matching._candidates import build_candidates
from vppool.matching._context import Context
from vppool.matching._solve import _polish

pytestmark = pytest.mark.unit


def _level2(problem: object, plan: Plan) -> int:
    terms = objective_terms(problem, plan)  # type: ignore[arg-type]
    return sum(v for k, v in terms.items() if k not in ("unfilled_seats", "urgency"))


def test_polish_swaps_a_far_vp_for_a_near_one_and_keeps_the_plan_valid() -> None:
    problem = instance(
        [vp(1, home=GRONINGEN, max_travel_km=200), vp(2), vp(3, home=AMERSFOORT)],
        [need(1), need(2, seats=2, requires_gender_mix=False)],
    )
    ctx = Context(problem)
    bad = Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 3, SeatRef(2, 2): 2})
    polished = _polish(ctx, build_candidates(ctx, None), bad, time.perf_counter() + 5)
    assert new_violations(problem, polished) == []
    assert len(polished.assignments) == len(bad.assignments)
    assert _level2(problem, polished) < _level2(problem, bad)
    assert polished.assignments[SeatRef(1, 1)] != 1  # the Groningen VP left the Utrecht need


def test_polish_leaves_an_optimal_plan_alone() -> None:
    problem = instance([vp(1), vp(2, home=AMERSFOORT)], [need(1)])
    ctx = Context(problem)
    best = Plan({SeatRef(1, 1): 1})
    assert _polish(ctx, build_candidates(ctx, None), best, time.perf_counter() + 5) == best
