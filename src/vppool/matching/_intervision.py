"""Intervision groups: partition the pool into fixed groups for a year, with CP-SAT.

Hard: every VP in exactly one group; group sizes within the range; VPs who serve the same
client organisation in different groups (anonymised cases stay untraceable). Soft: members
live close to their group's meeting place, each group mixes newly certified and seasoned
VPs, holds more than one gender, and repeats few pairs from last year's groups.

Meeting places are fixed before the solve: a seeded k-means over the members' homes gives
one centre per group, so travel is a linear cost and each VP only considers the few
nearest centres (the candidate limit keeps 2,000 VPs tractable).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from vppool.matching._geo import haversine_km
from vppool.matching._types import Location

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
    nearest_centres: int = 8
    new_below_years: float = 2.0
    seasoned_from_years: float = 5.0
    weight_travel_per_km: int = 1
    weight_no_seasoned: int = 60
    weight_single_gender: int = 30
    weight_repeated_pair: int = 40


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


def _centres(members: Sequence[IntervisionMemberInput], count: int, seed: int) -> list[Location]:
    """Seeded k-means (k-means++ start, Lloyd iterations) on an equirectangular projection."""
    rng = random.Random(seed)
    scale = math.cos(math.radians(52.2))
    points = [(m.home.latitude, m.home.longitude * scale) for m in members]

    def d2(a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2

    centres = [points[rng.randrange(len(points))]]
    nearest = [d2(p, centres[0]) for p in points]
    while len(centres) < count:
        total = sum(nearest)
        pick = rng.random() * total if total > 0 else 0.0
        index = 0
        for index, weight in enumerate(nearest):  # noqa: B007
            pick -= weight
            if pick <= 0:
                break
        centres.append(points[index])
        nearest = [min(n, d2(p, centres[-1])) for n, p in zip(nearest, points, strict=True)]
    for _ in range(12):
        buckets: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for p in points:
            buckets[min(range(len(centres)), key=lambda c: d2(p, centres[c]))].append(p)
        centres = [
            (
                sum(p[0] for p in buckets[c]) / len(buckets[c]),
                sum(p[1] for p in buckets[c]) / len(buckets[c]),
            )
            if buckets.get(c)
            else centres[c]
            for c in range(len(centres))
        ]
    return [Location(lat, lon / scale) for lat, lon in centres]


def _group_count(n: int, config: IntervisionConfig) -> int | None:
    count = math.ceil(n / config.max_size)
    while count * config.min_size <= n:
        if count * config.max_size >= n:
            return count
        count += 1
    return None


def form_groups(
    members: Sequence[IntervisionMemberInput],
    config: IntervisionConfig | None = None,
    previous_groups: Sequence[Sequence[int]] = (),
) -> IntervisionResult:
    """Partition ``members`` into groups; never raises for an impossible pool (status says)."""
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
    centres = _centres(members, count, config.seed)
    model = cp_model.CpModel()
    distance: dict[tuple[int, int], int] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_group: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    reach = min(count, max(config.nearest_centres, 1))
    for m in members:
        ranked = sorted(range(count), key=lambda g: haversine_km(m.home, centres[g]))[:reach]
        for g in ranked:
            x[(m.id, g)] = model.new_bool_var(f"x_{m.id}_{g}")
            distance[(m.id, g)] = round(haversine_km(m.home, centres[g]))
            by_group[g].append((m.id, x[(m.id, g)]))
        model.add_exactly_one(x[(m.id, g)] for g in ranked)
    for g in range(count):
        size = sum(var for _, var in by_group[g])
        model.add(size >= config.min_size)
        model.add(size <= config.max_size)
    serving: dict[int, list[int]] = defaultdict(list)
    for m in members:
        for org in m.organisations:
            serving[org].append(m.id)
    for vp_ids in serving.values():
        if len(vp_ids) < 2:
            continue
        for g in range(count):
            together = [x[(v, g)] for v in vp_ids if (v, g) in x]
            if len(together) > 1:
                model.add_at_most_one(together)
    terms: list[tuple[cp_model.IntVar, int]] = [
        (var, config.weight_travel_per_km * distance[key]) for key, var in x.items()
    ]
    kind = {m.id: m for m in members}
    for g in range(count):
        seasoned = [
            var for v, var in by_group[g] if kind[v].years_certified >= config.seasoned_from_years
        ]
        lacking = model.new_bool_var(f"no_seasoned_{g}")
        model.add(sum(seasoned) + lacking >= 1)
        terms.append((lacking, config.weight_no_seasoned))
        for gender in ("female", "male"):
            present = [var for v, var in by_group[g] if kind[v].gender == gender]
            missing = model.new_bool_var(f"no_{gender}_{g}")
            model.add(sum(present) + missing >= 1)
            terms.append((missing, config.weight_single_gender))
    pairs: set[tuple[int, int]] = set()
    for group in previous_groups:
        ids = sorted(set(group) & set(kind))
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    for a, b in sorted(pairs):
        for g in range(count):
            if (a, g) in x and (b, g) in x:
                again = model.new_bool_var(f"again_{a}_{b}_{g}")
                model.add(again >= x[(a, g)] + x[(b, g)] - 1)
                terms.append((again, config.weight_repeated_pair))
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = config.time_limit_s
    solver.parameters.num_workers = config.workers
    solver.parameters.random_seed = config.seed
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return IntervisionResult(
            name,
            (),
            0.0,
            float(solver.best_objective_bound),
            1.0,
            time.perf_counter() - started,
            ("no grouping satisfies the size and separation rules within the time limit",),
            {"groups": count, "variables": len(x)},
        )
    members_of: dict[int, list[int]] = defaultdict(list)
    for (vp_id, g), var in x.items():
        if solver.value(var):
            members_of[g].append(vp_id)
    groups = tuple(
        _outcome(
            g,
            member_ids=sorted(members_of[g]),
            centre=centres[g],
            kind=kind,
            pairs=pairs,
            config=config,
        )
        for g in range(count)
    )
    objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    return IntervisionResult(
        status=name,
        groups=groups,
        objective=objective,
        best_bound=bound,
        gap=max(0.0, (objective - bound) / max(1.0, abs(objective))),
        wall_s=time.perf_counter() - started,
        violations=tuple(validate_groups(members, [g.members for g in groups], config)),
        stats={"groups": count, "variables": len(x), "repeat_pairs_known": len(pairs)},
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
