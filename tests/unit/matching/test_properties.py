"""Property tests: whatever the instance, the solver's plan passes the validator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.builders import TODAY, instance, need, vp
from vppool.matching import (
    ConflictInput,
    ExistingAssignment,
    Location,
    MatchingConfig,
    MatchingInstance,
    Period,
    greedy_plan,
    new_violations,
    objective_terms,
    solve,
)

pytestmark = pytest.mark.unit

CONFIG = MatchingConfig(time_limit_s=5, workers=1, seed=3)
SCOPES = ["unwanted_behaviour", "integrity"]
LANGS = ["nl", "en", "tr"]


@st.composite
def instances(draw: st.DrawFn) -> MatchingInstance:
    vp_count = draw(st.integers(1, 6))
    vps = []
    for vp_id in range(1, vp_count + 1):
        vps.append(
            vp(
                vp_id,
                scopes=frozenset(draw(st.sets(st.sampled_from(SCOPES), min_size=1))),
                languages=frozenset({"nl"} | draw(st.sets(st.sampled_from(LANGS)))),
                home=Location(draw(st.floats(51.5, 53.0)), draw(st.floats(4.5, 6.5))),
                max_travel_km=draw(st.sampled_from([30.0, 60.0, 120.0])),
                capacity_hours_per_month=draw(st.sampled_from([0.0, 4.0, 8.0, 16.0])),
                capacity_standing_clients=draw(st.integers(0, 3)),
                certification_expires_on=draw(
                    st.sampled_from([None, date(2026, 1, 1), date(2027, 3, 1), date(2030, 1, 1)])
                ),
                gender=draw(st.sampled_from(["female", "male", None])),
                absences=tuple(
                    Period(TODAY + timedelta(days=d), TODAY + timedelta(days=d + 10))
                    for d in draw(st.lists(st.integers(0, 120), max_size=2))
                ),
            )
        )
    needs = []
    for need_id in range(1, draw(st.integers(1, 6)) + 1):
        start = TODAY + timedelta(days=draw(st.integers(0, 90)))
        kind = draw(st.sampled_from(["standing", "absence_cover", "aftercare"]))
        end = None if kind == "standing" else start + timedelta(days=draw(st.integers(7, 120)))
        seats = draw(st.integers(1, 3))
        needs.append(
            need(
                need_id,
                kind=kind,
                scopes=frozenset(draw(st.sets(st.sampled_from(SCOPES), min_size=1))),
                languages=frozenset(draw(st.sets(st.sampled_from(LANGS), max_size=1))),
                period=Period(start, end),
                hours_per_month=draw(st.sampled_from([2.0, 4.0, 8.0])),
                seats=seats,
                sites=(Location(draw(st.floats(51.5, 53.0)), draw(st.floats(4.5, 6.5))),),
                urgency=draw(st.sampled_from(["low", "normal", "high", "critical"])),
                requires_gender_mix=seats > 1 and draw(st.booleans()),
            )
        )
    conflicts = [
        ConflictInput(draw(st.integers(1, vp_count)), 100 + n.id, "personal_tie")
        for n in needs
        if draw(st.booleans())
    ]
    assignments = []
    for n in needs:
        if draw(st.integers(0, 3)) == 0:
            status = draw(st.sampled_from(["confirmed", "proposed"]))
            assignments.append(ExistingAssignment(n.id, 1, draw(st.integers(1, vp_count)), status))
    return instance(vps, needs, conflicts=conflicts, assignments=assignments)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_plans_add_no_violations_and_match_their_score(problem: MatchingInstance) -> None:
    result = solve(problem, CONFIG)
    assert result.status in {"OPTIMAL", "FEASIBLE"}
    assert new_violations(problem, result.plan) == []
    assert list(result.violations) == []
    terms = objective_terms(problem, result.plan)
    level2 = sum(v for k, v in terms.items() if k not in {"unfilled_seats", "urgency"})
    assert result.objective == level2
    assert result.best_bound <= result.objective + 1e-6
    assert len(result.unfilled) == terms["unfilled_seats"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_fills_at_least_as_much_as_greedy(problem: MatchingInstance) -> None:
    greedy = greedy_plan(problem)
    assert new_violations(problem, greedy) == []
    result = solve(problem, CONFIG)
    greedy_terms = objective_terms(problem, greedy)
    solver_terms = result.objective_terms
    greedy_fill = greedy_terms["unfilled_seats"] + greedy_terms["urgency"]
    solver_fill = solver_terms["unfilled_seats"] + solver_terms["urgency"]
    assert solver_fill <= greedy_fill
