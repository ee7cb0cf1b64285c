"""Inconsistent instances are refused naming the item; infeasible demand is not an error."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import (
    ConflictInput,
    ExistingAssignment,
    MatchingInputError,
    Period,
    Plan,
    solve,
    validate,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("problem", "item", "field"),
    [
        (
            instance([vp(1)], [need(1)], assignments=[ExistingAssignment(9, 1, 1)]),
            "need 9",
            "need_id",
        ),
        (
            instance([vp(1)], [need(1)], assignments=[ExistingAssignment(1, 1, 7)]),
            "seat 1",
            "trust_person_id",
        ),
        (instance([vp(1)], [need(1)], assignments=[ExistingAssignment(1, 3, 1)]), "seat 3", "seat"),
        (
            instance([vp(1)], [need(1)], conflicts=[ConflictInput(5, 101, "other")]),
            "conflict 5x101",
            "trust_person_id",
        ),
        (
            instance([vp(1)], [need(1, period=Period(date(2027, 2, 1), date(2027, 1, 1)))]),
            "need 1",
            "period",
        ),
        (
            instance([vp(1, capacity_hours_per_month=-4)], [need(1)]),
            "trust person 1",
            "capacity_hours_per_month",
        ),
        (
            instance([vp(1, capacity_standing_clients=-1)], [need(1)]),
            "trust person 1",
            "capacity_standing_clients",
        ),
        (instance([vp(1), vp(1)], [need(1)]), "trust person 1", "id"),
        (instance([vp(1)], [need(1, seats=0)]), "need 1", "seats"),
    ],
)
def test_inconsistent_instance_names_the_item_and_field(
    problem: object, item: str, field: str
) -> None:
    with pytest.raises(MatchingInputError) as caught:
        solve(problem, FAST)  # type: ignore[arg-type]
    assert item in caught.value.item
    assert caught.value.field == field
    with pytest.raises(MatchingInputError):
        validate(problem, Plan({}))  # type: ignore[arg-type]


def test_demand_beyond_supply_yields_unfilled_seats_not_an_error() -> None:
    result = solve(
        instance([vp(1, capacity_standing_clients=1)], [need(n) for n in range(1, 6)]), FAST
    )
    assert result.status == "OPTIMAL"
    assert len(result.plan.assignments) == 1
    assert len(result.unfilled) == 4
