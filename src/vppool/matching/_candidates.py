"""Candidate generation: which VPs may take which need, and why the others may not.

The pair rules run here once per (need, VP) near enough to matter: a grid of the VPs' reach
(``ReachIndex``) gives each site only the VPs whose travel circle can touch it, so the others
are counted too far without a distance computation each. A VP without room in
some month of the need (after kept assignments) cannot take it either, whatever else the
plan does. What remains is ranked by cost and cut to ``max_candidates_per_need``; the
previous plan's VPs are always kept, so continuity stays possible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from vppool.matching._context import Context, month_label
from vppool.matching._geo import KM_PER_DEGREE_LATITUDE_AT_LEAST, ReachIndex
from vppool.matching._types import NeedInput, TrustPersonInput

__all__ = ["Candidates", "build_candidates", "room_for"]


@dataclass
class Candidates:
    """The eligible VPs per need with their base cost, and exclusion counts per rule."""

    by_need: dict[int, list[int]] = field(default_factory=dict)
    cost: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    excluded: dict[int, Counter[str]] = field(default_factory=dict)
    #: Eligible VPs dropped by the candidate limit, per need.
    pruned: dict[int, list[int]] = field(default_factory=dict)
    #: Detail of the capacity exclusions per need ("capacity in March 2027": count).
    capacity_detail: dict[int, Counter[str]] = field(default_factory=dict)

    def needs_of(self) -> dict[int, list[int]]:
        """The candidate needs per VP."""
        needs: dict[int, list[int]] = defaultdict(list)
        for need_id, vp_ids in self.by_need.items():
            for vp_id in vp_ids:
                needs[vp_id].append(need_id)
        return needs

    @property
    def pair_count(self) -> int:
        """Number of candidate pairs (decision variables)."""
        return sum(len(vps) for vps in self.by_need.values())


def room_for(
    ctx: Context,
    need: NeedInput,
    vp: TrustPersonInput,
    hours: dict[int, list[int]],
    clients: dict[int, list[int]],
) -> str | None:
    """Why the VP has no room for the need given these monthly loads, or ``None``.

    Returns ``"capacity_hours:<month>"`` or ``"capacity_standing_clients:<month>"``.
    """
    capacity = ctx.capacity_minutes(vp)
    used = hours[vp.id]
    for index, minutes in ctx.loads[need.id].per_month.items():
        if used[index] + minutes > capacity:
            return f"capacity_hours:{month_label(ctx.months[index])}"
    taken = clients[vp.id]
    for index in ctx.standing_months[need.id]:
        if taken[index] + 1 > vp.capacity_standing_clients:
            return f"capacity_standing_clients:{month_label(ctx.months[index])}"
    return None


def _limit_km(vp: TrustPersonInput, need: NeedInput) -> float:
    return (
        vp.max_travel_km
        if need.max_travel_km is None
        else min(vp.max_travel_km, need.max_travel_km)
    )


def _out_of_reach(
    vp: TrustPersonInput, need: NeedInput, latitudes: list[float], road: float
) -> bool:
    """Too far by latitude alone from every site: a distance over the limit, without one.

    The great-circle distance is at least the latitude difference's arc, so this never says
    "too far" of a VP the distance rule would let through.
    """
    limit = (
        vp.max_travel_km
        if need.max_travel_km is None
        else min(vp.max_travel_km, need.max_travel_km)
    )
    reach = limit / road / KM_PER_DEGREE_LATITUDE_AT_LEAST + 1e-9
    latitude = vp.home.latitude
    return all(abs(latitude - site) > reach for site in latitudes)


def base_cost(ctx: Context, need: NeedInput, vp: TrustPersonInput) -> int:
    """Sum of the pair cost terms, used to rank candidates."""
    return sum(ctx.pair_costs(need, vp).values())


def build_candidates(ctx: Context, limit: int | None) -> Candidates:
    """Eligible VPs for every need that has open seats."""
    result = Candidates()
    pool = ctx.instance.trust_persons
    road = max(ctx.instance.weights.road_factor, 1e-9)
    # A VP can reach a site no further than their own limit (a need's limit only lowers it).
    index = ReachIndex((vp, vp.home, vp.max_travel_km / road) for vp in pool)
    for need in ctx.instance.needs:
        open_seats = ctx.open_seats(need)
        if not open_seats:
            continue
        excluded: Counter[str] = Counter()
        capacity_detail: Counter[str] = Counter()
        fixed_here = set(ctx.fixed_by_need.get(need.id, {}).values())
        nearby = index.reaching(need.sites) if need.sites else pool
        sites_at = [site.latitude for site in need.sites or ()]
        seen: set[int] = set()
        eligible: list[tuple[int, int, dict[str, int]]] = []
        for vp in nearby:
            if vp.id in seen:
                continue
            seen.add(vp.id)
            if vp.id in fixed_here:
                excluded["distinct_trust_persons"] += 1
                continue
            if sites_at and _out_of_reach(vp, need, sites_at, road):
                excluded["travel_distance"] += 1  # as ctx.rejection would say: distance first
                continue
            if sites_at and ctx.distance_km(need, vp) > _limit_km(vp, need):
                excluded["travel_distance"] += 1  # the first rule, checked without the rest
                continue
            rejection = ctx.rejection(need, vp)
            if rejection is not None:
                excluded[rejection[0]] += 1
                continue
            no_room = room_for(ctx, need, vp, ctx.fixed_hours, ctx.fixed_clients)
            if no_room is not None:
                rule, month = no_room.split(":", 1)
                excluded[rule] += 1
                capacity_detail[f"{rule}:{month}"] += 1
                continue
            costs = ctx.pair_costs(need, vp)
            eligible.append((sum(costs.values()), vp.id, costs))
        # Out of reach without a check each; a kept VP of this need counts as on it, wherever.
        excluded["distinct_trust_persons"] += len(fixed_here - seen)
        excluded["travel_distance"] += len(ctx.instance.trust_persons) - len(seen | fixed_here)
        eligible.sort(key=lambda item: (item[0], item[1]))
        kept = [vp_id for _, vp_id, _ in eligible]
        if limit is not None and len(kept) > max(limit, 2 * len(open_seats)):
            cut = max(limit, 2 * len(open_seats))
            previous = ctx.previous.get(need.id, set())
            head = kept[:cut]
            tail = [vp_id for vp_id in kept[cut:] if vp_id in previous]
            result.pruned[need.id] = [vp_id for vp_id in kept[cut:] if vp_id not in previous]
            kept = head + tail
        costs_by_vp = {vp_id: costs for _, vp_id, costs in eligible}
        for vp_id in kept:
            result.cost[(need.id, vp_id)] = costs_by_vp[vp_id]
        result.by_need[need.id] = kept
        result.excluded[need.id] = +excluded
        result.capacity_detail[need.id] = capacity_detail
    return result
