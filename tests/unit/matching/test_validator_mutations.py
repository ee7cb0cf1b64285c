"""Mutation test: break each hard rule in a valid plan; the validator must name that rule.

A plan that keeps every rule (checked first) is mutated once per hard rule, by changing the
plan or one fact of the instance, as close to the rule's boundary as the rule allows (a
quarter hour, one day, one client). The validator must report exactly that rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.unit.matching.builders import AMERSFOORT, FAST, TODAY, instance, need, vp
from vppool.matching import (
    HARD_RULES,
    ConflictInput,
    ExistingAssignment,
    MatchingInstance,
    Period,
    Plan,
    SeatRef,
    Wishes,
    solve,
    validate,
)

pytestmark = pytest.mark.unit

COVER = Period(date(2026, 11, 1), date(2027, 1, 31))  # running: 69 days still to serve
ZORG_REQUIRED = Wishes(sectors=frozenset({"zorg"}), hard=frozenset({"sector"}))


def _problem() -> MatchingInstance:
    return instance(
        [
            vp(1, capacity_hours_per_month=2.5, capacity_standing_clients=2),
            vp(2, home=AMERSFOORT, max_travel_km=25),
            vp(3, gender="female"),
            vp(4, gender="male"),
        ],
        [
            need(1, hours_per_month=1.25),
            need(2, hours_per_month=1.25),
            need(3, kind="aftercare", period=COVER, wishes=ZORG_REQUIRED),
            need(4, seats=2, requires_gender_mix=True),
        ],
        assignments=[ExistingAssignment(1, 1, 1, "confirmed")],
    )


VALID = {SeatRef(1, 1): 1, SeatRef(2, 1): 1, SeatRef(3, 1): 2, SeatRef(4, 1): 3, SeatRef(4, 2): 4}

Mutation = Callable[[MatchingInstance, dict[SeatRef, int]], MatchingInstance]


def _vp_changed(vp_id: int, **changes: object) -> Mutation:
    def mutate(problem: MatchingInstance, _plan: dict[SeatRef, int]) -> MatchingInstance:
        vps = tuple(
            replace(v, **changes) if v.id == vp_id else v  # type: ignore[arg-type]
            for v in problem.trust_persons
        )
        return replace(problem, trust_persons=vps)

    return mutate


def _conflict(problem: MatchingInstance, _plan: dict[SeatRef, int]) -> MatchingInstance:
    # Ends tomorrow: one day of the need still to serve is in conflict.
    ending = Period(date(2015, 1, 1), TODAY + timedelta(days=1))
    return replace(problem, conflicts=(ConflictInput(2, 103, "employment", ending),))


def _away(problem: MatchingInstance, plan: dict[SeatRef, int]) -> MatchingInstance:
    # 18 of the 69 days still to serve is 26 % (> 25 %); 17 would be allowed.
    away = (Period(date(2026, 12, 1), date(2026, 12, 19)),)
    return _vp_changed(2, absences=away)(problem, plan)


def _plan_changed(change: Callable[[dict[SeatRef, int]], None]) -> Mutation:
    def mutate(problem: MatchingInstance, plan: dict[SeatRef, int]) -> MatchingInstance:
        change(plan)
        return problem

    return mutate


def _third_need(problem: MatchingInstance, plan: dict[SeatRef, int]) -> MatchingInstance:
    # A third standing need of a quarter hour: 2.75 h over 2.5 h, and 3 clients over 2.
    plan[SeatRef(5, 1)] = 1
    return replace(problem, needs=(*problem.needs, need(5, hours_per_month=0.25)))


MUTATIONS: dict[str, Mutation] = {
    "active": _vp_changed(2, active=False),
    "compliance_policy": _vp_changed(2, excluded_reason="education shortfall"),
    # Needed through 30 January 2027 (the day before the end); it expires that day.
    "certification_valid": _vp_changed(2, certification_expires_on=date(2027, 1, 30)),
    "scope_qualification": _vp_changed(3, scopes=frozenset({"integrity"})),
    "language": _vp_changed(3, languages=frozenset({"en"})),
    "conflict_of_interest": _conflict,
    "travel_distance": _vp_changed(2, max_travel_km=15),
    "absence_overlap": _away,
    "capacity_hours": _vp_changed(1, capacity_hours_per_month=2.49),
    "capacity_standing_clients": _vp_changed(1, capacity_standing_clients=1),
    "distinct_trust_persons": _plan_changed(lambda p: p.update({SeatRef(4, 2): 3})),
    "gender_mix": _vp_changed(4, gender="female"),
    "hard_wishes": _vp_changed(2, sectors=frozenset({"onderwijs"})),
    "fixed_assignments_kept": _plan_changed(lambda p: p.update({SeatRef(1, 1): 3})),
}


def test_the_plan_to_mutate_keeps_every_rule_and_is_what_the_solver_finds() -> None:
    problem = _problem()
    assert validate(problem, Plan(VALID)) == []
    result = solve(problem, FAST)
    assert result.violations == ()
    assert len(result.plan.assignments) == len(VALID)


def test_every_hard_rule_has_a_mutation() -> None:
    assert set(MUTATIONS) == {rule.name for rule in HARD_RULES}


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_the_validator_catches_each_broken_rule(rule: str) -> None:
    plan = dict(VALID)
    problem = MUTATIONS[rule](_problem(), plan)
    found = {v.rule for v in validate(problem, Plan(plan))}
    assert rule in found, f"{rule} broken but the validator reports {found or 'nothing'}"
    # Moving a kept VP also breaks the team rules; one VP on both seats of a team that must
    # mix genders is one gender. Every other mutation breaks its rule alone.
    if rule not in {"fixed_assignments_kept", "distinct_trust_persons"}:
        assert found == {rule}


def test_a_quarter_hour_more_is_caught_and_no_less() -> None:
    # Boundaries in the other direction: exactly at capacity, 25 % away, a conflict that
    # ended yesterday and a certificate valid through the last day are all fine.
    problem = _problem()
    at_capacity = _vp_changed(1, capacity_hours_per_month=2.5)(problem, {})
    assert validate(at_capacity, Plan(VALID)) == []
    quarter = Period(date(2026, 12, 1), date(2026, 12, 18))  # 17 of 69 days
    assert validate(_vp_changed(2, absences=(quarter,))(problem, {}), Plan(VALID)) == []
    ended = ConflictInput(2, 103, "employment", Period(date(2015, 1, 1), TODAY))
    assert validate(replace(problem, conflicts=(ended,)), Plan(VALID)) == []
    through = _vp_changed(2, certification_expires_on=date(2027, 1, 31))(problem, {})
    assert validate(through, Plan(VALID)) == []
