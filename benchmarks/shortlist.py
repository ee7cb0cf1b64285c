"""Building a client's shortlist on a preset, as a planner's request does (target < 100 ms).

    python benchmarks/shortlist.py --sizes M,L --needs 60 --json benchmarks/results/shortlist.json

Prepares the demo database of each size (kept with ``--keep DIR``), marks up to ``--needs``
open needs as "the client wants to choose" and times, for each, what the planner's "build"
does: the quick match's eligible VPs (every hard rule), their profiles and the exact
diversity model (``shortlists.build``, rolled back afterwards), and the model alone
(``matching.choose_shortlist``). Prints and saves the median and p95 of both, the load
before and after, and how many shortlists avoided twins; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 100.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run(size: str, seed: int, count: int, keep: Path | None) -> dict[str, Any]:
    """Time building shortlists on one size."""
    from sqlmodel import Session, col, select

    from vppool import matching as m
    from vppool.db import make_engine
    from vppool.db.migrate import upgrade
    from vppool.db.models import Need, User
    from vppool.errors import Conflict
    from vppool.services import shortlists
    from vppool.services.access import Viewer
    from vppool.services.demo import prepare_demo
    from vppool.settings import Settings
    from vppool.vocab import NeedStatus, Role

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) if keep is None else keep / f"shortlist-{size}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "shortlist.sqlite3"
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{database}")
        if not database.exists():
            print(f"{size}: preparing the database", flush=True)
            prepare_demo(settings, database, size=size, seed=seed, password="benchmark-pw")  # noqa: S106  (a throw-away database)
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        with Session(engine) as session:
            planner = session.exec(select(User).where(User.role == Role.PLANNER)).first()
            assert planner is not None  # noqa: S101  (the demo has a planner)
            viewer = Viewer(planner.id or 0, Role.PLANNER, planner.email)
            need_ids = session.exec(
                select(Need.id).where(Need.status == NeedStatus.OPEN).order_by(col(Need.id))
            ).all()[:count]
        builds, models, twins_avoided, refused = [], [], 0, 0
        for need_id in need_ids:
            with Session(engine) as session:
                need = session.get(Need, need_id)
                assert need is not None  # noqa: S101
                need.client_chooses = True
                session.add(need)
                session.flush()
                tick = time.perf_counter()
                try:
                    view = shortlists.build(session, settings, need_id=need_id or 0, viewer=viewer)
                except Conflict:
                    refused += 1  # every seat taken, or fewer than two eligible
                    session.rollback()
                    continue
                builds.append((time.perf_counter() - tick) * 1000)
                eligible = shortlists.eligible_costs(session, settings, need_id or 0)
                profiles = shortlists.profiles_of(session, list(eligible), settings.today().year)
                tick = time.perf_counter()
                choice = m.shortlist_of(eligible.items(), profiles)
                models.append((time.perf_counter() - tick) * 1000)
                twins_avoided += choice.twins == 0
                assert [c.trust_person_id for c in view.candidates] == list(  # noqa: S101
                    choice.trust_person_ids
                )
                session.rollback()  # the benchmark's database stays as it was
        engine.dispose()
    return {
        "size": size,
        "seed": seed,
        "needs_tried": len(need_ids),
        "shortlists": len(builds),
        "refused": refused,
        "without_twins": twins_avoided,
        "build_median_ms": statistics.median(builds) if builds else None,
        "build_p95_ms": _p95(builds) if builds else None,
        "model_median_ms": statistics.median(models) if models else None,
        "model_p95_ms": _p95(models) if models else None,
        "target_ms": TARGET_MS,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    """Parse the options, run each size, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--needs", type=int, default=60)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    rows = [
        run(size.strip(), options.seed, options.needs, options.keep)
        for size in options.sizes.split(",")
    ]
    for row in rows:
        print(json.dumps(row))
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
