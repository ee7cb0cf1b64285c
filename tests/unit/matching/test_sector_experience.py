from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, objective_terms, solve

pytestmark = pytest.mark.unit


def test_vp_without_the_sector_costs_the_mismatch_weight() -> None:
    problem = instance([vp(1, sectors=frozenset({"onderwijs"}))], [need(1, sector="zorg")])
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["sector_experience"] == 15


def test_experienced_vp_is_preferred() -> None:
    problem = instance(
        [vp(1, sectors=frozenset({"onderwijs"})), vp(2, sectors=frozenset({"zorg"}))],
        [need(1, sector="zorg")],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 2}
