"""Intervision benchmark: form a year's groups for size presets, then plan their sessions.

    python benchmarks/intervision.py --sizes L XL --seed 1 --time-limit 90

Generates the dataset, loads it into a fresh SQLite database and calls the product's own
service (``vppool.services.intervision``): forming (loading the pool, the MIP, validation,
storing the groups) and scheduling (availability of every member, common free time per
window, storing the sessions), each timed as a whole. The stored groups are then checked
against every hard rule again, independently of the service: each eligible VP in exactly one
group (or left out by the service with the reason, counted apart), sizes within the range,
no two members serving the same organisation that year.

The proven bound is checked against an independent relaxation computed here with another
solver (GLOP): the LP of placing each VP at one of the meeting places the model offered
(each open place 4 to 6 VPs), or, at the cost of its next nearest place, anywhere farther,
or nowhere at the price of leaving them out; it drops the clients kept apart, the common
time and the soft terms, so it can only be lower than the model's best, and the reported
bound should lie between it and the objective. Every window without a session should name
the member who blocks it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
RESULTS = Path(__file__).with_name("results")


def _hard_rule_violations(session: Any, settings: Any, year: int, eligible: set[int]) -> list[str]:
    """Every hard-rule violation of the stored groups of ``year``, checked from the rows."""
    from sqlmodel import col, select

    from vppool.db.models import Assignment, IntervisionGroup, IntervisionMember, Need

    members: dict[int, list[int]] = defaultdict(list)
    for group_id, vp_id in session.exec(
        select(IntervisionMember.group_id, IntervisionMember.trust_person_id)
        .join(IntervisionGroup, col(IntervisionGroup.id) == IntervisionMember.group_id)
        .where(IntervisionGroup.year == year)
    ).all():
        members[group_id].append(vp_id)
    problems = []
    seen: dict[int, int] = {}
    for group_id, vp_ids in members.items():
        if not settings.intervision_group_min <= len(vp_ids) <= settings.intervision_group_max:
            problems.append(f"group {group_id} has {len(vp_ids)} members")
        for vp_id in vp_ids:
            if vp_id in seen:
                problems.append(f"VP {vp_id} in groups {seen[vp_id]} and {group_id}")
            seen[vp_id] = group_id
    problems += [f"VP {v} in no group" for v in sorted(eligible - set(seen))]
    problems += [f"VP {v} is not eligible" for v in sorted(set(seen) - eligible)]
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    serving: dict[int, set[int]] = defaultdict(set)
    for vp_id, organisation_id, status, starts_on, ends_on in session.exec(
        select(
            Assignment.trust_person_id,
            Need.organisation_id,
            Assignment.status,
            Assignment.starts_on,
            Assignment.ends_on,
        ).join(Need, col(Need.id) == Assignment.need_id)
    ).all():
        overlaps = starts_on < after and (ends_on is None or ends_on > first)
        if status.value in ("confirmed", "ended") and overlaps:
            serving[organisation_id].add(vp_id)
    for organisation_id, vp_ids in serving.items():
        groups = [seen[v] for v in vp_ids if v in seen]
        if len(groups) != len(set(groups)):
            problems.append(f"two VPs serving organisation {organisation_id} share a group")
    return problems


def _km(lat: float, lon: float, place: list[float]) -> float:
    """Equirectangular kilometres, as the model counts travel (rounded to 0.1 km)."""
    scale = math.cos(math.radians(lat))
    per_degree = math.pi * 6371.0 / 180
    return round(per_degree * math.hypot(place[0] - lat, (place[1] - lon) * scale), 1)


def independent_bound(
    homes: dict[int, tuple[float, float]],
    places: list[list[float]],
    *,
    min_size: int,
    max_size: int,
    left_out_cost: float,
    nearest: int = 30,
) -> float:
    """A lower bound on the model's optimum by an LP relaxation solved with GLOP."""
    from ortools.math_opt.python import mathopt

    model = mathopt.Model(name="intervision relaxation")
    cost: list[Any] = []
    at_place: dict[int, list[Any]] = defaultdict(list)
    opened = [model.add_variable(lb=0, ub=1) for _ in places]
    for lat, lon in homes.values():
        km = sorted((_km(lat, lon, place), g) for g, place in enumerate(places))
        choices = []
        for distance, g in km[:nearest]:
            x = model.add_variable(lb=0, ub=1)
            model.add_linear_constraint(x <= opened[g])
            at_place[g].append(x)
            choices.append(x)
            cost.append(distance * x)
        if len(km) > nearest:  # anywhere farther, at least as far as the next place
            far = model.add_variable(lb=0, ub=1)
            choices.append(far)
            cost.append(km[nearest][0] * far)
        out = model.add_variable(lb=0, ub=1)
        choices.append(out)
        cost.append(left_out_cost * out)
        model.add_linear_constraint(mathopt.fast_sum(choices) == 1)
    for g, xs in at_place.items():
        model.add_linear_constraint(mathopt.fast_sum(xs) <= max_size * opened[g])
        model.add_linear_constraint(mathopt.fast_sum(xs) >= min_size * opened[g])
    model.minimize(mathopt.fast_sum(cost))
    result = mathopt.solve(model, mathopt.SolverType.GLOP)
    return float(result.objective_value())


def run(size: str, seed: int, workers: int, time_limit: float) -> dict[str, Any]:
    """Benchmark one size in this process."""
    from sqlmodel import Session

    from vppool.db import make_engine, upgrade
    from vppool.services import intervision
    from vppool.services.compliance import current_certificates
    from vppool.services.dataset import import_dataset
    from vppool.settings import Settings
    from vppool.synthetic import generate

    settings = Settings(intervision_workers=workers, intervision_time_limit_s=time_limit)
    year = TODAY.year + 1
    started = time.perf_counter()
    dataset = generate(size, seed, today=TODAY, settings=settings)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        with Session(engine) as session:
            import_dataset(session, dataset)
            session.commit()
        prepared_s = time.perf_counter() - started

        with Session(engine) as session:
            tick = time.perf_counter()
            formed = intervision.form_groups_for_year(
                session, settings, year=year, today=TODAY, now=NOW
            )
            session.commit()
            form_s = time.perf_counter() - tick

            reference = date(year, 1, 1)
            from sqlmodel import col, select

            from vppool.db.models import TrustPerson

            active = set(session.exec(select(TrustPerson.id).where(col(TrustPerson.active))).all())
            eligible = {
                vp_id
                for vp_id, cert in current_certificates(session, reference).items()
                if cert.expires_on > reference and vp_id in active
            }
            # A VP the model left out is out with the reason (counted below), not a violation.
            out = {left.trust_person_id for left in formed.left_out}
            violations = _hard_rule_violations(session, settings, year, eligible - out)

            # The VPs the model placed or left out (not those out before it: no weekly time).
            modelled = eligible - {
                left.trust_person_id for left in formed.left_out if "every week" in left.reason
            }
            tick = time.perf_counter()
            schedule = intervision.schedule_sessions(session, settings, year=year, now=NOW)
            session.commit()
            schedule_s = time.perf_counter() - tick
            homes = {
                vp_id: (lat, lon)
                for vp_id, lat, lon in session.exec(
                    select(TrustPerson.id, TrustPerson.home_latitude, TrustPerson.home_longitude)
                ).all()
                if vp_id in modelled
            }
        engine.dispose()
    tick = time.perf_counter()
    relaxation = independent_bound(
        homes,
        formed.meeting_places,
        min_size=settings.intervision_group_min,
        max_size=settings.intervision_group_max,
        left_out_cost=1000.0,
    )
    relaxation_s = time.perf_counter() - tick
    names = {
        g.group.id: [f"{m.first_name} {m.last_name}" for m in g.group.members]
        for g in formed.groups
    }
    unexplained = [
        (outcome.name, window.starts_on.isoformat(), window.reason)
        for outcome in schedule.groups
        for window in outcome.windows
        if window.session is None
        and not any(name in (window.reason or "") for name in names.get(outcome.group_id, []))
    ]

    travel = [g.mean_travel_km for g in formed.groups]
    return {
        "size": size,
        "seed": seed,
        "workers": workers,
        "time_limit_s": time_limit,
        "year": year,
        "members": formed.members,
        "left_out": len(formed.left_out),
        "groups": len(formed.groups),
        "status": formed.status,
        "objective": formed.objective,
        "best_bound": formed.best_bound,
        "gap": formed.gap,
        "independent_lp_bound": round(relaxation, 1),
        "bound_at_least_lp": formed.best_bound >= relaxation - 1e-6,
        "lp_at_most_objective": relaxation <= formed.objective + 1e-6,
        "gap_to_lp": max(0.0, formed.objective - relaxation) / max(1.0, formed.objective),
        "relaxation_s": relaxation_s,
        "left_out_reasons": dict(
            Counter(
                "certificate" if "certificate" in left.reason else left.reason.split(" (")[0]
                for left in formed.left_out
            )
        ),
        "min_common_weekly_hours": min(
            (g.common_weekly_hours for g in formed.groups), default=None
        ),
        "mean_common_weekly_hours": (
            sum(g.common_weekly_hours for g in formed.groups) / len(formed.groups)
            if formed.groups
            else None
        ),
        "solve_s": formed.wall_s,
        "form_s": form_s,
        "left_out_by_the_model": len(modelled & out),
        "hard_rule_violations": len(violations),
        "violation_examples": violations[:5],
        "mean_travel_km": sum(travel) / len(travel) if travel else None,
        "max_travel_km": max((g.max_travel_km for g in formed.groups), default=None),
        "groups_without_seasoned": sum(1 for g in formed.groups if g.seasoned_members == 0),
        "groups_single_gender": sum(1 for g in formed.groups if len(g.genders) < 2),
        "repeated_pairs": sum(g.repeated_pairs for g in formed.groups),
        "sessions_planned": schedule.planned,
        "windows_without_time": schedule.without_time,
        "windows_without_a_named_vp": len(unexplained),
        "unexplained_examples": unexplained[:3],
        "schedule_s": schedule_s,
        "prepare_s": prepared_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["L", "XL"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--time-limit", type=float, default=90.0, help="Solver seconds (the whole forming too)."
    )
    parser.add_argument(
        "--json", type=Path, default=RESULTS / "intervision.json", help="Write the figures here."
    )
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        row = run(size, args.seed, args.workers, args.time_limit)
        row["load_average"] = os.getloadavg()
        rows.append(row)
        for key, value in row.items():
            print(f"{key:>28}: {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
