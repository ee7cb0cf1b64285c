"""Time the synthetic generator per size: generate, serialise, validate.

python benchmarks/generate.py --sizes S,M,L,XL --seed 1 --json generate.json
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from pathlib import Path

from vppool.dataset import validate_dataset
from vppool.synthetic import generate

TODAY = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    print("size | rows | generate_s | to_json_s | json_mb | validate_s")
    for size in args.sizes.split(","):
        started = time.perf_counter()
        dataset = generate(size, args.seed, today=TODAY)
        generated = time.perf_counter()
        text = dataset.to_json()
        serialised = time.perf_counter()
        validate_dataset(dataset)
        validated = time.perf_counter()
        row = {
            "size": size,
            "rows": sum(dataset.counts().values()),
            "generate_s": round(generated - started, 2),
            "to_json_s": round(serialised - generated, 2),
            "json_mb": round(len(text.encode()) / 1e6, 1),
            "validate_s": round(validated - serialised, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        rows.append(row)
        print(
            " | ".join(
                str(row[k])
                for k in ("size", "rows", "generate_s", "to_json_s", "json_mb", "validate_s")
            )
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
