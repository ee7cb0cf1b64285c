"""Server time of every main web page on synthetic datasets (the M and L presets by default).

    python benchmarks/pages.py --sizes M L --seed 1 --repeat 7 --json benchmarks/results/pages.json

For each size: prepares the demo database (dataset, migrations, a login per role), runs one
short matching run so the run's review page has a proposal, then requests each page
in-process through Litestar's test client: one warm-up request, then ``--repeat`` timed
requests. The time is from the request entering the application to the last byte of the
answer (no network, no browser), so it is the server's time; the CPU time of the process is
printed beside it, since a busy machine stretches wall time but not CPU time. Target: under
200 ms for each page (50 ms for the employees' page). ``--keep DIR`` keeps the prepared
databases in DIR and reuses them (brought up to the newest migration first).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 200.0
#: The employees' page, opened by anyone with its link, has a tighter target.
EMPLOYEE_TARGET_MS = 50.0


def _pages(ids: dict[str, Any]) -> dict[str, list[str]]:
    """The main pages and details of each role; every page of its navigation is among them."""
    from vppool.vocab import Role
    from vppool.web._common import _NAVIGATION

    pages = {
        "planner": [
            "/dashboard",
            "/dashboard/coverage",
            "/needs",
            "/needs?status=open",
            "/needs/new",
            f"/needs/{ids['need']}/quick-match",
            "/matching",
            f"/matching/runs/{ids['run']}",
            "/pool",
            f"/pool/{ids['vp']}",
            "/organisations",
            f"/organisations/{ids['organisation']}",
            "/intervision",
            "/insight",
            "/insight/education",
            "/inbox",
            "/audit",
        ],
        "client": ["/team", "/requests", "/feeds"],
        "trust_person": [
            "/me",
            "/me/availability",
            "/me/education",
            "/me/calendars",
            "/intervision",
            "/feeds",
        ],
        # The organisation's page for its employees: no login (target 50 ms).
        "employee": [f"/employees/{ids['employee_page']}"],
    }
    for role in (Role.PLANNER, Role.CLIENT, Role.TRUST_PERSON):
        shown = pages[role.value]
        shown += [item.href for item in _NAVIGATION[role] if item.href not in shown]
    return pages


def _measure(
    http: Any, size: str, role: str, paths: list[str], *, repeat: int, into: list[dict[str, Any]]
) -> None:
    """One warm-up request, then ``repeat`` timed ones of each page; print and keep the figures."""
    for path in paths:
        warm = http.get("/app" + path)
        if warm.status_code != 200:
            msg = f"{role} {path}: {warm.status_code} {warm.text[:300]}"
            raise RuntimeError(msg)
        times = []
        cpu = []
        for _ in range(repeat):
            tick, tock = time.perf_counter(), time.process_time()
            answer = http.get("/app" + path)
            times.append((time.perf_counter() - tick) * 1000)
            cpu.append((time.process_time() - tock) * 1000)
            assert answer.status_code == 200  # noqa: S101
        into.append(
            {
                "role": role,
                "page": path,
                "median_ms": round(statistics.median(times), 1),
                "median_cpu_ms": round(statistics.median(cpu), 1),
                "max_ms": round(max(times), 1),
                "bytes": len(warm.content),
            }
        )
        print(
            f"{size} {role:13} {path:40} median {statistics.median(times):6.1f} ms"
            f" (cpu {statistics.median(cpu):6.1f} ms)"
            f"  max {max(times):6.1f} ms  {len(warm.content) // 1024:4d} KiB",
            flush=True,
        )


def run(size: str, seed: int, repeat: int, keep: Path | None = None) -> dict[str, Any]:
    """Measure every page for ``size``."""
    from litestar.testing import TestClient
    from sqlmodel import Session, col, select

    from vppool.api import create_app
    from vppool.db import make_engine
    from vppool.db.migrate import upgrade
    from vppool.db.models import Need, User
    from vppool.services import employee_pages, matching
    from vppool.services.access import Viewer
    from vppool.services.demo import prepare_demo
    from vppool.settings import Settings
    from vppool.vocab import NeedKind, NeedStatus, Role

    password = "benchmark-password"  # noqa: S105  (a throw-away database)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) if keep is None else keep / f"{size}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "pages.sqlite3"
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{database}")
        started = time.perf_counter()
        saved = folder / "prepared.json"
        if saved.exists():
            prepared = json.loads(saved.read_text())
            engine = make_engine(settings.resolved_database_url)
            upgrade(engine)
        else:
            summary = prepare_demo(settings, database, size=size, seed=seed, password=password)
            engine = make_engine(settings.resolved_database_url)
            with Session(engine) as session:
                run_id = matching.start_run(
                    session, settings, overrides={"time_limit_s": 10.0, "workers": 2}
                ).id
                session.commit()
            matching.execute_run(engine, settings, run_id)
            prepared = {
                "run": run_id,
                "logins": {login.role: login.email for login in summary.logins},
            }
            saved.write_text(json.dumps(prepared))
        logins: dict[str, str] = prepared["logins"]
        run_id = prepared["run"]
        prepared_s = time.perf_counter() - started
        with Session(engine) as session:
            urgent = session.exec(
                select(Need)
                .where(Need.status == NeedStatus.OPEN, Need.kind != NeedKind.STANDING)
                .order_by(col(Need.id))
            ).first()
            client = session.exec(select(User).where(User.email == logins["client"])).one()
            if urgent is None or urgent.id is None or client.organisation_id is None:
                msg = "the dataset has no open short-term need or no client organisation"
                raise RuntimeError(msg)
            person = session.exec(select(User).where(User.email == logins["trust_person"])).one()
            assert person.trust_person_id is not None  # noqa: S101
            contact = Viewer(
                client.id or 0, Role.CLIENT, client.email, organisation_id=client.organisation_id
            )
            link = employee_pages.page_link(session, contact, client.organisation_id)
            if link.token is None:
                link = employee_pages.rotate_page_link(session, contact, client.organisation_id)
                session.commit()
            ids = {
                "need": urgent.id,
                "run": run_id,
                "vp": person.trust_person_id,
                "organisation": client.organisation_id,
                "employee_page": link.token,
            }
        results: list[dict[str, Any]] = []
        with TestClient(create_app(settings, engine=engine)) as http:
            for role, paths in _pages(ids).items():
                http.cookies.clear()
                if role == "employee":  # no login, no cookie
                    _measure(http, size, role, paths, repeat=repeat, into=results)
                    continue
                form = http.get("/app/login").text
                token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
                assert token is not None  # noqa: S101
                http.post(
                    "/app/login",
                    data={
                        "email": logins[role],
                        "password": password,
                        "_csrf_token": token.group(1),
                    },
                )
                _measure(http, size, role, paths, repeat=repeat, into=results)
        engine.dispose()
    return {
        "size": size,
        "seed": seed,
        "repeat": repeat,
        "prepared_s": round(prepared_s, 1),
        "target_ms": TARGET_MS,
        "pages": results,
        "employee_target_ms": EMPLOYEE_TARGET_MS,
        "over_target": [
            r["page"]
            for r in results
            if r["median_ms"] > (EMPLOYEE_TARGET_MS if r["role"] == "employee" else TARGET_MS)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["M", "L"], choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Write the figures to this JSON file.")
    parser.add_argument("--keep", type=Path, help="Keep (and reuse) the databases here.")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    load = os.getloadavg()[0]
    sizes = [run(size, args.seed, args.repeat, args.keep) for size in args.sizes]
    figures = {"load_average_at_start": load, "sizes": sizes}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    for size in sizes:
        if size["over_target"]:
            print(
                f"{size['size']} over the target:", ", ".join(size["over_target"]), file=sys.stderr
            )


if __name__ == "__main__":
    main()
