"""Time to make the annual report of one client (data and PDF) on the M and L presets.

    python benchmarks/reports.py --sizes M L --repeat 5 --json benchmarks/results/reports.json

Prepares the demo database of each size (kept with ``--keep DIR``), takes the client with the
most served periods in the current year, and times the report's data, its PDF and its CSV
in-process: one warm-up, then ``--repeat`` timed runs (median). Target: under 2 s for the PDF
of an M client (data included). The provider-wide report is timed the same way.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from vppool.settings import Settings

TARGET_S = 2.0


def _median(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``action`` after one warm-up."""
    action()
    walls, cpus = [], []
    for _ in range(repeat):
        tick, tock = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - tick)
        cpus.append(time.process_time() - tock)
    return statistics.median(walls), statistics.median(cpus)


@contextmanager
def demo_database(
    size: str, seed: int, keep: Path | None, name: str
) -> Iterator[tuple[Settings, Engine]]:
    """The demo database of a size (prepared once; kept under ``keep`` if given), migrated."""
    from vppool.db import make_engine
    from vppool.db.migrate import upgrade
    from vppool.services.demo import prepare_demo
    from vppool.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) if keep is None else keep / f"{name}-{size}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / f"{name}.sqlite3"
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{database}")
        if not database.exists():
            print(f"{size}: preparing the database", flush=True)
            prepare_demo(settings, database, size=size, seed=seed, password="benchmark-pw")  # noqa: S106  (a throw-away database)
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        try:
            yield settings, engine
        finally:
            engine.dispose()


def busiest_client(session: Session) -> int:
    """The id of the client organisation with the most assignments."""
    import sqlalchemy as sa

    from vppool.db.models import Assignment, Need

    return int(
        session.execute(
            sa.select(Need.organisation_id)
            .join(Assignment, Assignment.need_id == Need.id)
            .group_by(Need.organisation_id)
            .order_by(sa.func.count().desc(), Need.organisation_id)
            .limit(1)
        ).scalar_one()
    )


def run(size: str, seed: int, repeat: int, keep: Path | None) -> dict[str, Any]:
    """Time the reports on one size."""
    from sqlmodel import Session

    from vppool.services import annual_report
    from vppool.web import documents

    with demo_database(size, seed, keep, "reports") as (settings, engine):
        year = settings.today().year
        with Session(engine) as session:
            organisation_id = busiest_client(session)

            def data() -> annual_report.AnnualReport:
                return annual_report.annual_report(
                    session, settings, organisation_id=organisation_id, year=year
                )

            report = data()
            figures: dict[str, Any] = {"size": size, "organisation_id": organisation_id}
            for name, action in (
                ("client_data", data),
                ("client_pdf", lambda: documents.annual_report_pdf(data())),
                ("client_csv", lambda: documents.annual_report_csv(data())),
                (
                    "provider_pdf",
                    lambda: documents.provider_report_pdf(
                        annual_report.provider_report(session, settings, year=year)
                    ),
                ),
            ):
                wall, cpu = _median(action, repeat)
                figures[f"{name}_s"] = round(wall, 3)
                figures[f"{name}_cpu_s"] = round(cpu, 3)
                print(f"{size} {name:13} median {wall:6.3f} s (cpu {cpu:6.3f} s)", flush=True)
            figures["periods"] = len(report.periods)
            figures["pdf_bytes"] = len(documents.annual_report_pdf(report))
            figures["target_s"] = TARGET_S
            figures["over_target"] = figures["client_pdf_s"] > TARGET_S
    return figures


#: A benchmark of one size: ``run(size, seed, repeat, keep)`` -> its figures.
SizeRun = Callable[[str, int, int, Path | None], dict[str, Any]]


def run_sizes(run: SizeRun, description: str) -> None:
    """Run ``run`` for the sizes the command line asks for; print (and save) the figures."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", nargs="+", default=["M", "L"], choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="Write the figures to this JSON file.")
    parser.add_argument("--keep", type=Path, help="Keep (and reuse) the databases here.")
    args = parser.parse_args()
    results = [run(size, args.seed, args.repeat, args.keep) for size in args.sizes]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


def main() -> None:
    """Run the sizes asked for and print (and save) the figures."""
    run_sizes(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
