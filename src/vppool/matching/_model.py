"""The CP-SAT model: one Boolean per (need, candidate VP), the plan rules, two objective levels.

Seats of one need are interchangeable, so the model decides *which VPs serve a need* (at most
its open seats) rather than who sits on seat 1 or 2: that removes the symmetry between seats
and makes "distinct VPs per need" hold by construction. Seat numbers are given afterwards.

Level 1 maximises the urgency-weighted number of filled seats; level 2, with level 1 held at
its optimum, minimises travel, continuity, fair workload, sector and preference costs. Each
plan rule is added by a function named after it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from vppool.matching._candidates import Candidates
from vppool.matching._context import Context

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
    #: Fairness excess variables per VP, for reading the term back.
    fairness_vars: dict[int, list[tuple[cp_model.IntVar, int]]] = field(default_factory=dict)

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
    parts.cost_terms = {
        name: []
        for name in ("travel", "continuity", "fair_workload", "sector_experience", "preferences")
    }
    parts.constants = dict.fromkeys(parts.cost_terms, 0)
    model = parts.model
    for need_id, vp_ids in candidates.by_need.items():
        for vp_id in vp_ids:
            parts.serve[(need_id, vp_id)] = model.new_bool_var(f"serve_n{need_id}_v{vp_id}")
    distinct_trust_persons(ctx, candidates, parts)
    capacity_hours(ctx, candidates, parts)
    capacity_standing_clients(ctx, candidates, parts)
    gender_mix(ctx, candidates, parts)
    _pair_costs(ctx, candidates, parts)
    _continuity(ctx, parts)
    _fair_workload(ctx, candidates, parts)
    return parts


def distinct_trust_persons(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """distinct_trust_persons: at most the open seats per need, one variable per VP (once)."""
    for need_id, vp_ids in candidates.by_need.items():
        need = ctx.needs[need_id]
        open_count = len(ctx.open_seats(need))
        chosen = [parts.serve[(need_id, vp_id)] for vp_id in vp_ids]
        if chosen:
            parts.model.add(sum(chosen) <= open_count)
        weight = ctx.unfilled_weight(need)
        parts.fill_terms.extend((var, weight) for var in chosen)


def _by_vp(candidates: Candidates) -> dict[int, list[int]]:
    needs_of: dict[int, list[int]] = defaultdict(list)
    for need_id, vp_ids in candidates.by_need.items():
        for vp_id in vp_ids:
            needs_of[vp_id].append(need_id)
    return needs_of


def capacity_hours(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """capacity_hours: per VP and calendar month, hours within capacity (after kept ones)."""
    for vp_id, need_ids in _by_vp(candidates).items():
        vp = ctx.vps[vp_id]
        room = [ctx.capacity_minutes(vp) - used for used in ctx.fixed_hours[vp_id]]
        per_month: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for need_id in need_ids:
            var = parts.serve[(need_id, vp_id)]
            for index, minutes in ctx.loads[need_id].per_month.items():
                per_month[index].append((var, minutes))
        for index, terms in per_month.items():
            if sum(t for _, t in terms) <= room[index]:
                continue  # cannot bind: leave it out of the model
            parts.model.add(
                cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [t for _, t in terms])
                <= max(0, room[index])
            )


def capacity_standing_clients(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """capacity_standing_clients: standing needs per VP and month within the maximum."""
    for vp_id, need_ids in _by_vp(candidates).items():
        vp = ctx.vps[vp_id]
        room = [vp.capacity_standing_clients - used for used in ctx.fixed_clients[vp_id]]
        per_month: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for need_id in need_ids:
            for index in ctx.standing_months[need_id]:
                per_month[index].append(parts.serve[(need_id, vp_id)])
        for index, variables in per_month.items():
            if len(variables) <= room[index]:
                continue
            parts.model.add(sum(variables) <= max(0, room[index]))


def gender_mix(ctx: Context, candidates: Candidates, parts: ModelParts) -> None:
    """gender_mix: where required, two or more VPs on a need include two known genders."""
    model = parts.model
    for need_id, vp_ids in candidates.by_need.items():
        need = ctx.needs[need_id]
        if not need.requires_gender_mix or need.seats < 2:
            continue
        fixed = list(ctx.fixed_by_need.get(need_id, {}).values())
        fixed_genders = {ctx.vps[v].gender for v in fixed} - {None}
        if len(fixed) >= 2 and len(fixed_genders) < 2:
            continue  # already broken by kept assignments: the validator reports it
        chosen = [parts.serve[(need_id, vp_id)] for vp_id in vp_ids]
        present: list[cp_model.LinearExprT] = []
        genders = {ctx.vps[v].gender for v in vp_ids} | fixed_genders
        for gender in sorted(g for g in genders if g is not None):
            if gender in fixed_genders:
                present.append(1)
                continue
            has = model.new_bool_var(f"gender_n{need_id}_{gender}")
            members = [parts.serve[(need_id, v)] for v in vp_ids if ctx.vps[v].gender == gender]
            model.add(has <= sum(members))
            present.append(has)
        several = model.new_bool_var(f"several_n{need_id}")
        total = len(fixed) + sum(chosen)
        model.add(total <= 1 + need.seats * several)
        model.add(sum(present) >= 2 * several)


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
    needs_of = _by_vp(candidates)
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
        excesses = []
        for threshold, slope in ctx.instance.weights.fairness_tiers:
            top = -(-(100 * most - threshold * capacity) // capacity)
            if top <= 0:
                continue
            excess = model.new_int_var(0, top, f"excess_v{vp.id}_{threshold}")
            model.add(capacity * excess >= 100 * load - threshold * capacity)
            excesses.append((excess, slope))
            parts.cost_terms["fair_workload"].append((excess, slope))
        parts.fairness_vars[vp.id] = excesses
