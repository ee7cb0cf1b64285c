"""Precomputed facts about an instance, shared by the model, validator, quick match and greedy.

Everything the rules need is computed here once: the month grid of the horizon, each need's
load per month in whole minutes, fixed (kept) assignments and the load they already
take, conflicts and preferences by pair, distances. The model and the validator read the
same numbers, so the validator's objective equals the model's for the same plan.
"""

from __future__ import annotations

import calendar
import functools
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from vppool.matching._geo import Point, haversine_points, point_of
from vppool.matching._input import MatchingInputError, check_input
from vppool.matching._rules import PAIR_COSTS, PAIR_RULES
from vppool.matching._types import (
    MONTH_NAMES,
    ConflictInput,
    MatchingInstance,
    NeedInput,
    Period,
    SeatRef,
    TrustPersonInput,
    Words,
)

__all__ = ["Context", "MatchingInputError", "minutes_down", "minutes_up", "month_label"]


def month_label(year_month: tuple[int, int]) -> str:
    """'March 2027'."""
    return f"{MONTH_NAMES[year_month[1] - 1]} {year_month[0]}"


@dataclass(frozen=True, slots=True)
class _Load:
    """A need's load: minutes per month index, and its total (read only: loads are shared)."""

    per_month: dict[int, int]
    total: int


@functools.lru_cache(maxsize=1 << 16)
def _load_over(
    start: date, end: date, minutes: int, bounds: tuple[tuple[date, date, int], ...]
) -> _Load:
    """The load of ``minutes`` a month over ``[start, end)`` in the months ``bounds``.

    Kept per process: it depends on these values alone, and the needs of a pool share
    periods (a quick match at L works out about 2,800 loads per request).
    """
    per_month: dict[int, int] = {}
    for index, (first, following, days_in_month) in enumerate(bounds):
        if following <= start or first >= end:
            continue
        covered = (min(end, following) - max(start, first)).days
        if covered > 0:
            # A part month counts pro rata, rounded up: loads never shrink by rounding.
            per_month[index] = -(-minutes * covered // days_in_month)
    return _Load(per_month=per_month, total=sum(per_month.values()))


class _FixedLoads(dict[int, list[int]]):
    """Each VP's kept minutes (or standing clients) per month, worked out on first reading.

    Read only, like a mapping that holds every VP (a VP without kept seats reads zeros).
    """

    def __init__(self, ctx: Context, needs_of: dict[int, list[int]], *, clients: bool) -> None:
        super().__init__()
        self._ctx = ctx
        self._needs_of = needs_of
        self._clients = clients

    def __missing__(self, vp_id: int) -> list[int]:
        ctx = self._ctx
        row = [0] * len(ctx.months)
        for need_id in self._needs_of.get(vp_id, ()):
            if self._clients:
                for index in ctx.standing_months[need_id]:
                    row[index] += 1
            else:
                for index, minutes in ctx.loads[need_id].per_month.items():
                    row[index] += minutes
        self[vp_id] = row
        return row


class Context:
    """Indexes and derived numbers of one instance."""

    def __init__(self, instance: MatchingInstance) -> None:
        self.instance = instance
        check_input(instance)
        self.vps: dict[int, TrustPersonInput] = {vp.id: vp for vp in instance.trust_persons}
        self.needs: dict[int, NeedInput] = {need.id: need for need in instance.needs}
        first = date(instance.today.year, instance.today.month, 1)
        self.month_start = first
        self.months: list[tuple[int, int]] = _months(first, instance.horizon_end)
        # Each month's first day, the next month's first day and its length, read per need.
        self._month_bounds = tuple(
            (date(year, month, 1), _next_month(year, month), calendar.monthrange(year, month)[1])
            for year, month in self.months
        )
        self.loads: dict[int, _Load] = {n.id: self._load(n) for n in instance.needs}
        self.standing_months: dict[int, frozenset[int]] = {
            n.id: frozenset(self.loads[n.id].per_month) if n.is_standing else frozenset()
            for n in instance.needs
        }
        self.conflicts: dict[tuple[int, int], list[ConflictInput]] = defaultdict(list)
        for conflict in instance.conflicts:
            self.conflicts[(conflict.trust_person_id, conflict.organisation_id)].append(conflict)
        self.preference: dict[tuple[int, int], int] = defaultdict(int)
        for preference in instance.preferences:
            key = (preference.trust_person_id, preference.organisation_id)
            self.preference[key] += preference.strength
        self.fixed: dict[SeatRef, int] = {}
        self.previous: dict[int, set[int]] = defaultdict(set)
        self.previous_seat: dict[int, dict[int, int]] = defaultdict(dict)
        keep_confirmed = instance.rules.keep_confirmed
        for assignment in instance.assignments:
            seat = SeatRef(assignment.need_id, assignment.seat)
            kept = assignment.pinned or (keep_confirmed and assignment.status == "confirmed")
            if kept:
                self.fixed[seat] = assignment.trust_person_id
            else:
                self.previous[assignment.need_id].add(assignment.trust_person_id)
                self.previous_seat[assignment.need_id][assignment.trust_person_id] = seat.seat
        self.fixed_total: dict[int, int] = defaultdict(int)
        fixed_needs: dict[int, list[int]] = defaultdict(list)
        for seat, vp_id in self.fixed.items():
            fixed_needs[vp_id].append(seat.need_id)
            self.fixed_total[vp_id] += self.loads[seat.need_id].total
        # Per VP and month, worked out when first read: a quick match reads few VPs' loads.
        self.fixed_hours: dict[int, list[int]] = _FixedLoads(self, fixed_needs, clients=False)
        self.fixed_clients: dict[int, list[int]] = _FixedLoads(self, fixed_needs, clients=True)
        self.fixed_by_need: dict[int, dict[int, int]] = defaultdict(dict)
        for seat, vp_id in self.fixed.items():
            self.fixed_by_need[seat.need_id][seat.seat] = vp_id
        self._distance: dict[tuple[int, int], float] = {}
        self._homes: dict[int, Point] = {vp.id: point_of(vp.home) for vp in instance.trust_persons}
        self._sites: dict[int, list[Point]] = {}

    # ----------------------------------------------------------------- loads

    def _load(self, need: NeedInput) -> _Load:
        start = max(need.period.starts_on, self.month_start)
        end = need.period.end_within(self.instance.horizon_end)
        return _load_over(start, end, minutes_up(need.hours_per_month), self._month_bounds)

    def add_load(
        self,
        vp_id: int,
        need_id: int,
        hours: dict[int, list[int]],
        clients: dict[int, list[int]],
        sign: int = 1,
    ) -> None:
        """Add (or with ``sign=-1`` remove) a need's monthly load to a VP's running totals."""
        for index, minutes in self.loads[need_id].per_month.items():
            hours[vp_id][index] += sign * minutes
        for index in self.standing_months[need_id]:
            clients[vp_id][index] += sign

    def capacity_minutes(self, vp: TrustPersonInput) -> int:
        """Hours per month in whole minutes, rounded down (capacity never grows by rounding)."""
        return minutes_down(vp.capacity_hours_per_month)

    def open_seats(self, need: NeedInput) -> list[int]:
        """Seat numbers of a need that are not fixed."""
        fixed = self.fixed_by_need.get(need.id, {})
        return [seat for seat in range(1, need.seats + 1) if seat not in fixed]

    # ----------------------------------------------------------------- pairs

    def remaining(self, need: NeedInput) -> Period:
        """The part of the need still to be served: from the planning date on (open ends stay)."""
        today = self.instance.today
        if need.period.starts_on >= today:
            return need.period
        return Period(today, need.period.ends_on)

    def distance_km(self, need: NeedInput, vp: TrustPersonInput) -> float:
        """Distance from the VP's home to the need's nearest site, with the road factor."""
        key = (need.id, vp.id)
        cached = self._distance.get(key)
        if cached is None:
            sites = self._sites.get(need.id)
            if sites is None:
                sites = self._sites[need.id] = [point_of(site) for site in need.sites]
            home = self._homes.get(vp.id) or point_of(vp.home)
            if len(sites) == 1:  # most needs: one site, no generator
                crow = haversine_points(home, sites[0])
            else:
                crow = min((haversine_points(home, site) for site in sites), default=0.0)
            cached = crow * self.instance.weights.road_factor
            self._distance[key] = cached
        return cached

    def rejection(self, need: NeedInput, vp: TrustPersonInput) -> tuple[str, Words] | None:
        """The first pair rule that excludes this VP from this need, with its detail."""
        for name, check in PAIR_RULES:
            detail = check(self, need, vp)
            if detail is not None:
                return name, detail
        return None

    def pair_costs(self, need: NeedInput, vp: TrustPersonInput) -> dict[str, int]:
        """Level-2 cost terms of putting this VP on this need (continuity and fairness aside)."""
        return {name: cost(self, need, vp) for name, cost in PAIR_COSTS}

    def fairness_cost(self, vp: TrustPersonInput, total_load: int) -> int:
        """Convex cost of a VP's utilisation over the horizon (same integers as the model)."""
        capacity = self.capacity_minutes(vp) * len(self.months)
        if capacity <= 0:
            return 0
        cost = 0
        for threshold, slope in self.instance.weights.fairness_tiers:
            excess = math.ceil((100 * total_load - threshold * capacity) / capacity)
            cost += slope * max(0, excess)
        return cost

    def unfilled_weight(self, need: NeedInput) -> int:
        """Level-1 weight of one empty seat of this need."""
        return self.instance.weights.unfilled_by_urgency[need.urgency_rank]


#: Float noise tolerated when hours are turned into minutes (1.1 h * 60 is 66.00000000000001).
_NOISE = 1e-6


def minutes_up(hours: float) -> int:
    """Hours as whole minutes, rounded up: a load is never counted smaller than it is."""
    return math.ceil(hours * 60 - _NOISE)


def minutes_down(hours: float) -> int:
    """Hours as whole minutes, rounded down: a capacity is never counted larger than it is."""
    return math.floor(hours * 60 + _NOISE)


def _next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def _months(first: date, horizon_end: date) -> list[tuple[int, int]]:
    months = []
    current = first
    while current < horizon_end:
        months.append((current.year, current.month))
        current = _next_month(current.year, current.month)
    return months or [(first.year, first.month)]
