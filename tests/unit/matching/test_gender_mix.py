from __future__ import annotations

import itertools

import pytest
from ortools.sat.python import cp_model

from tests.unit.matching.builders import FAST, instance, need, vp
from vppool.matching import (
    ExistingAssignment,
    MatchingInstance,
    Plan,
    SeatRef,
    solve,
    validate,
)
from vppool.matching._candidates import build_candidates
from vppool.matching._context import Context
from vppool.matching._model import build_model

pytestmark = pytest.mark.unit


def test_required_mix_picks_two_genders_even_when_farther() -> None:
    from tests.unit.matching.builders import AMERSFOORT

    problem = instance(
        [vp(1), vp(2), vp(3, gender="male", home=AMERSFOORT)],
        [need(1, seats=2, requires_gender_mix=True)],
    )
    result = solve(problem, FAST)
    assert 3 in result.plan.assignments.values()
    assert not result.violations


def test_same_gender_pair_breaks_the_mix_and_one_seat_stays_empty() -> None:
    problem = instance([vp(1), vp(2)], [need(1, seats=2, requires_gender_mix=True)])
    result = solve(problem, FAST)
    assert len(result.plan.assignments) == 1
    # Every VP counted once: one on the other seat, one excluded by the mix.
    assert result.unfilled[0].reasons == {"gender_mix": 1, "distinct_trust_persons": 1}
    same = Plan({SeatRef(1, 1): 1, SeatRef(1, 2): 2})
    assert [v.rule for v in validate(problem, same)] == ["gender_mix"]


def test_unknown_gender_does_not_count_towards_a_mix() -> None:
    problem = instance([vp(1), vp(2, gender=None)], [need(1, seats=2, requires_gender_mix=True)])
    assert len(solve(problem, FAST).plan.assignments) == 1


def test_kept_assignment_counts_towards_the_mix() -> None:
    problem = instance(
        [vp(1, gender="male"), vp(2)],
        [need(1, seats=2, requires_gender_mix=True)],
        assignments=[ExistingAssignment(1, 1, 1, "confirmed")],
    )
    assert solve(problem, FAST).plan.assignments == {SeatRef(1, 1): 1, SeatRef(1, 2): 2}


def _model_allows(problem: MatchingInstance, team: set[int]) -> bool:
    """Whether the model (its rows alone, no objective) admits exactly ``team`` on need 1."""
    ctx = Context(problem)
    candidates = build_candidates(ctx, 40)
    parts = build_model(ctx, candidates)
    for (_, vp_id), var in parts.serve.items():
        parts.model.add(var == int(vp_id in team))
    if not team <= {vp_id for _, vp_id in parts.serve}:
        return False
    return cp_model.CpSolver().solve(parts.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(
    ("seats", "kept"),
    [(2, None), (3, None), (4, None), (2, "female"), (3, "male"), (2, "unknown"), (3, "unknown")],
)
def test_the_model_admits_exactly_the_teams_the_rule_allows(seats: int, kept: str | None) -> None:
    # Every team of the candidates (two female, a male, one of unknown gender, one "x"),
    # beside a kept VP or none: the model's rows admit it if and only if the rule as the
    # validator reads it holds (1 VP, or 2+ with two known genders).
    genders: dict[int, str | None] = {1: "female", 2: "female", 3: "male", 4: None, 5: "x"}
    vps = [vp(i, gender=g) for i, g in genders.items()]
    assignments = []
    if kept is not None:
        vps.append(vp(9, gender=None if kept == "unknown" else kept))
        assignments.append(ExistingAssignment(1, 1, 9, "confirmed"))
    problem = instance(
        vps, [need(1, seats=seats, requires_gender_mix=True)], assignments=assignments
    )
    open_seats = seats - len(assignments)
    for size in range(open_seats + 1):
        for team in itertools.combinations(genders, size):
            seated = {SeatRef(1, 1): 9} if kept is not None else {}
            first = len(seated) + 1
            seated |= {SeatRef(1, first + s): vp_id for s, vp_id in enumerate(team)}
            plan = Plan(seated)
            allowed = not [v for v in validate(problem, plan) if v.rule == "gender_mix"]
            assert _model_allows(problem, set(team)) == allowed, (team, kept)
