from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_vp_speaking_every_required_language_is_placed() -> None:
    problem = instance(
        [vp(1, languages=frozenset({"nl", "tr"}))], [need(1, languages=frozenset({"nl", "tr"}))]
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_missing_language_excludes_and_the_explanation_names_the_language() -> None:
    problem = instance([vp(1), vp(2)], [need(1, languages=frozenset({"tr"}))])
    result = solve(problem, FAST)
    assert result.unfilled[0].reasons == {"language": 2}
    assert "2 by language (tr)" in result.unfilled[0].message
    assert validate(problem, Plan({SeatRef(1, 1): 1}))[0].rule == "language"
