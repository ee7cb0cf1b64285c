"""The objective of any plan: every soft rule's value, with the same integers as the model.

``objective_terms`` scores a plan from any source (the solver, the greedy baseline, a kept
plan) on equal terms with the solver's, so plans can be compared.
"""

from __future__ import annotations

from collections import defaultdict

from vppool.matching._context import Context
from vppool.matching._rules import SOFT_RULES
from vppool.matching._types import MatchingInstance, Plan

__all__ = ["objective_terms"]


def objective_terms(instance: MatchingInstance | Context, plan: Plan) -> dict[str, int]:
    """The value of every soft rule for ``plan`` (level 1 and level 2), as the model counts."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    weights = ctx.instance.weights
    terms = dict.fromkeys((rule.name for rule in SOFT_RULES), 0)
    chosen: dict[int, set[int]] = defaultdict(set)
    filled: dict[int, int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    for seat, vp_id in plan.assignments.items():
        need = ctx.needs.get(seat.need_id)
        vp = ctx.vps.get(vp_id)
        if need is None or vp is None:
            continue
        chosen[need.id].add(vp_id)
        filled[need.id] += 1
        totals[vp_id] += ctx.loads[need.id].total
        for name, value in ctx.pair_costs(need, vp).items():
            terms[name] += value
    for need in ctx.instance.needs:
        empty = max(0, need.seats - filled[need.id])
        terms["unfilled_seats"] += empty
        terms["urgency"] += empty * (ctx.unfilled_weight(need) - 1)
        previous = ctx.previous.get(need.id, set())
        terms["continuity"] += weights.continuity * len(previous - chosen[need.id])
    for vp in ctx.instance.trust_persons:
        terms["fair_workload"] += ctx.fairness_cost(vp, totals.get(vp.id, 0))
    return terms
