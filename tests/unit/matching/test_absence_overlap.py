from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import Period, Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit

COVER = Period(date(2027, 1, 4), date(2027, 2, 1))  # 28 days


def test_short_absence_within_the_allowed_share_is_fine() -> None:
    away = (Period(date(2027, 1, 4), date(2027, 1, 11)),)  # 7 of 28 days = 25 %
    problem = instance([vp(1, absences=away)], [need(1, kind="absence_cover", period=COVER)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_absence_beyond_the_allowed_share_excludes() -> None:
    away = (Period(date(2027, 1, 4), date(2027, 1, 12)),)  # 8 of 28 days
    problem = instance([vp(1, absences=away)], [need(1, kind="absence_cover", period=COVER)])
    assert solve(problem, FAST).unfilled[0].reasons == {"absence_overlap": 1}
    assert validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail == "absent 8 of 28 days"


def test_absence_does_not_exclude_from_a_standing_need() -> None:
    away = (Period(date(2027, 1, 4), date(2027, 2, 1)),)
    problem = instance([vp(1, absences=away)], [need(1)])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_absence_share_is_taken_over_the_days_still_to_serve() -> None:
    # Like need 1143 (M, seed 1): a cover running since October; from today (23 November) to
    # its end on 10 January are 48 days, of which the VP is away 13 (27 % > 25 %). Over the
    # whole period (101 days) the share would look harmless (13 %).
    running = need(1, kind="absence_cover", period=Period(date(2026, 10, 1), date(2027, 1, 10)))
    away = (Period(date(2026, 12, 20), date(2027, 1, 2)),)  # 13 days
    problem = instance([vp(1, absences=away)], [running])
    assert solve(problem, FAST).unfilled[0].reasons == {"absence_overlap": 1}
    assert validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail == "absent 13 of 48 days"


def test_past_absence_in_a_running_cover_does_not_count() -> None:
    running = need(1, kind="absence_cover", period=Period(date(2026, 10, 1), date(2027, 1, 10)))
    away = (Period(date(2026, 10, 1), date(2026, 11, 20)),)  # long, but over before today
    problem = instance([vp(1, absences=away)], [running])
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}
