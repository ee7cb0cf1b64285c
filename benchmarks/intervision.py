"""Intervision benchmark: form a year's groups for a size preset, then plan their sessions.

    python benchmarks/intervision.py --size XL --seed 1 --workers 2 --json results.json

Generates the dataset, loads it into a fresh SQLite database and calls the product's own
service (``vppool.services.intervision``): forming (loading the pool, CP-SAT, validation,
storing the groups) and scheduling (availability of every member, common free time per
window, storing the sessions), each timed as a whole. The stored groups are then checked
against every hard rule again, independently of the service: each eligible VP in exactly one
group, sizes within the range, no two members serving the same organisation that year.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import defaultdict
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
            violations = _hard_rule_violations(session, settings, year, eligible)

            tick = time.perf_counter()
            schedule = intervision.schedule_sessions(session, settings, year=year, now=NOW)
            session.commit()
            schedule_s = time.perf_counter() - tick
        engine.dispose()

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
        "solve_s": formed.wall_s,
        "form_s": form_s,
        "hard_rule_violations": len(violations),
        "violation_examples": violations[:5],
        "mean_travel_km": sum(travel) / len(travel) if travel else None,
        "max_travel_km": max((g.max_travel_km for g in formed.groups), default=None),
        "groups_without_seasoned": sum(1 for g in formed.groups if g.seasoned_members == 0),
        "groups_single_gender": sum(1 for g in formed.groups if len(g.genders) < 2),
        "repeated_pairs": sum(g.repeated_pairs for g in formed.groups),
        "sessions_planned": schedule.planned,
        "windows_without_time": schedule.without_time,
        "schedule_s": schedule_s,
        "prepare_s": prepared_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="XL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT seconds.")
    parser.add_argument(
        "--json", type=Path, default=RESULTS / "intervision.json", help="Write the figures here."
    )
    args = parser.parse_args()
    row = run(args.size, args.seed, args.workers, args.time_limit)
    for key, value in row.items():
        print(f"{key:>24}: {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
