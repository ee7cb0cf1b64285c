"""Level 2 by neighbourhoods: re-plan the needs around one place at a time, the rest held.

On the realistic presets CP-SAT searching the whole level-2 model improves its plans slowly
(M, seed 1: 17 % above the best known plan after 30 s), and HiGHS spends most of its time on
its bound. Needs and VPs are local (travel limits of tens of kilometres), so a plan improves
where its needs lie close together: pick a need at random, free the assignments of the
nearest needs (their candidates may move between them), hold every other assignment as it
is, and let CP-SAT solve that small model (exactly the level-2 model with most variables
fixed: every rule and the level-1 result hold). Keep the result when it is cheaper. The
neighbourhood grows while its models solve to optimality quickly and shrinks when they do
not. When the neighbourhoods stall, the caller's ``step`` may move the plan further (level 2:
RINS, the pairs where the plan and the LP relaxation disagree, all over the country).

This is a search for plans, not a proof: the bound comes from the other engine (HiGHS).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from vppool.matching._context import Context
from vppool.matching._geo import haversine_points, point_of
from vppool.matching._model import ModelParts

__all__ = ["Step", "search_nearby", "whole_at_once"]

#: Needs freed at once to begin with, and the bounds the size moves within.
_START_NEEDS = 30
_FEWEST_NEEDS = 8
_MOST_NEEDS = 200
#: Seconds one neighbourhood may take at most.
_SUB_LIMIT_S = 2.0
#: A move besides the neighbourhoods: a plan (need, VP pairs) to a cheaper one and its value.
Step = Callable[[set[tuple[int, int]]], tuple[set[tuple[int, int]], float] | None]
#: Rounds without a cheaper plan after which the search tries its ``step``, and the share of
#: its time after which it tries it anyway.
_STALLED = 4
_STEP_SHARE = 0.4


def whole_at_once(parts: ModelParts) -> bool:
    """Whether the search's first neighbourhood is the whole model (a small instance)."""
    return len({need_id for need_id, _ in parts.serve}) <= _MOST_NEEDS


def _fix(domain: Any, lowest: int, highest: int) -> None:
    domain[0] = lowest
    domain[1] = highest


def search_nearby(
    ctx: Context,
    parts: ModelParts,
    terms: Sequence[tuple[cp_model.IntVar, int]],
    start: set[tuple[int, int]],
    start_values: dict[cp_model.IntVar, int],
    *,
    deadline: float,
    seed: int,
    stop: threading.Event | None = None,
    improved: Callable[[float], None] | None = None,
    step: Step | None = None,
) -> tuple[set[tuple[int, int]], float, int, bool]:
    """The cheapest plan found from ``start`` by deadline: (pairs, value, rounds, proven).

    A neighbourhood that holds every need and solves to optimality proves the plan optimal
    (small instances: the first round); the search then ends.

    ``parts.model`` holds every constraint (level 1 included); it is copied once and not
    changed. ``terms`` is the level-2 objective; ``start_values`` a complete assignment of
    ``start`` (every variable).

    ``step`` is another move, tried when the neighbourhoods stall (:data:`_STALLED` rounds
    without a better plan, twice as many after each step in vain) or a share of the time
    has passed: it takes the plan and returns another with its value (by ``terms``), or
    ``None``; the search keeps it only when cheaper. It is tried again only after the plan
    changed.
    """
    model = parts.model.clone()
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms]))
    model.clear_hints()  # type: ignore[no-untyped-call]
    domains = model.proto.variables
    by_need: dict[int, list[tuple[int, int]]] = {}
    for (need_id, vp_id), var in parts.serve.items():
        by_need.setdefault(need_id, []).append((vp_id, var.index))
    chosen = set(start)
    for need_id, pairs in by_need.items():
        for vp_id, index in pairs:
            held = int((need_id, vp_id) in chosen)
            _fix(domains[index].domain, held, held)
    value: float = sum(start_values[var] * c for var, c in terms)
    needs = sorted(by_need)
    points = {n: point_of(ctx.needs[n].sites[0]) if ctx.needs[n].sites else None for n in needs}
    placed = [n for n in needs if points[n] is not None]
    rng = random.Random(seed)
    # A small instance is one neighbourhood: the whole model, given all the time.
    size = len(needs) if len(needs) <= _MOST_NEEDS else _START_NEEDS
    rounds: int = 0
    stalled = 0
    patience = _STALLED
    began = time.perf_counter()
    stepped_at: set[tuple[int, int]] | None = None
    while placed and time.perf_counter() < deadline - 0.05:
        if stop is not None and stop.is_set():
            break
        late = stepped_at is None and time.perf_counter() - began > _STEP_SHARE * (deadline - began)
        due = stalled >= patience or late
        if step is not None and due and chosen != stepped_at and size < len(needs):
            stepped = step(chosen)
            stepped_at = set(chosen)
            if stepped is None or stepped[1] >= value - 0.5:
                patience *= 2  # a step in vain: the neighbourhoods get longer before the next
            else:
                chosen, value = set(stepped[0]), stepped[1]
                for need_id in needs:
                    for vp_id, index in by_need[need_id]:
                        held = int((need_id, vp_id) in chosen)
                        _fix(domains[index].domain, held, held)
                if improved is not None:
                    improved(value)
            stalled = 0
            continue
        centre = points[rng.choice(placed)]
        assert centre is not None  # noqa: S101  (placed needs have a point)
        near = sorted(
            needs,
            key=lambda n: (
                float("inf") if points[n] is None else haversine_points(centre, points[n])  # type: ignore[arg-type]
            ),
        )[:size]
        model.clear_hints()  # type: ignore[no-untyped-call]
        for need_id in near:
            for vp_id, index in by_need[need_id]:
                _fix(domains[index].domain, 0, 1)
                var = model.get_bool_var_from_proto_index(index)
                model.add_hint(var, (need_id, vp_id) in chosen)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed + rounds
        left = deadline - time.perf_counter()
        whole = len(near) == len(needs)
        limit = left if whole and rounds == 0 else _SUB_LIMIT_S
        solver.parameters.max_time_in_seconds = max(0.05, min(limit, left))
        status = solver.solve(model)
        rounds += 1
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        stalled += 1
        if found and solver.objective_value < value - 0.5:
            stalled = 0
            value = float(solver.objective_value)
            for need_id in near:
                for vp_id, index in by_need[need_id]:
                    chosen.discard((need_id, vp_id))
                    if solver.value(model.get_bool_var_from_proto_index(index)):
                        chosen.add((need_id, vp_id))
            if improved is not None:
                improved(value)
        if status == cp_model.OPTIMAL and whole:
            return chosen, value, rounds, True
        if status == cp_model.OPTIMAL and solver.wall_time < _SUB_LIMIT_S / 4:
            size = min(_MOST_NEEDS, len(needs), size + max(1, size // 4))
        elif status != cp_model.OPTIMAL:
            size = max(_FEWEST_NEEDS, size - max(1, size // 5))
        for need_id in near:
            for vp_id, index in by_need[need_id]:
                held = int((need_id, vp_id) in chosen)
                _fix(domains[index].domain, held, held)
    return chosen, value, rounds, False
