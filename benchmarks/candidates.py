"""Building the matcher's candidates on the synthetic presets (issue 12: XL within 300 s).

    python benchmarks/candidates.py --sizes L,XL --seed 1 --json candidates.json
    python benchmarks/candidates.py --sizes XL --baseline OLD/_candidates.py

For each size: generate the dataset, load it into a fresh SQLite database and build the
instance with the product's own service (kept as a pickle with ``--keep DIR``, so a second
run skips that), then time ``build_candidates`` alone (the product's limit per need) and
print the seconds, the candidate pairs, the distance computations and a digest of the whole
result (candidates, costs, exclusion counts, pruned VPs). ``--baseline`` loads another
version of ``matching/_candidates.py`` (say, main's before a change) and times it on the
same instance in the same process: the digests must be equal. The machine's load average
(1 minute) before and after is in the row; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import pickle
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


def prepare(size: str, seed: int, keep: Path | None) -> Any:
    """The matching instance of a preset, built as the product builds it."""
    from vppool.db import make_engine, session_scope, upgrade
    from vppool.services.dataset import import_dataset
    from vppool.services.matching import build_instance
    from vppool.settings import Settings
    from vppool.synthetic import generate

    cached = None if keep is None else keep / f"candidates-{size}-{seed}.pickle"
    if cached is not None and cached.exists():
        return pickle.loads(cached.read_bytes())  # noqa: S301  (our own file)
    settings = Settings()
    dataset = generate(size, seed, today=TODAY, settings=settings)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        with session_scope(engine) as session:
            import_dataset(session, dataset)
        with session_scope(engine) as session:
            instance = build_instance(session, settings, today=TODAY).instance
        engine.dispose()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(instance))
    return instance


def digest(candidates: Any) -> str:
    """A fingerprint of everything ``build_candidates`` returns."""
    parts = (
        sorted(candidates.by_need.items()),
        sorted((key, sorted(costs.items())) for key, costs in candidates.cost.items()),
        sorted((key, sorted(counts.items())) for key, counts in candidates.excluded.items()),
        sorted(candidates.pruned.items()),
        sorted((key, sorted(c.items())) for key, c in candidates.capacity_detail.items()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def time_build(build: Any, instance: Any, limit: int) -> dict[str, Any]:
    """Seconds, pairs, distance computations and digest of one ``build_candidates``."""
    from vppool.matching._context import Context

    ctx = Context(instance)
    started = time.perf_counter()
    candidates = build(ctx, limit)
    seconds = time.perf_counter() - started
    return {
        "build_s": round(seconds, 2),
        "pairs": candidates.pair_count,
        "distances": len(ctx._distance),  # the distance cache: one entry per check
        "digest": digest(candidates),
    }


def _baseline(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("baseline_candidates", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.build_candidates


def main() -> None:
    """Command line entry point."""
    from vppool.matching._candidates import build_candidates
    from vppool.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="L,XL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    limit = Settings().matching_max_candidates
    rows = []
    for size in args.sizes.split(","):
        started = time.perf_counter()
        instance = prepare(size, args.seed, args.keep)
        row: dict[str, Any] = {
            "size": size,
            "needs": len(instance.needs),
            "trust_persons": len(instance.trust_persons),
            "prepared_s": round(time.perf_counter() - started, 1),
            "load_before": os.getloadavg()[0],
        }
        row["indexed"] = time_build(build_candidates, instance, limit)
        if args.baseline is not None:
            row["baseline"] = time_build(_baseline(args.baseline), instance, limit)
            row["same"] = row["baseline"]["digest"] == row["indexed"]["digest"]
        row["load_after"] = os.getloadavg()[0]
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
