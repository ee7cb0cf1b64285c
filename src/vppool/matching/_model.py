"""The CP-SAT model: one Boolean per (need, candidate VP), the plan rules, two objective levels.

Seats of one need are interchangeable, so the model decides *which VPs serve a need* (at most
its open seats) rather than who sits on seat 1 or 2: that removes the symmetry between seats
and makes "distinct VPs per need" hold by construction. Seat numbers are given afterwards.

Level 1 maximises the urgency-weighted number of filled seats; level 2, with level 1 held at
its optimum, minimises travel, continuity, fair workload, sector and preference costs. Each
plan rule's constraint is registered with the rule (``_rules.HARD_RULES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from vppool.matching._candidates import Candidates
from vppool.matching._context import Context
from vppool.matching._rules import HARD_RULES, SOFT_RULES

__all__ = ["ModelParts", "build_model"]

LinearExpr = cp_model.LinearExprT


@dataclass
class ModelParts:
    """The model, its decision variables and the objective expressions."""

    model: cp_model.CpModel
    serve: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    #: Level 1: sum over needs of urgency weight times filled open seats (maximised).
    fill_terms: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    #: Level 2, variable part: (variable, coefficient) pairs, per soft rule.
    cost_terms: dict[str, list[tuple[cp_model.IntVar, int]]] = field(default_factory=dict)
    #: Level 2, constant part per soft rule (kept assignments, forced changes, idle fairness).
    constants: dict[str, int] = field(default_factory=dict)
    #: Fairness excess variables per VP with their tier's threshold, to hint them.
    fairness_vars: dict[int, list[tuple[cp_model.IntVar, int]]] = field(default_factory=dict)
    #: Utilisation in whole percent (rounded up) per VP with a fairness cost, to hint it.
    utilisation: dict[int, cp_model.IntVar] = field(default_factory=dict)

    def fill_expr(self) -> cp_model.LinearExpr:
        """Level-1 objective (to maximise)."""
        return cp_model.LinearExpr.weighted_sum(
            [v for v, _ in self.fill_terms], [c for _, c in self.fill_terms]
        )

    def cost_expr(self) -> cp_model.LinearExpr:
        """Level-2 objective, variable part (to minimise)."""
        pairs = [pair for terms in self.cost_terms.values() for pair in terms]
        return cp_model.LinearExpr.weighted_sum([v for v, _ in pairs], [c for _, c in pairs])

    @property
    def constant(self) -> int:
        """Level-2 cost that no decision changes."""
        return sum(self.constants.values())


def build_model(ctx: Context, candidates: Candidates) -> ModelParts:
    """Create the variables, the plan rules and both objective levels."""
    parts = ModelParts(model=cp_model.CpModel())
    parts.cost_terms = {rule.name: [] for rule in SOFT_RULES if rule.level == 2}
    parts.constants = dict.fromkeys(parts.cost_terms, 0)
    model = parts.model
    for need_id, vp_ids in candidates.by_need.items():
        for vp_id in vp_ids:
            parts.serve[(need_id, vp_id)] = model.new_bool_var(f"serve_n{need_id}_v{vp_id}")
    for need_id, vp_ids in candidates.by_need.items():
        weight = ctx.unfilled_weight(ctx.needs[need_id])
        parts.fill_terms.extend((parts.serve[(need_id, vp_id)], weight) for vp_id in vp_ids)
    for rule in HARD_RULES:
        if rule.constrain is not None:
            rule.constrain(ctx, candidates, parts)
    _pair_costs(ctx, candidates, parts)
    _continuity(ctx, parts)
    _fair_workload(ctx, candidates, parts)
    return parts


def _pair_costs(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    for (need_id, vp_id), costs in candidates.cost.items():
        var = parts.serve[(need_id, vp_id)]
        for name, value in costs.items():
            if value:
                parts.cost_terms[name].append((var, value))
    for seat, vp_id in ctx.fixed.items():
        for name, value in ctx.pair_costs(ctx.needs[seat.need_id], ctx.vps[vp_id]).items():
            parts.constants[name] += value


def _continuity(ctx: Context, parts: ModelParts) -> None:
    weight = ctx.instance.weights.continuity
    for need_id, previous in ctx.previous.items():
        for vp_id in previous:
            parts.constants["continuity"] += weight
            var = parts.serve.get((need_id, vp_id))
            if var is not None:
                parts.cost_terms["continuity"].append((var, -weight))


def _fair_workload(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    model = parts.model
    needs_of = candidates.needs_of()
    months = len(ctx.months)
    for vp in ctx.instance.trust_persons:
        fixed_total = ctx.fixed_total.get(vp.id, 0)
        need_ids = needs_of.get(vp.id)
        if not need_ids:
            parts.constants["fair_workload"] += ctx.fairness_cost(vp, fixed_total)
            continue
        capacity = ctx.capacity_minutes(vp) * months
        if capacity <= 0:
            continue
        variables = [parts.serve[(n, vp.id)] for n in need_ids]
        totals = [ctx.loads[n].total for n in need_ids]
        load = cp_model.LinearExpr.weighted_sum(variables, totals) + fixed_total
        most = fixed_total + sum(totals)
        # Utilisation in whole percent, rounded up: one row with the loads' large
        # coefficients per VP, then each tier's excess over its threshold in small numbers
        # (ceil((100 * load - t * capacity) / capacity) = ceil(100 * load / capacity) - t).
        top = -(-100 * most // capacity)
        tiers = [(t, slope) for t, slope in ctx.instance.weights.fairness_tiers if top > t]
        if not tiers:
            continue
        utilisation = model.new_int_var(
            -(-100 * fixed_total // capacity), top, f"utilisation_v{vp.id}"
        )
        model.add(capacity * utilisation >= 100 * load)
        parts.utilisation[vp.id] = utilisation
        excesses = []
        for threshold, slope in tiers:
            excess = model.new_int_var(0, top - threshold, f"excess_v{vp.id}_{threshold}")
            model.add(excess >= utilisation - threshold)
            excesses.append((excess, threshold))
            parts.cost_terms["fair_workload"].append((excess, slope))
        parts.fairness_vars[vp.id] = excesses
