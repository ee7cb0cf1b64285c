"""Time to propose times for an information session on the M and L presets.

    python benchmarks/info_sessions.py --sizes M L --json benchmarks/results/sessions.json

Prepares the demo database of each size (kept with ``--keep DIR``), files a request of three
weeks (from the Monday a week ahead, 60 minutes, in Dutch) at the main site of the client
with the most assignments, and times :func:`vppool.services.info_sessions.propose_times`
in-process as a web request runs it: one warm-up, then ``--repeat`` timed runs (median).
Once with the default search (the ``VPPOOL_INFO_SESSION_CANDIDATES`` nearest suitable VPs,
40) and once over every suitable VP of the pool, to show what the cap saves.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from reports import _median, busiest_client, demo_database, run_sizes

CANDIDATES_ALL = 100_000


def run(size: str, seed: int, repeat: int, keep: Path | None) -> dict[str, Any]:
    """Time the proposals on one size."""
    from sqlmodel import Session, col, select

    from vppool.db.models import Site
    from vppool.services import info_sessions

    with demo_database(size, seed, keep, "sessions") as (settings, engine):
        today = settings.today()
        monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
        figures: dict[str, Any] = {"size": size}
        with Session(engine) as session:
            organisation_id = busiest_client(session)
            site = session.exec(
                select(Site)
                .where(Site.organisation_id == organisation_id)
                .order_by(col(Site.is_main).desc(), col(Site.id))
            ).first()
            assert site is not None  # noqa: S101  (every demo client has a site)
            request = info_sessions.request_session(
                session,
                settings,
                data=info_sessions.InfoSessionRequest(
                    organisation_id=organisation_id,
                    site_id=site.id or 0,
                    kind="information",  # type: ignore[arg-type]
                    starts_on=monday,
                    ends_on=monday + timedelta(days=21),
                    duration_minutes=60,
                ),
            )
            for name, searched in (
                ("capped", settings),
                (
                    "whole_pool",
                    settings.model_copy(update={"info_session_candidates": CANDIDATES_ALL}),
                ),
            ):
                found = info_sessions.propose_times(
                    session, searched, info_session_id=request.id, limit=12
                )
                wall, cpu = _median(
                    lambda searched=searched: info_sessions.propose_times(
                        session, searched, info_session_id=request.id
                    ),
                    repeat,
                )
                figures[f"{name}_s"] = round(wall, 3)
                figures[f"{name}_cpu_s"] = round(cpu, 3)
                figures[f"{name}_proposals"] = len(found)
                print(
                    f"{size} {name:10} median {wall:6.3f} s (cpu {cpu:6.3f} s), "
                    f"{len(found)} proposals",
                    flush=True,
                )
            session.rollback()
    return figures


def main() -> None:
    """Run the sizes asked for and print (and save) the figures."""
    run_sizes(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
