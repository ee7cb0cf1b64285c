"""Synthetic data benchmark: generation, serialisation and validation per size preset.

    python benchmarks/generate.py --sizes S,M,L,XL --seed 1 --repeat 3 --json results.json

For each size, in a process of its own (so peak memory is its own): time ``generate``,
``Dataset.to_json`` and ``validate_dataset`` separately (best of ``--repeat`` runs), and
record the JSON size, the rows per table and the peak resident memory. The generator's
target is XL (2,250 VPs, 15,000 organisations) generated and serialised well under 30 s.
``--stress`` measures the stress variant (the same clients, far fewer VPs).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


def _best(repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def run_one(size: str, seed: int, repeat: int, *, stress: bool = False) -> dict[str, Any]:
    """Benchmark one size in this process."""
    from vppool.dataset import validate_dataset
    from vppool.synthetic import SIZES, generate

    generate_s, dataset = _best(repeat, lambda: generate(size, seed, today=TODAY, stress=stress))
    to_json_s, text = _best(repeat, dataset.to_json)
    validate_s, _ = _best(repeat, lambda: validate_dataset(dataset))
    counts = dataset.counts()
    return {
        "size": size,
        "stress": stress,
        "seed": seed,
        "repeat": repeat,
        "trust_persons": SIZES[size].pool(stress=stress),
        "organisations": SIZES[size].organisations,
        "rows": sum(counts.values()),
        "json_mb": len(text.encode()) / 1e6,
        "generate_s": generate_s,
        "to_json_s": to_json_s,
        "generate_and_json_s": generate_s + to_json_s,
        "validate_s": validate_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "counts": counts,
    }


def _print(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("size", "{}"),
        ("trust_persons", "{:,}"),
        ("organisations", "{:,}"),
        ("rows", "{:,}"),
        ("json_mb", "{:.1f}"),
        ("generate_s", "{:.2f}"),
        ("to_json_s", "{:.2f}"),
        ("generate_and_json_s", "{:.2f}"),
        ("validate_s", "{:.2f}"),
        ("peak_rss_mb", "{:,.0f}"),
    ]
    print(" | ".join(name for name, _ in columns))
    for row in rows:
        print(" | ".join(fmt.format(row[name]) for name, fmt in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="Best of this many runs.")
    parser.add_argument("--stress", action="store_true", help="The stress variant.")
    parser.add_argument("--json", type=Path, help="Write the results to this file.")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.repeat, stress=args.stress)))
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
            "--repeat",
            str(args.repeat),
            *(["--stress"] if args.stress else []),
        ]
        print(f"running {size} ...", file=sys.stderr, flush=True)
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
