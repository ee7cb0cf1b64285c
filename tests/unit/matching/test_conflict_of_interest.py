from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import ConflictInput, Period, Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit


def test_conflict_that_ended_before_the_need_does_not_exclude() -> None:
    ended = ConflictInput(1, 101, "employment", Period(date(2020, 1, 1), date(2026, 12, 1)))
    problem = instance([vp(1)], [need(1)], conflicts=[ended])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_conflict_overlapping_the_need_excludes() -> None:
    ongoing = ConflictInput(1, 101, "works_council", Period(date(2025, 1, 1), None))
    problem = instance([vp(1)], [need(1)], conflicts=[ongoing])
    result = solve(problem, FAST)
    assert result.unfilled[0].reasons == {"conflict_of_interest": 1}
    assert "works_council" in validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail


def test_conflict_with_another_organisation_does_not_exclude() -> None:
    other = ConflictInput(1, 999, "personal_tie", None)
    problem = instance([vp(1)], [need(1)], conflicts=[other])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_conflict_that_ended_before_the_planning_date_does_not_exclude_a_running_need() -> None:
    # The need began long ago; the conflict (look-back included) ended a week before today.
    running = need(1, period=Period(date(2024, 1, 1), None))
    ended = ConflictInput(1, 101, "employment", Period(date(2015, 1, 1), date(2026, 11, 16)))
    problem = instance([vp(1)], [running], conflicts=[ended])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}
    assert validate(problem, Plan({SeatRef(1, 1): 1})) == []


def test_conflict_ending_after_the_planning_date_still_excludes() -> None:
    running = need(1, period=Period(date(2024, 1, 1), None))
    ending = ConflictInput(1, 101, "employment", Period(date(2015, 1, 1), date(2026, 11, 24)))
    problem = instance([vp(1)], [running], conflicts=[ending])
    assert solve(problem, FAST).unfilled[0].reasons == {"conflict_of_interest": 1}
