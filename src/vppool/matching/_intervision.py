"""Intervision groups: partition the pool into fixed groups for a year, with CP-SAT.

Hard: every VP in exactly one group; group sizes within the range; VPs who serve the same
client organisation in different groups (anonymised cases stay untraceable). Soft: members
live close to their group's meeting place, each group mixes newly certified and seasoned
VPs, holds more than one gender, and repeats few pairs from last year's groups.

A start grouping comes first: the VPs in the order of a Hilbert curve over their homes, cut
into groups of the right sizes, skipping whoever would meet a VP serving the same
organisation. It keeps every hard rule, and its groups' centres are the meeting places, so
travel is a linear cost. Each VP then considers the few nearest meeting places (and their
own start group, so the start stays a solution); the candidate limit keeps 2,000 VPs
tractable. The start, improved by single moves and swaps, is CP-SAT's hint; CP-SAT improves
on it and proves a bound; the same moves and swaps polish its answer. A group may end
empty; it is then left out.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from vppool.matching._geo import haversine_km
from vppool.matching._types import Location, ProgressEvent

_EARTH_KM = 6371.0

__all__ = [
    "GroupOutcome",
    "IntervisionConfig",
    "IntervisionMemberInput",
    "IntervisionResult",
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


@dataclass(frozen=True, slots=True)
class IntervisionConfig:
    """Sizes, weights and solver limits."""

    min_size: int = 4
    max_size: int = 6
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 1
    nearest_centres: int = 16
    #: Share of the time limit kept for polishing the hint and the result.
    polish_share: float = 0.1
    new_below_years: float = 2.0
    seasoned_from_years: float = 5.0
    weight_travel_per_km: int = 1
    weight_no_seasoned: int = 60
    weight_single_gender: int = 30
    weight_repeated_pair: int = 40
    #: Called with each improving grouping the solver finds (phase ``"groups"``).
    progress: Callable[[ProgressEvent], None] | None = None


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


@dataclass(frozen=True, slots=True)
class IntervisionResult:
    """The groups, the objective with CP-SAT's bound and gap, and any violations."""

    status: str
    groups: tuple[GroupOutcome, ...]
    objective: float
    best_bound: float
    gap: float
    wall_s: float
    violations: tuple[str, ...]
    stats: dict[str, int | float] = field(default_factory=dict)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving grouping with its objective and the bound so far."""

    def __init__(self, started: float, report: Callable[[ProgressEvent], None]) -> None:
        super().__init__()
        self.started = started
        self.report = report

    def on_solution_callback(self) -> None:
        self.report(
            ProgressEvent(
                "groups",
                time.perf_counter() - self.started,
                self.objective_value,
                self.best_objective_bound,
            )
        )


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
    """As many groups as the middle size gives, within what the size range allows.

    Aiming at the middle leaves every group room to grow or shrink, so local clusters of
    VPs fit their nearest meeting places; the fewest possible groups would all have to be
    (nearly) full, which the nearest-centre limit can make infeasible on large pools.
    """
    fewest = math.ceil(n / config.max_size)
    most = n // config.min_size
    if n == 0 or fewest > most:
        return None
    middle = round(2 * n / (config.min_size + config.max_size))
    return min(max(middle, fewest), most)


def _build(
    members: Sequence[IntervisionMemberInput],
    candidates: dict[int, list[int]],
    groups: Sequence[int],
    *,
    distance: dict[int, list[int]],
    pairs: set[tuple[int, int]],
    config: IntervisionConfig,
) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar]]:
    """The CP-SAT model of placing ``members`` in ``groups`` (each VP: its candidates)."""
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_group: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for m in members:
        for g in candidates[m.id]:
            x[(m.id, g)] = model.new_bool_var(f"x_{m.id}_{g}")
            by_group[g].append((m.id, x[(m.id, g)]))
        model.add_exactly_one(x[(m.id, g)] for g in candidates[m.id])
    used = {g: model.new_bool_var(f"used_{g}") for g in groups}
    for g in groups:
        size = sum(var for _, var in by_group[g])
        model.add(size >= config.min_size * used[g])
        model.add(size <= config.max_size * used[g])
    serving: dict[int, list[int]] = defaultdict(list)
    for m in members:
        for org in m.organisations:
            serving[org].append(m.id)
    for vp_ids in serving.values():
        if len(vp_ids) < 2:
            continue
        for g in sorted({g for v in vp_ids for g in candidates[v]}):
            together = [x[(v, g)] for v in vp_ids if (v, g) in x]
            if len(together) > 1:
                model.add_at_most_one(together)
    terms: list[tuple[cp_model.IntVar, int]] = [
        (var, config.weight_travel_per_km * distance[v][g]) for (v, g), var in x.items()
    ]
    kind = {m.id: m for m in members}
    for g in groups:
        seasoned = [
            var for v, var in by_group[g] if kind[v].years_certified >= config.seasoned_from_years
        ]
        lacking = model.new_bool_var(f"no_seasoned_{g}")
        model.add(sum(seasoned) + lacking >= used[g])
        terms.append((lacking, config.weight_no_seasoned))
        for gender in ("female", "male"):
            present = [var for v, var in by_group[g] if kind[v].gender == gender]
            missing = model.new_bool_var(f"no_{gender}_{g}")
            model.add(sum(present) + missing >= used[g])
            terms.append((missing, config.weight_single_gender))
    for a, b in sorted(pairs):
        if a not in kind or b not in kind:
            continue
        for g in sorted(set(candidates[a]) & set(candidates[b])):
            again = model.new_bool_var(f"again_{a}_{b}_{g}")
            model.add(again >= x[(a, g)] + x[(b, g)] - 1)
            terms.append((again, config.weight_repeated_pair))
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms]))
    return model, x


def _solver(config: IntervisionConfig, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = config.workers
    solver.parameters.random_seed = config.seed
    return solver


class _Polish:
    """Moves and swaps of single VPs between candidate groups that lower the cost.

    The cost is exactly the model's objective, and every step keeps every hard rule (sizes,
    separation, candidate groups), so the solver's bound stays a bound for the result.
    """

    def __init__(
        self,
        members: Sequence[IntervisionMemberInput],
        candidates: dict[int, list[int]],
        *,
        distance: dict[int, list[int]],
        pairs: set[tuple[int, int]],
        config: IntervisionConfig,
        assignment: dict[int, int],
    ) -> None:
        self.kind = {m.id: m for m in members}
        self.candidates = candidates
        self.distance = distance
        self.config = config
        self.group_of = dict(assignment)
        self.partners: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            if a in self.kind and b in self.kind:
                self.partners[a].add(b)
                self.partners[b].add(a)
        self.members: dict[int, set[int]] = defaultdict(set)
        self.orgs: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for v, g in self.group_of.items():
            self._enter(v, g)

    def _enter(self, v: int, g: int) -> None:
        self.members[g].add(v)
        for org in self.kind[v].organisations:
            self.orgs[g][org] += 1

    def _leave(self, v: int, g: int) -> None:
        self.members[g].discard(v)
        for org in self.kind[v].organisations:
            self.orgs[g][org] -= 1

    def _penalty(self, people: set[int] | list[int]) -> int:
        if not people:
            return 0
        config = self.config
        kinds = [self.kind[v] for v in people]
        cost = 0
        if not any(k.years_certified >= config.seasoned_from_years for k in kinds):
            cost += config.weight_no_seasoned
        for gender in ("female", "male"):
            if not any(k.gender == gender for k in kinds):
                cost += config.weight_single_gender
        return cost

    def _repeats(self, v: int, people: set[int] | list[int]) -> int:
        return self.config.weight_repeated_pair * len(self.partners[v].intersection(people))

    def _clash(self, v: int, g: int, leaving: int | None = None) -> bool:
        counts = self.orgs[g]
        out = self.kind[leaving].organisations if leaving is not None else frozenset()
        return any(counts[org] - (org in out) > 0 for org in self.kind[v].organisations)

    def cost(self) -> int:
        """The objective of the current grouping."""
        travel = sum(
            self.config.weight_travel_per_km * self.distance[v][g] for v, g in self.group_of.items()
        )
        groups = sum(self._penalty(people) for people in self.members.values())
        repeats = sum(self._repeats(v, self.members[g]) for v, g in self.group_of.items()) // 2
        return travel + groups + repeats

    def _move_gain(self, v: int, a: int, b: int) -> int | None:
        config = self.config
        size_a, size_b = len(self.members[a]), len(self.members[b])
        if size_b + 1 > config.max_size or size_b + 1 < config.min_size:
            return None
        if size_a - 1 != 0 and size_a - 1 < config.min_size:
            return None
        if self._clash(v, b):
            return None
        rest_a = self.members[a] - {v}
        with_b = self.members[b] | {v}
        before = (
            self.distance[v][a]
            + self._penalty(self.members[a])
            + self._penalty(self.members[b])
            + self._repeats(v, rest_a)
        )
        after = (
            self.distance[v][b]
            + self._penalty(rest_a)
            + self._penalty(with_b)
            + self._repeats(v, self.members[b])
        )
        return before - after

    def _swap_gain(self, v: int, w: int) -> int | None:
        a, b = self.group_of[v], self.group_of[w]
        if a not in self.candidates[w] or self._clash(v, b, w) or self._clash(w, a, v):
            return None
        new_a = (self.members[a] - {v}) | {w}
        new_b = (self.members[b] - {w}) | {v}
        before = (
            self.distance[v][a]
            + self.distance[w][b]
            + self._penalty(self.members[a])
            + self._penalty(self.members[b])
            + self._repeats(v, self.members[a] - {v})
            + self._repeats(w, self.members[b] - {w})
        )
        after = (
            self.distance[v][b]
            + self.distance[w][a]
            + self._penalty(new_a)
            + self._penalty(new_b)
            + self._repeats(v, new_b - {v})
            + self._repeats(w, new_a - {w})
        )
        return before - after

    def run(self, deadline: float) -> dict[int, int]:
        """Improve until no step helps or the deadline (``time.perf_counter``) passes."""
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for v in sorted(self.group_of):
                if time.perf_counter() >= deadline:
                    break
                a = self.group_of[v]
                for b in self.candidates[v]:
                    if b == a:
                        continue
                    gain = self._move_gain(v, a, b)
                    if gain is not None and gain > 0:
                        self._leave(v, a)
                        self._enter(v, b)
                        self.group_of[v] = b
                        improved = True
                        break
                    for w in sorted(self.members[b]):
                        gain = self._swap_gain(v, w)
                        if gain is not None and gain > 0:
                            self._leave(v, a)
                            self._leave(w, b)
                            self._enter(v, b)
                            self._enter(w, a)
                            self.group_of[v], self.group_of[w] = b, a
                            improved = True
                            break
                    if self.group_of[v] != a:
                        break
        return self.group_of


def form_groups(
    members: Sequence[IntervisionMemberInput],
    config: IntervisionConfig | None = None,
    previous_groups: Sequence[Sequence[int]] = (),
) -> IntervisionResult:
    """Partition ``members`` into groups; never raises for an impossible pool (status says).

    Each VP considers its ``nearest_centres`` meeting places and its start group; should
    that prove infeasible, the reach doubles while time is left.
    """
    config = config or IntervisionConfig()
    started = time.perf_counter()
    count = _group_count(len(members), config)
    if not members or count is None:
        return IntervisionResult(
            "INFEASIBLE",
            (),
            0.0,
            0.0,
            0.0,
            time.perf_counter() - started,
            (f"{len(members)} VPs cannot form groups of {config.min_size} to {config.max_size}",),
        )
    start = _start_groups(members, count, config)
    centres = [_middle(group) for group in start] or [_middle(members)] * count
    count = len(centres)
    distance: dict[int, list[int]] = {}
    order: dict[int, list[int]] = {}
    for m in members:
        km = _km_to(m.home, centres)
        distance[m.id] = [round(d) for d in km]
        order[m.id] = sorted(range(count), key=km.__getitem__)
    kind = {m.id: m for m in members}
    pairs: set[tuple[int, int]] = set()
    for group in previous_groups:
        ids = sorted(set(group) & set(kind))
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    start_of = {m.id: index for index, group in enumerate(start) for m in group}

    def candidates_within(reach: int) -> dict[int, list[int]]:
        near = {v: order[v][:reach] for v in order}
        for v, g in start_of.items():
            if g not in near[v]:
                near[v].append(g)
        return near

    reach = min(count, max(config.nearest_centres, 1))
    budget = config.time_limit_s * config.polish_share
    hint = _Polish(
        members,
        candidates_within(reach),
        distance=distance,
        pairs=pairs,
        config=config,
        assignment=start_of,
    ).run(time.perf_counter() + budget / 2)
    while True:
        candidates = candidates_within(reach)
        model, x = _build(
            members, candidates, range(count), distance=distance, pairs=pairs, config=config
        )
        for (v, g), var in x.items():
            if v in hint:
                model.add_hint(var, hint[v] == g)
        seconds = config.time_limit_s - budget / 2 - (time.perf_counter() - started)
        solver = _solver(config, seconds)
        callback = _Progress(started, config.progress) if config.progress is not None else None
        status = solver.solve(model, callback)
        left = config.time_limit_s - (time.perf_counter() - started)
        if status != cp_model.INFEASIBLE or reach >= count or left < 1:
            break
        reach = min(count, 2 * reach)
    name = solver.status_name(status)
    stats: dict[str, int | float] = {
        "groups": count,
        "variables": len(x),
        "reach": reach,
        "start_members": len(start_of),
        "repeat_pairs_known": len(pairs),
    }
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = {v: g for (v, g), var in x.items() if solver.value(var)}
        stats["solver_objective"] = float(solver.objective_value)
    elif len(hint) == len(members):
        # CP-SAT found nothing in its time, but the start placed everyone: that grouping
        # keeps every hard rule (the validator below re-checks it).
        assignment = dict(hint)
        name = "FEASIBLE"
        stats["from_start"] = 1
    else:
        return IntervisionResult(
            name,
            (),
            0.0,
            float(solver.best_objective_bound),
            1.0,
            time.perf_counter() - started,
            ("no grouping satisfies the size and separation rules within the time limit",),
            stats,
        )
    polish = _Polish(
        members,
        candidates,
        distance=distance,
        pairs=pairs,
        config=config,
        assignment=assignment,
    )
    members_of: dict[int, list[int]] = defaultdict(list)
    for vp_id, g in polish.run(started + config.time_limit_s).items():
        members_of[g].append(vp_id)
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
    objective = float(polish.cost())
    bound = float(solver.best_objective_bound)
    return IntervisionResult(
        status=name,
        groups=groups,
        objective=objective,
        best_bound=bound,
        gap=max(0.0, (objective - bound) / max(1.0, abs(objective))),
        wall_s=time.perf_counter() - started,
        violations=tuple(validate_groups(members, [g.members for g in groups], config)),
        stats=stats,
    )


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
    )


def validate_groups(
    members: Sequence[IntervisionMemberInput],
    groups: Sequence[Sequence[int]],
    config: IntervisionConfig,
) -> list[str]:
    """Every hard-rule violation of a grouping, in words."""
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
    problems.extend(f"VP {vp_id} is in no group" for vp_id in known if vp_id not in seen)
    return problems
