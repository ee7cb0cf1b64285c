"""soft_wishes: each wish of the client that is no condition costs ``unmet_wish`` if unmet."""

from __future__ import annotations

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, instance, need, vp
from vppool.matching import Plan, SeatRef, Weights, Wishes, objective_terms, solve

pytestmark = pytest.mark.unit

WISHES = Wishes(
    genders=frozenset({"male"}),
    languages=frozenset({"tr"}),
    sectors=frozenset({"onderwijs"}),
    locality="central",
    local_km=10.0,
)


def _cost(wishes: Wishes, **vp_values: object) -> int:
    problem = instance([vp(1, **vp_values)], [need(1, wishes=wishes)])
    return objective_terms(problem, Plan({SeatRef(1, 1): 1}))["soft_wishes"]


def test_each_unmet_soft_wish_costs_the_weight() -> None:
    weight = Weights().unmet_wish
    # The builder's VP: female, Dutch only, in care, living at the site.
    assert _cost(WISHES) == 4 * weight
    assert _cost(WISHES, gender="male") == 3 * weight
    assert _cost(WISHES, gender="male", languages=frozenset({"nl", "tr"})) == 2 * weight
    met = {"gender": "male", "languages": frozenset({"tr"}), "sectors": frozenset({"onderwijs"})}
    assert _cost(WISHES, **met) == weight
    assert _cost(WISHES, **met, home=AMERSFOORT) == 0


def test_a_hard_wish_costs_nothing_here() -> None:
    hard = Wishes(genders=frozenset({"male"}), hard=frozenset({"gender"}))
    assert _cost(hard) == 0
    assert _cost(Wishes()) == 0


def test_the_vp_meeting_the_wishes_is_preferred() -> None:
    wishes = Wishes(genders=frozenset({"male"}), languages=frozenset({"tr"}))
    problem = instance(
        [vp(1), vp(2, gender="male", languages=frozenset({"nl", "tr"}), home=AMERSFOORT)],
        [need(1, wishes=wishes)],
    )
    result = solve(problem, FAST)
    assert result.plan.assignments == {SeatRef(1, 1): 2}
    assert result.objective_terms["soft_wishes"] == 0
