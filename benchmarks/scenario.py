"""What-if: "the busiest VP absent for three months", worked out on a preset (target < 10 s on M).

    python benchmarks/scenario.py --sizes M --repeat 3 --json benchmarks/results/scenario.json

Prepares the demo database of each size (a generated dataset, kept with ``--keep DIR``) and
runs the matcher once (its proposals and the confirmed seats are the plan as it stands),
takes the VP with the most hours in the current plan (confirmed seats and the run's
proposals) and times the scenario "absent from a week from today for three
months" as a worker runs it (read the plan, apply the change, solve the copy, compare):
``--repeat`` runs, each its own scenario run. Then it adopts the last one and says whether
the independent validator accepted the adopted plan (the adoption refuses otherwise) and how
many organisations the comparison names. Prints and saves the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

TARGET_S = 10.0


def run(size: str, seed: int, repeat: int, keep: Path | None) -> dict[str, Any]:
    """Time the scenario on one size."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from vppool import matching as m
    from vppool.db import make_engine
    from vppool.db.migrate import upgrade
    from vppool.db.models import Assignment, MatchingRun, Need
    from vppool.services import insight_runs, matching, scenarios
    from vppool.services.demo import prepare_demo
    from vppool.services.matching import build_instance
    from vppool.settings import Settings
    from vppool.vocab import AssignmentStatus

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) if keep is None else keep / f"scenario-{size}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "scenario.sqlite3"
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{database}")
        if not database.exists():
            print(f"{size}: preparing the database", flush=True)
            prepare_demo(settings, database, size=size, seed=seed, password="benchmark-pw")  # noqa: S106  (a throw-away database)
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        today = settings.today()
        with Session(engine) as session:
            has_run = session.execute(sa.select(sa.func.count()).select_from(MatchingRun)).scalar()
        if not has_run:  # the plan as it stands: the confirmed seats and a run's proposals
            print(f"{size}: a matching run for the current plan", flush=True)
            with Session(engine) as session:
                first_run = matching.start_run(session, settings, enqueue=False)
                session.commit()
            matching.execute_run(engine, settings, first_run.id, today=today)
        with Session(engine) as session:
            load: Counter[int] = Counter()
            for vp_id, hours in session.execute(
                sa.select(Assignment.trust_person_id, Need.expected_hours_per_month)
                .join(Need, Need.id == Assignment.need_id)  # type: ignore[arg-type]
                .where(
                    Assignment.status.in_(  # type: ignore[attr-defined]
                        [AssignmentStatus.CONFIRMED, AssignmentStatus.PROPOSED]
                    )
                )
            ):
                load[vp_id] += hours
            busiest, hours = load.most_common(1)[0]
        first = today + timedelta(days=7)
        spec = scenarios.ScenarioSpec.model_validate(
            {
                "name": "the busiest VP absent for three months",
                "changes": [
                    {
                        "type": "absence",
                        "trust_person_id": busiest,
                        "first_day": first.isoformat(),
                        "last_day": (first + timedelta(days=91)).isoformat(),
                    }
                ],
            }
        )
        walls, results = [], []
        for _ in range(repeat):
            with Session(engine) as session:
                started = insight_runs.start_scenario(session, spec, today=today, queued=False)
                session.commit()
            tick = time.perf_counter()
            done = insight_runs.execute_run(engine, settings, started.id)
            walls.append(time.perf_counter() - tick)
            assert done.error is None, done.error  # noqa: S101  (a benchmark of a working run)
            results.append(done)
        last = results[-1]
        with Session(engine) as session:
            tick = time.perf_counter()
            adopted = insight_runs.adopt_scenario(session, settings, last.id)
            adopt_s = time.perf_counter() - tick
            bundle = build_instance(session, settings, today=today, with_previous_plan=False)
            proposals = session.execute(
                sa.select(Assignment.need_id, Assignment.seat, Assignment.trust_person_id).where(
                    Assignment.matching_run_id == adopted.matching_run_id  # type: ignore[arg-type]
                )
            ).all()
            plan = {
                m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in bundle.instance.assignments
            }
            plan.update({m.SeatRef(n, s): vp for n, s, vp in proposals})
            violations = m.new_violations(bundle.instance, m.Plan(plan))
            session.rollback()  # the benchmark's database stays as it was
        result = last.result
        return {
            "size": size,
            "seed": seed,
            "busiest_trust_person_id": busiest,
            "busiest_hours_per_month": round(hours, 1),
            "median_s": round(statistics.median(walls), 2),
            "runs_s": [round(w, 2) for w in walls],
            "solve_s": result["scenario"]["solve_s"],
            "status": result["scenario"]["status"],
            "target_s": TARGET_S,
            "seats_changed": result["seats_changed"],
            "organisations_named": len(result["organisations"]),
            "added_needs": len(result["added_needs"]),
            "current": result["current"],
            "scenario": result["scenario"],
            "adopt_s": round(adopt_s, 2),
            "adopted_proposals": len(proposals),
            "validator_violations": len(violations),
        }


def main() -> None:
    """Run the benchmark and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["M"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the prepared databases here")
    parser.add_argument("--json", type=Path, help="save the figures here")
    args = parser.parse_args()
    figures = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "load": os.getloadavg(),
        "results": [run(size, args.seed, args.repeat, args.keep) for size in args.sizes],
    }
    for item in figures["results"]:
        print(
            f"{item['size']}: busiest VP {item['busiest_trust_person_id']} "
            f"({item['busiest_hours_per_month']} h/month) absent 3 months: "
            f"median {item['median_s']} s (runs {item['runs_s']}, target < {TARGET_S} s), "
            f"{item['seats_changed']} seats changed, {item['organisations_named']} organisations "
            f"named; adopted {item['adopted_proposals']} proposals in {item['adopt_s']} s, "
            f"validator: {item['validator_violations']} violations"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
