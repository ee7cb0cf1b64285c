"""``solve``: bounded, seeded, two-level CP-SAT search with hints, explanation and validation."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from vppool.matching._candidates import Candidates, build_candidates
from vppool.matching._context import Context
from vppool.matching._diagnostics import diagnose
from vppool.matching._explain import alternatives_for, explain_unfilled, plan_loads
from vppool.matching._model import ModelParts, build_model
from vppool.matching._objective import objective_terms
from vppool.matching._types import (
    MatchingConfig,
    MatchingInstance,
    MatchingResult,
    Plan,
    ProgressEvent,
    SeatOutcome,
    SeatRef,
)
from vppool.matching._validate import new_violations

__all__ = ["cost_model", "solve"]

_STATUS_RANK = {"OPTIMAL": 0, "FEASIBLE": 1, "UNKNOWN": 2, "INFEASIBLE": 3, "MODEL_INVALID": 4}


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records the time of the first solution and reports progress."""

    def __init__(
        self, phase: str, started: float, config: MatchingConfig, offset: float = 0.0
    ) -> None:
        super().__init__()
        self.phase = phase
        self.started = started
        self.config = config
        self.offset = offset
        self.first_solution_s: float | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        if self.first_solution_s is None:
            self.first_solution_s = elapsed
        if self.config.should_stop is not None and self.config.should_stop():
            self.stop_search()
        if self.config.progress is not None:
            self.config.progress(
                ProgressEvent(
                    self.phase,
                    elapsed,
                    self.objective_value + self.offset,
                    self.best_objective_bound + self.offset,
                )
            )


def _solver(config: MatchingConfig, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.05, seconds)
    params.num_workers = max(1, config.workers)
    params.random_seed = config.seed
    params.relative_gap_limit = config.relative_gap_limit
    params.log_search_progress = config.log_search
    params.linearization_level = config.linearization_level
    return solver


def _hint(parts: ModelParts, chosen: set[tuple[int, int]]) -> None:
    parts.model.clear_hints()  # type: ignore[no-untyped-call]
    for key, var in parts.serve.items():
        parts.model.add_hint(var, key in chosen)


def solve(instance: MatchingInstance, config: MatchingConfig | None = None) -> MatchingResult:
    """Match needs to trust persons.

    Never raises for infeasible demand: seats that cannot be filled come back in
    ``MatchingResult.unfilled`` with their reasons.

    Raises:
        MatchingInputError: the instance refers to unknown ids or has impossible values.
    """
    config = config or MatchingConfig()
    started = time.perf_counter()
    ctx = Context(instance)
    shortages = diagnose(ctx)
    candidates = build_candidates(ctx, config.max_candidates_per_need)
    parts = build_model(ctx, candidates)
    previous = {
        (need_id, vp_id)
        for need_id, vps in ctx.previous.items()
        for vp_id in vps
        if (need_id, vp_id) in parts.serve
    }
    built_s = time.perf_counter() - started
    # Keep a little of the limit for explanations and validation after the search.
    budget = max(0.1, 0.95 * config.time_limit_s - built_s)

    # Level 1: fill as many (urgency-weighted) seats as possible.
    model = parts.model
    model.maximize(parts.fill_expr())
    if config.use_hint and previous:
        _hint(parts, previous)
    fill_watch = _Watcher("fill", started, config)
    fill_solver = _solver(config, budget * config.fill_phase_share)
    fill_status = fill_solver.solve(model, fill_watch) if parts.serve else cp_model.OPTIMAL
    fill_found = fill_status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    chosen = {k for k, v in parts.serve.items() if fill_found and fill_solver.value(v)}
    fill_value = sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in chosen)
    fill_bound = fill_solver.best_objective_bound if parts.serve and fill_found else fill_value

    # Level 2: keep level 1 at its best and minimise the remaining costs.
    cost_status = cp_model.OPTIMAL
    cost_bound: float | None = None
    cost_watch = _Watcher("cost", started, config, parts.constant)
    if parts.serve:
        model.add(parts.fill_expr() >= fill_value)
        model.minimize(parts.cost_expr())
        _hint(parts, chosen)
        remaining = 0.95 * config.time_limit_s - (time.perf_counter() - started)
        cost_solver = _solver(config, remaining)
        cost_status = cost_solver.solve(model, cost_watch)
        if cost_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = {k for k, v in parts.serve.items() if cost_solver.value(v)}
            cost_bound = cost_solver.best_objective_bound + parts.constant
        elif fill_found:
            cost_bound = cost_solver.best_objective_bound + parts.constant
    plan = _seat_plan(ctx, chosen)
    if cost_status != cp_model.OPTIMAL:
        # The search stopped early (on large instances it may not even improve on level 1's
        # plan): make every single swap that lowers the cost, keeping every seat filled.
        plan = _polish(ctx, candidates, plan, started + 0.97 * config.time_limit_s)
    terms = objective_terms(ctx, plan)
    level2 = sum(v for k, v in terms.items() if k not in ("unfilled_seats", "urgency"))
    if cost_bound is None or not math.isfinite(cost_bound):
        cost_bound = float(level2)
    controllable = max(1.0, abs(level2 - parts.constant))
    gap = max(0.0, (level2 - cost_bound) / controllable)
    loads = plan_loads(ctx, plan)
    seats = _outcomes(ctx, candidates, plan, loads, config)
    unfilled = explain_unfilled(ctx, candidates, plan, loads)
    status = _combined_status(fill_status, cost_status, has_vars=bool(parts.serve))
    first = fill_watch.first_solution_s or cost_watch.first_solution_s
    stats: dict[str, Any] = {
        "trust_persons": len(instance.trust_persons),
        "needs": len(instance.needs),
        "seats": sum(n.seats for n in instance.needs),
        "fixed_seats": len(ctx.fixed),
        "open_seats": sum(len(ctx.open_seats(n)) for n in instance.needs),
        "candidate_pairs": candidates.pair_count,
        "pruned_pairs": sum(len(v) for v in candidates.pruned.values()),
        "months": len(ctx.months),
        "build_s": round(built_s, 3),
        "fill_status": _name(fill_status) if parts.serve else "TRIVIAL",
        "cost_status": _name(cost_status) if parts.serve else "TRIVIAL",
        "constant_cost": parts.constant,
        "forced_changes": sum(
            1
            for need_id, vps in ctx.previous.items()
            for vp_id in vps
            if (need_id, vp_id) not in parts.serve
        ),
    }
    return MatchingResult(
        status=status,
        plan=plan,
        seats=tuple(seats),
        unfilled=tuple(unfilled),
        objective=float(level2),
        objective_terms=terms,
        best_bound=float(min(cost_bound, level2)),
        gap=gap,
        fill_objective=float(fill_value),
        fill_bound=float(fill_bound),
        first_feasible_s=first,
        wall_s=time.perf_counter() - started,
        violations=tuple(new_violations(instance, plan)),
        shortages=tuple(shortages),
        stats=stats,
    )


def _name(status: Any) -> str:
    return str(cp_model.CpSolverStatus(status).name)


def _combined_status(fill_status: Any, cost_status: Any, *, has_vars: bool) -> str:
    if not has_vars:
        return "OPTIMAL"
    names = [_name(fill_status), _name(cost_status)]
    worst = max(names, key=lambda name: _STATUS_RANK.get(name, 9))
    if worst in ("UNKNOWN", "INFEASIBLE") and names[0] in ("OPTIMAL", "FEASIBLE"):
        return "FEASIBLE"
    return worst


def _seat_plan(ctx: Context, chosen: set[tuple[int, int]]) -> Plan:
    """Give the chosen VPs seat numbers, keeping a previous VP on their previous seat."""
    assignments: dict[SeatRef, int] = dict(ctx.fixed)
    by_need: dict[int, list[int]] = defaultdict(list)
    for need_id, vp_id in sorted(chosen):
        by_need[need_id].append(vp_id)
    for need_id, vp_ids in by_need.items():
        need = ctx.needs[need_id]
        free = ctx.open_seats(need)
        previous_seat = ctx.previous_seat.get(need_id, {})
        placed: set[int] = set()
        for vp_id in vp_ids:
            seat = previous_seat.get(vp_id)
            if seat in free:
                assignments[SeatRef(need_id, seat)] = vp_id
                free.remove(seat)
                placed.add(vp_id)
        for vp_id in vp_ids:
            if vp_id not in placed:
                assignments[SeatRef(need_id, free.pop(0))] = vp_id
    return Plan(assignments)


def _polish(ctx: Context, candidates: Candidates, plan: Plan, deadline: float) -> Plan:
    """Swap VPs on non-kept seats while a swap lowers the total cost (first improvement)."""
    assignments = dict(plan.assignments)
    loads = plan_loads(ctx, plan)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for seat, vp_id in sorted(assignments.items()):
            if seat in ctx.fixed or time.perf_counter() >= deadline:
                continue
            options = alternatives_for(
                ctx, candidates=candidates, seat=seat, vp_id=vp_id, loads=loads, limit=1
            )
            if not options or options[0].cost_delta >= 0:
                continue
            other = options[0].trust_person_id
            ctx.add_load(vp_id, seat.need_id, loads.hours, loads.clients, sign=-1)
            ctx.add_load(other, seat.need_id, loads.hours, loads.clients)
            total = ctx.loads[seat.need_id].total
            loads.totals[vp_id] -= total
            loads.totals[other] += total
            loads.on_need[seat.need_id].discard(vp_id)
            loads.on_need[seat.need_id].add(other)
            assignments[seat] = other
            improved = True
    return Plan(assignments)


def _outcomes(
    ctx: Context,
    candidates: Candidates,
    plan: Plan,
    loads: Any,
    config: MatchingConfig,
) -> list[SeatOutcome]:
    outcomes = []
    for seat, vp_id in sorted(plan.assignments.items()):
        need = ctx.needs[seat.need_id]
        costs: dict[str, float] = {
            k: float(v) for k, v in ctx.pair_costs(need, ctx.vps[vp_id]).items()
        }
        fixed = ctx.fixed.get(seat) == vp_id
        alternatives = (
            ()
            if fixed
            else tuple(
                alternatives_for(
                    ctx,
                    candidates=candidates,
                    seat=seat,
                    vp_id=vp_id,
                    loads=loads,
                    limit=config.alternatives_per_seat,
                )
            )
        )
        outcomes.append(SeatOutcome(seat, vp_id, fixed, costs, alternatives))
    return outcomes


def cost_model(
    instance: MatchingInstance, config: MatchingConfig, fill_value: float
) -> tuple[cp_model.CpModel, int]:
    """The level-2 model with level 1 held at ``fill_value``, and its constant cost.

    For independent bounds (an LP relaxation with another solver) on exactly the model
    :func:`solve` searches.
    """
    ctx = Context(instance)
    candidates = build_candidates(ctx, config.max_candidates_per_need)
    parts = build_model(ctx, candidates)
    parts.model.add(parts.fill_expr() >= round(fill_value))
    parts.model.minimize(parts.cost_expr())
    return parts.model, parts.constant
