"""Quick match: rank every VP for one urgent need against the current plan, without a solve."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vppool.matching._candidates import room_for
from vppool.matching._context import Context
from vppool.matching._explain import Loads
from vppool.matching._types import MatchingInstance, NeedInput, Plan

__all__ = ["QuickMatch", "QuickMatcher", "RankedCandidate", "quick_match"]


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    """An eligible VP with the marginal cost of adding them to the need."""

    trust_person_id: int
    name: str
    marginal_cost: int
    distance_km: float
    terms: dict[str, int]


@dataclass(frozen=True, slots=True)
class QuickMatch:
    """Eligible VPs, cheapest first, and how many VPs each rule excluded."""

    need_id: int
    ranked: tuple[RankedCandidate, ...]
    ineligible: dict[str, int]


class QuickMatcher:
    """Built once per plan; :meth:`rank` then answers in milliseconds."""

    def __init__(self, instance: MatchingInstance, plan: Plan | None = None) -> None:
        self.ctx = Context(instance)
        self.loads = Loads(self.ctx, plan if plan is not None else Plan(dict(self.ctx.fixed)))

    def rank(self, need: NeedInput, limit: int | None = None) -> QuickMatch:
        """Rank every VP for ``need`` (which may be new to the instance)."""
        ctx = self.ctx
        if need.id not in ctx.loads:
            ctx.needs[need.id] = need
            ctx.loads[need.id] = ctx._load(need)
            ctx.standing_months[need.id] = (
                frozenset(ctx.loads[need.id].per_month) if need.is_standing else frozenset()
            )
        total = ctx.loads[need.id].total
        on_need = self.loads.on_need.get(need.id, set())
        previous = ctx.previous.get(need.id, set())
        excluded: Counter[str] = Counter()
        ranked = []
        for vp in ctx.instance.trust_persons:
            if vp.id in on_need:
                excluded["distinct_trust_persons"] += 1
                continue
            rejection = ctx.rejection(need, vp)
            if rejection is not None:
                excluded[rejection[0]] += 1
                continue
            no_room = room_for(ctx, need, vp, self.loads.hours, self.loads.clients)
            if no_room is not None:
                excluded[no_room.split(":", 1)[0]] += 1
                continue
            terms = dict(ctx.pair_costs(need, vp))
            current = self.loads.totals.get(vp.id, 0)
            terms["fair_workload"] = ctx.fairness_cost(vp, current + total) - ctx.fairness_cost(
                vp, current
            )
            terms["continuity"] = -ctx.instance.weights.continuity if vp.id in previous else 0
            ranked.append(
                RankedCandidate(
                    vp.id, vp.name, sum(terms.values()), round(ctx.distance_km(need, vp), 1), terms
                )
            )
        ranked.sort(key=lambda c: (c.marginal_cost, c.distance_km, c.trust_person_id))
        return QuickMatch(need.id, tuple(ranked[:limit] if limit else ranked), dict(excluded))


def quick_match(
    instance: MatchingInstance, need: NeedInput, plan: Plan | None = None
) -> QuickMatch:
    """One-off quick match (build a :class:`QuickMatcher` to rank many needs fast)."""
    return QuickMatcher(instance, plan).rank(need)
