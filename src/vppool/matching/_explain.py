"""Explanations: why a seat stayed empty, and who else could take a filled seat at what cost."""

from __future__ import annotations

from collections import Counter, defaultdict

from vppool.matching._candidates import Candidates, room_for
from vppool.matching._context import Context
from vppool.matching._rules import rule_named
from vppool.matching._types import (
    Alternative,
    ExcludedTrustPerson,
    MatchingInstance,
    NeedInput,
    Plan,
    SeatRef,
    UnfilledSeat,
    Words,
    message_id,
)

__all__ = [
    "Loads",
    "alternatives_for",
    "excluded_from",
    "explain_unfilled",
    "plan_loads",
    "utilisation",
]


class Loads:
    """Monthly hours, standing clients and horizon totals per VP under a plan."""

    def __init__(self, ctx: Context, plan: Plan) -> None:
        months = len(ctx.months)
        self.hours: dict[int, list[int]] = defaultdict(lambda: [0] * months)
        self.clients: dict[int, list[int]] = defaultdict(lambda: [0] * months)
        self.totals: dict[int, int] = defaultdict(int)
        self.on_need: dict[int, set[int]] = defaultdict(set)
        for seat, vp_id in plan.assignments.items():
            ctx.add_load(vp_id, seat.need_id, self.hours, self.clients)
            self.totals[vp_id] += ctx.loads[seat.need_id].total
            self.on_need[seat.need_id].add(vp_id)


def plan_loads(ctx: Context, plan: Plan) -> Loads:
    """The loads of ``plan``."""
    return Loads(ctx, plan)


def _why_not(ctx: Context, need: NeedInput, vp_id: int, loads: Loads) -> str:
    vp = ctx.vps[vp_id]
    no_room = room_for(ctx, need, vp, loads.hours, loads.clients)
    if no_room is not None:
        return no_room
    if need.requires_gender_mix and vp.gender is not None:
        present = {ctx.vps[v].gender for v in loads.on_need[need.id]}
        if present == {vp.gender}:
            return "gender_mix"
    return "unused"


_READS = {
    "unused": "eligible but left free (the solver stopped before using them)",
    "pruned": "not considered (beyond the candidate limit)",
}


def explain_unfilled(
    ctx: Context, candidates: Candidates, plan: Plan, loads: Loads
) -> list[UnfilledSeat]:
    """For every empty seat: counts per reason and a sentence a planner understands."""
    result: list[UnfilledSeat] = []
    filled_seats = set(plan.assignments)
    for need in ctx.instance.needs:
        empty = [s for s in range(1, need.seats + 1) if SeatRef(need.id, s) not in filled_seats]
        if not empty:
            continue
        reasons: Counter[str] = Counter(candidates.excluded.get(need.id, Counter()))
        months: Counter[str] = Counter(candidates.capacity_detail.get(need.id, Counter()))
        chosen = loads.on_need[need.id]
        # Every VP counts once: those on another seat of this need (kept ones are already in
        # the candidates' exclusions), those without room or mix, and the unused ones.
        pruned = set(candidates.pruned.get(need.id, []))
        for vp_id in candidates.by_need.get(need.id, []) + sorted(pruned):
            if vp_id in chosen:
                reasons["distinct_trust_persons"] += 1
                continue
            why = _why_not(ctx, need, vp_id, loads)
            if why == "unused" and vp_id in pruned:
                why = "pruned"
            reasons[why.split(":", 1)[0]] += 1
            if ":" in why:
                months[why] += 1
        message = _sentence(ctx, need, len(empty), reasons, months)
        for seat in empty:
            result.append(UnfilledSeat(SeatRef(need.id, seat), dict(reasons), message))
    return result


def _sentence(
    ctx: Context, need: NeedInput, empty: int, reasons: Counter[str], months: Counter[str]
) -> str:
    head = f"{empty} of {need.seats} seat(s) of '{need.organisation_name}' ({need.kind}) unfilled"
    parts = []
    for rule, count in reasons.most_common():
        if rule in _READS:
            parts.append(f"{count} {_READS[rule]}")
            continue
        text = f"{count} {rule_named(rule).excluded_as}"
        if rule == "language" and need.languages:
            text += f" ({', '.join(sorted(need.languages))})"
        if rule == "scope_qualification":
            text += f" ({', '.join(sorted(need.scopes))})"
        if rule in {"capacity_hours", "capacity_standing_clients"}:
            detail = [
                key.split(":", 1)[1]
                for key, _ in months.most_common()
                if key.startswith(rule + ":")
            ]
            if detail:
                text += f" in {detail[0]}"
        if rule == "travel_distance" and need.max_travel_km is not None:
            text += f" (limit {need.max_travel_km:.0f} km)"
        parts.append(text)
    total = len(ctx.instance.trust_persons)
    return f"{head}: of {total} VPs, " + ", ".join(parts) if parts else head


def alternatives_for(
    ctx: Context,
    *,
    candidates: Candidates,
    seat: SeatRef,
    vp_id: int,
    loads: Loads,
    limit: int,
) -> list[Alternative]:
    """The best other VPs for a filled seat, with the change in total cost if swapped in."""
    need = ctx.needs[seat.need_id]
    current_vp = ctx.vps[vp_id]
    total = ctx.loads[need.id].total
    previous = ctx.previous.get(need.id, set())
    weight = ctx.instance.weights.continuity
    release = ctx.fairness_cost(current_vp, loads.totals[vp_id]) - ctx.fairness_cost(
        current_vp, loads.totals[vp_id] - total
    )
    current = sum(ctx.pair_costs(need, current_vp).values()) + release
    if vp_id in previous:
        current -= weight
    options: list[Alternative] = []
    pool = candidates.by_need.get(need.id, []) + candidates.pruned.get(need.id, [])
    for other_id in pool:
        if other_id in loads.on_need[need.id]:
            continue
        other = ctx.vps[other_id]
        if room_for(ctx, need, other, loads.hours, loads.clients) is not None:
            continue
        if need.requires_gender_mix:
            team = (loads.on_need[need.id] - {vp_id}) | {other_id}
            if len(team) >= 2 and len({ctx.vps[v].gender for v in team} - {None}) < 2:
                continue
        added = ctx.fairness_cost(other, loads.totals[other_id] + total) - ctx.fairness_cost(
            other, loads.totals[other_id]
        )
        cost = sum(ctx.pair_costs(need, other).values()) + added
        if other_id in previous:
            cost -= weight
        options.append(Alternative(other_id, other.name, float(cost - current)))
    options.sort(key=lambda alt: (alt.cost_delta, alt.trust_person_id))
    return options[:limit]


def utilisation(instance: MatchingInstance | Context, plan: Plan) -> dict[int, float]:
    """Each VP's load under ``plan`` as a percentage of capacity, averaged over the horizon."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    loads = Loads(ctx, plan)
    months = len(ctx.months)
    result = {}
    for vp in ctx.instance.trust_persons:
        capacity = ctx.capacity_minutes(vp) * months
        if capacity > 0:
            result[vp.id] = round(100 * loads.totals.get(vp.id, 0) / capacity, 1)
    return result


# How the explanation words one VP's exclusion (message ids, said in the page's language).
NO_HOURS_LEFT = message_id("{used} h of {capacity} h taken in {month}; this need adds {adds} h")
NO_CLIENT_LEFT = message_id("{count} of {maximum} standing clients in {month}")
ON_THIS_NEED = message_id("on seat {seat} of this need")
ONE_GENDER = message_id("the team would be {gender} only")
ELIGIBLE_AND_FREE = message_id("eligible and free")


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _month(ctx: Context, index: int) -> str:
    year, month = ctx.months[index]
    return f"{year:04d}-{month:02d}"


def _no_room(
    ctx: Context,
    need: NeedInput,
    vp_id: int,
    hours: dict[int, list[int]],
    clients: dict[int, list[int]],
) -> tuple[str, Words] | None:
    """Capacity that keeps the VP off this need under these loads, with its numbers."""
    vp = ctx.vps[vp_id]
    capacity = ctx.capacity_minutes(vp)
    for index, minutes in ctx.loads[need.id].per_month.items():
        used = hours[vp_id][index]
        if used + minutes > capacity:
            return (
                "capacity_hours",
                Words(
                    NO_HOURS_LEFT,
                    {
                        "used": _hours(used),
                        "capacity": _hours(capacity),
                        "month": _month(ctx, index),
                        "adds": _hours(minutes),
                    },
                ),
            )
    for index in ctx.standing_months[need.id]:
        taken = clients[vp_id][index]
        if taken + 1 > vp.capacity_standing_clients:
            return (
                "capacity_standing_clients",
                Words(
                    NO_CLIENT_LEFT,
                    {
                        "count": taken,
                        "maximum": vp.capacity_standing_clients,
                        "month": _month(ctx, index),
                    },
                ),
            )
    return None


def excluded_from(
    instance: MatchingInstance | Context, plan: Plan, need_id: int
) -> list[ExcludedTrustPerson]:
    """Every VP, by name, with the rule and the number that keeps them off this need's seats.

    For one need at a time (a planner opens one empty seat): "Elif Şahin — travel_distance —
    62 km away (limit 40 km)". Every VP of the instance is listed once, blamed in the order
    the run's counts use (:func:`explain_unfilled`): on a seat of the need; the first pair
    rule broken; no room beside the kept assignments; no room beside the plan; the gender
    mix; else "eligible and free" (eligible with room, left free by the solver or not
    considered beyond the candidate limit).
    """
    ctx = instance if isinstance(instance, Context) else Context(instance)
    need = ctx.needs[need_id]
    loads = Loads(ctx, plan)
    seat_of = {vp: seat.seat for seat, vp in plan.assignments.items() if seat.need_id == need_id}
    present = {ctx.vps[v].gender for v in loads.on_need[need_id]}
    result = []
    for vp in sorted(ctx.instance.trust_persons, key=lambda v: (v.name, v.id)):
        why: tuple[str, Words] | None
        if vp.id in seat_of:
            why = ("distinct_trust_persons", Words(ON_THIS_NEED, {"seat": seat_of[vp.id]}))
        else:
            why = (
                ctx.rejection(need, vp)
                or _no_room(ctx, need, vp.id, ctx.fixed_hours, ctx.fixed_clients)
                or _no_room(ctx, need, vp.id, loads.hours, loads.clients)
            )
        one_gender = vp.gender is not None and present == {vp.gender}
        if why is None and need.requires_gender_mix and one_gender:
            why = ("gender_mix", Words(ONE_GENDER, {"gender": vp.gender}))
        rule, detail = why or ("unused", Words(ELIGIBLE_AND_FREE))
        result.append(ExcludedTrustPerson(vp.id, vp.name, rule, detail))
    return result
