from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, HORIZON, instance, need, vp
from vppool.matching import Period, Plan, SeatRef, solve, validate

pytestmark = pytest.mark.unit

SHORT = Period(date(2026, 12, 1), date(2027, 2, 1))


def test_certificate_expiring_on_the_day_the_need_ends_is_valid_through_it() -> None:
    # Half-open periods: the need's last day is 31 January; valid until 1 February is enough.
    problem = instance(
        [vp(1, certification_expires_on=date(2027, 2, 1))],
        [need(1, kind="absence_cover", period=SHORT)],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1}


def test_certificate_expiring_one_day_before_the_need_ends_excludes() -> None:
    problem = instance(
        [vp(1, certification_expires_on=date(2027, 1, 31))],
        [need(1, kind="absence_cover", period=SHORT)],
    )
    result = solve(problem, FAST)
    assert result.plan.assignments == {}
    assert result.unfilled[0].reasons == {"certification_valid": 1}
    assert "before the need ends" in validate(problem, Plan({SeatRef(1, 1): 1}))[0].detail


def test_open_ended_need_requires_validity_through_the_horizon() -> None:
    valid = instance([vp(1, certification_expires_on=HORIZON)], [need(1)])
    assert solve(valid, FAST).plan.assignments == {SeatRef(1, 1): 1}
    early = instance([vp(1, certification_expires_on=date(2027, 3, 1))], [need(1)])
    assert solve(early, FAST).unfilled[0].reasons == {"certification_valid": 1}


def test_missing_or_expired_certificate_excludes() -> None:
    problem = instance(
        [vp(1, certification_expires_on=None), vp(2, certification_expires_on=date(2026, 1, 1))],
        [need(1)],
    )
    assert solve(problem, FAST).unfilled[0].reasons == {"certification_valid": 2}
