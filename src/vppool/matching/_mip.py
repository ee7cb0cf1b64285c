"""The same model as a MIP, solved by HiGHS (or SCIP) through OR-Tools' MathOpt.

The CP-SAT model of ``_model`` is linear throughout (Booleans, bounded integers, linear
constraints), so it *is* a mixed-integer program: this module reads its variables and linear
constraints from the CP-SAT proto and hands them, with an objective, to a MIP solver. There is
no second formulation to keep in step with the rules: a rule's model constraint is written
once, in the registry, and both solvers see it.

CP-SAT finds good plans fast but on large instances its bound stays near the root; a MIP
solver's LP-based bound closes the gap and proves optimality where that is attainable.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from ortools.math_opt import model_pb2
from ortools.math_opt.python import mathopt
from ortools.sat.python import cp_model
from ortools.util.python.solve_interrupter import SolveInterrupter

__all__ = ["MipOutcome", "solve_mip"]

_SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP}
_INFINITY = 2**62


@dataclass(frozen=True, slots=True)
class MipOutcome:
    """What the MIP solver found: values by CP-SAT variable index, objective and bound."""

    status: str  # "OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"
    values: dict[int, int]
    objective: float | None
    bound: float | None
    wall_s: float


def _limit(value: int) -> float:
    return float("inf") if value >= _INFINITY else float("-inf") if value <= -_INFINITY else value


def _proto(
    model: cp_model.CpModel, objective: Sequence[tuple[int, int]], *, maximize: bool
) -> model_pb2.ModelProto:
    """The CP-SAT model's variables and linear constraints as a MathOpt model proto."""
    source = model.proto
    proto = model_pb2.ModelProto(name="vppool-matching")
    variables = proto.variables
    count = len(source.variables)
    variables.ids.extend(range(count))
    lower = []
    upper = []
    for var in source.variables:
        domain = var.domain
        lower.append(_limit(domain[0]))
        upper.append(_limit(domain[len(domain) - 1]))
    variables.lower_bounds.extend(lower)
    variables.upper_bounds.extend(upper)
    variables.integers.extend([True] * count)
    rows = proto.linear_constraints
    matrix = proto.linear_constraint_matrix
    for row, constraint in enumerate(source.constraints):
        if not constraint.has_linear() or len(constraint.enforcement_literal):
            msg = "the matching model is not linear; the MIP cannot read it"
            raise ValueError(msg)
        linear = constraint.linear
        if len(linear.domain) != 2:
            msg = "a linear constraint with a holed domain; the MIP cannot read it"
            raise ValueError(msg)
        rows.ids.append(row)
        rows.lower_bounds.append(_limit(linear.domain[0]))
        rows.upper_bounds.append(_limit(linear.domain[1]))
        terms: dict[int, int] = {}
        for index, coefficient in zip(linear.vars, linear.coeffs, strict=True):
            if index < 0:  # a negated literal: coefficient * (1 - x)
                msg = "a negated literal in a linear constraint; the MIP cannot read it"
                raise ValueError(msg)
            terms[index] = terms.get(index, 0) + coefficient
        for index in sorted(terms):
            matrix.row_ids.append(row)
            matrix.column_ids.append(index)
            matrix.coefficients.append(float(terms[index]))
    merged: dict[int, int] = {}
    for index, coefficient in objective:
        merged[index] = merged.get(index, 0) + coefficient
    proto.objective.maximize = maximize
    ids = sorted(i for i, c in merged.items() if c)
    proto.objective.linear_coefficients.ids.extend(ids)
    proto.objective.linear_coefficients.values.extend(float(merged[i]) for i in ids)
    return proto


def solve_mip(
    model: cp_model.CpModel,
    objective: Sequence[tuple[int, int]],
    *,
    maximize: bool,
    time_limit_s: float,
    solver: str = "highs",
    threads: int = 1,
    hint: dict[int, int] | None = None,
    tick: Callable[[float], bool] | None = None,
    relaxation_first: bool = False,
    on_relaxation: Callable[[float], None] | None = None,
    on_relaxed_values: Callable[[list[float]], None] | None = None,
    presolve: bool = False,
    heuristics: bool = True,
    held_off: Collection[int] = (),
    held: Mapping[int, int] | None = None,
) -> MipOutcome:
    """Solve ``model`` (CP-SAT, linear) with ``objective`` (index, coefficient) as a MIP.

    ``tick`` is called about once a second with the seconds spent; returning True stops the
    solver (cancellation). HiGHS takes the hint as its first incumbent; SCIP does too.

    With ``relaxation_first`` the LP relaxation is solved before the MIP: a true bound that
    stands when the MIP stops (its limit, or interrupted) before it reports one of its own
    (on L, seed 1, HiGHS's branch and bound returned no bound within two minutes of a
    loaded machine, while the LP takes seconds). ``on_relaxation`` receives that bound as
    soon as it is known (a caller that stops waiting for the MIP keeps it).

    ``presolve`` runs HiGHS's presolve. On level 1 (filling seats) it pays: M, seed 1, rows
    1,142 -> 603 in a moment, level 1 proven in 2.3 s. On level 2 it spent most of the limit
    (the one dense row holding level 1, the fairness rows' large coefficients: 46 s on L
    before the first LP), so level 2 runs without.

    ``on_relaxed_values`` receives the LP relaxation's value of every variable (by index),
    for a search guided by it. ``heuristics=False`` leaves HiGHS's primal heuristics out:
    where another engine searches for plans HiGHS is there for its bound, and inside a
    root heuristic it can overrun its limit by many seconds, deaf to interruption (L, seed
    1: its level-2 heuristics spent 55 s and found nothing; without them it stops on
    time with the bound its cuts reached). ``held_off`` are variables held at 0, ``held``
    variables held at the given value (a restricted model, whose bound is no bound of the
    whole).
    """
    started = time.perf_counter()
    proto = _proto(model, objective, maximize=maximize)
    for index in held_off:
        proto.variables.upper_bounds[index] = min(proto.variables.upper_bounds[index], 0.0)
    for index, value in (held or {}).items():
        proto.variables.lower_bounds[index] = proto.variables.upper_bounds[index] = float(value)
    math_model = mathopt.Model.from_model_proto(proto)
    variables = [math_model.get_variable(i) for i in range(len(model.proto.variables))]
    interrupter = SolveInterrupter()
    done = threading.Event()

    def watch() -> None:
        while tick is not None and not done.wait(1.0):
            if tick(time.perf_counter() - started):
                interrupter.interrupt()
                return

    def left() -> timedelta:
        return timedelta(seconds=max(0.05, time_limit_s - (time.perf_counter() - started)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        relaxed = (
            _relaxation(
                proto,
                left(),
                interrupter,
                barrier=maximize,
                with_values=on_relaxed_values is not None,
            )
            if relaxation_first
            else None
        )
        if relaxed is not None and on_relaxation is not None:
            on_relaxation(_integer_bound(relaxed[0], maximize=maximize))
        if relaxed is not None and on_relaxed_values is not None:
            on_relaxed_values(relaxed[1])  # read only when asked for
        result = _solve_mip(
            math_model,
            variables,
            solver,
            threads,
            left(),
            hint,
            interrupter,
            presolve=presolve,
            heuristics=heuristics,
        )
    finally:
        done.set()
        watcher.join()
    outcome = _outcome(result, variables, maximize=maximize, started=started)
    if relaxed is None:
        return outcome
    bounds = [_integer_bound(relaxed[0], maximize=maximize)]
    bounds += [] if outcome.bound is None else [outcome.bound]
    return replace(outcome, bound=min(bounds) if maximize else max(bounds))


def _integer_bound(value: float, *, maximize: bool) -> float:
    """Integer coefficients: the optimum is an integer, so is a true bound."""
    return math.floor(value + 1e-6) if maximize else math.ceil(value - 1e-6)


def _relaxation(
    proto: model_pb2.ModelProto,
    limit: timedelta,
    interrupter: SolveInterrupter,
    *,
    barrier: bool,
    with_values: bool = False,
) -> tuple[float, list[float]] | None:
    """The LP relaxation's optimum and values (HiGHS), or ``None`` when not solved in time.

    The values (every variable's, by index) are read only ``with_values``: on XL that is
    150,000 variables; the guided start of level 1 and the RINS steps of level 2 read them.

    ``barrier``: by the interior-point method. Level 1's LP (filling seats) is very
    degenerate: on L, seed 1, HiGHS's simplex had not finished after 25 CPU seconds, its
    barrier took 2.4 (M: 0.3 against 0.5). Level 2's LP the simplex solves faster (L: 1.1
    CPU seconds against 2.9).
    """
    relaxed = model_pb2.ModelProto()
    relaxed.CopyFrom(proto)
    del relaxed.variables.integers[:]
    relaxed.variables.integers.extend([False] * len(relaxed.variables.ids))
    lp = mathopt.Model.from_model_proto(relaxed)
    result = mathopt.solve(
        lp,
        mathopt.SolverType.HIGHS,
        params=mathopt.SolveParameters(
            time_limit=limit,
            enable_output=False,
            lp_algorithm=mathopt.LPAlgorithm.BARRIER if barrier else None,
        ),
        interrupter=interrupter,
    )
    if result.termination.reason != mathopt.TerminationReason.OPTIMAL:
        return None
    if not with_values:
        return float(result.objective_value()), []
    values = result.variable_values()
    count = len(relaxed.variables.ids)
    return float(result.objective_value()), [values[lp.get_variable(i)] for i in range(count)]


def _solve_mip(  # noqa: PLR0917  (the MIP's own settings, in one place)
    math_model: mathopt.Model,
    variables: list[mathopt.Variable],
    solver: str,
    threads: int,
    limit: timedelta,
    hint: dict[int, int] | None,
    interrupter: SolveInterrupter,
    *,
    presolve: bool,
    heuristics: bool,
) -> mathopt.SolveResult:
    params = mathopt.SolveParameters(
        time_limit=limit,
        # Every coefficient is an integer, so a gap below one point is a proof of optimality.
        relative_gap_tolerance=0.0,
        absolute_gap_tolerance=0.999,
        threads=threads if solver != "highs" else None,
        enable_output=False,
        # HiGHS's presolve on level 2 spent most of the limit (50 of 60 s on M, seed 1)
        # and reduced it by a fifth; without it the root bound comes in about a second.
        presolve=mathopt.Emphasis.OFF if solver == "highs" and not presolve else None,
        heuristics=None if heuristics else mathopt.Emphasis.OFF,
    )
    model_params = None
    if hint:
        model_params = mathopt.ModelSolveParameters(
            solution_hints=[
                mathopt.SolutionHint(
                    variable_values={variables[i]: float(v) for i, v in hint.items()}
                )
            ]
        )
    return mathopt.solve(
        math_model,
        _SOLVERS[solver],
        params=params,
        model_params=model_params,
        interrupter=interrupter,
    )


def _outcome(
    result: mathopt.SolveResult,
    variables: list[mathopt.Variable],
    *,
    maximize: bool,
    started: float,
) -> MipOutcome:
    reason = result.termination.reason
    found = result.has_primal_feasible_solution()
    if reason == mathopt.TerminationReason.OPTIMAL:
        status = "OPTIMAL"
    elif reason == mathopt.TerminationReason.INFEASIBLE:
        status = "INFEASIBLE"
    else:
        status = "FEASIBLE" if found else "UNKNOWN"
    values: dict[int, int] = {}
    objective_value: float | None = None
    if found:
        solution = result.variable_values()
        values = {i: round(solution[var]) for i, var in enumerate(variables)}
        objective_value = result.objective_value()
    bounds = result.termination.objective_bounds
    bound = bounds.dual_bound
    finite = bound not in (float("inf"), float("-inf"))
    if finite:
        bound = _integer_bound(bound, maximize=maximize)
    return MipOutcome(
        status=status,
        values=values,
        objective=objective_value,
        bound=bound if finite else None,
        wall_s=time.perf_counter() - started,
    )
