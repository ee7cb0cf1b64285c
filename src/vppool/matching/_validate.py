"""The validator: the executable specification of the hard rules, independent of CP-SAT.

``validate`` re-checks any plan, whatever produced it (the solver, the greedy baseline, a
planner's manual override, an imported schedule), and returns the violations as data.
``objective_terms`` scores any plan with the same integers the model uses, so a plan from
another source can be compared with the solver's on equal terms.
"""

from __future__ import annotations

from collections import defaultdict

from vppool.matching._context import Context, month_label
from vppool.matching._types import MatchingInstance, Plan, SeatRef, Violation

__all__ = ["new_violations", "objective_terms", "validate"]


def validate(instance: MatchingInstance | Context, plan: Plan) -> list[Violation]:
    """Every hard-rule violation in ``plan``."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    violations: list[Violation] = []
    by_need: dict[int, list[tuple[SeatRef, int]]] = defaultdict(list)
    for seat, vp_id in sorted(plan.assignments.items()):
        need = ctx.needs.get(seat.need_id)
        vp = ctx.vps.get(vp_id)
        if need is None or vp is None or not 1 <= seat.seat <= (need.seats if need else 0):
            what = "unknown need or seat" if vp is not None else f"unknown trust person {vp_id}"
            violations.append(Violation("fixed_assignments_kept", what, seat, vp_id))
            continue
        by_need[seat.need_id].append((seat, vp_id))
        rejection = ctx.rejection(need, vp)
        if rejection is not None:
            violations.append(Violation(rejection[0], rejection[1], seat, vp_id))
    violations.extend(_check_fixed_kept(ctx, plan))
    violations.extend(_check_distinct(by_need))
    violations.extend(_check_capacity(ctx, plan))
    violations.extend(_check_gender_mix(ctx, by_need))
    return violations


def new_violations(instance: MatchingInstance | Context, plan: Plan) -> list[Violation]:
    """Violations of ``plan`` that the kept (fixed) assignments alone do not already have."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    existing = {_key(v) for v in validate(ctx, Plan(dict(ctx.fixed)))}
    return [v for v in validate(ctx, plan) if _key(v) not in existing]


def _key(violation: Violation) -> tuple[str, SeatRef | None, int | None, str]:
    detail = violation.detail if violation.seat is None else ""
    return (violation.rule, violation.seat, violation.trust_person_id, detail)


def _check_fixed_kept(ctx: Context, plan: Plan) -> list[Violation]:
    return [
        Violation(
            "fixed_assignments_kept",
            f"the kept assignment of trust person {vp_id} is missing or changed",
            seat,
            vp_id,
        )
        for seat, vp_id in ctx.fixed.items()
        if plan.assignments.get(seat) != vp_id
    ]


def _check_distinct(by_need: dict[int, list[tuple[SeatRef, int]]]) -> list[Violation]:
    violations = []
    for seats in by_need.values():
        seen: dict[int, SeatRef] = {}
        for seat, vp_id in seats:
            if vp_id in seen:
                violations.append(
                    Violation(
                        "distinct_trust_persons",
                        f"also on seat {seen[vp_id].seat} of this need",
                        seat,
                        vp_id,
                    )
                )
            else:
                seen[vp_id] = seat
    return violations


def _check_capacity(ctx: Context, plan: Plan) -> list[Violation]:
    months = len(ctx.months)
    hours: dict[int, list[int]] = defaultdict(lambda: [0] * months)
    clients: dict[int, list[int]] = defaultdict(lambda: [0] * months)
    for seat, vp_id in plan.assignments.items():
        if seat.need_id in ctx.needs and vp_id in ctx.vps:
            ctx.add_load(vp_id, seat.need_id, hours, clients)
    violations = []
    for vp_id, per_month in sorted(hours.items()):
        vp = ctx.vps[vp_id]
        capacity = ctx.capacity_minutes(vp)
        for index, used in enumerate(per_month):
            if used > capacity:
                violations.append(
                    Violation(
                        "capacity_hours",
                        f"{used / 60:.4g} h in {month_label(ctx.months[index])}, "
                        f"capacity {capacity / 60:.4g} h",
                        None,
                        vp_id,
                    )
                )
    for vp_id, per_month in sorted(clients.items()):
        vp = ctx.vps[vp_id]
        for index, count in enumerate(per_month):
            if count > vp.capacity_standing_clients:
                violations.append(
                    Violation(
                        "capacity_standing_clients",
                        f"{count} standing clients in {month_label(ctx.months[index])}, "
                        f"maximum {vp.capacity_standing_clients}",
                        None,
                        vp_id,
                    )
                )
    return violations


def _check_gender_mix(
    ctx: Context, by_need: dict[int, list[tuple[SeatRef, int]]]
) -> list[Violation]:
    violations = []
    for need_id, seats in sorted(by_need.items()):
        need = ctx.needs[need_id]
        if not need.requires_gender_mix or len(seats) < 2:
            continue
        genders = {ctx.vps[vp_id].gender for _, vp_id in seats} - {None}
        if len(genders) < 2:
            violations.append(
                Violation(
                    "gender_mix",
                    f"{len(seats)} VPs but {len(genders)} known gender(s); a mix is required",
                    SeatRef(need_id, min(seat.seat for seat, _ in seats)),
                    None,
                )
            )
    return violations


def objective_terms(instance: MatchingInstance | Context, plan: Plan) -> dict[str, int]:
    """The value of every soft rule for ``plan`` (level 1 and level 2), as the model counts."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    weights = ctx.instance.weights
    terms = dict.fromkeys(
        (
            "unfilled_seats",
            "urgency",
            "travel",
            "continuity",
            "fair_workload",
            "sector_experience",
            "preferences",
        ),
        0,
    )
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
