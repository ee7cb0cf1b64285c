"""Intervision groups: partition the pool into fixed groups for a year, as a MIP (MathOpt).

Hard: every VP in at most one group, and in one unless left out with a reason; group sizes
within the range; VPs who serve the same client organisation in different groups
(anonymised cases stay untraceable); the members of a group share enough weekly time for
their sessions (``min_common_slots`` half-hours, in blocks as long as a session). Soft:
members live close to their group's meeting place, each group mixes newly certified and
seasoned VPs, holds more than one gender, repeats few pairs from last year's groups, shares
more weekly time than the minimum, and nobody is left out who could be placed.

Weekly time is a set of half-hours of the week (0 = Monday 00:00 local time) per VP. The
week is cut, per day, into disjoint *blocks* as long as a session, chosen where most VPs are
free; a group shares a block when every member is free in all of it. The model asks for
enough shared blocks (a sufficient condition: shared blocks are common time in pieces long
enough for a session), and :func:`validate_groups` checks the rule itself on the members'
half-hours.

A start grouping comes first: the VPs in the order of a Hilbert curve over their homes, cut
into as many groups as could be formed. Its groups' centres are the meeting places, so
travel is a linear cost. Runs of meeting places along the curve form *regions*; a VP's
meeting places lie in its own region, so the regions are independent problems whose costs
and proven bounds add up. Per region a MIP (HiGHS through OR-Tools MathOpt) links each
member to an open group (``x <= used``) and each shared block to every member
(``shared + x <= 1`` for a member not free then); small regions let HiGHS close most of
the gap, so the proven bound, and the gap reported with it, mean something. A start
grouping within the rules, improved by moves and swaps, is each MIP's hint; ``workers``
regions are solved at once, and what time is left after a first pass goes to the regions
with the widest gap.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import timedelta

from ortools.math_opt.python import mathopt

from vppool.matching._geo import haversine_km
from vppool.matching._types import Location, ProgressEvent

_EARTH_KM = 6371.0
#: Half-hours per day and per week of weekly time (slot 0 = Monday 00:00).
SLOTS_PER_DAY = 48
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY

__all__ = [
    "SLOTS_PER_DAY",
    "SLOTS_PER_WEEK",
    "GroupOutcome",
    "IntervisionConfig",
    "IntervisionMemberInput",
    "IntervisionResult",
    "LeftOutMember",
    "WeeklySpan",
    "common_weekly_time",
    "describe_group",
    "form_groups",
    "validate_groups",
]


@dataclass(frozen=True, slots=True)
class IntervisionMemberInput:
    """A VP to place in a group."""

    id: int
    name: str
    home: Location
    years_certified: float
    gender: str | None = None
    #: Organisations the VP serves (VPs sharing one are kept apart).
    organisations: frozenset[int] = frozenset()
    #: Half-hours of the week the VP is free every week (0 = Monday 00:00 local time).
    weekly_free: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class IntervisionConfig:
    """Sizes, weights and solver limits."""

    min_size: int = 4
    max_size: int = 6
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 1
    nearest_centres: int = 12
    #: Start groups per region (runs along the curve); a VP's meeting places lie in its own.
    groups_per_region: int = 8
    #: Share of each region's time for the start grouping's moves and swaps.
    polish_share: float = 0.15
    #: Share of the time limit for the first pass over the regions; the rest goes to the
    #: regions with the widest gap, in a second pass.
    first_pass_share: float = 0.6
    #: Half-hours of one session (weekly time counts in pieces at least this long).
    session_slots: int = 4
    #: Common weekly half-hours a group must share (0: the rule is off).
    min_common_slots: int = 0
    #: Shared blocks below which a group pays ``weight_short_block`` per missing block.
    target_blocks: int = 3
    #: Blocks each meeting place considers (those most of its candidates are free in).
    blocks_per_group: int = 10
    #: Relative gap at which the solver stops early.
    relative_gap: float = 0.02
    new_below_years: float = 2.0
    seasoned_from_years: float = 5.0
    weight_travel_per_km: float = 1.0
    weight_no_seasoned: int = 60
    weight_single_gender: int = 30
    #: Per pair of members who were in one group last year.
    weight_repeated_pair: int = 40
    weight_short_block: int = 8
    weight_left_out: int = 1000
    #: Called as the forming proceeds (phase ``"groups"``).
    progress: Callable[[ProgressEvent], None] | None = None


@dataclass(frozen=True, slots=True)
class WeeklySpan:
    """A piece of weekly time: ``weekday`` (0 = Monday), minutes from midnight."""

    weekday: int
    start_minute: int
    end_minute: int

    @property
    def hours(self) -> float:
        return (self.end_minute - self.start_minute) / 60


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """One group: members, meeting place and how it scores."""

    index: int
    members: tuple[int, ...]
    meeting_place: Location
    mean_travel_km: float
    max_travel_km: float
    new_members: int
    seasoned_members: int
    genders: tuple[str, ...]
    repeated_pairs: int
    #: Weekly time every member is free, in pieces long enough for a session.
    common_time: tuple[WeeklySpan, ...] = ()

    @property
    def common_weekly_hours(self) -> float:
        return sum(span.hours for span in self.common_time)


@dataclass(frozen=True, slots=True)
class LeftOutMember:
    """A VP in no group, with the reason (``code`` for translation, ``reason`` in English)."""

    id: int
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class IntervisionResult:
    """The groups, the objective with the proven bound and gap, and any violations."""

    status: str
    groups: tuple[GroupOutcome, ...]
    objective: float
    best_bound: float
    gap: float
    wall_s: float
    violations: tuple[str, ...]
    stats: dict[str, int | float] = field(default_factory=dict)
    left_out: tuple[LeftOutMember, ...] = ()
    #: Every meeting place the model offered (the bound is over these).
    centres: tuple[Location, ...] = ()


# --------------------------------------------------------------------------- weekly time


def _runs(slots: Iterable[int]) -> list[tuple[int, int]]:
    """Maximal runs ``[start, end)`` of consecutive half-hours, never across midnight."""
    runs: list[tuple[int, int]] = []
    for slot in sorted(set(slots)):
        if runs and runs[-1][1] == slot and slot % SLOTS_PER_DAY != 0:
            runs[-1] = (runs[-1][0], slot + 1)
        else:
            runs.append((slot, slot + 1))
    return runs


def common_weekly_time(
    masks: Sequence[frozenset[int]], session_slots: int
) -> tuple[WeeklySpan, ...]:
    """The weekly time all ``masks`` share, in pieces of at least ``session_slots``."""
    if not masks:
        return ()
    shared = frozenset.intersection(*masks)
    minutes = 60 // (SLOTS_PER_DAY // 24)
    return tuple(
        WeeklySpan(
            start // SLOTS_PER_DAY,
            (start % SLOTS_PER_DAY) * minutes,
            (start % SLOTS_PER_DAY + end - start) * minutes,
        )
        for start, end in _runs(shared)
        if end - start >= session_slots
    )


def _common_slots(masks: Sequence[frozenset[int]], session_slots: int) -> int:
    return sum(round(span.hours * 2) for span in common_weekly_time(masks, session_slots))


def _blocks(members: Sequence[IntervisionMemberInput], config: IntervisionConfig) -> list[int]:
    """Starts of the blocks (a session long) a group may share, where enough VPs are free.

    When one block of common time suffices (the minimum is one session), the blocks start
    on every hour and may overlap, so any two VPs free together for a session on the hour
    share one. When more is required, the blocks are disjoint (per day, chosen to cover as
    many VPs as possible), so that shared blocks add up to common time.
    """
    length = config.session_slots
    free_for = [0] * SLOTS_PER_WEEK
    for m in members:
        for start, end in _runs(m.weekly_free):
            for s in range(start, end - length + 1):
                free_for[s] += 1
    if config.min_common_slots <= length:
        return [s for s in range(0, SLOTS_PER_WEEK, 2) if free_for[s] >= config.min_size]
    chosen: list[int] = []
    for day in range(7):
        base = day * SLOTS_PER_DAY
        best = [0] * (SLOTS_PER_DAY + 1)
        take = [False] * (SLOTS_PER_DAY + 1)
        for p in range(1, SLOTS_PER_DAY + 1):
            best[p] = best[p - 1]
            if p >= length:
                weight = free_for[base + p - length]
                if weight >= config.min_size and best[p - length] + weight > best[p]:
                    best[p] = best[p - length] + weight
                    take[p] = True
        p = SLOTS_PER_DAY
        while p > 0:
            if take[p]:
                chosen.append(base + p - length)
                p -= length
            else:
                p -= 1
    return sorted(chosen)


def _hilbert(x: int, y: int, side: int) -> int:
    """The position of cell ``(x, y)`` along a Hilbert curve over a ``side`` x ``side`` grid."""
    position = 0
    step = side // 2
    while step > 0:
        right = 1 if x & step else 0
        up = 1 if y & step else 0
        position += step * step * ((3 * right) ^ up)
        if up == 0:
            if right == 1:
                x, y = side - 1 - x, side - 1 - y
            x, y = y, x
        step //= 2
    return position


def _start_groups(
    members: Sequence[IntervisionMemberInput], count: int, config: IntervisionConfig
) -> list[list[IntervisionMemberInput]]:
    """Groups that keep the hard rules, of neighbours along a Hilbert curve over the homes.

    Whoever would meet a VP serving the same organisation waits for the next group; whoever
    is left at the end joins the nearest group with room and no clash. A group left too
    small is shared out the same way. Someone who fits nowhere stays out of the start (the
    solver places them).
    """
    side = 1024
    lats = [m.home.latitude for m in members]
    lons = [m.home.longitude for m in members]
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.62, 1e-9)

    def cell(m: IntervisionMemberInput) -> int:
        x = int((m.home.longitude - min(lons)) * 0.62 / span * (side - 1))
        y = int((m.home.latitude - min(lats)) / span * (side - 1))
        return _hilbert(x, y, side)

    queue = deque(sorted(members, key=lambda m: (cell(m), m.id)))
    base, rest = divmod(len(members), count)
    groups: list[list[IntervisionMemberInput]] = []

    def clash(m: IntervisionMemberInput, group: list[IntervisionMemberInput]) -> bool:
        return any(m.organisations & other.organisations for other in group)

    for size in [base + 1] * rest + [base] * (count - rest):
        group: list[IntervisionMemberInput] = []
        waiting: list[IntervisionMemberInput] = []
        while queue and len(group) < size:
            person = queue.popleft()
            (waiting if clash(person, group) else group).append(person)
        queue.extendleft(reversed(waiting))
        groups.append(group)
    small = [g for g in groups if len(g) < config.min_size]
    groups = [g for g in groups if len(g) >= config.min_size]
    for person in list(queue) + [p for g in small for p in g]:
        here = _km_to(person.home, [_middle(g) for g in groups])
        for index in sorted(range(len(groups)), key=here.__getitem__):
            if len(groups[index]) < config.max_size and not clash(person, groups[index]):
                groups[index].append(person)
                break
    return groups


def _middle(group: Sequence[IntervisionMemberInput]) -> Location:
    return Location(
        sum(m.home.latitude for m in group) / len(group),
        sum(m.home.longitude for m in group) / len(group),
    )


def _km_to(home: Location, places: Sequence[Location]) -> list[float]:
    """Kilometres from ``home`` to each place (equirectangular: exact to metres in NL)."""
    scale = math.cos(math.radians(home.latitude))
    per_degree = math.pi * _EARTH_KM / 180
    lat, lon = home.latitude, home.longitude
    return [per_degree * math.hypot(p.latitude - lat, (p.longitude - lon) * scale) for p in places]


def _group_count(n: int, config: IntervisionConfig) -> int | None:
    """As many meeting places as groups could be formed (``n // min_size``).

    The model leaves the places it does not need empty; offering as many as could be used
    lets VPs who share weekly time only with each other (or live apart) form their own
    groups, where aiming at the middle size would squeeze them into too few.
    """
    if n == 0 or math.ceil(n / config.max_size) > n // config.min_size:
        return None
    return n // config.min_size


@dataclass(slots=True)
class _Instance:
    """What the model is built from: candidates, distances, blocks and last year's pairs."""

    members: Sequence[IntervisionMemberInput]
    centres: list[Location]
    candidates: dict[int, list[int]]
    distance: dict[int, dict[int, float]]
    pairs: set[tuple[int, int]]
    #: Per VP the blocks (indices) they are free in; per meeting place the blocks it offers.
    blocks_of: dict[int, set[int]]
    group_blocks: dict[int, list[int]]
    need: int
    config: IntervisionConfig
    #: Per VP, the index of their group of last year (if any).
    last_group: dict[int, int] = field(default_factory=dict)

    def floor(self) -> float:
        """A lower bound on this region's cost that needs no solve.

        Each VP is either in a group at one of their candidate meeting places (travel at
        least to the nearest) or left out; every other term is non-negative. The MIP's
        bound replaces it once the MIP proves more (a region the time ran out for keeps it).
        """
        config = self.config
        return sum(
            min(
                [config.weight_left_out]
                + [
                    config.weight_travel_per_km * self.distance[m.id][g]
                    for g in self.candidates[m.id]
                ]
            )
            for m in self.members
        )

    def cost(self, group_of: dict[int, int], left_out: Iterable[int]) -> float:
        """The objective of a grouping, term by term as the model counts it."""
        config = self.config
        kind = {m.id: m for m in self.members}
        members_of: dict[int, list[int]] = defaultdict(list)
        for v, g in group_of.items():
            members_of[g].append(v)
        total = sum(config.weight_travel_per_km * self.distance[v][g] for v, g in group_of.items())
        total += config.weight_left_out * len(list(left_out))
        for g, people in members_of.items():
            if not any(kind[v].years_certified >= config.seasoned_from_years for v in people):
                total += config.weight_no_seasoned
            for gender in ("female", "male"):
                if not any(kind[v].gender == gender for v in people):
                    total += config.weight_single_gender
            total += config.weight_repeated_pair * _again(people, self.last_group)
            if self.need:
                shared = sum(
                    1 for b in self.group_blocks[g] if all(b in self.blocks_of[v] for v in people)
                )
                total += config.weight_short_block * max(0, config.target_blocks - shared)
        return total


class _Local:
    """A grouping kept within every hard rule, improved by single moves and swaps.

    Its cost is exactly the model's objective (:meth:`_Instance.cost`), so the grouping it
    reaches is a solution hint for the MIP and the bound stays a bound for it.
    """

    def __init__(self, instance: _Instance, group_of: dict[int, int]) -> None:
        self.instance = instance
        self.config = instance.config
        self.kind = {m.id: m for m in instance.members}
        self.group_of = dict(group_of)
        self.members: dict[int, set[int]] = defaultdict(set)
        for v, g in self.group_of.items():
            self.members[g].add(v)

    def allowed(self, g: int, people: set[int]) -> bool:
        """Whether ``people`` may meet as group ``g``: no shared client, enough shared time."""
        if not people:
            return True
        seen: set[int] = set()
        for v in people:
            orgs = self.kind[v].organisations
            if seen & orgs:
                return False
            seen |= orgs
        need = self.instance.need
        if need:
            shared = set(self.instance.group_blocks[g])
            for v in people:
                shared &= self.instance.blocks_of[v]
                if len(shared) < need:
                    return False
        return True

    def group_cost(self, g: int, people: set[int]) -> float:
        """The soft terms of one group apart from travel."""
        if not people:
            return 0.0
        config = self.config
        kinds = [self.kind[v] for v in people]
        cost = 0.0
        if not any(k.years_certified >= config.seasoned_from_years for k in kinds):
            cost += config.weight_no_seasoned
        for gender in ("female", "male"):
            if not any(k.gender == gender for k in kinds):
                cost += config.weight_single_gender
        cost += config.weight_repeated_pair * _again(people, self.instance.last_group)
        if self.instance.need:
            shared = set(self.instance.group_blocks[g])
            for v in people:
                shared &= self.instance.blocks_of[v]
            cost += config.weight_short_block * max(0, config.target_blocks - len(shared))
        return cost

    def _size_ok(self, size: int) -> bool:
        return size == 0 or self.config.min_size <= size <= self.config.max_size

    def _travel(self, v: int, g: int | None) -> float:
        if g is None:
            return float(self.config.weight_left_out)
        return self.config.weight_travel_per_km * self.instance.distance[v][g]

    def _apply(self, changes: dict[int, int | None]) -> None:
        for v, g in changes.items():
            old = self.group_of.pop(v, None)
            if old is not None:
                self.members[old].discard(v)
            if g is not None:
                self.group_of[v] = g
                self.members[g].add(v)

    def _gain(self, changes: dict[int, int | None]) -> float | None:
        """How much ``changes`` (VP -> group or out) lower the cost; ``None``: not allowed."""
        touched: dict[int, set[int]] = {}
        for v, g in changes.items():
            old = self.group_of.get(v)
            for h in (old, g):
                if h is not None and h not in touched:
                    touched[h] = set(self.members[h])
        for v in changes:
            old = self.group_of.get(v)
            if old is not None:
                touched[old].discard(v)
        for v, g in changes.items():
            if g is not None:
                touched[g].add(v)
        for h, people in touched.items():
            if not self._size_ok(len(people)) or not self.allowed(h, people):
                return None
        before = sum(self.group_cost(h, self.members[h]) for h in touched) + sum(
            self._travel(v, self.group_of.get(v)) for v in changes
        )
        after = sum(self.group_cost(h, people) for h, people in touched.items()) + sum(
            self._travel(v, g) for v, g in changes.items()
        )
        return before - after

    def run(self, deadline: float) -> dict[int, int]:
        """Improve until no move or swap helps or the deadline (``time.perf_counter``) passes."""
        everyone = sorted(self.instance.candidates)
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for v in everyone:
                if time.perf_counter() >= deadline:
                    break
                a = self.group_of.get(v)
                for b in self.instance.candidates[v]:
                    if b == a:
                        continue
                    gain = self._gain({v: b})
                    if gain is not None and gain > 1e-9:
                        self._apply({v: b})
                        improved = True
                        break
                    done = False
                    for w in sorted(self.members[b]):
                        if a is not None and a not in self.instance.candidates[w]:
                            continue
                        gain = self._gain({v: b, w: a})
                        if gain is not None and gain > 1e-9:
                            self._apply({v: b, w: a})
                            improved = done = True
                            break
                    if done:
                        break
                if a is None and v not in self.group_of and self._make_room(v):
                    improved = True
        return self.group_of

    def _make_room(self, v: int) -> bool:
        """Place VP ``v`` (out) in a group by moving one member on to another group."""
        for b in self.instance.candidates[v]:
            for w in sorted(self.members[b]):
                for c in self.instance.candidates[w]:
                    if c == b or not self.members[c]:
                        continue
                    gain = self._gain({v: b, w: c})
                    if gain is not None and gain > 1e-9:
                        self._apply({v: b, w: c})
                        return True
        return False


def _start(instance: _Instance, start: dict[int, list[IntervisionMemberInput]]) -> dict[int, int]:
    """A first grouping within every hard rule, from the start groups along the curve.

    Each start group keeps the members who share its best block(s) and never a client;
    the others join the nearest candidate group with room that keeps the rules; a group left
    too small is shared out the same way. Whoever fits nowhere stays out (the solver and
    the moves may still place them).
    """
    local = _Local(instance, {})
    config = instance.config
    waiting: list[int] = []
    for g, group in start.items():
        kept: set[int] = set()
        for m in sorted(group, key=lambda m: instance.distance[m.id][g]):
            if (
                g in instance.candidates[m.id]
                and len(kept) < config.max_size
                and local.allowed(g, kept | {m.id})
            ):
                kept.add(m.id)
            else:
                waiting.append(m.id)
        local._apply(dict.fromkeys(kept, g))
    for _ in range(2):
        for g in [g for g, people in local.members.items() if 0 < len(people) < config.min_size]:
            waiting.extend(local.members[g])
            local._apply(dict.fromkeys(list(local.members[g]), None))
        still: list[int] = []
        for v in waiting:
            for g in instance.candidates[v]:
                people = local.members[g]
                if (
                    len(people) < config.max_size
                    and (people or False)
                    and local.allowed(g, people | {v})
                ):
                    local._apply({v: g})
                    break
            else:
                still.append(v)
        waiting = still
    for g in [g for g, people in local.members.items() if 0 < len(people) < config.min_size]:
        local._apply(dict.fromkeys(list(local.members[g]), None))
    return local.group_of


def _model(
    instance: _Instance, groups: int
) -> tuple[
    mathopt.Model,
    dict[tuple[int, int], mathopt.Variable],
    dict[int, mathopt.Variable],
    dict[int, mathopt.Variable],
]:
    """The MIP: assignment to open groups, sizes, separation, shared blocks, soft terms."""
    config = instance.config
    model = mathopt.Model(name="intervision")
    kind = {m.id: m for m in instance.members}
    x: dict[tuple[int, int], mathopt.Variable] = {}
    by_group: dict[int, list[int]] = defaultdict(list)
    out: dict[int, mathopt.Variable] = {}
    opened: dict[int, mathopt.Variable] = {}
    objective: list[mathopt.LinearExpression | mathopt.Variable | float] = []
    terms: list[tuple[float, mathopt.Variable]] = []
    for m in instance.members:
        out[m.id] = model.add_binary_variable(name=f"out_{m.id}")
        terms.append((config.weight_left_out, out[m.id]))
        for g in instance.candidates[m.id]:
            var = model.add_binary_variable(name=f"x_{m.id}_{g}")
            x[(m.id, g)] = var
            by_group[g].append(m.id)
            terms.append((config.weight_travel_per_km * instance.distance[m.id][g], var))
        model.add_linear_constraint(
            mathopt.fast_sum([x[(m.id, g)] for g in instance.candidates[m.id]]) + out[m.id] == 1
        )
    for g in range(groups):
        people = by_group[g]
        if not people:
            continue
        used = opened[g] = model.add_binary_variable(name=f"used_{g}")
        size = mathopt.fast_sum([x[(v, g)] for v in people])
        model.add_linear_constraint(size >= config.min_size * used)
        model.add_linear_constraint(size <= config.max_size * used)
        for v in people:
            model.add_linear_constraint(x[(v, g)] <= used)
        seasoned = [
            x[(v, g)] for v in people if kind[v].years_certified >= config.seasoned_from_years
        ]
        lacking = model.add_variable(lb=0.0, ub=1.0, name=f"no_seasoned_{g}")
        model.add_linear_constraint(mathopt.fast_sum(seasoned) + lacking >= used)
        terms.append((config.weight_no_seasoned, lacking))
        for gender in ("female", "male"):
            present = [x[(v, g)] for v in people if kind[v].gender == gender]
            missing = model.add_variable(lb=0.0, ub=1.0, name=f"no_{gender}_{g}")
            model.add_linear_constraint(mathopt.fast_sum(present) + missing >= used)
            terms.append((config.weight_single_gender, missing))
        if instance.need:
            shared = []
            for b in instance.group_blocks[g]:
                z = model.add_variable(lb=0.0, ub=1.0, name=f"shared_{g}_{b}")
                model.add_linear_constraint(z <= used)
                for v in people:
                    if b not in instance.blocks_of[v]:
                        model.add_linear_constraint(z + x[(v, g)] <= 1)
                shared.append(z)
            model.add_linear_constraint(mathopt.fast_sum(shared) >= instance.need * used)
            short = model.add_variable(lb=0.0, name=f"short_{g}")
            model.add_linear_constraint(
                short >= config.target_blocks * used - mathopt.fast_sum(shared)
            )
            terms.append((config.weight_short_block, short))
    serving: dict[int, list[int]] = defaultdict(list)
    for m in instance.members:
        for org in m.organisations:
            serving[org].append(m.id)
    for vp_ids in serving.values():
        if len(vp_ids) < 2:
            continue
        for g in sorted({g for v in vp_ids for g in instance.candidates[v]}):
            together = [x[(v, g)] for v in vp_ids if (v, g) in x]
            if len(together) > 1:
                model.add_linear_constraint(mathopt.fast_sum(together) <= 1)
    # Pairs from one group of last year at one meeting place: with k of its members there,
    # k(k-1)/2 = sum over j >= 1 of max(0, k - j), so one variable per j (tighter and
    # smaller than one per pair).
    together_last: dict[int, list[int]] = defaultdict(list)
    for v, p in instance.last_group.items():
        if v in kind:
            together_last[p].append(v)
    for p, vp_ids in sorted(together_last.items()):
        if len(vp_ids) < 2:
            continue
        for g in sorted({g for v in vp_ids for g in instance.candidates[v]}):
            here = [x[(v, g)] for v in vp_ids if (v, g) in x]
            for j in range(1, min(len(here), config.max_size)):
                again = model.add_variable(lb=0.0, name=f"again_{p}_{g}_{j}")
                model.add_linear_constraint(again >= mathopt.fast_sum(here) - j)
                terms.append((config.weight_repeated_pair, again))
    del objective
    model.minimize(mathopt.fast_sum([weight * var for weight, var in terms]))
    return model, x, out, opened


def _infeasible(
    members: Sequence[IntervisionMemberInput],
    config: IntervisionConfig,
    started: float,
    left_out: Sequence[LeftOutMember] = (),
) -> IntervisionResult:
    return IntervisionResult(
        "INFEASIBLE",
        (),
        0.0,
        0.0,
        0.0,
        time.perf_counter() - started,
        (f"{len(members)} VPs cannot form groups of {config.min_size} to {config.max_size}",),
        left_out=tuple(left_out),
    )


def form_groups(
    members: Sequence[IntervisionMemberInput],
    config: IntervisionConfig | None = None,
    previous_groups: Sequence[Sequence[int]] = (),
) -> IntervisionResult:
    """Partition ``members`` into groups; never raises for an impossible pool (status says).

    VPs who cannot share the weekly time a group needs with anyone are left out first, each
    with the reason; the solver may leave out more (at a high cost), also with the reason.
    """
    config = config or IntervisionConfig()
    started = time.perf_counter()
    hours = config.session_slots / 2
    need = (
        math.ceil(config.min_common_slots / config.session_slots)
        if config.min_common_slots > 0
        else 0
    )
    left_out: list[LeftOutMember] = []
    blocks: list[int] = []
    blocks_of: dict[int, set[int]] = {m.id: set() for m in members}
    placeable = list(members)
    if need:
        blocks = _blocks(members, config)
        placeable = []
        for m in members:
            mine = {
                i
                for i, b in enumerate(blocks)
                if all(b + k in m.weekly_free for k in range(config.session_slots))
            }
            blocks_of[m.id] = mine
            if not any(end - start >= config.session_slots for start, end in _runs(m.weekly_free)):
                left_out.append(
                    LeftOutMember(
                        m.id,
                        "no_weekly_time",
                        f"no {hours:g} h in a row free every week (weekly hours, busy time)",
                    )
                )
            elif len(mine) < need:
                left_out.append(
                    LeftOutMember(
                        m.id,
                        "time_not_shared",
                        f"free every week only at times fewer than {config.min_size} VPs share",
                    )
                )
            else:
                placeable.append(m)
    count = _group_count(len(placeable), config)
    if count is None:
        return _infeasible(members, config, started, left_out)
    start = _start_groups(placeable, count, config)
    # Groups the start could not fill still give meeting places (one at least).
    start = [group for group in start if group] or [list(placeable)]
    centres = [_middle(group) for group in start]
    count = len(centres)
    kind = {m.id: m for m in placeable}
    pairs: set[tuple[int, int]] = set()
    last_group = {
        v: index for index, group in enumerate(previous_groups) for v in group if v in kind
    }
    for group in previous_groups:
        ids = sorted(set(group) & set(kind))
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    # Regions: runs of start groups along the curve; each VP's meeting places lie in its own.
    regions = math.ceil(count / max(1, config.groups_per_region))
    region_of_group = [g * regions // count for g in range(count)]
    start_of = {m.id: g for g, group in enumerate(start) for m in group}
    distance: dict[int, dict[int, float]] = {}
    candidates: dict[int, list[int]] = {}
    for m in placeable:
        home = start_of.get(m.id)
        if home is None:  # not in the start: the region of the nearest meeting place
            km_all = _km_to(m.home, centres)
            home = min(range(count), key=km_all.__getitem__)
        region = region_of_group[home]
        places = [g for g in range(count) if region_of_group[g] == region]
        km = _km_to(m.home, [centres[g] for g in places])
        distance[m.id] = {g: round(d, 1) for g, d in zip(places, km, strict=True)}
        candidates[m.id] = sorted(places, key=distance[m.id].__getitem__)[
            : max(1, config.nearest_centres)
        ]
    group_blocks: dict[int, list[int]] = {g: [] for g in range(count)}
    if need:
        tally: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for v, near in candidates.items():
            for g in near:
                for b in blocks_of[v]:
                    tally[g][b] += 1
        for g in range(count):
            ranked = sorted(tally[g].items(), key=lambda item: (-item[1], item[0]))
            group_blocks[g] = sorted(
                b for b, n in ranked[: config.blocks_per_group] if n >= config.min_size
            )
        for v in list(candidates):
            candidates[v] = [
                g for g in candidates[v] if len(blocks_of[v].intersection(group_blocks[g])) >= need
            ]
    if config.progress is not None:
        config.progress(ProgressEvent("groups", time.perf_counter() - started, None, None))
    stats: dict[str, int | float] = {
        "groups": count,
        "regions": regions,
        "blocks": len(blocks),
        "repeat_pairs_known": len(pairs),
        "variables": 0,
        "constraints": 0,
    }
    # Per region: its grouping, cost, proven lower bound and whether the MIP proved it.
    # ``workers`` regions are solved at once (HiGHS releases the GIL while it solves);
    # progress is reported from this thread only.
    solved: dict[int, tuple[_Instance, dict[int, int], float, float, bool]] = {}
    lock = threading.Lock()
    workers = max(1, config.workers)
    people_of: dict[int, list[IntervisionMemberInput]] = defaultdict(list)
    for m in placeable:
        people_of[region_of_group[next(iter(distance[m.id]))]].append(m)
    instances = {
        region: (
            _Instance(
                people,
                centres,
                candidates,
                distance,
                pairs,
                blocks_of,
                group_blocks,
                need,
                config,
                last_group,
            ),
            [g for g in range(count) if region_of_group[g] == region],
        )
        for region, people in people_of.items()
    }
    first_pass = config.time_limit_s * config.first_pass_share - (time.perf_counter() - started)
    first_pass_end = started + config.time_limit_s * config.first_pass_share
    end = started + config.time_limit_s

    def first_solve(region: int) -> tuple[int, dict[int, int], float, bool]:
        instance, places = instances[region]
        began = time.perf_counter()
        budget = first_pass * workers * len(instance.members) / max(1, len(placeable))
        here = {m.id for m in instance.members}
        first = _start(instance, {g: [m for m in start[g] if m.id in here] for g in places})
        found, low, proven = _solve_region(
            instance,
            places,
            first,
            deadline=min(began + budget, first_pass_end),
            stats=stats,
            lock=lock,
        )
        return region, found, low, proven

    def settle(region: int, found: dict[int, int], low: float, proven: bool) -> None:
        instance = instances[region][0]
        cost = instance.cost(found, [m.id for m in instance.members if m.id not in found])
        if region in solved:
            _, best, best_cost, best_low, _ = solved[region]
            low = max(low, best_low)
            if best_cost <= cost:
                found, cost = best, best_cost
        solved[region] = (instance, found, cost, min(low, cost), proven)
        _report(config, started, solved)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(first_solve, r) for r in sorted(instances)]):
            settle(*future.result())
        # Second pass: the rest of the time to the regions with the widest gap, in proportion.
        open_gaps = sorted(
            (r for r, item in solved.items() if not item[4] and item[2] - item[3] > 1e-6),
            key=lambda r: solved[r][3] - solved[r][2],
        )
        widest = sum(solved[r][2] - solved[r][3] for r in open_gaps)
        left = end - time.perf_counter()

        def second_solve(region: int) -> tuple[int, dict[int, int], float, bool]:
            instance, places = instances[region]
            _, found, cost, low, _ = solved[region]
            share = left * workers * (cost - low) / max(widest, 1e-9)
            found, low, proven = _solve_region(
                instance,
                places,
                found,
                deadline=min(time.perf_counter() + share, end),
                stats=stats,
                lock=lock,
            )
            return region, found, low, proven

        if left > 1.0:
            for future in as_completed([pool.submit(second_solve, r) for r in open_gaps]):
                settle(*future.result())
    group_of: dict[int, int] = {}
    for _, found, _, _, _ in solved.values():
        group_of.update(found)
    objective = sum(item[2] for item in solved.values())
    bound = sum(item[3] for item in solved.values())
    optimal = all(item[4] or item[2] - item[3] <= 1e-6 for item in solved.values())
    dropped = [m.id for m in placeable if m.id not in group_of]
    left_out.extend(
        LeftOutMember(
            v,
            "no_group_fits",
            "no group within reach can take them within the rules "
            "(size, clients kept apart, common weekly time)",
        )
        for v in dropped
    )
    members_of: dict[int, list[int]] = defaultdict(list)
    for v, g in group_of.items():
        members_of[g].append(v)
    groups = tuple(
        _outcome(
            index,
            member_ids=sorted(members_of[g]),
            centre=centres[g],
            kind=kind,
            pairs=pairs,
            config=config,
        )
        for index, g in enumerate(g for g in range(count) if members_of[g])
    )
    return IntervisionResult(
        status="OPTIMAL" if optimal else "FEASIBLE",
        groups=groups,
        objective=round(objective, 1),
        best_bound=round(bound, 1),
        gap=max(0.0, (objective - bound) / max(1.0, abs(objective))),
        wall_s=time.perf_counter() - started,
        violations=tuple(
            validate_groups(
                members, [g.members for g in groups], config, left_out=[v.id for v in left_out]
            )
        ),
        stats=stats,
        left_out=tuple(sorted(left_out, key=lambda item: item.id)),
        centres=tuple(centres),
    )


def _again(people: Iterable[int], last_group: dict[int, int]) -> int:
    """Pairs of ``people`` who were in one group last year."""
    counts: dict[int, int] = defaultdict(int)
    for v in people:
        if v in last_group:
            counts[last_group[v]] += 1
    return sum(n * (n - 1) // 2 for n in counts.values())


def _report(
    config: IntervisionConfig,
    started: float,
    solved: dict[int, tuple[_Instance, dict[int, int], float, float, bool]],
) -> None:
    if config.progress is not None:
        config.progress(
            ProgressEvent(
                "groups",
                time.perf_counter() - started,
                sum(item[2] for item in solved.values()),
                sum(item[3] for item in solved.values()),
            )
        )


def _solve_region(
    instance: _Instance,
    places: list[int],
    first: dict[int, int],
    *,
    deadline: float,
    stats: dict[str, int | float],
    lock: threading.Lock,
) -> tuple[dict[int, int], float, bool]:
    """Group one region's VPs: a start within the rules, then the MIP, then moves and swaps.

    Returns the grouping, a proven lower bound on its region's cost, and whether the MIP
    proved its answer optimal.
    """
    config = instance.config
    began = time.perf_counter()
    budget = deadline - began
    ids = {m.id for m in instance.members}
    hint = _Local(instance, first).run(began + budget * config.polish_share / 2)
    hint_cost = instance.cost(hint, [v for v in ids if v not in hint])
    if time.perf_counter() >= deadline - 0.2:
        # No time left for this region (a second pass that came too late): keep what it has.
        return first, instance.floor(), False
    model, x, out, opened = _model(instance, max(places) + 1)
    with lock:
        stats["variables"] = int(stats["variables"]) + model.get_num_variables()
        stats["constraints"] = int(stats["constraints"]) + model.get_num_linear_constraints()
    values_hint: dict[mathopt.Variable, float] = {
        var: float(hint.get(v) == g) for (v, g), var in x.items()
    }
    values_hint.update({var: float(v not in hint) for v, var in out.items()})
    used_hint = set(hint.values())
    values_hint.update({var: float(g in used_hint) for g, var in opened.items()})
    seconds = deadline - budget * config.polish_share / 2 - time.perf_counter()
    params = mathopt.SolveParameters(
        time_limit=timedelta(seconds=max(0.5, seconds)),
        relative_gap_tolerance=config.relative_gap,
        random_seed=config.seed,
    )
    solved = mathopt.solve(
        model,
        mathopt.SolverType.HIGHS,
        params=params,
        model_params=mathopt.ModelSolveParameters(
            solution_hints=[mathopt.SolutionHint(variable_values=values_hint)]
        ),
    )
    group_of = hint
    if solved.has_primal_feasible_solution():
        values = solved.variable_values()
        found = {v: g for (v, g), var in x.items() if values[var] > 0.5}
        if instance.cost(found, [v for v in ids if v not in found]) < hint_cost:
            group_of = found
    group_of = _Local(instance, group_of).run(deadline)
    low = solved.termination.objective_bounds.dual_bound
    if not math.isfinite(low):
        low = 0.0
    low = max(low, instance.floor())
    proven = solved.termination.reason == mathopt.TerminationReason.OPTIMAL
    return group_of, float(low), proven


def _outcome(
    index: int,
    *,
    member_ids: list[int],
    centre: Location,
    kind: dict[int, IntervisionMemberInput],
    pairs: set[tuple[int, int]],
    config: IntervisionConfig,
) -> GroupOutcome:
    travel = [haversine_km(kind[v].home, centre) for v in member_ids]
    repeated = sum(
        1 for i, a in enumerate(member_ids) for b in member_ids[i + 1 :] if (a, b) in pairs
    )
    return GroupOutcome(
        index=index,
        members=tuple(member_ids),
        meeting_place=centre,
        mean_travel_km=round(sum(travel) / len(travel), 1) if travel else 0.0,
        max_travel_km=round(max(travel), 1) if travel else 0.0,
        new_members=sum(1 for v in member_ids if kind[v].years_certified < config.new_below_years),
        seasoned_members=sum(
            1 for v in member_ids if kind[v].years_certified >= config.seasoned_from_years
        ),
        genders=tuple(sorted({g for v in member_ids if (g := kind[v].gender) is not None})),
        repeated_pairs=repeated,
        common_time=common_weekly_time(
            [kind[v].weekly_free for v in member_ids], config.session_slots
        )
        if config.min_common_slots > 0
        else (),
    )


def describe_group(
    index: int,
    members: Sequence[IntervisionMemberInput],
    meeting_place: Location,
    config: IntervisionConfig,
    previous_groups: Sequence[Sequence[int]] = (),
) -> GroupOutcome:
    """How a given group scores (travel, mix, pairs from ``previous_groups``, common time)."""
    kind = {m.id: m for m in members}
    pairs: set[tuple[int, int]] = set()
    for group in previous_groups:
        ids = sorted(set(group) & set(kind))
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return _outcome(
        index,
        member_ids=sorted(kind),
        centre=meeting_place,
        kind=kind,
        pairs=pairs,
        config=config,
    )


def validate_groups(
    members: Sequence[IntervisionMemberInput],
    groups: Sequence[Sequence[int]],
    config: IntervisionConfig,
    *,
    left_out: Iterable[int] = (),
) -> list[str]:
    """Every hard-rule violation of a grouping, in words (``left_out``: VPs out with a reason)."""
    problems = []
    seen: dict[int, int] = {}
    known = {m.id: m for m in members}
    for index, group in enumerate(groups):
        if not config.min_size <= len(group) <= config.max_size:
            problems.append(
                f"group {index} has {len(group)} members "
                f"(allowed {config.min_size} to {config.max_size})"
            )
        orgs: dict[int, int] = {}
        for vp_id in group:
            if vp_id not in known:
                problems.append(f"group {index}: unknown VP {vp_id}")
                continue
            if vp_id in seen:
                problems.append(f"VP {vp_id} is in groups {seen[vp_id]} and {index}")
            seen[vp_id] = index
            for org in known[vp_id].organisations:
                if org in orgs:
                    problems.append(
                        f"group {index}: VPs {orgs[org]} and {vp_id} both serve organisation {org}"
                    )
                orgs[org] = vp_id
        if config.min_common_slots > 0:
            masks = [known[v].weekly_free for v in group if v in known]
            shared = _common_slots(masks, config.session_slots)
            if shared < config.min_common_slots:
                problems.append(
                    f"group {index}: the members share {shared / 2:g} h of weekly time "
                    f"in pieces of {config.session_slots / 2:g} h or more "
                    f"(at least {config.min_common_slots / 2:g} h needed)"
                )
    out = set(left_out)
    problems.extend(
        f"VP {vp_id} is in no group" for vp_id in known if vp_id not in seen and vp_id not in out
    )
    problems.extend(
        f"VP {vp_id} is both left out and in group {seen[vp_id]}"
        for vp_id in sorted(out)
        if vp_id in seen
    )
    return problems
