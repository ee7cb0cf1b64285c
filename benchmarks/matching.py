"""Matching benchmark on the synthetic size presets: greedy, CP-SAT, the MIP and the portfolio.

    python benchmarks/matching.py --sizes S,M,L --seed 1 --workers 2 --json results.json

For each size: generate the dataset, load it into a fresh SQLite database, build the
instance with the product's own service, and solve it side by side in one run with each
engine — CP-SAT alone, the MIP alone (HiGHS through OR-Tools' MathOpt), and the portfolio
(the product's default: level 1 CP-SAT beside HiGHS, level 2 the neighbourhood search beside
HiGHS) — next to the greedy baseline (needs by urgency, each
seat to the nearest eligible VP with room), all scored by the same objective and checked by
the same independent validator. Quick match is timed for up to 200 short-term needs against
the portfolio's plan. Each size runs in its own process so its peak memory is its own; the
row reads the process's JSON from a file, never a library's standard output (HiGHS prints a
banner there). Beside the JSON, a quality-versus-time plot per size (``<json>-<size>.png``,
matplotlib): each engine's level-2 cost and proven bound over time, and greedy's cost. The
machine's load average (1 minute) before and after each size is in the row (``load_before``,
``load_after``): on a shared machine the wall times depend on it.

``--solver-seeds 2,3`` solves the same data again with the portfolio under other solver seeds
(the neighbourhood search's random choices, CP-SAT's seed): level 2's result varies by seed
(M, seed 1 data: gaps between 2 % and 7 %), so one run's gap is no measure of the matcher.
The row then holds every run (``portfolio_seeds``: the first is ``--seed``) and the spread
of their gaps (``gap_median``, ``gap_min``, ``gap_max``), each plan checked by the validator.

The top-level fields describe the portfolio (``size``, ``gap``, ``wall_s``, ``objective``,
``greedy_objective``, ``unfilled_seats``, ``greedy_unfilled_seats``, ``quick_match_p95_ms``,
``peak_rss_mb``); ``engines`` holds each engine's figures. ``gap`` is (objective - bound)
divided by the decided cost (the objective minus the cost no decision changes: kept
assignments, forced changes); ``gap_total`` divides by the whole objective instead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


ENGINES = ("cpsat", "mip", "portfolio")
#: An engine run's figures kept for each solver seed of ``--solver-seeds``.
_SEED_FIELDS = (
    "status",
    "objective",
    "best_bound",
    "gap",
    "fill_objective",
    "unfilled_seats",
    "wall_s",
    "cpu_s",
)


def _engine_run(m: Any, instance: Any, config: Any, engine: str) -> tuple[Any, dict[str, Any]]:
    """Solve with one engine; its figures and its trace of objective and bound over time."""
    trace: list[tuple[float, str, float | None, float | None]] = []

    def progress(event: Any) -> None:
        trace.append((event.elapsed_s, event.phase, event.objective, event.bound))

    cpu = time.process_time()
    result = m.solve(instance, replace(config, engine=engine, progress=progress))
    cpu = time.process_time() - cpu
    trace.append((result.wall_s, "final", result.objective, result.best_bound))
    return result, {
        "engine": engine,
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "gap_total": (result.objective - result.best_bound) / max(1.0, abs(result.objective)),
        "fill_objective": result.fill_objective,
        "fill_bound": result.fill_bound,
        "unfilled_seats": len(result.unfilled),
        "new_violations": len(result.violations),
        "first_feasible_s": result.first_feasible_s,
        "wall_s": result.wall_s,
        # CPU seconds of the whole process (every solver thread): on a shared machine the
        # wall time says how long it took, this how much work it had.
        "cpu_s": cpu,
        "levels": result.stats.get("engines"),
        "trace": trace,
    }


def run_one(
    size: str,
    seed: int,
    workers: int,
    time_limit: float | None,
    today: date = TODAY,
    *,
    stress: bool = False,
    solver_seeds: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Benchmark one size in this process (``solver_seeds``: the portfolio again with each)."""
    from vppool import matching as m
    from vppool.db import make_engine, session_scope, upgrade
    from vppool.services.dataset import import_dataset
    from vppool.services.matching import build_instance
    from vppool.settings import Settings
    from vppool.synthetic import generate

    load_before = os.getloadavg()[0]
    limits = {"S": 10.0, "M": 30.0, "L": 120.0, "XL": 300.0}
    limit = time_limit or limits.get(size, 60.0)
    settings = Settings()
    started = time.perf_counter()
    dataset = generate(size, seed, today=today, settings=settings, stress=stress)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        with session_scope(engine) as session:
            import_dataset(session, dataset)
        with session_scope(engine) as session:
            instance = build_instance(session, settings, today=today).instance
        engine.dispose()
    prepared_s = time.perf_counter() - started

    config = m.MatchingConfig(
        time_limit_s=limit,
        workers=workers,
        seed=seed,
        max_candidates_per_need=settings.matching_max_candidates,
    )
    engines: dict[str, dict[str, Any]] = {}
    results = {}
    for name in ENGINES:
        print(f"  {size}: {name} ...", file=sys.stderr, flush=True)
        results[name], engines[name] = _engine_run(m, instance, config, name)
    result = results["portfolio"]
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
    seeds = _seeds(
        m, instance, config, engines["portfolio"], len(violations), solver_seeds=solver_seeds
    )

    return {
        "size": size,
        "stress": stress,
        "seed": seed,
        "today": today.isoformat(),
        "workers": workers,
        "time_limit_s": limit,
        "trust_persons": len(instance.trust_persons),
        "needs": len(instance.needs),
        "seats": sum(n.seats for n in instance.needs),
        "open_seats": result.stats["open_seats"],
        "candidate_pairs": result.stats["candidate_pairs"],
        "pruned_pairs": result.stats["pruned_pairs"],
        "engine": "portfolio",
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "gap_basis": "decided cost (objective minus the cost no decision changes)",
        "gap_total": (result.objective - result.best_bound) / max(1.0, abs(result.objective)),
        "fill_objective": result.fill_objective,
        "fill_bound": result.fill_bound,
        "unfilled_seats": len(result.unfilled),
        "violations": len(violations),
        "new_violations": len(new),
        "first_feasible_s": result.first_feasible_s,
        "wall_s": result.wall_s,
        "cpu_s": engines["portfolio"]["cpu_s"],
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
        "engines": engines,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        **stability,
        **seeds,
    }


def _seeds(
    m: Any,
    instance: Any,
    config: Any,
    figures: dict[str, Any],
    violations: int,
    *,
    solver_seeds: tuple[int, ...],
) -> dict[str, Any]:
    """The portfolio's runs under other solver seeds (same data), and the spread of gaps.

    ``figures`` and ``violations`` are the first run's (``config.seed``), already measured.
    """
    if not solver_seeds:
        return {}

    def summary(seed: int, run_figures: dict[str, Any], found: int) -> dict[str, Any]:
        return {
            "solver_seed": seed,
            **{k: run_figures[k] for k in _SEED_FIELDS},
            "violations": found,
        }

    runs = [summary(config.seed, figures, violations)]
    for seed in solver_seeds:
        print(f"  portfolio, solver seed {seed} ...", file=sys.stderr, flush=True)
        run, run_figures = _engine_run(m, instance, replace(config, seed=seed), "portfolio")
        runs.append(summary(seed, run_figures, len(m.validate(instance, run.plan))))
    gaps = [run["gap"] for run in runs]
    return {
        "portfolio_seeds": runs,
        "gap_median": statistics.median(gaps),
        "gap_min": min(gaps),
        "gap_max": max(gaps),
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
        ("gap_median", "{:.2%}"),
        ("gap_max", "{:.2%}"),
        ("unfilled_seats", "{}"),
        ("greedy_objective", "{:,.0f}"),
        ("greedy_unfilled_seats", "{}"),
        ("first_feasible_s", "{:.2f}"),
        ("wall_s", "{:.1f}"),
        ("cpu_s", "{:.1f}"),
        ("quick_match_p95_ms", "{:.1f}"),
        ("cpsat_gap", "{:.2%}"),
        ("mip_gap", "{:.2%}"),
        ("peak_rss_mb", "{:,.0f}"),
        ("stability_changes_beyond_forced", "{}"),
        ("load_before", "{:.1f}"),
    ]
    print(" | ".join(name for name, _ in columns))
    for row in rows:
        cells = []
        for name, fmt in columns:
            value = row.get(name)
            cells.append("-" if value is None else fmt.format(value))
        print(" | ".join(cells))


_COLOURS = {"cpsat": "#1f77b4", "mip": "#d62728", "portfolio": "#2ca02c"}


def _plot(row: dict[str, Any], path: Path) -> None:
    """Quality versus time as PNG: each engine's level-2 cost and proven bound over seconds.

    Solid lines are the best plan's cost, dotted lines the proven bound (what no plan can
    beat); the grey dashed line is the greedy plan's cost; a dot marks where an engine ended.
    Costs compare only between plans that leave as many seats open (level 1 comes first): the
    legend gives each plan's open seats.
    """
    import matplotlib as mpl

    mpl.use("Agg")  # no display: write the file only
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.8), dpi=100)
    for name, figures in row["engines"].items():
        colour = _COLOURS.get(name, "black")
        points = [
            (t, obj, bound)
            for t, phase, obj, bound in figures["trace"]
            if phase.startswith("cost") or phase == "final"
        ]
        for index, style in ((1, "-"), (2, ":")):
            series = [(p[0], p[index]) for p in points if p[index] is not None]
            if series:
                axes.plot(*zip(*series, strict=True), style, color=colour, linewidth=2)
        axes.plot(figures["wall_s"], figures["objective"], "o", color=colour)
        axes.plot(
            [],
            [],
            color=colour,
            label=f"{name}: {figures['status'].lower()}, {figures['wall_s']:.1f} s, "
            f"gap {100 * figures['gap']:.2f} %, {figures['unfilled_seats']} seats open",
        )
    axes.axhline(
        row["greedy_objective"],
        color="grey",
        linestyle="--",
        label=f"greedy, {row['greedy_unfilled_seats']} seats open",
    )
    axes.set_xlabel("seconds")
    axes.set_ylabel("level-2 cost (points)")
    axes.set_title(
        f"{row['size']}{' stress' if row.get('stress') else ''}, seed {row['seed']}, "
        f"{row['today']}: cost (solid) and proven bound (dotted); load {row['load_before']:.1f}",
        fontsize=10,
    )
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """The row with each engine's gap beside the portfolio's, for the table."""
    engines = row.get("engines", {})
    return {
        **row,
        "cpsat_gap": engines.get("cpsat", {}).get("gap"),
        "mip_gap": engines.get("mip", {}).get("gap"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--today", default=TODAY.isoformat(), help="Planning date.")
    parser.add_argument("--time-limit", type=float, help="Override the per-size time limit.")
    parser.add_argument(
        "--stress", action="store_true", help="The presets' stress variant (demand above supply)."
    )
    parser.add_argument(
        "--solver-seeds",
        default="",
        help="Solve again with the portfolio under these solver seeds (e.g. 2,3): the spread.",
    )
    parser.add_argument("--json", type=Path, help="Write the results (and plots) here.")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    try:
        solver_seeds = tuple(int(s) for s in args.solver_seeds.split(",") if s.strip())
    except ValueError:
        parser.error(
            f"--solver-seeds takes whole numbers separated by commas, not {args.solver_seeds!r}"
        )
    if args.one:
        row = run_one(
            args.one,
            args.seed,
            args.workers,
            args.time_limit,
            today,
            stress=args.stress,
            solver_seeds=solver_seeds,
        )
        args.out.write_text(json.dumps(row), encoding="utf-8")
        # A MIP solver thread the portfolio stopped waiting for may still be inside HiGHS;
        # tearing the interpreter down under it can abort the process after the row is out.
        sys.stdout.flush()
        os._exit(0)
    rows = []
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "row.json"
            command = [
                sys.executable,
                __file__,
                "--one",
                size,
                "--seed",
                str(args.seed),
                "--workers",
                str(args.workers),
                "--today",
                args.today,
                "--out",
                str(out),
            ]
            if args.time_limit:
                command += ["--time-limit", str(args.time_limit)]
            if args.stress:
                command.append("--stress")
            if solver_seeds:
                command += ["--solver-seeds", ",".join(map(str, solver_seeds))]
            print(f"running {size} ...", file=sys.stderr, flush=True)
            # The child's standard output is left alone (solvers may print there).
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            rows.append(json.loads(out.read_text(encoding="utf-8")))
        _print([_flat(rows[-1])])
        if args.json:
            _plot(rows[-1], args.json.with_name(f"{args.json.stem}-{size}.png"))
    print()
    _print([_flat(row) for row in rows])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
