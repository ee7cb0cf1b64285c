from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Period, Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_needs_that_fit_the_monthly_hours_are_all_placed() -> None:
    problem = instance(
        [vp(1, capacity_hours_per_month=8)],
        [need(1, hours_per_month=4), need(2, hours_per_month=4)],
    )
    assert len(solve(problem, FAST).plan.assignments) == 2


def test_hours_beyond_capacity_leave_a_seat_empty_with_the_month_named() -> None:
    problem = instance(
        [vp(1, capacity_hours_per_month=8)],
        [need(1, hours_per_month=5), need(2, hours_per_month=5)],
    )
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    assert result.unfilled[0].reasons == {"capacity_hours": 1}
    assert "by capacity in December 2026" in result.unfilled[0].message
    both = Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 1})
    assert {v.rule for v in validate(problem, both)} == {"capacity_hours"}


def test_capacity_is_counted_per_calendar_month() -> None:
    # Two 10-hour needs in different months fit a 10-hour VP; a part month counts pro rata:
    # 17 of March's 31 days at 20 h/month is 11 h, one hour too many.
    problem = instance(
        [vp(1, capacity_hours_per_month=10)],
        [
            need(
                1,
                kind="aftercare",
                hours_per_month=10,
                period=Period(date(2026, 12, 1), date(2027, 1, 1)),
            ),
            need(
                2,
                kind="aftercare",
                hours_per_month=10,
                period=Period(date(2027, 1, 1), date(2027, 2, 1)),
            ),
            need(
                3,
                kind="aftercare",
                hours_per_month=20,
                period=Period(date(2027, 3, 1), date(2027, 3, 18)),
            ),
        ],
    )
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 2
    assert result.unfilled[0].seat == SeatRef(3, 1)


def test_quarter_hours_are_counted_exactly_never_over_capacity() -> None:
    # 1.25 h used to count as 1.2 h (tenths, half to even): two such needs "fitted" 2.4 h.
    problem = instance(
        [vp(1, capacity_hours_per_month=2.4)],
        [need(1, hours_per_month=1.25), need(2, hours_per_month=1.25)],
    )
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    assert result.unfilled[0].reasons == {"capacity_hours": 1}
    both = Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 1})
    assert {v.rule for v in validate(problem, both)} == {"capacity_hours"}


def test_many_small_loads_add_up_to_exactly_the_capacity() -> None:
    # 24 h of capacity; 19 needs of 1.25 h = 23.75 h fit, the 20th (25 h) does not.
    problem = instance(
        [vp(1, capacity_hours_per_month=24, capacity_standing_clients=30)],
        [need(n, hours_per_month=1.25) for n in range(1, 21)],
    )
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 19
    assert not result.violations
