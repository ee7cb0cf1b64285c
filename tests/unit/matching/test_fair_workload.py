from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Period, Plan, SeatRef, objective_terms, solve

pytestmark = pytest.mark.unit

# Utilisation is averaged over the horizon's months; these needs span all of them.
WHOLE_HORIZON = Period(date(2026, 11, 1), None)


def test_utilisation_above_the_tiers_costs_by_percentage_point() -> None:
    # 16 of 20 hours = 80 %: 30 points above 50 % (x1) + 5 above 75 % (x3) = 45.
    problem = instance(
        [vp(1, capacity_hours_per_month=20)], [need(1, hours_per_month=16, period=WHOLE_HORIZON)]
    )
    assert objective_terms(problem, Plan({SeatRef(1, 1): 1}))["fair_workload"] == 45


def test_load_is_spread_rather_than_stacked_on_the_nearest_vp() -> None:
    from tests.unit.matching.builders import AMERSFOORT

    problem = instance(
        [vp(1, capacity_hours_per_month=20), vp(2, capacity_hours_per_month=20, home=AMERSFOORT)],
        [
            need(1, hours_per_month=9, period=WHOLE_HORIZON),
            need(2, hours_per_month=9, period=WHOLE_HORIZON),
        ],
    )
    result = solve(problem, FAST)
    assert sorted(result.plan.assignments.values()) == [1, 2]
    # Stacking both on VP 1 (90 %) would cost 40 + 45 + 0 = 85 > 20 km of travel.
    stacked = Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 1})
    assert objective_terms(problem, stacked)["fair_workload"] == 85
