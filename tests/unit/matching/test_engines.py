"""CP-SAT, the MIP (HiGHS, SCIP) and the portfolio solve the same model to the same optimum."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest
from ortools.sat.python import cp_model

from tests.unit.matching.builders import AMERSFOORT, FAST, GRONINGEN, instance, need, vp
from vppool.matching import (
    ExistingAssignment,
    MatchingInstance,
    _mip,
    _neighbourhoods,
    _solve,
    solve,
)
from vppool.matching._mip import solve_mip

pytestmark = pytest.mark.unit


def _problem() -> MatchingInstance:
    # Scarce hours, a gender mix, a previous plan and a far VP: both levels have choices.
    return instance(
        [
            vp(1, capacity_hours_per_month=6),
            vp(2, home=AMERSFOORT, gender="male"),
            vp(3, capacity_hours_per_month=4.5),
            vp(4, home=GRONINGEN, max_travel_km=200, gender="male"),
        ],
        [
            need(1, hours_per_month=4, seats=2, requires_gender_mix=True),
            need(2, hours_per_month=2.5, urgency="high"),
            need(3, hours_per_month=4, kind="aftercare"),
            need(4, hours_per_month=1.25, seats=2),
        ],
        assignments=[ExistingAssignment(2, 1, 3, "proposed")],
    )


@pytest.mark.parametrize("engine", ["cpsat", "mip", "portfolio"])
def test_every_engine_proves_the_same_optimum(engine: str) -> None:
    reference = solve(_problem(), replace(FAST, engine="cpsat"))
    result = solve(_problem(), replace(FAST, engine=engine))
    assert result.status == "OPTIMAL"
    assert result.gap == 0
    assert result.best_bound == result.objective == reference.objective
    assert result.fill_objective == result.fill_bound == reference.fill_objective
    assert result.violations == ()


def test_scip_is_there_too() -> None:
    result = solve(_problem(), replace(FAST, engine="mip", mip_solver="scip"))
    assert (result.status, result.objective) == (
        "OPTIMAL",
        solve(_problem(), replace(FAST, engine="cpsat")).objective,
    )


def test_the_portfolio_reports_both_engines_per_level(monkeypatch: pytest.MonkeyPatch) -> None:
    reference = solve(_problem(), replace(FAST, engine="cpsat"))
    result = solve(_problem(), replace(FAST, engine="portfolio"))
    engines = result.stats["engines"]
    # Level 1 of a small instance from a start plan: CP-SAT with every worker (HiGHS beside
    # it on a loaded machine made it prove less; the search would solve the whole model too).
    assert [o["engine"] for o in engines["fill"]] == ["cpsat"]
    # Level 2: the neighbourhood search (CP-SAT on the needs around one place at a time)
    # beside HiGHS; it says how many neighbourhoods it searched.
    assert [o["engine"] for o in engines["cost"]] == ["nearby", "highs"]
    assert engines["cost"][0]["rounds"] >= 0
    # Beyond a neighbourhood's size, level 1 too is the search beside HiGHS (one core
    # each, HiGHS with its presolve), to the same optimum.
    monkeypatch.setattr(_neighbourhoods, "_MOST_NEEDS", 2)
    result = solve(_problem(), replace(FAST, engine="portfolio", workers=2))
    engines = result.stats["engines"]
    # ... with HiGHS on the LP relaxation's support first ("guided"): a search, never a
    # bound or a proof of the whole model.
    assert [o["engine"] for o in engines["fill"]] == ["nearby", "guided", "highs"]
    assert engines["fill"][1]["bound"] is None
    assert engines["fill"][1]["status"] in {"FEASIBLE", "UNKNOWN"}
    assert [o["engine"] for o in engines["cost"]] == ["nearby", "highs"]
    assert result.fill_objective == result.fill_bound == reference.fill_objective
    assert (result.status, result.objective) == ("OPTIMAL", reference.objective)


def test_the_mip_reads_the_cp_sat_model_as_it_is() -> None:
    model = cp_model.CpModel()
    x = model.new_bool_var("x")
    y = model.new_int_var(0, 5, "y")
    model.add(x + 2 * y <= 7)
    found = solve_mip(model, [(x.index, 3), (y.index, 2)], maximize=True, time_limit_s=5)
    assert (found.status, found.objective, found.values) == ("OPTIMAL", 9.0, {0: 1, 1: 3})


def test_the_mip_holds_off_what_it_is_told_and_solves_without_heuristics() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y <= 1)
    objective = [(x.index, 3), (y.index, 2)]
    for heuristics in (True, False):
        found = solve_mip(model, objective, maximize=True, time_limit_s=5, heuristics=heuristics)
        assert (found.status, found.objective, found.bound) == ("OPTIMAL", 3.0, 3)
    held = solve_mip(model, objective, maximize=True, time_limit_s=5, held_off=[x.index])
    assert (held.objective, held.values) == (2.0, {0: 0, 1: 1})


def test_the_lp_relaxation_s_values_are_handed_over() -> None:
    # Cover 3 with items of 2: the LP takes one and a half of them.
    model = cp_model.CpModel()
    items = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add(sum(2 * x for x in items) >= 3)
    seen: list[list[float]] = []
    solve_mip(
        model,
        [(x.index, 3) for x in items],
        maximize=False,
        time_limit_s=5,
        relaxation_first=True,
        on_relaxed_values=seen.append,
    )
    assert len(seen) == 1
    assert len(seen[0]) == 3
    assert all(-1e-9 <= v <= 1 + 1e-9 for v in seen[0])
    assert sum(seen[0]) == pytest.approx(1.5)


def test_the_lp_relaxation_s_bound_stands_when_the_mip_stops_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Cover 3 with items of 2 at a cost of 3 each: the LP takes one and a half (4.5, so 5
    # in whole points), the MIP two (6).
    model = cp_model.CpModel()
    items = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add(sum(2 * x for x in items) >= 3)
    objective = [(x.index, 3) for x in items]
    assert solve_mip(model, objective, maximize=False, time_limit_s=5).bound == 6
    real = _mip._outcome

    def stopped_without_a_bound(*args: Any, **kwargs: Any) -> _mip.MipOutcome:
        return replace(real(*args, **kwargs), bound=None)  # as at a limit, no bound reported

    monkeypatch.setattr(_mip, "_outcome", stopped_without_a_bound)
    assert solve_mip(model, objective, maximize=False, time_limit_s=5).bound is None
    early: list[float] = []
    found = solve_mip(
        model,
        objective,
        maximize=False,
        time_limit_s=5,
        relaxation_first=True,
        on_relaxation=early.append,
    )
    assert (found.objective, found.bound) == (6.0, 5)
    assert early == [5]  # told before the MIP ran: a caller that stops waiting keeps it


def test_the_mip_refuses_a_model_it_cannot_read() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y <= 1).only_enforce_if(x)
    with pytest.raises(ValueError, match="not linear"):
        solve_mip(model, [(x.index, 1)], maximize=True, time_limit_s=1)


def test_a_failing_mip_solver_leaves_cp_sat_s_plan_standing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        msg = "no HiGHS here"
        raise RuntimeError(msg)

    monkeypatch.setattr("vppool.matching._solve.solve_mip", broken)
    result = solve(_problem(), replace(FAST, engine="portfolio"))
    reference = solve(_problem(), replace(FAST, engine="cpsat"))
    assert (result.status, result.objective) == ("OPTIMAL", reference.objective)
    assert [o["status"] for o in result.stats["engines"]["cost"]] == ["OPTIMAL", "UNKNOWN"]


def test_a_failing_guided_model_leaves_the_search_going(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _solve.solve_mip

    def guided_fails(*args: Any, **kwargs: Any) -> _mip.MipOutcome:
        if kwargs.get("held_off"):
            msg = "HiGHS failed on the cut-down model"
            raise RuntimeError(msg)
        return real(*args, **kwargs)

    monkeypatch.setattr(_solve, "solve_mip", guided_fails)
    monkeypatch.setattr(_neighbourhoods, "_MOST_NEEDS", 2)
    reference = solve(_problem(), replace(FAST, engine="cpsat"))
    result = solve(_problem(), replace(FAST, engine="portfolio", workers=2))
    fill = result.stats["engines"]["fill"]
    assert [(o["engine"], o["status"]) for o in fill][1] == ("guided", "UNKNOWN")
    assert result.fill_objective == result.fill_bound == reference.fill_objective
    assert (result.status, result.objective) == ("OPTIMAL", reference.objective)


def test_without_a_proven_bound_the_plan_is_not_called_optimal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A MIP that stops with a plan (nothing served) and no bound, as HiGHS does at its limit.
    from vppool.matching._mip import MipOutcome

    def stopped(model: cp_model.CpModel, *_args: object, **_kwargs: object) -> MipOutcome:
        values = dict.fromkeys(range(len(model.proto.variables)), 0)
        return MipOutcome("FEASIBLE", values, 0.0, None, 0.1)

    monkeypatch.setattr("vppool.matching._solve.solve_mip", stopped)
    result = solve(_problem(), replace(FAST, engine="mip"))
    assert result.status == "FEASIBLE"
    # The bound is weak (what no decision changes, every saving taken) but true.
    assert result.best_bound < result.objective
    assert result.gap > 0


def _neighbourhood_start(problem: MatchingInstance) -> tuple[Any, Any, Any]:
    from vppool.matching._candidates import build_candidates
    from vppool.matching._context import Context
    from vppool.matching._model import build_model

    ctx = Context(problem)
    parts = build_model(ctx, build_candidates(ctx, None))
    return ctx, parts, [pair for terms in parts.cost_terms.values() for pair in terms]


def test_the_neighbourhood_search_proves_a_small_instance_with_the_whole_model() -> None:
    from vppool.matching._neighbourhoods import search_nearby
    from vppool.matching._solve import _plan_values

    problem = _problem()
    reference = solve(problem, replace(FAST, engine="cpsat"))
    ctx, parts, terms = _neighbourhood_start(problem)
    parts.model.add(parts.fill_expr() >= round(reference.fill_objective))
    start = {(s.need_id, v) for s, v in reference.plan.assignments.items() if s not in ctx.fixed}
    _chosen, value, rounds, proven = search_nearby(
        ctx,
        parts,
        terms,
        start,
        _plan_values(ctx, parts, start),
        deadline=time.perf_counter() + 5,
        seed=1,
    )
    assert (proven, rounds) == (True, 1)
    assert value + parts.constant == reference.objective


def test_the_neighbourhood_search_fills_seats_first_when_filling_is_rewarded() -> None:
    from vppool.matching._neighbourhoods import search_nearby
    from vppool.matching._solve import _plan_values

    problem = _problem()
    reference = solve(problem, replace(FAST, engine="cpsat"))
    ctx, parts, terms = _neighbourhood_start(problem)
    # Level 1 unproven and poor (nothing filled): the weighted seats outweigh every cost.
    big = 10**6
    rewarded = terms + [(var, -big * weight) for var, weight in parts.fill_terms]
    chosen, _, _, proven = search_nearby(
        ctx,
        parts,
        rewarded,
        set(),
        _plan_values(ctx, parts, set()),
        deadline=time.perf_counter() + 5,
        seed=1,
    )
    filled = sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in chosen)
    values = _plan_values(ctx, parts, chosen)
    assert proven
    assert filled == reference.fill_objective
    assert sum(values[v] * c for v, c in terms) + parts.constant == reference.objective


def test_a_maximised_level_keeps_the_lp_s_bound_rounded_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fill 3 units of room with items of 2 worth 3 each: the LP takes one and a half (4.5,
    # so 4 in whole points), the MIP one (3).
    model = cp_model.CpModel()
    items = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add(sum(2 * x for x in items) <= 3)
    objective = [(x.index, 3) for x in items]
    real = _mip._outcome

    def stopped_without_a_bound(*args: Any, **kwargs: Any) -> _mip.MipOutcome:
        return replace(real(*args, **kwargs), bound=None)

    monkeypatch.setattr(_mip, "_outcome", stopped_without_a_bound)
    early: list[float] = []
    found = solve_mip(
        model,
        objective,
        maximize=True,
        time_limit_s=5,
        relaxation_first=True,
        on_relaxation=early.append,
        presolve=True,
    )
    assert (found.objective, found.bound, early) == (3.0, 4, [4])


def test_the_mip_holds_variables_at_the_values_it_is_told() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y <= 1)
    objective = [(x.index, 3), (y.index, 2)]
    found = solve_mip(model, objective, maximize=True, time_limit_s=5, held={y.index: 1})
    assert (found.status, found.objective, found.values) == ("OPTIMAL", 2.0, {0: 0, 1: 1})


def _level_two(problem: MatchingInstance) -> tuple[Any, Any, Any, Any]:
    """The level-2 model of ``problem`` with level 1 held at CP-SAT's optimum, and that plan."""
    reference = solve(problem, replace(FAST, engine="cpsat"))
    ctx, parts, terms = _neighbourhood_start(problem)
    parts.model.add(parts.fill_expr() >= round(reference.fill_objective))
    best = {(s.need_id, v) for s, v in reference.plan.assignments.items() if s not in ctx.fixed}
    level = _solve._Level("cost", terms, False, float(parts.constant), best)
    return ctx, parts, level, reference


def test_rins_frees_exactly_the_pairs_where_plan_and_lp_disagree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    ctx, parts, level, _reference = _level_two(_problem())
    plan = set(level.hint)
    keys = sorted(parts.serve)
    # An LP that agrees with the plan on every other pair and sits at one half elsewhere.
    relaxed = [0.0] * len(parts.model.proto.variables)
    for i, key in enumerate(keys):
        relaxed[parts.serve[key].index] = float(key in plan) if i % 2 == 0 else 0.5
    seen: dict[str, Any] = {}
    real = _solve.solve_mip

    def spy(*args: Any, **kwargs: Any) -> _mip.MipOutcome:
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(_solve, "solve_mip", spy)
    found = _solve._rins(
        ctx, parts, replace(level, hint=plan), FAST, relaxed, 5.0, threading.Event()
    )
    assert seen["held"] == {
        parts.serve[key].index: int(key in plan) for i, key in enumerate(keys) if i % 2 == 0
    }
    assert seen["presolve"] is True
    # Every held pair is in the result as the plan had it.
    assert found is not None
    for i, key in enumerate(keys):
        if i % 2 == 0:
            assert (key in found) == (key in plan)


def test_rins_from_a_dear_plan_finds_the_optimum_where_the_lp_points() -> None:
    import threading

    from vppool.matching._solve import _plan_values

    ctx, parts, level, reference = _level_two(_problem())
    best = set(level.hint)
    terms = level.terms
    # The dearest plan at level 1's optimum, and an LP relaxation at the best plan: RINS
    # frees where the two differ and must come back to the best plan's cost.
    plan = _dearest_plan(parts, level)
    values = _plan_values(ctx, parts, plan)
    dear_cost = sum(values[var] * c for var, c in terms)
    assert dear_cost + parts.constant > reference.objective  # the test has something to find
    relaxed = [0.0] * len(parts.model.proto.variables)
    for var, value in _plan_values(ctx, parts, best).items():
        relaxed[var.index] = float(value)
    found = _solve._rins(
        ctx, parts, replace(level, hint=plan), FAST, relaxed, 5.0, threading.Event()
    )
    assert found is not None
    values = _plan_values(ctx, parts, found)
    assert sum(values[var] * c for var, c in terms) + parts.constant == reference.objective


@pytest.fixture
def one_need_at_a_time(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Neighbourhoods of one need: the whole model is never one neighbourhood."""
    for name in ("_MOST_NEEDS", "_START_NEEDS", "_FEWEST_NEEDS"):
        monkeypatch.setattr(_neighbourhoods, name, 1)
    return monkeypatch


def test_the_neighbourhood_search_steps_when_it_stalls_and_keeps_only_a_cheaper_plan(
    one_need_at_a_time: pytest.MonkeyPatch,
) -> None:
    from vppool.matching._neighbourhoods import search_nearby
    from vppool.matching._solve import _plan_values

    monkeypatch = one_need_at_a_time
    ctx, parts, level, reference = _level_two(_problem())
    best = set(level.hint)
    calls: list[set[tuple[int, int]]] = []

    def no_better(plan: set[tuple[int, int]]) -> tuple[set[tuple[int, int]], float] | None:
        calls.append(set(plan))
        return set(), 10.0**9  # dearer than any plan: never taken

    def search(start: set[tuple[int, int]], step: Any, **options: Any) -> Any:
        return search_nearby(
            ctx,
            parts,
            level.terms,
            start,
            _plan_values(ctx, parts, start),
            deadline=time.perf_counter() + 2,
            seed=1,
            step=step,
            **options,
        )

    chosen, value, _, proven = search(best, no_better)
    # The optimum cannot improve: the search stalls, steps once and not again on that plan.
    assert calls == [best]
    assert (chosen, proven) == (best, False)
    assert value + parts.constant == reference.objective

    # Due at once, from the dearest plan: the step's cheaper plan is taken, and the step is
    # tried again only on the new plan (which it cannot better).
    monkeypatch.setattr(_neighbourhoods, "_STEP_SHARE", 0.0)
    dear = _dearest_plan(parts, level)
    calls.clear()
    taken: list[float] = []

    def to_the_best(plan: set[tuple[int, int]]) -> tuple[set[tuple[int, int]], float] | None:
        calls.append(set(plan))
        values = _plan_values(ctx, parts, best)
        return set(best), float(sum(values[var] * c for var, c in level.terms))

    chosen, value, _, _ = search(dear, to_the_best, improved=taken.append)
    assert calls == [dear, best]
    assert chosen == best
    assert taken == [value]
    assert value + parts.constant == reference.objective


def _dearest_plan(parts: Any, level: Any) -> set[tuple[int, int]]:
    """The costliest plan at level 1's optimum (the level-2 model with its cost turned)."""
    dear = _mip.solve_mip(
        parts.model, [(var.index, -c) for var, c in level.terms], maximize=False, time_limit_s=5
    )
    return {key for key, var in parts.serve.items() if dear.values.get(var.index)}


def test_level_two_s_search_steps_by_rins_from_the_engine_s_lp(
    one_need_at_a_time: pytest.MonkeyPatch,
) -> None:
    # Neighbourhoods of one need, the step due at once, from the dearest plan: the portfolio
    # hands the LP relaxation (every variable's value) to RINS and keeps its cheaper plan.
    monkeypatch = one_need_at_a_time
    monkeypatch.setattr(_neighbourhoods, "_STEP_SHARE", 0.0)
    ctx, parts, level, reference = _level_two(_problem())
    dear = _dearest_plan(parts, level)
    seen: list[tuple[int, set[tuple[int, int]], set[tuple[int, int]] | None]] = []
    real = _solve._rins

    def spy(*args: Any) -> set[tuple[int, int]] | None:
        found = real(*args)
        seen.append((len(args[4]), set(args[2].hint), found))
        return found

    monkeypatch.setattr(_solve, "_rins", spy)
    outcomes = _solve._portfolio_nearby(
        ctx,
        parts,
        replace(level, hint=dear),
        replace(FAST, workers=2),
        started=time.perf_counter(),
        seconds=3,
    )
    assert seen, "the search never stepped"
    size, plan, found = seen[0]
    assert size == len(parts.model.proto.variables)
    assert plan == dear
    assert found is not None
    search = outcomes[0]
    assert search.engine == "nearby"
    assert search.value is not None
    assert search.value + parts.constant == reference.objective
