"""The baseline a careful planner would follow: urgent needs first, nearest eligible VP."""

from __future__ import annotations

from vppool.matching._candidates import room_for
from vppool.matching._context import Context
from vppool.matching._explain import Loads
from vppool.matching._types import MatchingInstance, NeedInput, Plan, SeatRef

__all__ = ["greedy_plan"]


def _keeps_mix(ctx: Context, need: NeedInput, team: set[int], vp_id: int) -> bool:
    if not need.requires_gender_mix:
        return True
    members = team | {vp_id}
    if len(members) < 2:
        return True
    return len({ctx.vps[v].gender for v in members} - {None}) >= 2


def greedy_plan(instance: MatchingInstance | Context) -> Plan:
    """Needs by urgency (then start date); each open seat to the nearest eligible VP with room."""
    ctx = instance if isinstance(instance, Context) else Context(instance)
    instance = ctx.instance
    assignments: dict[SeatRef, int] = dict(ctx.fixed)
    loads = Loads(ctx, Plan(assignments))
    order = sorted(instance.needs, key=lambda n: (-n.urgency_rank, n.period.starts_on, n.id))
    for need in order:
        seats = ctx.open_seats(need)
        if not seats:
            continue
        eligible = sorted(
            (ctx.distance_km(need, vp), vp.id)
            for vp in instance.trust_persons
            if ctx.rejection(need, vp) is None
        )
        for seat in seats:
            team = loads.on_need[need.id]
            for _, vp_id in eligible:
                vp = ctx.vps[vp_id]
                if vp_id in team or not _keeps_mix(ctx, need, team, vp_id):
                    continue
                if room_for(ctx, need, vp, loads.hours, loads.clients) is not None:
                    continue
                assignments[SeatRef(need.id, seat)] = vp_id
                ctx.add_load(vp_id, need.id, loads.hours, loads.clients)
                loads.totals[vp_id] += ctx.loads[need.id].total
                team.add(vp_id)
                break
    return Plan(assignments)
