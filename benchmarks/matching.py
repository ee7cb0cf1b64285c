"""Matching benchmark on the synthetic size presets.

    python benchmarks/matching.py --sizes S,M,L --seed 1 --workers 2 --json results.json

For each size: generate the dataset, load it into a fresh SQLite database, build the
instance with the product's own service, solve it with CP-SAT, and compare with the greedy
baseline (needs by urgency, each seat to the nearest eligible VP with room), scored by the
same objective and checked by the same validator. Quick match is timed for up to 200
short-term needs against the solved plan. Each size runs in its own process so its peak
memory is its own. On S and M the CP-SAT bound is cross-checked with the LP relaxation of
the same model solved by HiGHS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


def _lp_bound(model: Any, constant: int) -> float | None:
    """The LP relaxation of a CP-SAT model, solved by HiGHS in a separate process."""
    proto = model.Proto()
    big = 2**62

    def bound(value: int) -> float | None:
        return None if abs(value) >= big else float(value)

    rows = []
    for constraint in proto.constraints:
        if not constraint.has_linear():
            return None  # only linear models relax this simply
        linear = constraint.linear
        rows.append(
            {
                "lo": bound(linear.domain[0]),
                "hi": bound(linear.domain[len(linear.domain) - 1]),
                "index": list(linear.vars),
                "value": list(linear.coeffs),
            }
        )
    lp = {
        "lower": [bound(v.domain[0]) for v in proto.variables],
        "upper": [bound(v.domain[len(v.domain) - 1]) for v in proto.variables],
        "cost_index": list(proto.objective.vars),
        "cost_value": list(proto.objective.coeffs),
        "offset": proto.objective.offset + constant,
        "rows": rows,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lp.json"
        path.write_text(json.dumps(lp))
        script = Path(__file__).with_name("lp_relaxation.py")
        done = subprocess.run(
            [sys.executable, str(script), str(path)], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return None
    answer = json.loads(done.stdout)
    return float(answer["objective"]) if answer["status"] == "Optimal" else None


def run_one(size: str, seed: int, workers: int, time_limit: float | None) -> dict[str, Any]:
    """Benchmark one size in this process."""
    from vppool import matching as m
    from vppool.db import make_engine, session_scope, upgrade
    from vppool.services.dataset import import_dataset
    from vppool.services.matching import build_instance
    from vppool.settings import Settings
    from vppool.synthetic import generate

    limits = {"S": 10.0, "M": 30.0, "L": 120.0, "XL": 300.0}
    limit = time_limit or limits.get(size, 60.0)
    settings = Settings()
    started = time.perf_counter()
    dataset = generate(size, seed, today=TODAY, settings=settings)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        with session_scope(engine) as session:
            import_dataset(session, dataset)
        with session_scope(engine) as session:
            instance = build_instance(session, settings, today=TODAY).instance
        engine.dispose()
    prepared_s = time.perf_counter() - started

    config = m.MatchingConfig(
        time_limit_s=limit,
        workers=workers,
        seed=seed,
        max_candidates_per_need=settings.matching_max_candidates,
    )
    result = m.solve(instance, config)
    violations = m.validate(instance, result.plan)
    new = m.new_violations(instance, result.plan)

    greedy_started = time.perf_counter()
    greedy = m.greedy_plan(instance)
    greedy_s = time.perf_counter() - greedy_started
    greedy_terms = m.objective_terms(instance, greedy)
    greedy_objective = sum(
        v for k, v in greedy_terms.items() if k not in ("unfilled_seats", "urgency")
    )

    kept = m.Plan(
        {
            m.SeatRef(a.need_id, a.seat): a.trust_person_id
            for a in instance.assignments
            if a.status == "confirmed" or a.pinned
        }
    )
    kept_terms = m.objective_terms(instance, kept)
    kept_objective = sum(v for k, v in kept_terms.items() if k not in ("unfilled_seats", "urgency"))
    added = result.objective - kept_objective
    greedy_added = greedy_objective - kept_objective

    matcher = m.QuickMatcher(instance, result.plan)
    urgent = [n for n in instance.needs if n.kind != "standing"][:200] or list(instance.needs)[:200]
    timings = []
    for need in urgent:
        tick = time.perf_counter()
        matcher.rank(need)
        timings.append((time.perf_counter() - tick) * 1000)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)] if timings else None

    stability = _stability(m, instance, result, config) if size != "XL" else {}

    lp = None
    if size in ("S", "M"):
        model, constant = m.cost_model(instance, config, result.fill_objective)
        lp = _lp_bound(model, constant)

    return {
        "size": size,
        "seed": seed,
        "workers": workers,
        "time_limit_s": limit,
        "trust_persons": len(instance.trust_persons),
        "needs": len(instance.needs),
        "seats": sum(n.seats for n in instance.needs),
        "open_seats": result.stats["open_seats"],
        "candidate_pairs": result.stats["candidate_pairs"],
        "pruned_pairs": result.stats["pruned_pairs"],
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        # The standard relative gap, over the whole plan's cost (kept assignments included).
        "gap_total": (result.objective - result.best_bound) / max(1.0, abs(result.objective)),
        "fill_objective": result.fill_objective,
        "fill_bound": result.fill_bound,
        "unfilled_seats": len(result.unfilled),
        "violations": len(violations),
        "new_violations": len(new),
        "first_feasible_s": result.first_feasible_s,
        "wall_s": result.wall_s,
        "prepare_s": prepared_s,
        "greedy_objective": greedy_objective,
        "greedy_unfilled_seats": greedy_terms["unfilled_seats"],
        "greedy_new_violations": len(m.new_violations(instance, greedy)),
        "greedy_s": greedy_s,
        "objective_vs_greedy": (
            (greedy_objective - result.objective) / greedy_objective if greedy_objective else None
        ),
        "kept_plan_objective": kept_objective,
        "added_objective": added,
        "greedy_added_objective": greedy_added,
        "added_vs_greedy": (greedy_added - added) / greedy_added if greedy_added else None,
        "seats_added": len(result.plan.assignments) - len(kept.assignments),
        "greedy_seats_added": len(greedy.assignments) - len(kept.assignments),
        "quick_match_p95_ms": p95,
        "quick_match_median_ms": statistics.median(timings) if timings else None,
        "lp_bound": lp,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **stability,
    }


def _stability(m: Any, instance: Any, result: Any, config: Any) -> dict[str, Any]:
    """Re-solve after one VP becomes unavailable; count seats changed beyond those forced."""
    from collections import Counter
    from dataclasses import replace

    fixed = {(a.need_id, a.seat) for a in instance.assignments}
    proposed = {
        seat: vp
        for seat, vp in result.plan.assignments.items()
        if (seat.need_id, seat.seat) not in fixed
    }
    if not proposed:
        return {}
    leaving, _ = Counter(proposed.values()).most_common(1)[0]
    previous = tuple(instance.assignments) + tuple(
        m.ExistingAssignment(seat.need_id, seat.seat, vp, "proposed")
        for seat, vp in proposed.items()
    )
    vps = tuple(replace(v, active=False) if v.id == leaving else v for v in instance.trust_persons)
    again = replace(instance, trust_persons=vps, assignments=previous)
    started = time.perf_counter()
    after = m.solve(again, config)
    change = m.compare_plans(m.Plan(proposed), after.plan, unavailable=[leaving])
    return {
        "stability_forced_changes": len(change.forced),
        "stability_changes_beyond_forced": change.beyond_forced,
        "stability_resolve_s": time.perf_counter() - started,
    }


def _print(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("size", "{}"),
        ("trust_persons", "{}"),
        ("needs", "{}"),
        ("seats", "{}"),
        ("status", "{}"),
        ("objective", "{:,.0f}"),
        ("best_bound", "{:,.0f}"),
        ("gap", "{:.2%}"),
        ("unfilled_seats", "{}"),
        ("greedy_objective", "{:,.0f}"),
        ("greedy_unfilled_seats", "{}"),
        ("first_feasible_s", "{:.2f}"),
        ("wall_s", "{:.1f}"),
        ("quick_match_p95_ms", "{:.1f}"),
        ("lp_bound", "{:,.0f}"),
        ("peak_rss_mb", "{:,.0f}"),
        ("stability_changes_beyond_forced", "{}"),
    ]
    print(" | ".join(name for name, _ in columns))
    for row in rows:
        cells = []
        for name, fmt in columns:
            value = row.get(name)
            cells.append("-" if value is None else fmt.format(value))
        print(" | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, help="Override the per-size time limit.")
    parser.add_argument("--json", type=Path, help="Write the results to this file.")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        row = run_one(args.one, args.seed, args.workers, args.time_limit)
        print(json.dumps(row))
        return
    rows = []
    for size in args.sizes.split(","):
        command = [
            sys.executable,
            __file__,
            "--one",
            size,
            "--seed",
            str(args.seed),
            "--workers",
            str(args.workers),
        ]
        if args.time_limit:
            command += ["--time-limit", str(args.time_limit)]
        print(f"running {size} ...", file=sys.stderr, flush=True)
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
        _print(rows[-1:])
    print()
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
