from __future__ import annotations

import pytest

from tests.unit.matching.builders import FAST, GRONINGEN, instance, need, vp
from vppool.matching import Plan, objective_terms, solve

pytestmark = pytest.mark.unit


def test_filling_a_seat_beats_any_level_two_cost() -> None:
    # Groningen is 160 km away but within this VP's limit: a far VP beats an empty seat.
    problem = instance([vp(1, home=GRONINGEN, max_travel_km=200)], [need(1)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    assert result.objective_terms["unfilled_seats"] == 0


def test_each_empty_seat_counts_one() -> None:
    problem = instance([vp(1)], [need(1, seats=3)])
    assert objective_terms(problem, Plan({}))["unfilled_seats"] == 3
    assert solve(problem, FAST).objective_terms["unfilled_seats"] == 2


def test_the_explanation_counts_every_vp_once() -> None:
    # Two VPs take two of three seats, a third lives too far: "of 3 VPs" must add up to 3,
    # the VPs on the other seats of this need included.
    problem = instance([vp(1), vp(2), vp(3, home=GRONINGEN)], [need(1, seats=3)])
    result = solve(problem, FAST)
    (empty,) = result.unfilled
    assert empty.reasons == {"distinct_trust_persons": 2, "travel_distance": 1}
    assert sum(empty.reasons.values()) == len(problem.trust_persons)
    assert "of 3 VPs, 2 already on another seat of this need, 1 by distance" in empty.message


def test_each_vp_can_be_listed_by_name_with_the_rule_and_the_number() -> None:
    from vppool.matching import ExcludedTrustPerson, excluded_from

    problem = instance(
        [
            vp(1, name="Elif Şahin", home=GRONINGEN, max_travel_km=40),
            vp(2, name="Anna de Vries"),
            vp(3, name="Bram Bakker", capacity_hours_per_month=5),
            vp(4, name="Chris Smit", languages=frozenset({"en"})),
        ],
        [need(1, seats=3), need(2, hours_per_month=2)],
    )
    result = solve(problem, FAST)
    listed = {e.name: e for e in excluded_from(problem, result.plan, 1)}
    elif_ = listed["Elif Şahin"]
    assert (elif_.trust_person_id, elif_.rule) == (1, "travel_distance")
    assert elif_.detail == "159 km away (limit 40 km)"
    assert isinstance(elif_, ExcludedTrustPerson)
    assert elif_.words.params == {"km": 159, "limit_km": 40}
    assert listed["Chris Smit"].rule == "language"
    on_need = {listed["Anna de Vries"].rule, listed["Bram Bakker"].rule}
    assert on_need == {"distinct_trust_persons"}
    assert len(listed) == len(problem.trust_persons)
    # Bram's 5 hours hold need 1's 4; need 2 (served by Anna) would add 2 more.
    bram = {e.name: e for e in excluded_from(problem, result.plan, 2)}["Bram Bakker"]
    assert (bram.rule, bram.detail) == (
        "capacity_hours",
        "4 h of 5 h taken in December 2026; this need adds 2 h",
    )


def test_the_list_by_name_blames_each_vp_as_the_counts_do() -> None:
    from collections import Counter
    from datetime import date

    from vppool.matching import ExistingAssignment, excluded_from

    # Far and inactive (blamed on the distance, as candidate generation skips them unseen),
    # no language, no hours beside a kept assignment, on the need, a kept one far away.
    problem = instance(
        [
            vp(1, home=GRONINGEN, active=False),
            vp(2, languages=frozenset({"en"})),
            vp(3, capacity_hours_per_month=5),
            vp(4),
            vp(5, home=GRONINGEN, max_travel_km=300),
            vp(6, certification_expires_on=date(2026, 12, 15)),
            vp(7, home=GRONINGEN),
        ],
        [need(1, seats=4), need(2, hours_per_month=4)],
        assignments=[ExistingAssignment(2, 1, 3), ExistingAssignment(1, 1, 5)],
    )
    result = solve(problem, FAST)
    (empty, *_) = [u for u in result.unfilled if u.seat.need_id == 1]
    listed = excluded_from(problem, result.plan, 1)
    assert len(listed) == len({e.trust_person_id for e in listed}) == len(problem.trust_persons)
    by_rule = Counter(e.rule for e in listed)
    counted = Counter(empty.reasons)
    counted["unused"] += counted.pop("pruned", 0)
    assert by_rule == +counted
    assert by_rule["travel_distance"] == 2
    assert {e.trust_person_id: e.rule for e in listed}[1] == "travel_distance"
