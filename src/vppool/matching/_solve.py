"""``solve``: bounded, seeded, two-level search (CP-SAT, a MIP, or both as a portfolio)."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from vppool.matching._candidates import Candidates, build_candidates, room_for
from vppool.matching._context import Context
from vppool.matching._diagnostics import diagnose
from vppool.matching._explain import alternatives_for, explain_unfilled, plan_loads
from vppool.matching._mip import MipOutcome, solve_mip
from vppool.matching._model import ModelParts, build_model
from vppool.matching._neighbourhoods import search_nearby, whole_at_once
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


def _plan_values(
    ctx: Context, parts: ModelParts, chosen: set[tuple[int, int]]
) -> dict[cp_model.IntVar, int]:
    """Every model variable's value for a plan: who serves where, and from that the helpers.

    The fairness utilisation and excesses follow from the loads. A complete assignment is a
    solution an engine can take as it is (HiGHS accepts it as its first incumbent); with the
    helpers left out it has to complete them first, which on a large model it may not do
    within the limit.
    """
    values: dict[cp_model.IntVar, int] = {}
    load: dict[int, int] = defaultdict(int)
    for key, var in parts.serve.items():
        on = key in chosen
        values[var] = int(on)
        if on:
            load[key[1]] += ctx.loads[key[0]].total
    months = len(ctx.months)
    for vp_id, excesses in parts.fairness_vars.items():
        capacity = ctx.capacity_minutes(ctx.vps[vp_id]) * months
        total = ctx.fixed_total.get(vp_id, 0) + load[vp_id]
        utilisation = -(-100 * total // capacity)
        values[parts.utilisation[vp_id]] = utilisation
        for excess, threshold in excesses:
            values[excess] = max(0, utilisation - threshold)
    return values


def _hint(ctx: Context, parts: ModelParts, chosen: set[tuple[int, int]]) -> None:
    """Hint a whole plan to CP-SAT (every variable, see :func:`_plan_values`)."""
    parts.model.clear_hints()  # type: ignore[no-untyped-call]
    for var, value in _plan_values(ctx, parts, chosen).items():
        parts.model.add_hint(var, value)


@dataclass
class _Outcome:
    """One level's result from one engine (values are the level's variable part)."""

    engine: str
    status: str  # OPTIMAL, FEASIBLE, UNKNOWN, INFEASIBLE
    chosen: set[tuple[int, int]] | None = None
    value: float | None = None
    bound: float | None = None
    first_s: float | None = None
    #: Neighbourhoods searched (the neighbourhood search only).
    rounds: int | None = None

    def better_than(self, other: _Outcome, *, maximize: bool) -> bool:
        if self.value is None:
            return False
        if other.value is None:
            return True
        return self.value > other.value if maximize else self.value < other.value


@dataclass
class _Level:
    """What a level is to every engine: its name, objective, sense and starting point."""

    phase: str
    terms: list[tuple[cp_model.IntVar, int]]
    maximize: bool
    offset: float
    hint: set[tuple[int, int]]
    #: Level 1's terms when level 1 was not proven: the neighbourhood search of level 2 may
    #: still fill seats (each weighted above any cost, so filling comes first).
    reward: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)


class _CpSat:
    """CP-SAT on one level: set up on the calling thread, solved on any (stoppable)."""

    def __init__(
        self,
        ctx: Context,
        parts: ModelParts,
        level: _Level,
        config: MatchingConfig,
        seconds: float,
    ) -> None:
        self.parts = parts
        if level.hint:
            _hint(ctx, parts, level.hint)
        else:
            parts.model.clear_hints()  # type: ignore[no-untyped-call]
        variables, coefficients = [v for v, _ in level.terms], [c for _, c in level.terms]
        expr = cp_model.LinearExpr.weighted_sum(variables, coefficients)
        if level.maximize:
            parts.model.maximize(expr)
        else:
            parts.model.minimize(expr)
        self.level = level
        self.config = config
        self.solver = _solver(config, seconds)
        self.outcome = _Outcome("cpsat", "UNKNOWN")

    def run(self, started: float) -> _Outcome:
        watch = _Watcher(self.level.phase, started, self.config, self.level.offset)
        solver = self.solver
        status = _name(solver.solve(self.parts.model, watch))
        outcome = _Outcome("cpsat", status, first_s=watch.first_solution_s)
        if status in ("OPTIMAL", "FEASIBLE"):
            outcome.chosen = {k for k, v in self.parts.serve.items() if solver.value(v)}
            outcome.value = solver.objective_value
        # Without a solution CP-SAT's bound can be a placeholder (0 when maximising on L
        # under load, below another engine's plan): only a search that found one has a bound.
        if status in ("OPTIMAL", "FEASIBLE") and math.isfinite(solver.best_objective_bound):
            outcome.bound = solver.best_objective_bound
        self.outcome = outcome
        return outcome


def _mip(  # noqa: PLR0917  (one level's engine, as _CpSat takes it)
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    started: float,
    seconds: float,
    *,
    stop: threading.Event | None = None,
    on_relaxation: Callable[[float], None] | None = None,
    on_relaxed_values: Callable[[list[float]], None] | None = None,
    heuristics: bool = True,
) -> _Outcome:
    def tick(spent: float) -> bool:
        if (stop is not None and stop.is_set()) or spent > seconds + 1.0:
            return True  # proved elsewhere, abandoned, or over its limit: no more progress
        if config.progress is not None:
            elapsed = time.perf_counter() - started
            config.progress(ProgressEvent(f"{level.phase} (MIP)", elapsed, None, None))
        return config.should_stop is not None and config.should_stop()

    found = _level_mip(
        ctx,
        parts,
        level,
        config,
        seconds,
        tick,
        # The LP's bound first: it stands when the branch and bound stops without one (on
        # L's level 1 under load HiGHS's MIP was still in its root at the deadline and
        # reported nothing but its trivial bound, 8,850 urgency points against an LP's 2,627).
        relaxation_first=True,
        on_relaxation=on_relaxation,
        on_relaxed_values=on_relaxed_values,
        presolve=level.maximize,
        heuristics=heuristics,
    )
    return _with_plan(
        _Outcome(config.mip_solver, found.status, bound=found.bound), found, parts, level, started
    )


def _level_mip(  # noqa: PLR0917  (one level's engine, as _mip takes it)
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    seconds: float,
    tick: Callable[[float], bool],
    **options: Any,
) -> MipOutcome:
    """The MIP solver on ``level`` from its start plan (``options``: ``solve_mip``'s own)."""
    hint = {var.index: value for var, value in _plan_values(ctx, parts, level.hint).items()}
    return solve_mip(
        parts.model,
        [(var.index, coefficient) for var, coefficient in level.terms],
        maximize=level.maximize,
        time_limit_s=seconds,
        solver=config.mip_solver,
        threads=config.workers,
        hint=hint if level.hint else None,
        tick=tick,
        **options,
    )


def _with_plan(
    outcome: _Outcome, found: MipOutcome, parts: ModelParts, level: _Level, started: float
) -> _Outcome:
    """``outcome`` with the MIP's plan and its value on the level, when it found one."""
    if found.objective is not None:
        outcome.chosen = {k for k, v in parts.serve.items() if found.values.get(v.index)}
        outcome.value = sum(found.values.get(v.index, 0) * c for v, c in level.terms)
        outcome.first_s = time.perf_counter() - started
    return outcome


def _portfolio(
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    *,
    started: float,
    seconds: float,
) -> list[_Outcome]:
    """CP-SAT and the MIP side by side, one core each; the first to prove optimal stops both.

    CP-SAT finds good plans fast; the MIP's LP-based bound closes the gap CP-SAT leaves open.
    """
    deadline = time.perf_counter() + seconds
    single = replace(config, workers=max(1, config.workers - 1))
    cpsat = _CpSat(ctx, parts, level, config, seconds)  # set up before the MIP reads the model
    stop = threading.Event()
    found: list[_Outcome] = []

    def run_mip() -> None:
        try:
            found.append(_mip(ctx, parts, level, single, started, seconds, stop=stop))
        except Exception:  # a failing MIP solver leaves CP-SAT's answer standing
            found.append(_Outcome(config.mip_solver, "UNKNOWN"))
        if found[0].status == "OPTIMAL":
            cpsat.solver.stop_search()  # proved: CP-SAT stops searching

    thread = threading.Thread(target=run_mip, name="mip", daemon=True)
    thread.start()
    # HiGHS may overrun its limit by many seconds inside a root heuristic, deaf to
    # interruption: wait until the level's deadline (and a moment), then go on without it.
    proved = cpsat.run(started).status == "OPTIMAL"
    if proved:
        stop.set()  # nothing left to prove: the MIP stops at its next tick
    thread.join(timeout=1.5 if proved else max(0.0, deadline - time.perf_counter()) + 2.0)
    stop.set()
    mip = found[0] if found else _Outcome(config.mip_solver, "UNKNOWN")
    return [cpsat.outcome, mip]


def _portfolio_nearby(
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    *,
    started: float,
    seconds: float,
) -> list[_Outcome]:
    """A level from a start plan: the neighbourhood search beside a whole-model engine.

    Level 2 (costs): HiGHS beside it, for the bound (and its plans). On the realistic
    presets HiGHS's root bound comes within a few per cent of the best plan known, while
    CP-SAT on the whole model improves its plans slowly; re-planning a few nearby needs at a
    time (``_neighbourhoods``) finds much cheaper plans in the same time. HiGHS starts from
    the same plan (a complete assignment, its first incumbent).

    Level 1 (filling): HiGHS too, with its presolve, for the proof. Its LP is tight (M, seed
    1: 774.3 at the root, optimum 773) and, without the monthly rows other rows imply
    (``_rules._binding_rows``), quick: M proven in 2.3 s, L's root bound 2,625 in 11 s (quiet
    machine), where CP-SAT on the whole model kept a bound of 2,642 on L and found fewer
    seats than the search (L, load 8-10: 2,355 against 2,607 urgency points in 60 s).

    Level 2's search also re-solves, when its neighbourhoods stall, every pair on which its
    plan and the engine's LP relaxation disagree (``_rins``): the pool-wide exchanges that
    nearby needs do not reach (M, seed 1, solver seeds 1-5: median gap 2.5 % where it was
    4.8 %).

    The engine runs on a thread: ``run(stop)`` solves the whole level and returns its
    outcome; ``stop`` is set when the search proved the level or the deadline came. The
    first to prove the level optimal stops the other. A maximised level is searched as the
    minimum of its negation.
    """
    single = replace(config, workers=max(1, config.workers - 1))
    #: A bound the engine reported before it finished (the MIP's LP relaxation): it stands
    #: when the engine is still busy at the deadline (HiGHS can overrun its limit).
    early: list[float] = []

    #: The LP relaxation's values, once known: the guided search starts from them.
    relaxed: list[list[float]] = []
    relaxed_known = threading.Event()

    def keep_relaxed(values: list[float]) -> None:
        relaxed.append(values)
        relaxed_known.set()

    #: Level 1 beyond one neighbourhood starts from the guided search (``_guided``).
    guide = level.maximize and not whole_at_once(parts)

    def run(stop: threading.Event) -> _Outcome:
        return _mip(
            ctx,
            parts,
            level,
            single,
            started,
            seconds,
            stop=stop,
            on_relaxation=early.append,
            # The LP's values: for the guided start (level 1) or the RINS steps (level 2).
            on_relaxed_values=keep_relaxed if guide or not level.maximize else None,
            # Level 2's plans come from the searches; HiGHS is there for the bound (its
            # heuristics found no plan on L and overran the limit). Level 1 keeps them:
            # they found M's optimum, which proves the level.
            heuristics=level.maximize,
        )

    name = config.mip_solver
    deadline = time.perf_counter() + seconds
    sign = -1 if level.maximize else 1
    start_values = _plan_values(ctx, parts, level.hint)
    stop = threading.Event()
    found: list[_Outcome] = []

    def run_engine() -> None:
        try:
            found.append(run(stop))
        except Exception:  # a failing engine leaves the search's answer standing
            found.append(_Outcome(name, "UNKNOWN"))
        relaxed_known.set()  # no LP values will come now: nobody waits for them
        if found[0].status == "OPTIMAL":
            stop.set()  # proved: the search stops

    def improved(value: float) -> None:
        if config.progress is not None:
            config.progress(
                ProgressEvent(
                    f"{level.phase} (nearby)",
                    time.perf_counter() - started,
                    sign * value + level.offset,
                    None,
                )
            )

    first = time.perf_counter() - started
    thread = threading.Thread(target=run_engine, name=f"{level.phase}-engine", daemon=True)
    thread.start()
    outcomes: list[_Outcome] = []
    start_plan = level.hint
    if guide:
        # Level 1: HiGHS on the LP's support finds most of the seats in a moment (L: 2,616
        # of the bound's 2,625 urgency points in about a second), and the neighbourhood
        # search goes on from there. On level 2 it found nothing the search had not.
        box: list[_Outcome] = []

        def run_guided() -> None:
            box.append(
                _guided(
                    ctx,
                    parts,
                    level,
                    single,
                    relaxed,
                    relaxed_known,
                    stop,
                    started=started,
                    end=deadline,
                )
            )

        # On a thread of its own: HiGHS can overrun its limit inside a root heuristic, deaf
        # to interruption; past its share (the wait for the LP and the solve) and a moment,
        # the search goes on without it.
        guided_thread = threading.Thread(target=run_guided, name="guided", daemon=True)
        guided_thread.start()
        share = 0.25 + _GUIDED_SHARE * 0.75
        guided_thread.join(timeout=share * max(0.0, deadline - time.perf_counter()) + 2.0)
        guided = box[0] if box else _Outcome("guided", "UNKNOWN")
        outcomes.append(guided)
        start_value = sum(start_values[var] * c for var, c in level.terms)
        if guided.chosen is not None and guided.value is not None and guided.value > start_value:
            start_plan = guided.chosen
            start_values = _plan_values(ctx, parts, start_plan)
            improved(sign * guided.value)
    terms = [(var, sign * coefficient) for var, coefficient in level.terms]
    if level.reward:
        domains = parts.model.proto.variables
        # One seat weight more than every cost at once: filling a seat always comes first.
        big = 1 + sum(abs(c) * max(abs(x) for x in domains[v.index].domain) for v, c in terms)
        terms += [(var, -big * weight) for var, weight in level.reward]

    #: The last RINS step's thread: one that overran its limit is not joined by another.
    stepping: list[threading.Thread] = []

    def step(plan: set[tuple[int, int]]) -> tuple[set[tuple[int, int]], float] | None:
        """Level 2's other move once the neighbourhoods stall: RINS from the LP (``_rins``)."""
        left = deadline - time.perf_counter()
        # The LP comes from the engine (M 0.1 s, L 1.6 s): wait for it a moment if need be.
        relaxed_known.wait(timeout=max(0.0, min(2.0, 0.1 * left)))
        if not relaxed or stop.is_set() or (stepping and stepping[-1].is_alive()):
            return None
        seconds = min(_RINS_MOST_S, _RINS_SHARE * (deadline - time.perf_counter()))
        plan = set(plan)  # the search goes on changing its own if the step overruns
        # Its own objective: where level 1 was not proven, filling seats comes first.
        stepped = replace(level, terms=terms, hint=plan)
        box: list[set[tuple[int, int]] | None] = []
        # On a thread, as the guided start: HiGHS may overrun its limit, deaf to interruption.
        thread = threading.Thread(
            target=lambda: box.append(
                _rins(ctx, parts, stepped, single, relaxed[0], seconds, stop)
            ),
            name="rins",
            daemon=True,
        )
        stepping.append(thread)
        thread.start()
        thread.join(timeout=seconds + 1.5)
        chosen = box[0] if box else None
        if chosen is None:
            return None
        values = _plan_values(ctx, parts, chosen)
        return chosen, float(sum(values[var] * c for var, c in terms))

    chosen, _, rounds, optimal = search_nearby(
        ctx,
        parts,
        terms,
        start_plan,
        start_values,
        deadline=deadline,
        seed=config.seed,
        stop=stop,
        improved=None if level.reward else improved,
        step=None if level.maximize else step,
    )
    values = _plan_values(ctx, parts, chosen)
    value = float(sum(values[var] * c for var, c in level.terms))
    proved = optimal or stop.is_set()
    stop.set()  # the engine stops at its next tick when the search proved the plan
    thread.join(timeout=1.5 if proved else max(0.0, deadline - time.perf_counter()) + 2.0)
    other = found[0] if found else _Outcome(name, "UNKNOWN", bound=early[0] if early else None)
    search = _Outcome(
        "nearby",
        "OPTIMAL" if optimal else "FEASIBLE",
        chosen,
        value,
        value if optimal else None,
        first,
        rounds=rounds,
    )
    return [search, *outcomes, other]


#: Share of a level's remaining time the guided search may take; the neighbourhood search
#: goes on from its plan.
_GUIDED_SHARE = 0.6
#: An LP value below this counts as 0: the variable is held off in the guided model.
_LP_ZERO = 1e-3


def _guided(  # noqa: PLR0917  (one level's engine, as _mip takes it)
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    relaxed: list[list[float]],
    relaxed_known: threading.Event,
    stop: threading.Event,
    *,
    started: float,
    end: float,
) -> _Outcome:
    """A plan from HiGHS on the model cut down to the LP relaxation's support and the start.

    Every pair that the LP relaxation leaves at 0 and the start plan does not use is held
    off; HiGHS (with its presolve and heuristics) solves what remains, from the start plan.
    The LP says where a good plan lies; the start plan keeps the cut-down model feasible.
    On L's level 1 (seed 1, quiet machine: 33,218 pairs, 1,216 left after presolve) it
    found 2,616 urgency points in about a second and 2,620 in 15 s, where the greedy start
    had 2,317 and the bound is 2,625; the neighbourhood search then reached 2,624 (2,621
    without it). Its bound is no bound of the whole model and its optimum no proof: it is
    a search, and the neighbourhood search goes on from its plan. (On level 2 it found
    nothing better than the search: with level 1 held, the LP fills seats by halves.)
    """
    began = time.perf_counter()
    # The LP comes from the other engine (L: 1 s for level 2, 2 s for level 1 by barrier).
    relaxed_known.wait(timeout=max(0.0, 0.25 * (end - began)))
    if not relaxed or stop.is_set():
        return _Outcome("guided", "UNKNOWN")
    values = relaxed[0]
    held = [
        var.index
        for key, var in parts.serve.items()
        if values[var.index] < _LP_ZERO and key not in level.hint
    ]
    seconds = _GUIDED_SHARE * (end - time.perf_counter())
    if seconds < 0.5:
        return _Outcome("guided", "UNKNOWN")
    tick = _time_box(config, seconds, stop)
    try:
        found = _level_mip(ctx, parts, level, config, seconds, tick, presolve=True, held_off=held)
    except Exception:  # a failing MIP solver leaves the search to go on from the start
        return _Outcome("guided", "UNKNOWN")
    status = "FEASIBLE" if found.objective is not None else "UNKNOWN"
    return _with_plan(_Outcome("guided", status), found, parts, level, started)


#: Seconds one RINS step of level 2's search may take at most, and its share of the time
#: left in the level.
_RINS_MOST_S = 5.0
_RINS_SHARE = 0.3


def _rins(  # noqa: PLR0917  (one level's engine, as _guided takes it)
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    relaxed: list[float],
    seconds: float,
    stop: threading.Event,
) -> set[tuple[int, int]] | None:
    """The level's plan re-solved where it and the LP relaxation disagree, or ``None``.

    Relaxation-induced neighbourhood search (RINS): every pair on which the plan
    (``level.hint``) and the LP relaxation agree (0 or 1 in both) is held as it is, and
    HiGHS (with its presolve and heuristics) solves the rest from the plan, by the level's
    terms. The pairs it frees lie all over the country (M, seed 1: 337 of 6,311 pairs in
    136 needs), so it makes the pool-wide exchanges of workload that the neighbourhoods of
    nearby needs do not: from the search's stalled plan, 21,036 decided-cost points to
    20,419 in 3 s (20,335, its optimum, in 14 s). The caller keeps the result only when it
    is cheaper.
    """
    if seconds < 0.5:
        return None
    plan = level.hint
    tick = _time_box(config, seconds, stop)
    try:
        held = {
            var.index: int(key in plan)
            for key, var in parts.serve.items()
            if abs(relaxed[var.index] - (key in plan)) <= _LP_ZERO
        }
        found = _level_mip(ctx, parts, level, config, seconds, tick, presolve=True, held=held)
    except Exception:  # a failing MIP solver leaves the search's plan standing
        return None
    if found.objective is None:
        return None
    return {key for key, var in parts.serve.items() if found.values.get(var.index)}


def _time_box(
    config: MatchingConfig, seconds: float, stop: threading.Event
) -> Callable[[float], bool]:
    """A MIP's ``tick`` for a search step: stop when told, past its time, or cancelled."""

    def tick(spent: float) -> bool:
        if stop.is_set() or spent > seconds + 1.0:
            return True
        return config.should_stop is not None and config.should_stop()

    return tick


def _run_level(
    ctx: Context,
    parts: ModelParts,
    level: _Level,
    config: MatchingConfig,
    *,
    started: float,
    seconds: float,
) -> tuple[_Outcome, list[_Outcome]]:
    """Solve one level with the configured engine(s); the best plan and the tightest bound."""
    if config.engine == "cpsat":
        outcomes = [_CpSat(ctx, parts, level, config, seconds).run(started)]
    elif config.engine == "mip":
        outcomes = [_mip(ctx, parts, level, config, started, seconds)]
    elif level.maximize and level.hint and whole_at_once(parts):
        # A small instance: the search would solve the whole model too, CP-SAT's second
        # worker does more for it.
        outcomes = [_CpSat(ctx, parts, level, config, seconds).run(started)]
    elif level.hint:
        # From a start plan, both levels: the neighbourhood search beside HiGHS (level 2)
        # or CP-SAT (level 1: beside HiGHS on two loaded cores CP-SAT proved less and on L
        # found no plan at all, while HiGHS's level-1 bound on L stayed trivial; see
        # benchmarks/README.md).
        outcomes = _portfolio_nearby(ctx, parts, level, config, started=started, seconds=seconds)
    else:
        outcomes = _portfolio(ctx, parts, level, config, started=started, seconds=seconds)
    best = outcomes[0]
    for outcome in outcomes[1:]:
        if outcome.better_than(best, maximize=level.maximize):
            best = outcome
    bounds = [o.bound for o in outcomes if o.bound is not None]
    bound = (min(bounds) if level.maximize else max(bounds)) if bounds else None
    combined = _Outcome(best.engine, best.status, best.chosen, best.value, bound, best.first_s)
    if any(o.status == "OPTIMAL" for o in outcomes):
        combined.status = "OPTIMAL"
    elif combined.value is not None and bound is not None and abs(combined.value - bound) < 0.5:
        combined.status = "OPTIMAL"  # one engine's plan, the other's bound: proven together
    combined.first_s = min((o.first_s for o in outcomes if o.first_s is not None), default=None)
    return combined, outcomes


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
    engines: dict[str, list[_Outcome]] = {}

    # Level 1: fill as many (urgency-weighted) seats as possible, from the previous plan or,
    # without one, the greedy plan over the candidates (a whole plan to start from).
    fill = _Outcome("none", "OPTIMAL", set(), 0.0, 0.0)
    if parts.serve:
        start = _greedy_start(ctx, candidates)
        hint = (previous or start) if config.use_hint else set()
        level = _Level("fill", parts.fill_terms, True, 0.0, hint)
        fill, engines["fill"] = _run_level(
            ctx, parts, level, config, started=started, seconds=budget * config.fill_phase_share
        )
        start_value = sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in start)
        if fill.value is None or fill.value < start_value:
            # The engines stopped before they matched the greedy start (a loaded machine, a
            # short limit): keep the greedy plan, whose seats are filled for sure.
            fill = _Outcome(
                "greedy", "FEASIBLE", start, float(start_value), fill.bound, fill.first_s
            )
    chosen = fill.chosen or set()
    fill_chosen = chosen
    fill_value = sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in chosen)
    # Every seat a candidate could take is a true bound (a weak one): without an engine's
    # bound it stands, and it caps one that is looser still.
    most = sum(
        ctx.unfilled_weight(ctx.needs[n]) * min(len(vps), len(ctx.open_seats(ctx.needs[n])))
        for n, vps in candidates.by_need.items()
    )
    proven = most if fill.bound is None else min(most, fill.bound)  # CP-SAT's may be looser
    fill_bound = max(proven, fill_value)

    # Level 2: keep level 1 at its best and minimise the remaining costs.
    cost = _Outcome("none", "OPTIMAL")
    if parts.serve:
        parts.model.add(parts.fill_expr() >= fill_value)
        cost_terms = [pair for terms in parts.cost_terms.values() for pair in terms]
        # Start from level 1's plan with every swap that lowers its cost made (a moment's
        # work, and on the realistic presets a tenth of the cost the engines must find).
        search_end = (1 - config.polish_share) * config.time_limit_s
        spare = max(0.0, search_end - (time.perf_counter() - started))
        polished = _polish(
            ctx, candidates, _seat_plan(ctx, chosen), time.perf_counter() + 0.1 * spare
        )
        start = {
            (seat.need_id, vp_id)
            for seat, vp_id in polished.assignments.items()
            if seat not in ctx.fixed
        }
        if start <= parts.serve.keys():
            chosen = start
        reward = [] if fill.status == "OPTIMAL" else list(parts.fill_terms)
        level = _Level("cost", cost_terms, False, float(parts.constant), chosen, reward)
        # Leave the polish a share of the limit: on large instances the search may not
        # improve much on level 1's plan, and the polish's swaps are what lower its cost.
        remaining = max(0.1, search_end - (time.perf_counter() - started))
        cost, engines["cost"] = _run_level(
            ctx, parts, level, config, started=started, seconds=remaining
        )
        if cost.chosen is not None:
            chosen = cost.chosen
            # The neighbourhood search may have filled seats level 1 left open.
            fill_value = max(fill_value, sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in chosen))
            fill_bound = max(fill_bound, fill_value)
    cost_bound = None if cost.bound is None else cost.bound + parts.constant
    plan = _seat_plan(ctx, chosen)
    if cost.status != "OPTIMAL":
        # The search stopped early (on large instances it may not even improve on level 1's
        # plan, which is a level-2 plan too): keep the cheaper of the two, then make every
        # single swap that lowers the cost, keeping every seat filled.
        first = _seat_plan(ctx, fill_chosen)
        first_fill = sum(ctx.unfilled_weight(ctx.needs[n]) for n, _ in fill_chosen)
        cheaper = _cost(objective_terms(ctx, first)) < _cost(objective_terms(ctx, plan))
        if cheaper and first_fill >= fill_value:
            plan = first
        plan = _polish(ctx, candidates, plan, started + 0.97 * config.time_limit_s)
    terms = objective_terms(ctx, plan)
    level2 = _cost(terms)
    if cost_bound is None or not math.isfinite(cost_bound):
        # No engine proved a bound: what no decision changes plus every saving taken at once
        # (the weakest bound there is, but a true one; with no decisions it is exact).
        savings = sum(c for terms_ in parts.cost_terms.values() for _, c in terms_ if c < 0)
        cost_bound = float(parts.constant + savings) if parts.serve else float(level2)
    # The gap's basis is the decided cost: the plan's cost minus what no decision changes
    # (kept assignments, forced changes); see MatchingResult.gap.
    controllable = max(1.0, abs(level2 - parts.constant))
    gap = max(0.0, (level2 - cost_bound) / controllable)
    loads = plan_loads(ctx, plan)
    seats = _outcomes(ctx, candidates, plan, loads, config)
    unfilled = explain_unfilled(ctx, candidates, plan, loads)
    status = _combined_status(fill.status, cost.status, has_vars=bool(parts.serve))
    if status == "FEASIBLE" and gap == 0 and fill.status == "OPTIMAL":
        status = "OPTIMAL"  # polished onto the bound
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
        "engine": config.engine,
        "fill_status": fill.status if parts.serve else "TRIVIAL",
        "cost_status": cost.status if parts.serve else "TRIVIAL",
        "engines": {
            phase: [
                {"engine": o.engine, "status": o.status, "value": o.value, "bound": o.bound}
                | ({} if o.rounds is None else {"rounds": o.rounds})
                for o in outcomes
            ]
            for phase, outcomes in engines.items()
        },
        "gap_basis": "decided cost (objective minus the constant cost)",
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
        first_feasible_s=fill.first_s if fill.first_s is not None else cost.first_s,
        wall_s=time.perf_counter() - started,
        violations=tuple(new_violations(instance, plan)),
        shortages=tuple(shortages),
        stats=stats,
    )


def _greedy_start(ctx: Context, candidates: Candidates) -> set[tuple[int, int]]:
    """Needs by urgency, each open seat to its cheapest candidate with room (and the mix).

    A plan of the model's own variables, found in a moment: the engines start from it, and
    it stands if they stop before they match it.
    """
    loads = plan_loads(ctx, Plan(dict(ctx.fixed)))
    chosen: set[tuple[int, int]] = set()
    order = sorted(
        candidates.by_need,
        key=lambda n: (-ctx.needs[n].urgency_rank, ctx.needs[n].period.starts_on, n),
    )
    for need_id in order:
        need = ctx.needs[need_id]
        free = len(ctx.open_seats(need))
        team = set(ctx.fixed_by_need.get(need_id, {}).values())
        for vp_id in candidates.by_need[need_id]:
            if free == 0:
                break
            vp = ctx.vps[vp_id]
            if room_for(ctx, need, vp, loads.hours, loads.clients) is not None:
                continue
            members = team | {vp_id}
            genders = {ctx.vps[v].gender for v in members} - {None}
            if need.requires_gender_mix and len(members) >= 2 and len(genders) < 2:
                continue
            chosen.add((need_id, vp_id))
            ctx.add_load(vp_id, need_id, loads.hours, loads.clients)
            team.add(vp_id)
            free -= 1
    return chosen


def _cost(terms: dict[str, int]) -> int:
    """The level-2 cost of a plan's objective terms."""
    return sum(v for k, v in terms.items() if k not in ("unfilled_seats", "urgency"))


def _name(status: Any) -> str:
    return str(cp_model.CpSolverStatus(status).name)


def _combined_status(fill_status: str, cost_status: str, *, has_vars: bool) -> str:
    if not has_vars:
        return "OPTIMAL"
    worst = max((fill_status, cost_status), key=lambda name: _STATUS_RANK.get(name, 9))
    if worst in ("UNKNOWN", "INFEASIBLE") and fill_status in ("OPTIMAL", "FEASIBLE"):
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
